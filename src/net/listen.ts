/**
 * The web listeners, one per `[web] bind to` entry. Each connection is sniffed by its first bytes:
 * a TLS ClientHello (0x16) is unwrapped when the entry allows TLS, then `STREAM ` goes to the
 * streaming receiver and anything else to the HTTP server (node:http, serving the Hono app). So a
 * Netdata child's `destination = PARENT:19999` reaches the same port as the dashboard.
 * @module
 */

import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import { getRequestListener } from "@hono/node-server";
import type { BindSpec } from "../config/types.ts";
import { getLogger, type Logger } from "../util/log.ts";
import { clientAllowed, compileSimplePattern } from "../util/patterns.ts";
import { readAcceptQueue } from "./accept_watch.ts";

/** The peer of a connection, as the API and the receiver see it. */
export interface PeerInfo {
  /** Client address ("" for a unix socket). */
  hostname: string;
  port: number;
  /** Whether the connection came over TLS. */
  secure: boolean;
}

/** Handles a streaming connection; `head` holds the bytes already read from `socket`. */
export type StreamHandler = (socket: net.Socket, head: Uint8Array, peer: PeerInfo) => void;

/** Handles an HTTP request. */
export type HttpHandler = (req: Request, peer: PeerInfo) => Response | Promise<Response>;

/** What {@link listen} needs. */
export interface ListenOptions {
  spec: BindSpec;
  http: HttpHandler;
  /** Absent: STREAM requests are answered like any unknown HTTP method. */
  stream?: StreamHandler;
  /** `[web] allow connections from`: a simple pattern; others are closed at once. */
  allowConnectionsFrom?: string;
  /** PEM key and certificate, required when `spec.ssl` is not "none". */
  tls?: { key: string; cert: string };
  /**
   * How long a connection may take to send its first complete request (HTTP head or STREAM
   * request), from accept; then it is closed (Netdata's `timeout for first request`: 60 s).
   */
  firstRequestTimeoutMs?: number;
  /** An HTTP connection idle this long is closed (Netdata's `disconnect idle clients after seconds`: 60 s). */
  idleTimeoutMs?: number;
  /** How often the accept queue is checked for a dead accept loop (default 2000 ms; 0 = never). */
  acceptWatchMs?: number;
  /** Where listener events go (default: category `["agent", "net"]`). */
  log?: Logger;
}

/** Netdata's `[web] timeout for first request` and `disconnect idle clients after seconds`. */
export const DEFAULT_WEB_TIMEOUT_MS = 60_000;

/** A partial `STREAM ` prefix that does not grow within this long is answered with 400. */
const PARTIAL_PREFIX_MS = 1000;

const HTTP_400 = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

/** A running listener. */
export interface Listener {
  /** Where it listens: `http://host:port`, `https://…` with forced TLS, or `unix:/path`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Where a connection's first-request timer is kept on its socket. */
const FIRST_DEADLINE = Symbol("firstRequestDeadline");
type Deadlined = net.Socket & { [FIRST_DEADLINE]?: ReturnType<typeof setTimeout> };

const STREAM_PREFIX = [0x53, 0x54, 0x52, 0x45, 0x41, 0x4d, 0x20]; // "STREAM "

/** Maps Netdata's `*` to a dual-stack wildcard. */
function hostFor(spec: BindSpec): string {
  return spec.host === "*" || spec.host === "" ? "::" : spec.host;
}

function peerOf(socket: net.Socket, secure: boolean): PeerInfo {
  let host = socket.remoteAddress ?? "";
  if (host.startsWith("::ffff:")) host = host.slice(7);
  return { hostname: host, port: socket.remotePort ?? 0, secure };
}

/**
 * Starts listening.
 * @throws {Error} with code EADDRINUSE and the like when the address cannot be bound.
 */
export async function listen(opts: ListenOptions): Promise<Listener> {
  const { spec } = opts;
  if (spec.ssl !== "none" && opts.tls === undefined) {
    throw new TypeError(`Listener ${spec.host}:${spec.port} wants TLS but has no key and certificate`);
  }
  const secureContext = opts.tls
    ? tls.createSecureContext({ key: opts.tls.key, cert: opts.tls.cert })
    : undefined;
  const httpServer = http.createServer();
  const sockets = new Set<net.Socket>();

  const firstMs = opts.firstRequestTimeoutMs ?? DEFAULT_WEB_TIMEOUT_MS;
  const idleMs = opts.idleTimeoutMs ?? DEFAULT_WEB_TIMEOUT_MS;
  const log = opts.log ?? getLogger(["agent", "net"]);
  // Slowloris: a request head must be complete in time, however slowly its bytes trickle in.
  httpServer.headersTimeout = firstMs;
  httpServer.requestTimeout = firstMs;
  httpServer.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const sock = req.socket as net.Socket & { [FIRST_DEADLINE]?: ReturnType<typeof setTimeout> };
    clearTimeout(sock[FIRST_DEADLINE]);
    // Deno's node:http (2.9) serves one request per connection it is handed with "connection" and
    // then closes it, while answering "Connection: keep-alive": a client that sends its next
    // request on it gets a reset. Saying "Connection: close" makes clients open a new one instead.
    res.shouldKeepAlive = false;
  });
  httpServer.on(
    "request",
    getRequestListener((req, env) => {
      const sock = (env.incoming as http.IncomingMessage).socket;
      return opts.http(req, peerOf(sock, sock instanceof tls.TLSSocket));
    }),
  );

  const route = (socket: net.Socket, secure: boolean) => {
    let head = new Uint8Array(0);
    let partial: ReturnType<typeof setTimeout> | undefined;
    const onData = (chunk: Uint8Array) => {
      clearTimeout(partial);
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      head = joined;
      if (!secure && head[0] === 0x16 && secureContext !== undefined && spec.ssl !== "none") {
        socket.off("data", onData);
        socket.pause();
        socket.unshift(head);
        const t = new tls.TLSSocket(socket, { isServer: true, secureContext });
        (t as Deadlined)[FIRST_DEADLINE] = (socket as Deadlined)[FIRST_DEADLINE];
        t.on("error", () => socket.destroy());
        route(t, true);
        return;
      }
      let isStream = true;
      for (let i = 0; i < STREAM_PREFIX.length && i < head.length; i++) {
        if (head[i] !== STREAM_PREFIX[i]) isStream = false;
      }
      if (isStream && head.length < STREAM_PREFIX.length) {
        // Need more bytes to decide; a prefix that stops growing is answered as Netdata does.
        partial = setTimeout(() => socket.end(HTTP_400), PARTIAL_PREFIX_MS);
        return;
      }
      socket.off("data", onData);
      if (!secure && spec.ssl === "force") {
        socket.end(
          isStream ? "" : "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nThis port requires TLS\r\n",
        );
        return;
      }
      if (isStream && opts.stream && spec.acl !== undefined && !spec.acl.includes("streaming")) {
        socket.end("You are not allowed to access this resource.");
        return;
      }
      if (isStream && opts.stream) {
        // The receiver keeps its own deadline for the rest of the request, then its idle timeout.
        clearTimeout((socket as Deadlined)[FIRST_DEADLINE]);
        socket.pause();
        opts.stream(socket, head, peerOf(socket, secure));
        return;
      }
      socket.pause();
      socket.unshift(head);
      socket.setTimeout(idleMs, () => socket.destroy());
      httpServer.emit("connection", socket);
      socket.resume();
    };
    socket.on("data", onData);
    socket.once("close", () => clearTimeout(partial));
  };

  const allowConnection = opts.allowConnectionsFrom === undefined
    ? undefined
    : compileSimplePattern(opts.allowConnectionsFrom);
  const onConnection = (socket: net.Socket) => {
    accepted++;
    // A refused client is closed without a reply.
    if (allowConnection !== undefined && !clientAllowed(allowConnection, peerOf(socket, false).hostname)) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    (socket as Deadlined)[FIRST_DEADLINE] = setTimeout(() => socket.destroy(), firstMs);
    socket.on("close", () => {
      clearTimeout((socket as Deadlined)[FIRST_DEADLINE]);
      sockets.delete(socket);
    });
    socket.on("error", () => socket.destroy());
    route(socket, false);
  };
  /** Connections taken so far: the watch compares it between two checks. */
  let accepted = 0;
  const open = (port: number) =>
    new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer(onConnection);
      server.once("error", reject);
      const ready = () => {
        server.off("error", reject);
        server.on("error", () => {});
        resolve(server);
      };
      if (spec.unixPath) {
        try {
          Deno.removeSync(spec.unixPath);
        } catch { /* not there */ }
        server.listen(spec.unixPath, ready);
      } else {
        server.listen(port, hostFor(spec), ready);
      }
    });
  let server = await open(spec.port);
  const port = spec.unixPath ? 0 : (server.address() as net.AddressInfo).port;
  const ipv6 = !spec.unixPath && (server.address() as net.AddressInfo).family === "IPv6";

  // Deno's accept loop dies on EMFILE without a word: reopen the listener when connections wait
  // in its queue and none is taken (logged once when it happens and once when it is back).
  const watchMs = opts.acceptWatchMs ?? 2000;
  let lastAccepted = 0;
  let waitingChecks = 0;
  let reopening = false;
  let closed = false;
  const reopen = async () => {
    reopening = true;
    log.warn("Listener on port {port} stopped accepting connections (out of descriptors?): reopening it", {
      port,
    });
    await new Promise<void>((r) => server.close(() => r()));
    for (let delayMs = 100; !closed; delayMs = Math.min(delayMs * 2, 5000)) {
      try {
        server = await open(port);
        log.warn("Listener on port {port} accepts connections again", { port });
        break;
      } catch (e) {
        if (delayMs === 100) {
          log.warn("Cannot reopen listener on port {port}: {error}", { port, error: String(e) });
        }
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
    reopening = false;
  };
  const watch = watchMs > 0 && port > 0
    ? setInterval(() => {
      if (reopening) return;
      if (accepted !== lastAccepted) {
        // Connections were taken: the loop lives, no need to read /proc.
        lastAccepted = accepted;
        waitingChecks = 0;
        return;
      }
      const queued = readAcceptQueue(port, { ipv6 });
      waitingChecks = queued !== undefined && queued > 0 ? waitingChecks + 1 : 0;
      if (waitingChecks >= 2) {
        waitingChecks = 0;
        reopen();
      }
    }, watchMs)
    : undefined;
  if (watch !== undefined) Deno.unrefTimer(watch as unknown as number);

  let url: string;
  if (spec.unixPath) url = `unix:${spec.unixPath}`;
  else {
    const addr = server.address() as net.AddressInfo;
    const host = addr.address.includes(":") ? `[${addr.address}]` : addr.address;
    url = `${spec.ssl === "force" ? "https" : "http"}://${host}:${addr.port}`;
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        clearInterval(watch);
        for (const s of sockets) s.destroy();
        httpServer.close();
        server.close(() => resolve());
      }),
  };
}
