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
import { clientAllowed, compileSimplePattern } from "../util/patterns.ts";

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
}

/** A running listener. */
export interface Listener {
  /** Where it listens: `http://host:port`, `https://…` with forced TLS, or `unix:/path`. */
  readonly url: string;
  close(): Promise<void>;
}

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
  const httpServer = http.createServer(
    getRequestListener((req, env) => {
      const sock = (env.incoming as http.IncomingMessage).socket;
      return opts.http(req, peerOf(sock, sock instanceof tls.TLSSocket));
    }),
  );
  const sockets = new Set<net.Socket>();

  const route = (socket: net.Socket, secure: boolean) => {
    let head = new Uint8Array(0);
    const onData = (chunk: Uint8Array) => {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      head = joined;
      if (!secure && head[0] === 0x16 && secureContext !== undefined && spec.ssl !== "none") {
        socket.off("data", onData);
        socket.pause();
        socket.unshift(head);
        const t = new tls.TLSSocket(socket, { isServer: true, secureContext });
        t.on("error", () => socket.destroy());
        route(t, true);
        return;
      }
      let isStream = true;
      for (let i = 0; i < STREAM_PREFIX.length && i < head.length; i++) {
        if (head[i] !== STREAM_PREFIX[i]) isStream = false;
      }
      if (isStream && head.length < STREAM_PREFIX.length) return; // need more bytes to decide
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
        socket.pause();
        opts.stream(socket, head, peerOf(socket, secure));
        return;
      }
      socket.pause();
      socket.unshift(head);
      httpServer.emit("connection", socket);
      socket.resume();
    };
    socket.on("data", onData);
  };

  const allowConnection = opts.allowConnectionsFrom === undefined
    ? undefined
    : compileSimplePattern(opts.allowConnectionsFrom);
  const server = net.createServer((socket) => {
    // A refused client is closed without a reply.
    if (allowConnection !== undefined && !clientAllowed(allowConnection, peerOf(socket, false).hostname)) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    route(socket, false);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if (spec.unixPath) {
      try {
        Deno.removeSync(spec.unixPath);
      } catch { /* not there */ }
      server.listen(spec.unixPath, () => resolve());
    } else {
      server.listen(spec.port, hostFor(spec), () => resolve());
    }
  });
  server.on("error", () => {});

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
        for (const s of sockets) s.destroy();
        httpServer.close();
        server.close(() => resolve());
      }),
  };
}
