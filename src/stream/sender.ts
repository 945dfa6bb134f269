/**
 * The sending side of streaming: streams one host (this agent's, or a child's when proxying) to
 * the first parent of its destination list that accepts it, failing over to the others.
 *
 * Invariants:
 * - Collection never waits for the network: observers only append to a bounded queue; a pump
 *   writes it when the socket can take more.
 * - The queue keeps chart definitions and drops the oldest data rounds first when over
 *   `buffer size bytes`, counting and logging what it dropped.
 * - Every (re)connection sends the host's labels and every chart definition again, like Netdata.
 *   Rounds collected while disconnected cannot be sent as rounds (BEGIN carries durations, not
 *   times): with REPLICATION negotiated the parent asks for the gap and gets it from the host's
 *   store (or a headless host's send buffer); without it they are discarded with a log line.
 * @module
 */

import net from "node:net";
import type tlsModule from "node:tls";
import type { Destination, StreamSenderConfig } from "../config/types.ts";
import type { Chart, ChartObserver, Host } from "../host/mod.ts";
import type { StoreReader } from "../store/mod.ts";
import { getLogger, type Logger, MSGID_PARENT_CONNECTION } from "../util/log.ts";
import { formatDuration, Repeated } from "../util/repeated.ts";
import { compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import {
  encodeChartDefinition,
  encodeClaimedId,
  encodeHostLabels,
  encodeHostVariables,
  encodeRound,
  formatDouble,
} from "./encode.ts";
import {
  buildStreamRequest,
  CAP_CLABELS,
  CAP_CLAIM,
  CAP_COMPRESSION,
  CAP_DEFLATE,
  CAP_HLABELS,
  CAP_REPLICATION,
  CAP_VCAPS,
  capabilityNames,
  parseHandshakeReply,
  splitWords,
} from "./protocol.ts";
import { type Reason, reason, type ReasonCode, refusalCode } from "./reasons.ts";
import { encodeReplay, parseReplayChart } from "./replay.ts";
import { forEachLz4Piece, Lz4StreamEncoder } from "./lz4.ts";
import type { DeflateWriter } from "./deflate.ts";
import { shortKey } from "./receiver.ts";

/** A destination and when it may be tried again. */
interface Target extends Destination {
  /** Epoch ms before which this destination is skipped (after a refusal). */
  postponedUntilMs: number;
}

/** The sender's state, as the API shows it. */
export interface SenderStatus {
  hostname: string;
  destinations: string[];
  /** Destination of the current (or last) connection. */
  destination: string;
  connected: boolean;
  /** Epoch seconds of the last connect or disconnect. */
  sinceSec: number;
  hops: number;
  capabilities: string;
  connections: number;
  failovers: number;
  /** Bytes written to parents (compressed, when compressing). */
  bytesSent: number;
  /** Bytes of protocol text those carried (equal to `bytesSent` without compression). */
  bytesText: number;
  bufferBytes: number;
  bufferMaxBytes: number;
  droppedRounds: number;
  /** Points sent in answers to REPLAY_CHART. */
  replicatedPoints: number;
  /** Charts of the current connection waiting for or in replication (0 when all stream). */
  replicationPendingCharts: number;
  /** Charts defined on the current connection. */
  definedCharts: number;
  discardedOfflineRounds: number;
  /** Why the last attempt or connection ended (its text, then any postponement), "" before one did. */
  lastError: string;
  /** The code of `lastError` (reasons.ts), "" before one. */
  lastErrorCode: ReasonCode | "";
}

/** What a sender needs. */
export interface SenderOptions {
  host: Host;
  config: StreamSenderConfig;
  /** The parents to try, in order, as parsed at load. */
  destinations: readonly Destination[];
  apiKey: string;
  sendChartsMatching: string;
  /** 1 for this agent's own host; a proxied host's received hops + 1. */
  hops: number;
  program: string;
  version: string;
  /** Offer REPLICATION and answer REPLAY_CHART from the host's history (none: no points). */
  replication?: boolean;
  /**
   * Where replication answers come from instead of the host's store: a headless host's send
   * buffer (see store/sendbuffer.ts).
   */
  replayFrom?: () => StoreReader | undefined;
  /** Wall clock in ms (default `Date.now`). */
  nowMs?: () => number;
  /** Where connection events go (default: category `["agent", "stream", "sender"]`). */
  log?: Logger;
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

const OFFERED = CAP_VCAPS | CAP_HLABELS | CAP_CLAIM | CAP_CLABELS;
const MARKERS = 0x38; // V1 | V2 | VN

function sanitize(v: string): string {
  return v.replaceAll("&", "_").replaceAll("=", "_");
}

/** Streams one host to its parents. */
export class Sender implements ChartObserver {
  readonly #o: SenderOptions;
  readonly #log: Logger;
  readonly #dests: Target[];
  readonly #match: SimplePattern;
  readonly #nowMs: () => number;
  #socket: net.Socket | undefined;
  #connected = false;
  #caps = 0;
  #defined = new Set<Chart>();
  /** The `VARIABLE HOST` lines last sent on this connection. */
  #hostVarsSent = "";
  /** Charts whose definition ended with CHART_DEFINITION_END and whose replay is not finished. */
  #replicating = new Set<Chart>();
  #words: string[] = [];
  readonly #offered: number;
  #queue: string[] = [];
  #isData: boolean[] = [];
  /** Rounds collected while not connected (not encoded). */
  #offlineRounds = 0;
  /** `send charts matching` per chart, resolved once per chart name. */
  readonly #matchCache = new WeakMap<Chart, { name: string; ok: boolean }>();
  #queueBytes = 0;
  #waitingDrain = false;
  /** `node:tls`, loaded by #run only when a destination ends in `:SSL`. */
  #tls: typeof tlsModule | undefined;
  /** This connection's LZ4 state when the parent granted COMPRESSION (PROTOCOL.md §13). */
  #lz4: Lz4StreamEncoder | undefined;
  /** This connection's deflate stream when the parent (one of ours) granted DEFLATE (§13.1). */
  #deflate: DeflateWriter | undefined;
  /** The deflate module is being loaded: lines wait in the queue. */
  #codecLoading = false;
  readonly #textEncoder = new TextEncoder();
  #stopped = true;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  readonly #status: SenderStatus;
  /** Failed attempts since the last session (logged at growing intervals). */
  readonly #unreachable = new Repeated();

  constructor(opts: SenderOptions) {
    this.#o = opts;
    this.#dests = opts.destinations.map((d) => ({ ...d, postponedUntilMs: 0 }));
    this.#match = compileSimplePattern(opts.sendChartsMatching || "*");
    this.#nowMs = opts.nowMs ?? Date.now;
    this.#log = opts.log ?? getLogger(["agent", "stream", "sender"]);
    // Offered even without history (a headless proxy's child): the replies then carry no points,
    // but they end with our collector state, so the parent's timeline continues ours (as a
    // v1.37.1 node in memory mode none does).
    this.#offered = OFFERED | (opts.replication ? CAP_REPLICATION : 0) |
      (opts.config.enableCompression ? CAP_COMPRESSION | CAP_DEFLATE : 0);
    this.#status = {
      hostname: opts.host.hostname,
      destinations: this.#dests.map((d) => d.text),
      destination: "",
      connected: false,
      sinceSec: 0,
      hops: opts.hops,
      capabilities: "",
      connections: 0,
      failovers: 0,
      bytesSent: 0,
      bytesText: 0,
      bufferBytes: 0,
      bufferMaxBytes: opts.config.bufferSizeBytes,
      droppedRounds: 0,
      replicatedPoints: 0,
      replicationPendingCharts: 0,
      definedCharts: 0,
      discardedOfflineRounds: 0,
      lastError: "",
      lastErrorCode: "",
    };
  }

  /** A snapshot of the connection state. */
  status(): SenderStatus {
    return {
      ...this.#status,
      bufferBytes: this.#queueBytes,
      connected: this.#connected,
      replicationPendingCharts: this.#connected ? this.#replicating.size : 0,
      definedCharts: this.#connected ? this.#defined.size : 0,
    };
  }

  /** Starts observing the host and connecting. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#o.host.observers.push(this);
    this.#loop = this.#run();
  }

  /** Stops: closes the connection and stops observing. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const obs = this.#o.host.observers;
    const i = obs.indexOf(this);
    if (i >= 0) obs.splice(i, 1);
    this.#socket?.destroy();
    this.#wake?.();
    await this.#loop;
  }

  // --- ChartObserver: called from collection; never blocks ---

  chartDefined(chart: Chart): void {
    if (!this.#connected || !this.#matches(chart)) return;
    // A chart is sent once it has been collected (as Netdata's rrdset_done_push does), so that
    // the parent's replication of it ends with our collector state and its timeline is ours.
    if (chart.lastCollectedUs === 0) {
      this.#defined.delete(chart);
      return;
    }
    this.#define(chart);
  }

  roundDone(chart: Chart, deltaUs: number): void {
    // Rounds collected while disconnected are never sent (replication, or nothing, covers them on the
    // next connection; see #startStream): count them instead of encoding them.
    if (!this.#connected) {
      this.#offlineRounds++;
      return;
    }
    if (!this.#matches(chart)) return;
    if (this.#connected && !this.#defined.has(chart)) this.#define(chart);
    // While the parent replicates a chart, its points reach the parent through the replay.
    if (this.#replicating.has(chart)) return;
    this.#enqueue(encodeRound(chart, deltaUs), true);
  }

  /**
   * Sends a chart's definition; with REPLICATION the chart then waits for the parent's replay.
   * Host variables set since the connection (a collector's first round sets `active_processors`)
   * go first, as Netdata sends a host variable when it changes.
   */
  #define(chart: Chart): void {
    const vars = encodeHostVariables(this.#o.host);
    if (vars !== this.#hostVarsSent) {
      this.#enqueue(vars, false);
      this.#hostVarsSent = vars;
    }
    const history = this.#history();
    this.#enqueue(encodeChartDefinition(chart, this.#caps, Math.floor(this.#nowMs() / 1000), history), false);
    this.#defined.add(chart);
    if ((this.#caps & CAP_REPLICATION) !== 0) this.#replicating.add(chart);
  }

  /** Answers a parent's REPLAY_CHART from the host's store (PROTOCOL.md §6.1). */
  #replay(line: string): void {
    const w = this.#words;
    const req = parseReplayChart(w, splitWords(line, w));
    const chart = req ? this.#o.host.charts.get(req.chartId) : undefined;
    if (req === undefined || chart === undefined) {
      this.#log.warn("Ignoring parent command {line}: unknown chart or bad arguments", {
        line: line.slice(0, 200),
      });
      return;
    }
    const reply = encodeReplay(chart, this.#history(), req, Math.floor(this.#nowMs() / 1000));
    this.#enqueue(reply.text, false);
    this.#status.replicatedPoints += reply.points;
    if (reply.done) this.#replicating.delete(chart);
  }

  /** The store replication answers from. */
  #history(): StoreReader {
    return this.#o.replayFrom?.() ?? this.#o.host.store;
  }

  hostLabelsChanged(): void {
    if (this.#connected && (this.#caps & CAP_HLABELS) !== 0) {
      this.#enqueue(encodeHostLabels(this.#o.host), false);
    }
  }

  hostVariableChanged(name: string, value: number): void {
    if (this.#connected) this.#enqueue(`VARIABLE HOST ${name} = ${formatDouble(value)}\n`, false);
  }

  #matches(chart: Chart): boolean {
    const c = this.#matchCache.get(chart);
    if (c !== undefined && c.name === chart.name) return c.ok;
    const ok = (this.#match(chart.id) ?? this.#match(chart.name)) === true;
    this.#matchCache.set(chart, { name: chart.name, ok });
    return ok;
  }

  #enqueue(text: string, isData: boolean): void {
    this.#queue.push(text);
    this.#isData.push(isData);
    this.#queueBytes += text.length;
    const max = this.#o.config.bufferSizeBytes;
    if (this.#queueBytes > max) {
      let dropped = 0;
      for (let i = 0; i < this.#queue.length && this.#queueBytes > max; i++) {
        if (!this.#isData[i]) continue;
        this.#queueBytes -= this.#queue[i].length;
        this.#queue.splice(i, 1);
        this.#isData.splice(i, 1);
        i--;
        dropped++;
      }
      if (dropped > 0) {
        if (this.#status.droppedRounds === 0 || this.#status.droppedRounds % 1000 < dropped) {
          this.#log.warn("Stream buffer of {host} is full ({bytes} bytes): dropped the {n} oldest rounds", {
            msg_id: MSGID_PARENT_CONNECTION,
            host: this.#o.host.hostname,
            bytes: max,
            n: dropped,
          });
        }
        this.#status.droppedRounds += dropped;
      }
    }
    if (this.#connected) this.#pump();
  }

  #pump(): void {
    const s = this.#socket;
    if (!s || this.#waitingDrain || this.#codecLoading) return;
    let i = 0;
    let ok = true;
    if (this.#deflate !== undefined && this.#queue.length > 0) {
      // Its output is written (and counted) as zlib hands it over; see #startStream.
      const text = this.#queue.join("");
      this.#status.bytesText += text.length;
      this.#deflate.write(text);
      this.#queueBytes = 0;
      i = this.#queue.length;
    }
    if (this.#lz4 !== undefined && this.#queue.length > 0) {
      // One write of every queued line, in blocks that each end at a newline.
      const text = this.#textEncoder.encode(this.#queue.join(""));
      const lz4 = this.#lz4;
      const framed: Uint8Array[] = [];
      let size = 0;
      forEachLz4Piece(text, (piece) => {
        const block = lz4.encodeBlock(piece).slice();
        framed.push(block);
        size += block.length;
      });
      const out = framed.length === 1 ? framed[0] : new Uint8Array(size);
      if (framed.length > 1) {
        let at = 0;
        for (const b of framed) {
          out.set(b, at);
          at += b.length;
        }
      }
      ok = s.write(out);
      this.#status.bytesSent += out.length;
      this.#status.bytesText += text.length;
      this.#queueBytes = 0;
      i = this.#queue.length;
    }
    for (; i < this.#queue.length && ok; i++) {
      const chunk = this.#queue[i];
      ok = s.write(chunk);
      this.#status.bytesSent += chunk.length;
      this.#status.bytesText += chunk.length;
      this.#queueBytes -= chunk.length;
    }
    this.#queue.splice(0, i);
    this.#isData.splice(0, i);
    if (!ok) {
      this.#waitingDrain = true;
      s.once("drain", () => {
        this.#waitingDrain = false;
        this.#pump();
      });
    }
  }

  // --- connection loop ---

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  async #run(): Promise<void> {
    const cfg = this.#o.config;
    if (this.#dests.some((d) => d.ssl)) this.#tls = (await import("node:tls")).default;
    const tried = new Set<Target>();
    while (!this.#stopped) {
      const now = this.#nowMs();
      const dest = this.#dests.find((d) => d.postponedUntilMs <= now && !tried.has(d));
      if (dest === undefined) {
        // Every destination failed (or is postponed) in this pass: wait, with jitter so that many
        // children do not reconnect in lockstep.
        tried.clear();
        const jitter = 0.75 + Math.random() * 0.5;
        await this.#sleep(cfg.reconnectDelaySec * 1000 * jitter);
        continue;
      }
      tried.add(dest);
      const result = await this.#session(dest);
      if (this.#stopped) break;
      // Rotate: the destination just used goes last, so the others are tried first next time.
      this.#dests.splice(this.#dests.indexOf(dest), 1);
      this.#dests.push(dest);
      if (this.#dests.length > 1) this.#status.failovers++;
      // After an established session broke, try again at once (next destination first).
      if (result === "session") tried.clear();
    }
    this.#connected = false;
  }

  #connect(dest: Target): net.Socket {
    const cfg = this.#o.config;
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
    const tls = this.#tls!;
    return tls.connect({
      host: dest.host,
      port: dest.port,
      servername: net.isIP(dest.host) ? undefined : dest.host,
      rejectUnauthorized: !cfg.sslSkipCertificateVerification,
      ca: ca.length > 0 ? [...tls.rootCertificates, ...ca] : undefined,
    });
  }

  /** One attempt: "session" when a stream was established (and has now ended), else why not. */
  #session(dest: Target): Promise<"session" | "refused" | "failed"> {
    const o = this.#o;
    const host = o.host;
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
        socket = this.#connect(dest);
      } catch (e) {
        const why = reason("CANNOT_CONNECT", (e as Error).message);
        this.#status.lastError = why.text;
        this.#status.lastErrorCode = why.code;
        this.#cannot(fields(why.text, why.code));
        resolve("failed");
        return;
      }
      this.#socket = socket;
      socket.setTimeout(timeoutMs);
      const finish = (r: "session" | "refused" | "failed", why: Reason, postponeSec = 0) => {
        if (settled) return;
        settled = true;
        // stop() closed it: this side, not the parent.
        if (this.#stopped) why = reason("SHUTDOWN");
        let text = why.text;
        if (postponeSec > 0) {
          dest.postponedUntilMs = this.#nowMs() + postponeSec * 1000;
          text += `; postponed ${postponeSec} s`;
        }
        const wasConnected = this.#connected;
        this.#connected = false;
        this.#socket = undefined;
        this.#deflate?.close();
        this.#deflate = undefined;
        this.#codecLoading = false;
        this.#waitingDrain = false;
        this.#status.lastError = text;
        this.#status.lastErrorCode = why.code;
        if (wasConnected) {
          this.#status.sinceSec = Math.floor(this.#nowMs() / 1000);
          this.#log.warn("Stream of {host} to {destination} disconnected: {reason}", fields(text, why.code));
        } else if (!this.#stopped) {
          this.#cannot(fields(text, why.code));
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
          ["ver", String(this.#offered)],
        ];
        for (const [k, v] of host.systemInfo) params.push([k, v]);
        params.push(["NETDATA_PROTOCOL_VERSION", "1.1"]);
        socket.write(buildStreamRequest(params.map(([k, v]) => [k, sanitize(v)]), o.program, o.version));
        socket.once("data", (chunk: Uint8Array) => {
          const reply = parseHandshakeReply(new TextDecoder().decode(chunk));
          if (!reply.ok) {
            dest.postponedUntilMs = this.#nowMs() + reply.postponeSec * 1000;
            const why = reason(refusalCode(reply.reason), JSON.stringify(reply.text.slice(0, 80)));
            finish("refused", { code: why.code, text: `${why.text}; postponed ${reply.postponeSec} s` });
            return;
          }
          phase = "stream";
          this.#caps = reply.caps & (this.#offered | MARKERS);
          this.#status.connections++;
          this.#status.destination = destText;
          this.#status.sinceSec = Math.floor(this.#nowMs() / 1000);
          this.#status.capabilities = capabilityNames(this.#caps);
          this.#log.info("Streaming {host} to {destination}: connected with capabilities {caps}", {
            ...fields("connected"),
            caps: this.#status.capabilities,
            hops: o.hops,
          });
          const was = this.#unreachable.end(this.#nowMs());
          if (was) {
            let rounds = 0;
            for (const d of this.#isData) if (d) rounds++;
            const lost = rounds === 0 || (this.#caps & CAP_REPLICATION) !== 0
              ? "nothing lost"
              : `${rounds} rounds collected meanwhile are lost (no replication on this link)`;
            this.#log.info(
              "Streaming {host} again after {duration} without a parent ({attempts} failed attempts): {lost}",
              { ...fields("reconnected"), duration: formatDuration(was.forMs), attempts: was.count, lost },
            );
          }
          this.#startStream(socket, dest);
        });
      };
      socket.once(dest.ssl ? "secureConnect" : "connect", onReady);
    });
  }

  /** A failed attempt: logged when failures start, then at growing intervals (util/repeated.ts). */
  #cannot(f: Record<string, unknown>): void {
    const o = this.#unreachable.occur(this.#nowMs());
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

  /** Loads the deflate codec (only links between our agents need it), then lets the queue go. */
  #startDeflate(socket: net.Socket): void {
    this.#codecLoading = true;
    import("./deflate.ts").then(({ DeflateWriter }) => {
      if (this.#socket !== socket) return;
      this.#codecLoading = false;
      this.#deflate = new DeflateWriter((bytes) => {
        this.#status.bytesSent += bytes.length;
        if (!socket.write(bytes) && !this.#waitingDrain) {
          this.#waitingDrain = true;
          socket.once("drain", () => {
            this.#waitingDrain = false;
            this.#pump();
          });
        }
      }, (e) => socket.destroy(e));
      this.#pump();
    }, (e) => socket.destroy(e));
  }

  #startStream(socket: net.Socket, dest: Target): void {
    const host = this.#o.host;
    // What was collected while disconnected: v1 rounds carry durations, so they cannot be placed.
    let offline = this.#offlineRounds;
    this.#offlineRounds = 0;
    for (const d of this.#isData) if (d) offline++;
    if (offline > 0 && (this.#caps & CAP_REPLICATION) !== 0) {
      this.#log.info("{n} rounds of {host} collected while disconnected go to the parent by replication", {
        msg_id: MSGID_PARENT_CONNECTION,
        host: host.hostname,
        n: offline,
      });
    } else if (offline > 0) {
      this.#status.discardedOfflineRounds += offline;
      this.#log.info(
        "Discarding {n} rounds of {host} collected while disconnected (no replication on this link)",
        {
          msg_id: MSGID_PARENT_CONNECTION,
          host: host.hostname,
          n: offline,
        },
      );
    }
    this.#queue = [];
    this.#isData = [];
    this.#queueBytes = 0;
    this.#lz4 = this.#caps & CAP_COMPRESSION && !(this.#caps & CAP_DEFLATE)
      ? new Lz4StreamEncoder()
      : undefined;
    this.#deflate = undefined;
    if (this.#caps & CAP_DEFLATE) this.#startDeflate(socket);
    this.#defined = new Set();
    this.#replicating = new Set();
    let head = "";
    if (this.#caps & CAP_CLAIM) head += encodeClaimedId(host);
    if (this.#caps & CAP_HLABELS) {
      const saved = host.labels.get("_streams_to");
      if (host.isLocal) host.labels.set("_streams_to", { value: dest.text, source: 1 });
      head += encodeHostLabels(host);
      if (host.isLocal && saved !== undefined) host.labels.set("_streams_to", saved);
    }
    this.#hostVarsSent = encodeHostVariables(host);
    head += this.#hostVarsSent;
    this.#enqueue(head, false);
    for (const chart of host.charts.values()) {
      if (chart.dimensions.length === 0 || chart.lastCollectedUs === 0 || !this.#matches(chart)) continue;
      this.#define(chart);
    }
    this.#connected = true;
    this.#pump();
    // Parent-to-child lines: v1.37.1 sends REPLAY_CHART and FUNCTION only when negotiated.
    let pending = "";
    const decoder = new TextDecoder();
    socket.on("data", (chunk: Uint8Array) => {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line.startsWith("REPLAY_CHART ") && (this.#caps & CAP_REPLICATION) !== 0) this.#replay(line);
        else if (line) this.#log.debug("Ignoring parent command {line}", { line: line.slice(0, 200) });
      }
    });
  }
}
