/**
 * One connection attempt of the stream sender: connecting to a destination (plain, unix or TLS),
 * the handshake request and the parsing of its reply, the named reason an attempt or stream ends
 * with, and the logging of failed attempts at growing intervals. Kept apart from sender.ts, which
 * keeps the queue, the pump and what is streamed; the two meet through {@link SessionLink}.
 * @module
 */

import net from "node:net";
import type tlsModule from "node:tls";
import type { Destination, StreamSenderConfig } from "../config/types.ts";
import { type Logger, MSGID_PARENT_CONNECTION } from "../util/log.ts";
import { formatDuration, Repeated } from "../util/repeated.ts";
import { buildStreamRequest, CAP_REPLICATION, capabilityNames, parseHandshakeReply } from "./protocol.ts";
import { type Reason, reason, type ReasonCode, refusalCode } from "./reasons.ts";
import { shortKey } from "./receiver_types.ts";
import type { SenderOptions, SenderStatus } from "./sender_types.ts";

/** A destination and when it may be tried again. */
export interface Target extends Destination {
  /** Epoch ms before which this destination is skipped (after a refusal). */
  postponedUntilMs: number;
}

/** How an attempt ended: "session" when a stream was established (and has now ended), else why not. */
export type AttemptResult = "session" | "refused" | "failed";

/** What an attempt needs from its sender; the hooks are called synchronously, in the order listed. */
export interface SessionLink {
  readonly opts: SenderOptions;
  /** Mutated in place: connections, destination, capabilities, lastError, ... */
  readonly status: SenderStatus;
  readonly log: Logger;
  readonly nowMs: () => number;
  /** `node:tls`, once loaded (when a destination uses TLS). */
  tls(): typeof tlsModule | undefined;
  /** The capability bits offered. */
  readonly offered: number;
  readonly unreachable: UnreachableLog;
  /** The sender was stopped. */
  stopped(): boolean;
  /** The attempt's socket exists (not yet connected). */
  attached(socket: net.Socket): void;
  /** The attempt or its stream ended: the sender forgets socket and codec; true when it was streaming. */
  detached(): boolean;
  /** Data rounds waiting in the queue (lost on reconnecting without replication). */
  queuedRounds(): number;
  /** The parent granted `caps`; the sender records them (before the connect log line). */
  granted(caps: number): void;
  /** The parent accepted: start streaming on `socket`. */
  accepted(socket: net.Socket, dest: Target): void;
}

/** Why an attempt ended, by the phase it was in. */
const TIMEOUTS = {
  connect: "CONNECT_TIMEOUT",
  handshake: "HANDSHAKE_TIMEOUT",
  stream: "STREAM_TIMEOUT",
} as const;
const CLOSED = {
  connect: "CLOSED_DURING_CONNECT",
  handshake: "CLOSED_DURING_HANDSHAKE",
  stream: "PARENT_CLOSED",
} as const;

const MARKERS = 0x38; // V1 | V2 | VN

function sanitize(v: string): string {
  return v.replaceAll("&", "_").replaceAll("=", "_");
}

/** Failed attempts since the last session, logged when failures start, then at growing intervals. */
export class UnreachableLog {
  readonly #log: Logger;
  readonly #nowMs: () => number;
  readonly #repeated = new Repeated();

  constructor(log: Logger, nowMs: () => number) {
    this.#log = log;
    this.#nowMs = nowMs;
  }

  /** A failed attempt (util/repeated.ts decides whether it is logged). */
  cannot(f: Record<string, unknown>): void {
    const o = this.#repeated.occur(this.#nowMs());
    if (!o.log) return;
    if (o.count === 1) {
      this.#log.warn("Cannot stream {host} to {destination}: {reason}", f);
    } else {
      this.#log.warn(
        "Still cannot stream {host} after {duration} ({attempts} attempts), last to {destination}: {reason}",
        {
          ...f,
          duration: formatDuration(o.forMs),
          attempts: o.count,
        },
      );
    }
  }

  /** A stream was established: ends the failures, if any, with a line saying what they cost. */
  connected(f: Record<string, unknown>, rounds: () => number, caps: number): void {
    const was = this.#repeated.end(this.#nowMs());
    if (was) {
      const n = rounds();
      const lost = n === 0 || (caps & CAP_REPLICATION) !== 0
        ? "nothing lost"
        : `${n} rounds collected meanwhile are lost (no replication on this link)`;
      this.#log.info(
        "Streaming {host} again after {duration} without a parent ({attempts} failed attempts): {lost}",
        { ...f, duration: formatDuration(was.forMs), attempts: was.count, lost },
      );
    }
  }
}

/** Opens the socket to `dest`: unix, TCP, or TLS (`tls` loaded) with the configured CAs. */
export function connectTarget(
  dest: Target,
  cfg: StreamSenderConfig,
  tls: typeof tlsModule | undefined,
): net.Socket {
  if (dest.unixPath) return net.connect({ path: dest.unixPath });
  if (!dest.ssl) return net.connect({ host: dest.host, port: dest.port });
  const ca: string[] = [];
  if (cfg.caFile) ca.push(Deno.readTextFileSync(cfg.caFile));
  if (cfg.caPath) {
    for (const e of Deno.readDirSync(cfg.caPath)) {
      if (e.isFile && /\.(pem|crt)$/.test(e.name)) {
        ca.push(Deno.readTextFileSync(`${cfg.caPath}/${e.name}`));
      }
    }
  }
  return tls!.connect({
    host: dest.host,
    port: dest.port,
    servername: net.isIP(dest.host) ? undefined : dest.host,
    rejectUnauthorized: !cfg.sslSkipCertificateVerification,
    ca: ca.length > 0 ? [...tls!.rootCertificates, ...ca] : undefined,
  });
}

/** One attempt on `dest`: connect, handshake, then the stream until it ends; resolves with how it ended. */
export function attempt(link: SessionLink, dest: Target): Promise<AttemptResult> {
  const o = link.opts;
  const host = o.host;
  const status = link.status;
  const timeoutMs = o.config.timeoutSec * 1000;
  const destText = dest.text;
  const fields = (text: string, code?: ReasonCode) => ({
    msg_id: MSGID_PARENT_CONNECTION,
    host: host.hostname,
    machine_guid: host.machineGuid,
    destination: destText,
    key: shortKey(o.apiKey),
    reason: text,
    ...(code ? { reason_code: code } : {}),
  });
  return new Promise((resolve) => {
    let settled = false;
    let phase: "connect" | "handshake" | "stream" = "connect";
    let socket: net.Socket;
    try {
      socket = connectTarget(dest, o.config, link.tls());
    } catch (e) {
      const why = reason("CANNOT_CONNECT", (e as Error).message);
      status.lastError = why.text;
      status.lastErrorCode = why.code;
      link.unreachable.cannot(fields(why.text, why.code));
      resolve("failed");
      return;
    }
    link.attached(socket);
    socket.setTimeout(timeoutMs);
    const finish = (r: AttemptResult, why: Reason, postponeSec = 0) => {
      if (settled) return;
      settled = true;
      // stop() closed it: this side, not the parent.
      if (link.stopped()) why = reason("SHUTDOWN");
      let text = why.text;
      if (postponeSec > 0) {
        dest.postponedUntilMs = link.nowMs() + postponeSec * 1000;
        text += `; postponed ${postponeSec} s`;
      }
      const wasConnected = link.detached();
      status.lastError = text;
      status.lastErrorCode = why.code;
      if (wasConnected) {
        status.sinceSec = Math.floor(link.nowMs() / 1000);
        link.log.warn("Stream of {host} to {destination} disconnected: {reason}", fields(text, why.code));
      } else if (!link.stopped()) {
        link.unreachable.cannot(fields(text, why.code));
      }
      socket.destroy();
      resolve(r);
    };
    socket.on(
      "timeout",
      () =>
        finish(
          phase === "stream" ? "session" : "failed",
          reason(TIMEOUTS[phase], o.config.timeoutSec),
          // Like Netdata: a parent that does not answer the request is postponed 30 s.
          phase === "handshake" ? 30 : 0,
        ),
    );
    socket.on("error", (e: Error & { code?: string }) => {
      const what = phase === "connect" ? "CONNECTION_FAILED" : "SOCKET_ERROR";
      // Like Netdata: a TLS handshake or certificate failure postpones the destination 300 s.
      const tlsFailure = dest.ssl && phase === "connect" &&
        /CERT|SSL|TLS|SELF_SIGNED|VERIFY|certificate/i.test(`${e.code ?? ""} ${e.message}`);
      finish(
        phase === "stream" ? "session" : "failed",
        reason(what, e.code ?? e.message),
        tlsFailure ? 300 : 0,
      );
    });
    socket.on(
      "close",
      () =>
        finish(
          phase === "stream" ? "session" : "failed",
          reason(CLOSED[phase]),
        ),
    );
    const onReady = () => {
      phase = "handshake";
      socket.write(streamRequest(o, link.offered));
      socket.once("data", (chunk: Uint8Array) => {
        const reply = parseHandshakeReply(new TextDecoder().decode(chunk));
        if (!reply.ok) {
          dest.postponedUntilMs = link.nowMs() + reply.postponeSec * 1000;
          const why = reason(refusalCode(reply.reason), JSON.stringify(reply.text.slice(0, 80)));
          finish("refused", { code: why.code, text: `${why.text}; postponed ${reply.postponeSec} s` });
          return;
        }
        phase = "stream";
        const caps = reply.caps & (link.offered | MARKERS);
        link.granted(caps);
        status.connections++;
        status.destination = destText;
        status.sinceSec = Math.floor(link.nowMs() / 1000);
        status.capabilities = capabilityNames(caps);
        link.log.info("Streaming {host} to {destination}: connected with capabilities {caps}", {
          ...fields("connected"),
          caps: status.capabilities,
          hops: o.hops,
        });
        link.unreachable.connected(fields("reconnected"), () => link.queuedRounds(), caps);
        link.accepted(socket, dest);
      });
    };
    socket.once(dest.ssl ? "secureConnect" : "connect", onReady);
  });
}

/** The handshake request: the host's identity, hops, offered capabilities and system info. */
function streamRequest(o: SenderOptions, offered: number): string {
  const host = o.host;
  const params: [string, string][] = [
    ["key", o.apiKey],
    ["hostname", host.hostname],
    ["registry_hostname", host.hostname],
    ["machine_guid", host.machineGuid],
    ["update_every", String(host.updateEvery)],
    ["os", host.os],
    ["timezone", host.timezone],
    ["abbrev_timezone", host.abbrevTimezone],
    ["utc_offset", String(host.utcOffset)],
    ["hops", String(o.hops)],
    ["ml_capable", "0"],
    ["ml_enabled", "0"],
    ["mc_version", "1"],
    ["ver", String(offered)],
  ];
  for (const [k, v] of host.systemInfo) params.push([k, v]);
  params.push(["NETDATA_PROTOCOL_VERSION", "1.1"]);
  return buildStreamRequest(params.map(([k, v]) => [k, sanitize(v)]), o.program, o.version);
}

/**
 * Logs what becomes of the `offline` rounds collected while disconnected, once a stream with `caps`
 * starts: replicated, or (without REPLICATION) discarded and counted in the status.
 */
export function reportOfflineRounds(link: SessionLink, offline: number, caps: number): void {
  const host = link.opts.host;
  if (offline > 0 && (caps & CAP_REPLICATION) !== 0) {
    link.log.info("{n} rounds of {host} collected while disconnected go to the parent by replication", {
      msg_id: MSGID_PARENT_CONNECTION,
      host: host.hostname,
      n: offline,
    });
  } else if (offline > 0) {
    link.status.discardedOfflineRounds += offline;
    link.log.info(
      "Discarding {n} rounds of {host} collected while disconnected (no replication on this link)",
      {
        msg_id: MSGID_PARENT_CONNECTION,
        host: host.hostname,
        n: offline,
      },
    );
  }
}
