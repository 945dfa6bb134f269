/**
 * The receiving side of streaming: a STREAM request handed over by the listener is checked like
 * a v1.37.1 parent does and answered with the exact reply (PROTOCOL.md §2.2), and its lines are applied to
 * the child's own Host. One bad connection is closed and logged; every other child goes on.
 * @module
 */

import type net from "node:net";
import { isUuid } from "../config/schema.ts";
import type { AgentConfig } from "../config/types.ts";
import { type Chart, Host, type Hosts } from "../host/mod.ts";
import type { PeerInfo } from "../net/listen.ts";
import type { MemoryMode, Store } from "../store/mod.ts";
import { getLogger, type Logger, MSGID_CHILD_CONNECTION } from "../util/log.ts";
import { clientAllowed, compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import { MAX_LINE_BYTES, StreamError, StreamIngest } from "./ingest.ts";
import { policyRefusal, type ReceiverPolicy, receiverPolicy } from "./policy.ts";
import {
  CAP_CLABELS,
  CAP_CLAIM,
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
import { planReplay, replayLine } from "./replication.ts";
import { Lz4BlockReader } from "./lz4.ts";
import type { DeflateReader } from "./deflate.ts";

const HTTP_400 =
  "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n" +
  "Content-Length: 27\r\n\r\nI don't understand you...\r\n";

/** One child connection, as the API shows it. */
export interface ReceiverSession {
  readonly host: Host;
  readonly peer: string;
  readonly apiKeyShort: string;
  readonly sinceSec: number;
  readonly caps: number;
  bytesIn: number;
  /** Bytes of protocol text those carried (more than `bytesIn` when compressed). */
  bytesText: number;
  /** Values received (`SET`, and replicated ones). */
  samples: number;
  /** Replicated points received on this connection. */
  replayedPoints: number;
  /** Charts with a real gap asked for and not finished (empty once every chart streams). */
  readonly replicating: Set<Chart>;
  /** Why it ended; undefined while connected. */
  endReason: Reason | undefined;
  /** Wall-clock ms of the last bytes received (for the takeover of a silent session). */
  lastDataMs: number;
}

/** What a receiver needs. */
export interface ReceiverDeps {
  hosts: Hosts;
  config: AgentConfig;
  /** Called once a child's host is live (the proxy starts forwarding it). */
  onConnected?(host: Host, policy: ReceiverPolicy, session: ReceiverSession): void;
  /** Called when a child's connection ended. */
  onDisconnected?(host: Host, session: ReceiverSession): void;
  /** Makes the store of a new child host. */
  createStore(mode: MemoryMode, historySec: number, machineGuid: string): Store;
  /** Seconds a STREAM request may take to arrive complete (default 30). */
  requestTimeoutSec?: number;
  /**
   * A new session of a GUID replaces a live one silent for 3 update intervals, at least this
   * many seconds (default 5), at most 30 (Netdata 1.37.1: 30).
   */
  takeoverMinSec?: number;
  /** Seconds of silence before a connection is dropped (Netdata: 600). */
  idleTimeoutSec?: number;
  /** Where connection events go (default: category `["agent", "stream", "receiver"]`). */
  log?: Logger;
  /** Wall clock in ms, for the `accept a streaming request every seconds` limit (default `Date.now`). */
  nowMs?: () => number;
}

/** Keeps a key out of logs: the first 8 characters. */
export function shortKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 8)}…` : key;
}

function allowed(pattern: SimplePattern, peer: PeerInfo): boolean {
  return clientAllowed(pattern, peer.hostname);
}

/** Accepts children's streams into their own hosts. */
export class Receiver {
  readonly #deps: ReceiverDeps;
  readonly #live = new Map<
    string,
    { session: ReceiverSession; socket: net.Socket; key: string; peer: PeerInfo; end(why: Reason): void }
  >();
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

  constructor(deps: ReceiverDeps) {
    this.#deps = deps;
    this.#config = deps.config;
    this.#log = deps.log ?? getLogger(["agent", "stream", "receiver"]);
    this.#nowMs = deps.nowMs ?? Date.now;
    this.#allowStreaming = compileSimplePattern(deps.config.web.allowStreamingFrom);
  }

  /** Sessions so far (live ones have no `endReason`), newest last. */
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

  /** Closes every live connection. */
  close(): void {
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
      try {
        this.#handshake(socket, new TextDecoder().decode(buf), peer);
      } catch (e) {
        // A bug must cost this connection only, never the agent.
        this.#event("refused", peer, undefined, REPLY_INTERNAL_ERROR, reason("INTERNAL_ERROR", String(e)));
        socket.destroy();
      }
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
      (policy.enableCompression && !this.#noCompression.has(guid) ? CAP_COMPRESSION | CAP_DEFLATE : 0);
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
    this.#all.push(session);
    host.state.reachable = true;
    host.state.sinceSec = nowSec;
    host.state.peer = session.peer;
    socket.write(promptFor(caps));
    this.#event("connected", peer, req, "", `capabilities ${capabilityNames(caps)}`);
    this.#deps.onConnected?.(host, policy, session);
    live.end = this.#stream(socket, session, policy);
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

  /** Streams a child in; returns what ends its session. */
  #stream(socket: net.Socket, session: ReceiverSession, policy: ReceiverPolicy): (why: Reason) => void {
    const host = session.host;
    const nowSec = () => Math.floor(host.nowUs() / 1e6);
    /** Asks the child for a chart's missing history (PROTOCOL.md §6). */
    const askReplay = (chart: Chart, firstSec: number, lastSec: number, previousBeforeSec?: number) => {
      const r = planReplay({
        enabled: policy.enableReplication,
        childFirstSec: firstSec,
        childLastSec: lastSec,
        parentLastSec: chart.lastEntrySec(),
        nowSec: nowSec(),
        dimensions: chart.dimensions.length,
        secondsToReplicate: policy.secondsToReplicate,
        secondsPerStep: policy.secondsPerReplicationStep,
        previousBeforeSec,
      });
      // Progress counts real gaps only.
      if (r.afterSec < r.beforeSec) session.replicating.add(chart);
      socket.write(replayLine(chart.id, r));
    };
    const ingest = new StreamIngest(host, {
      chartDefinitionEnd: (chart, first, last) => askReplay(chart, first, last),
      replayEnd: (chart, r) => {
        session.replayedPoints = ingest.replayedPoints;
        if (!r.done) askReplay(chart, r.firstSec, r.lastSec, r.beforeSec);
        else session.replicating.delete(chart);
      },
    });
    const decoder = new TextDecoder();
    let pending = "";
    let ended = false;
    const end = (why: Reason) => {
      if (ended) return;
      const live = this.#live.get(host.machineGuid);
      ended = true;
      session.endReason = why;
      ingest.abort();
      session.replicating.clear();
      if (live?.session === session) this.#live.delete(host.machineGuid);
      host.state.reachable = false;
      host.state.sinceSec = nowSec();
      this.#log.info("Child {host} disconnected from {peer}: {reason}", {
        msg_id: MSGID_CHILD_CONNECTION,
        host: host.hostname,
        machine_guid: host.machineGuid,
        peer: session.peer,
        key: session.apiKeyShort,
        reason: why.text,
        reason_code: why.code,
        bytes: session.bytesIn,
      });
      this.#deps.onDisconnected?.(host, session);
    };
    const idleMs = (this.#deps.idleTimeoutSec ?? 600) * 1000;
    socket.setTimeout(idleMs);
    socket.on("timeout", () => {
      end(reason("IDLE_TIMEOUT", idleMs / 1000));
      socket.destroy();
    });
    /** Applies the complete lines of `bytes` (text) and keeps the rest for the next call. */
    const lines = (bytes: Uint8Array) => {
      session.bytesText += bytes.length;
      pending += decoder.decode(bytes, { stream: true });
      let start = 0;
      let nl: number;
      while ((nl = pending.indexOf("\n", start)) >= 0) {
        ingest.line(pending.slice(start, nl));
        start = nl + 1;
      }
      pending = start === 0 ? pending : pending.slice(start);
      if (pending.length > MAX_LINE_BYTES + 2) {
        throw new StreamError(
          "LINE_TOO_LONG",
          `line ${ingest.lineNo + 1} has no end within ${MAX_LINE_BYTES} bytes`,
        );
      }
      session.samples = ingest.samples;
    };
    const fail = (e: unknown) => {
      if (ended) return;
      const why: Reason = e instanceof StreamError
        ? { code: e.code, text: e.message }
        : reason("INTERNAL_ERROR", (e as Error).message);
      this.#log.warn("Closing stream of child {host} from {peer}: {reason}", {
        msg_id: MSGID_CHILD_CONNECTION,
        host: host.hostname,
        peer: session.peer,
        key: session.apiKeyShort,
        reason: why.text,
        reason_code: why.code,
      });
      end(why);
      socket.destroy();
    };
    /** Ends the link for a stream that does not decode; that GUID is then not granted compression again. */
    const undecodable = (detail: string) => {
      this.#noCompression.add(host.machineGuid);
      const why = reason("DECOMPRESSION_FAILED", detail);
      return new StreamError(why.code, why.text);
    };
    // With COMPRESSION granted every byte after the prompt is in LZ4 blocks (PROTOCOL.md §13); with
    // DEFLATE it is one raw-deflate stream (§13.1), whose codec is loaded now (chunks wait meanwhile).
    const lz4 = session.caps & CAP_COMPRESSION ? new Lz4BlockReader() : undefined;
    let inflate: DeflateReader | undefined;
    let early: Uint8Array[] | undefined;
    const safeLines = (text: Uint8Array) => {
      if (ended) return;
      try {
        lines(text);
      } catch (e) {
        fail(e);
      }
    };
    if (session.caps & CAP_DEFLATE) {
      early = [];
      import("./deflate.ts").then(({ DeflateReader }) => {
        if (ended) return;
        inflate = new DeflateReader(safeLines, (e) => fail(undecodable(e.message)));
        for (const c of early!) inflate.push(c);
        early = undefined;
      }, fail);
    }
    socket.on("data", (chunk: Uint8Array) => {
      if (ended) return;
      session.bytesIn += chunk.length;
      session.lastDataMs = this.#nowMs();
      if (early !== undefined) return void early.push(chunk);
      if (inflate !== undefined) return inflate.push(chunk);
      try {
        if (lz4 === undefined) lines(chunk);
        else {
          try {
            lz4.push(chunk, lines);
          } catch (e) {
            if (e instanceof StreamError) throw e;
            throw undecodable(`block ${lz4.blocks + 1}: ${(e as Error).message}`);
          }
        }
      } catch (e) {
        fail(e);
      }
    });
    socket.on("close", () => inflate?.close());
    socket.on("close", () => end(reason("CHILD_CLOSED")));
    socket.on("error", (e: Error) => end(reason("SOCKET_ERROR", e.message)));
    socket.resume();
    return end;
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
