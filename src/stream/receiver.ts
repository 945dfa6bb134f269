/**
 * The receiving side of streaming: a STREAM request handed over by the listener is checked like
 * a v1.37.1 parent does and answered with the exact reply (PROTOCOL.md §2.2), and its lines are applied to
 * the child's own Host. One bad connection is closed and logged; every other child goes on.
 *
 * This file checks and answers requests and decides which session holds a GUID (takeover, clones);
 * a session's stream (decompression, lines, replication requests) is in receiver_stream.ts, and the
 * deps and session types are in receiver_types.ts.
 * @module
 */

import type net from "node:net";
import { isUuid } from "../config/schema.ts";
import type { AgentConfig } from "../config/types.ts";
import { Host } from "../host/mod.ts";
import type { PeerInfo } from "../net/listen.ts";
import { getLogger, type Logger, MSGID_CHILD_CONNECTION } from "../util/log.ts";
import { clientAllowed, compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import { policyRefusal, type ReceiverPolicy, receiverPolicy } from "./policy.ts";
import {
  CAP_CLABELS,
  CAP_CLAIM,
  CAP_COMPACT,
  CAP_COMPRESSION,
  CAP_DEFLATE,
  CAP_HLABELS,
  CAP_REPLICATION,
  capabilityNames,
  MAX_REQUEST_BYTES,
  negotiate,
  parseStreamRequest,
  parseVersionParam,
  promptFor,
  REPLY_ALREADY_STREAMING,
  REPLY_BUSY,
  REPLY_INTERNAL_ERROR,
  REPLY_NOT_ALLOWED,
  REPLY_NOT_PERMITTED,
  REPLY_SAME_LOCALHOST,
  type StreamRequest,
} from "./protocol.ts";
import { type Collision, Collisions, hostnameProblem, isClone, takeoverAfterSec } from "./identity.ts";
import { type Reason, reason, type ReasonCode } from "./reasons.ts";
import { IdleSweep } from "./receiver_idle.ts";
import { HandshakeQueue } from "./receiver_queue.ts";
import { streamChild, type StreamContext } from "./receiver_stream.ts";
import {
  keepSession,
  type LiveSession,
  type ReceiverDeps,
  type ReceiverSession,
  shortKey,
} from "./receiver_types.ts";

export { type ReceiverDeps, type ReceiverSession, shortKey } from "./receiver_types.ts";

const HTTP_400 =
  "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n" +
  "Content-Length: 27\r\n\r\nI don't understand you...\r\n";

function allowed(pattern: SimplePattern, peer: PeerInfo): boolean {
  return clientAllowed(pattern, peer.hostname);
}

/** Accepts children's streams into their own hosts. */
export class Receiver {
  readonly #deps: ReceiverDeps;
  readonly #live = new Map<string, LiveSession>();
  /** The configuration in force: `reload()` replaces it. */
  #config: AgentConfig;
  readonly #collisions = new Collisions();
  readonly #all: ReceiverSession[] = [];
  readonly #log: Logger;
  readonly #nowMs: () => number;
  /** When the last STREAM request was let through the rate limit (ms). */
  #lastAcceptedMs = 0;
  /** `[web] allow streaming from`, compiled once. */
  readonly #allowStreaming: SimplePattern;
  /** GUIDs whose compressed stream failed to decode: not granted COMPRESSION again until a restart. */
  readonly #noCompression = new Set<string>();
  /** What each child's stream (receiver_stream.ts) sees of this receiver. */
  readonly #streamContext: StreamContext;
  /** Complete STREAM requests waiting for their handshake (a store may have to open). */
  readonly #queue = new HandshakeQueue();
  /** Drops the sessions silent for `idleTimeoutSec` (one timer for all). */
  readonly #idle: IdleSweep;

  constructor(deps: ReceiverDeps) {
    this.#deps = deps;
    this.#config = deps.config;
    this.#log = deps.log ?? getLogger(["agent", "stream", "receiver"]);
    this.#nowMs = deps.nowMs ?? Date.now;
    this.#allowStreaming = compileSimplePattern(deps.config.web.allowStreamingFrom);
    this.#streamContext = {
      deps,
      log: this.#log,
      nowMs: this.#nowMs,
      live: this.#live,
      noCompression: this.#noCompression,
    };
    this.#idle = new IdleSweep(this.#live, (deps.idleTimeoutSec ?? 600) * 1000, this.#nowMs);
  }

  /** Live sessions and the newest ended one of each host (live ones have no `endReason`), newest last. */
  sessions(): readonly ReceiverSession[] {
    return this.#all;
  }

  /**
   * Applies a reloaded stream.conf: new keys work for the next request; each connected child is
   * checked again as at its handshake, and one whose key or machine GUID is no longer allowed is
   * disconnected with that reason. Returns how many were disconnected.
   */
  reload(config: AgentConfig): number {
    this.#config = config;
    let cut = 0;
    for (const [guid, live] of [...this.#live]) {
      const code = this.#refusal(receiverPolicy(config, live.key, guid), live.peer);
      if (!code) continue;
      cut++;
      const why = reason(code, "stream.conf was reloaded");
      this.#log.warn("Disconnecting child {host} from {peer} with key {key}: {reason}", {
        msg_id: MSGID_CHILD_CONNECTION,
        host: live.session.host.hostname,
        peer: live.session.peer,
        key: live.session.apiKeyShort,
        machine_guid: guid,
        reason: why.text,
        reason_code: why.code,
      });
      live.end(why);
      live.socket.destroy();
    }
    return cut;
  }

  /** Why the policy refuses this peer (policy.ts); undefined when it is let in. */
  #refusal(policy: ReceiverPolicy, peer: PeerInfo): ReasonCode | undefined {
    return policyRefusal(policy, (pattern) => allowed(pattern, peer));
  }

  /** GUIDs claimed by two live peers (cloned machines), oldest first, at most 100. */
  collisions(): Collision[] {
    return this.#collisions.list();
  }

  /** Closes every live connection, and those still waiting for their handshake. */
  close(): void {
    this.#queue.close();
    this.#idle.stop();
    for (const live of [...this.#live.values()]) {
      live.end(reason("SHUTDOWN"));
      live.socket.destroy();
    }
  }

  /** The listener's StreamHandler: `head` holds the bytes already read. */
  handle(socket: net.Socket, head: Uint8Array, peer: PeerInfo): void {
    let buf = head;
    const timeoutSec = this.#deps.requestTimeoutSec ?? 30;
    const timer = setTimeout(() => {
      this.#event("refused", peer, undefined, "", reason("REQUEST_TIMEOUT", timeoutSec));
      socket.destroy();
    }, timeoutSec * 1000);
    const tryHead = (): boolean => {
      const end = indexOfHeadEnd(buf);
      if (end < 0) {
        if (buf.length > MAX_REQUEST_BYTES) {
          clearTimeout(timer);
          this.#event("refused", peer, undefined, "", reason("REQUEST_TOO_LONG"));
          socket.destroy();
          return true;
        }
        return false;
      }
      clearTimeout(timer);
      socket.off("data", onData);
      socket.pause();
      if (end < buf.length) {
        // The child must wait for the reply; Netdata answers a pipelined request with HTTP 400.
        this.#event("refused", peer, undefined, "", reason("DATA_BEFORE_REPLY"));
        socket.end(HTTP_400);
        return true;
      }
      const text = new TextDecoder().decode(buf);
      this.#queue.push({
        socket,
        run: () => {
          try {
            this.#handshake(socket, text, peer);
          } catch (e) {
            // A bug must cost this connection only, never the agent.
            this.#event(
              "refused",
              peer,
              undefined,
              REPLY_INTERNAL_ERROR,
              reason("INTERNAL_ERROR", String(e)),
            );
            socket.destroy();
          }
        },
        gone: () => this.#event("refused", peer, undefined, "", reason("CHILD_CLOSED")),
      });
      return true;
    };
    const onData = (chunk: Uint8Array) => {
      const joined = new Uint8Array(buf.length + chunk.length);
      joined.set(buf);
      joined.set(chunk, buf.length);
      buf = joined;
      tryHead();
    };
    socket.on("close", () => clearTimeout(timer));
    if (!tryHead()) {
      socket.on("data", onData);
      socket.resume();
    }
  }

  #refuse(
    socket: net.Socket,
    reply: string,
    peer: PeerInfo,
    req: StreamRequest | undefined,
    code: ReasonCode,
    detail?: string | number,
  ): void {
    this.#event("refused", peer, req, reply, reason(code, detail));
    socket.end(reply);
  }

  #handshake(socket: net.Socket, head: string, peer: PeerInfo): void {
    const { hosts } = this.#deps;
    const config = this.#config;
    let req: StreamRequest;
    try {
      req = parseStreamRequest(head);
    } catch (e) {
      this.#event("refused", peer, undefined, "", reason("BAD_REQUEST", (e as Error).message));
      socket.end(HTTP_400);
      return;
    }
    if (!allowed(this.#allowStreaming, peer)) {
      return this.#refuse(socket, REPLY_NOT_ALLOWED, peer, req, "STREAMING_NOT_ALLOWED");
    }
    const p = req.params;
    const key = p.get("key") ?? "";
    const hostname = p.get("hostname") ?? "";
    const guid = (p.get("machine_guid") ?? "").toLowerCase();
    if (!key) return this.#refuse(socket, REPLY_NOT_PERMITTED, peer, req, "NO_API_KEY");
    if (!hostname) return this.#refuse(socket, REPLY_NOT_PERMITTED, peer, req, "NO_HOSTNAME");
    const badName = hostnameProblem(hostname);
    if (badName !== undefined) {
      return this.#refuse(socket, REPLY_NOT_PERMITTED, peer, req, "BAD_HOSTNAME", badName);
    }
    if (!guid) return this.#refuse(socket, REPLY_NOT_PERMITTED, peer, req, "NO_MACHINE_GUID");
    if (!isUuid(key)) {
      return this.#refuse(socket, REPLY_NOT_PERMITTED, peer, req, "API_KEY_NOT_UUID");
    }
    if (!isUuid(guid)) {
      return this.#refuse(socket, REPLY_NOT_PERMITTED, peer, req, "MACHINE_GUID_NOT_UUID");
    }
    const policy = receiverPolicy(config, key, guid);
    const refused = this.#refusal(policy, peer);
    if (refused) return this.#refuse(socket, REPLY_NOT_PERMITTED, peer, req, refused);
    if (guid === hosts.localhost.machineGuid) {
      return this.#refuse(socket, REPLY_SAME_LOCALHOST, peer, req, "SAME_LOCALHOST");
    }
    const holder = this.#live.get(guid);
    if (holder !== undefined && !this.#takeOver(holder, peer, hostname)) {
      return this.#refuse(socket, REPLY_ALREADY_STREAMING, peer, req, "ALREADY_CONNECTED");
    }
    const every = config.web.acceptStreamingEverySec * 1000;
    if (every > 0) {
      const now = this.#nowMs();
      if (now - this.#lastAcceptedMs < every) {
        return this.#refuse(socket, REPLY_BUSY, peer, req, "RATE_LIMITED", every / 1000);
      }
      this.#lastAcceptedMs = now;
    }

    let host: Host;
    try {
      host = this.#hostFor(req, guid, hostname, policy);
    } catch (e) {
      // Out of descriptors (a dbengine tier's readdir) or a damaged directory: this child
      // waits and retries; the others go on.
      return this.#refuse(socket, REPLY_INTERNAL_ERROR, peer, req, "STORE_UNAVAILABLE", String(e));
    }
    const ours = CAP_HLABELS | CAP_CLAIM | CAP_CLABELS | (policy.enableReplication ? CAP_REPLICATION : 0) |
      (policy.enableCompression && !this.#noCompression.has(guid) ? CAP_COMPRESSION | CAP_DEFLATE : 0) |
      (policy.enableCompactRounds ? CAP_COMPACT : 0);
    let caps = negotiate(
      parseVersionParam(p.get("ver") ?? (p.has("NETDATA_PROTOCOL_VERSION") ? "1" : "0")),
      ours,
    );
    // One codec: ours when the child is one of our agents, else Netdata's LZ4.
    if (caps & CAP_DEFLATE) caps &= ~CAP_COMPRESSION;
    const nowSec = Math.floor(host.nowUs() / 1e6);
    const session: ReceiverSession = {
      host,
      peer: `${peer.hostname}:${peer.port}`,
      apiKeyShort: shortKey(key),
      sinceSec: nowSec,
      caps,
      bytesIn: 0,
      bytesText: 0,
      samples: 0,
      replayedPoints: 0,
      replicating: new Set(),
      endReason: undefined,
      lastDataMs: this.#nowMs(),
    };
    const live = { session, socket, key, peer, end: (_why: Reason) => {} };
    this.#live.set(guid, live);
    keepSession(this.#all, session);
    host.state.reachable = true;
    host.state.sinceSec = nowSec;
    host.state.peer = session.peer;
    socket.write(promptFor(caps));
    this.#event("connected", peer, req, "", `capabilities ${capabilityNames(caps)}`);
    this.#deps.onConnected?.(host, policy, session);
    live.end = streamChild(this.#streamContext, { socket, session, policy });
    this.#idle.arm();
  }

  /**
   * A second request for a live GUID: replaces the live session when it has been silent long
   * enough (true), else reports a clone when the request comes from another machine (false).
   */
  #takeOver(
    holder: { session: ReceiverSession; socket: net.Socket; end(why: Reason): void },
    peer: PeerInfo,
    hostname: string,
  ): boolean {
    const old = holder.session;
    const nowMs = this.#nowMs();
    const silentSec = (nowMs - old.lastDataMs) / 1000;
    const afterSec = takeoverAfterSec(old.host.updateEvery, this.#deps.takeoverMinSec ?? 5);
    const newPeer = `${peer.hostname}:${peer.port}`;
    const fields = {
      msg_id: MSGID_CHILD_CONNECTION,
      machine_guid: old.host.machineGuid,
      host: old.host.hostname,
      peer: old.peer,
      new_host: hostname,
      new_peer: newPeer,
      silent_sec: Math.round(silentSec * 10) / 10,
    };
    if (silentSec >= afterSec) {
      this.#log.warn(
        "Child {host} from {peer} sent nothing for {silent_sec} s: its new session from {new_peer} ({new_host}) takes over",
        fields,
      );
      holder.end(reason("TAKEN_OVER", newPeer));
      holder.socket.destroy();
      return true;
    }
    const live = { peer: old.peer, hostname: old.host.hostname };
    const other = { peer: newPeer, hostname };
    if (
      isClone(live, other) &&
      this.#collisions.note(old.host.machineGuid, live, other, Math.floor(nowMs / 1000))
    ) {
      this.#log.error(
        "Machine GUID {machine_guid} is claimed by two live peers: {peer} ({host}) and {new_peer} ({new_host}); a cloned machine?",
        fields,
      );
    }
    return false;
  }

  /** The host for this GUID: the one kept from an earlier connection, or a new one. */
  #hostFor(req: StreamRequest, guid: string, hostname: string, policy: ReceiverPolicy): Host {
    const { hosts } = this.#deps;
    const config = this.#config;
    const p = req.params;
    let host = hosts.byGuid(guid);
    const ue = policy.updateEvery ?? (Number(p.get("update_every")) || config.global.updateEvery);
    if (host === undefined) {
      host = new Host({
        hostname,
        machineGuid: guid,
        store: this.#deps.createStore(policy.memoryMode, policy.historySec, guid),
        memoryMode: policy.memoryMode,
        updateEvery: ue,
        historySec: policy.historySec,
        isLocal: false,
        gapWhenLostIterationsAbove: config.global.gapWhenLostIterationsAbove,
      });
      hosts.add(host);
    } else if (host.hostname !== hostname) {
      hosts.rename(host, hostname);
    }
    host.updateEvery = ue;
    host.program = req.program || "unknown";
    host.version = req.version;
    host.os = p.get("os") ?? "unknown";
    host.timezone = p.get("timezone") ?? "unknown";
    host.abbrevTimezone = p.get("abbrev_timezone") ?? "UTC";
    host.utcOffset = Number(p.get("utc_offset")) || 0;
    const hops = Number(p.get("hops"));
    host.state.hops = Number.isInteger(hops) && hops > 0 ? hops : 1;
    for (const [k, v] of p) {
      if (k.startsWith("NETDATA_")) host.systemInfo.set(k, v);
    }
    return host;
  }

  /** Logs an accepted request (`why` is its capabilities) or a refused one (`why` is a Reason). */
  #event(
    what: "connected" | "refused",
    peer: PeerInfo,
    req: StreamRequest | undefined,
    reply: string,
    why: Reason | string,
  ): void {
    const fields = {
      msg_id: MSGID_CHILD_CONNECTION,
      peer: `${peer.hostname}:${peer.port}`,
      host: req?.params.get("hostname") ?? "",
      key: shortKey(req?.params.get("key") ?? ""),
      machine_guid: req?.params.get("machine_guid") ?? "",
      reason: typeof why === "string" ? why : why.text,
      ...(typeof why === "string" ? {} : { reason_code: why.code }),
      reply,
    };
    if (what === "connected") {
      this.#log.info("Child {host} connected from {peer} with key {key}: {reason}", fields);
    } else {
      this.#log.warn("Refused child {host} from {peer} with key {key}: {reason}", fields);
    }
  }
}

function indexOfHeadEnd(buf: Uint8Array): number {
  for (let i = 3; i < buf.length; i++) {
    if (buf[i] === 0x0a && buf[i - 1] === 0x0d && buf[i - 2] === 0x0a && buf[i - 3] === 0x0d) return i + 1;
  }
  return -1;
}
