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
 *
 * This file keeps the queue, the pump and what is streamed; a connection attempt (connect,
 * handshake, why it ended) is in sender_session.ts, the LZ4 and deflate framing in sender_codec.ts,
 * and the options and status types in sender_types.ts.
 * @module
 */

import type net from "node:net";
import type tlsModule from "node:tls";
import type { Chart, ChartObserver } from "../host/mod.ts";
import type { StoreReader } from "../store/mod.ts";
import { getLogger, type Logger, MSGID_PARENT_CONNECTION } from "../util/log.ts";
import { compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import {
  encodeChartDefinition,
  encodeClaimedId,
  encodeHostLabels,
  encodeHostVariables,
  encodeRound,
  formatDouble,
} from "./encode.ts";
import { CompactEncoder } from "./compact.ts";
import {
  CAP_CLABELS,
  CAP_CLAIM,
  CAP_COMPACT,
  CAP_COMPRESSION,
  CAP_DEFLATE,
  CAP_HLABELS,
  CAP_REPLICATION,
  CAP_VCAPS,
  splitWords,
} from "./protocol.ts";
import { encodeReplay, parseReplayChart } from "./replay.ts";
import { Lz4StreamEncoder } from "./lz4.ts";
import { loadDeflate, lz4Frames } from "./sender_codec.ts";
import type { DeflateWriter } from "./deflate.ts";
import {
  attempt,
  reportOfflineRounds,
  type SessionLink,
  type Target,
  UnreachableLog,
} from "./sender_session.ts";
import { initialStatus, type SenderOptions, type SenderStatus } from "./sender_types.ts";

export type { SenderOptions, SenderStatus } from "./sender_types.ts";

const OFFERED = CAP_VCAPS | CAP_HLABELS | CAP_CLAIM | CAP_CLABELS;

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
  /** Rounds of charts not defined yet because they had stored nothing (see #ready). */
  #unstoredRounds = new WeakMap<Chart, number>();
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
  /** This connection's compact round state when the parent (one of ours) granted COMPACT (§13.2). */
  #compact: CompactEncoder | undefined;
  /** The deflate module is being loaded: lines wait in the queue. */
  #codecLoading = false;
  readonly #textEncoder = new TextEncoder();
  #stopped = true;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  readonly #status: SenderStatus;
  /** Failed attempts since the last session (logged at growing intervals). */
  readonly #unreachable: UnreachableLog;
  /** What a connection attempt (sender_session.ts) sees of this sender. */
  readonly #link: SessionLink;

  constructor(opts: SenderOptions) {
    this.#o = opts;
    this.#dests = opts.destinations.map((d) => ({ ...d, postponedUntilMs: 0 }));
    this.#match = compileSimplePattern(opts.sendChartsMatching || "*");
    this.#nowMs = opts.nowMs ?? Date.now;
    this.#log = opts.log ?? getLogger(["agent", "stream", "sender"]);
    this.#unreachable = new UnreachableLog(this.#log, this.#nowMs);
    // Offered even without history (a headless proxy's child): the replies then carry no points,
    // but they end with our collector state, so the parent's timeline continues ours (as a
    // v1.37.1 node in memory mode none does).
    this.#offered = OFFERED | (opts.replication ? CAP_REPLICATION : 0) |
      (opts.config.enableCompression ? CAP_COMPRESSION | CAP_DEFLATE : 0) |
      (opts.config.enableCompactRounds ? CAP_COMPACT : 0);
    this.#status = initialStatus(opts, this.#dests.map((d) => d.text));
    this.#link = this.#makeLink();
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
    if (!this.#ready(chart, false)) {
      this.#defined.delete(chart);
      return;
    }
    this.#define(chart);
  }

  /**
   * Whether a chart's definition can go now. A chart is sent once it has been collected (as
   * Netdata's rrdset_done_push does), so that the parent's replication of it ends with our collector
   * state and its timeline is ours. With REPLICATION it also waits for its first stored point (a
   * chart stores nothing at its first collection), so that the replay carries that point: a v1.37.1
   * parent whose replay of a new chart brought no point leaves the first point after it empty
   * (PROTOCOL.md §6.1). It waits two rounds at most. `round` counts a round that found it not ready.
   */
  #ready(chart: Chart, round: boolean): boolean {
    if (chart.lastCollectedUs === 0) return false;
    if ((this.#caps & CAP_REPLICATION) === 0 || chart.lastEntrySec(this.#history()) > 0) return true;
    const waited = this.#unstoredRounds.get(chart) ?? 0;
    if (waited >= 2) return true;
    if (round) this.#unstoredRounds.set(chart, waited + 1);
    return false;
  }

  roundDone(chart: Chart, deltaUs: number): void {
    // Rounds collected while disconnected are never sent (replication, or nothing, covers them on the
    // next connection; see #startStream): count them instead of encoding them.
    if (!this.#connected) {
      this.#offlineRounds++;
      return;
    }
    if (!this.#matches(chart)) return;
    if (!this.#defined.has(chart)) {
      // Not sent yet: the replay that follows its definition carries this round's state.
      if (!this.#ready(chart, true)) return;
      this.#define(chart);
    }
    // While the parent replicates a chart, its points reach the parent through the replay.
    if (this.#replicating.has(chart)) return this.#compact?.forget(chart);
    const record = this.#compact?.round(chart, deltaUs);
    if (record !== undefined) return this.#enqueue(record, true);
    this.#enqueue(encodeRound(chart, deltaUs), true);
    this.#compact?.forget(chart); // the parent forgets its compact values at a text round
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
    this.#compact?.defined(chart);
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
    this.#compact?.forget(chart); // the parent forgets its compact values at RBEGIN
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
      // Compact records change the records before them: drop every queued round, start whole again.
      if (dropped > 0 && this.#compact !== undefined) {
        for (let i = this.#queue.length - 1; i >= 0; i--) {
          if (!this.#isData[i]) continue;
          this.#queueBytes -= this.#queue[i].length;
          this.#queue.splice(i, 1);
          this.#isData.splice(i, 1);
          dropped++;
        }
        this.#compact.forgetAll();
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
      const out = lz4Frames(this.#lz4, text);
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
      const result = await attempt(this.#link, dest);
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
  #makeLink(): SessionLink {
    return {
      opts: this.#o,
      status: this.#status,
      log: this.#log,
      nowMs: this.#nowMs,
      tls: () => this.#tls,
      offered: this.#offered,
      unreachable: this.#unreachable,
      stopped: () => this.#stopped,
      attached: (socket) => {
        this.#socket = socket;
      },
      detached: () => {
        const wasConnected = this.#connected;
        this.#connected = false;
        this.#socket = undefined;
        this.#deflate?.close();
        this.#deflate = undefined;
        this.#codecLoading = false;
        this.#waitingDrain = false;
        return wasConnected;
      },
      queuedRounds: () => {
        let rounds = 0;
        for (const d of this.#isData) if (d) rounds++;
        return rounds;
      },
      granted: (caps) => {
        this.#caps = caps;
      },
      accepted: (socket, dest) => this.#startStream(socket, dest),
    };
  }

  /** Loads the deflate codec (only links between our agents need it), then lets the queue go. */
  #startDeflate(socket: net.Socket): void {
    this.#codecLoading = true;
    loadDeflate(socket, {
      current: () => this.#socket === socket,
      write: (bytes) => {
        this.#status.bytesSent += bytes.length;
        if (!socket.write(bytes) && !this.#waitingDrain) {
          this.#waitingDrain = true;
          socket.once("drain", () => {
            this.#waitingDrain = false;
            this.#pump();
          });
        }
      },
      ready: (make) => {
        this.#codecLoading = false;
        this.#deflate = make();
        this.#pump();
      },
    });
  }

  #startStream(socket: net.Socket, dest: Target): void {
    const host = this.#o.host;
    // What was collected while disconnected: v1 rounds carry durations, so they cannot be placed.
    let offline = this.#offlineRounds;
    this.#offlineRounds = 0;
    for (const d of this.#isData) if (d) offline++;
    reportOfflineRounds(this.#link, offline, this.#caps);
    this.#queue = [];
    this.#isData = [];
    this.#queueBytes = 0;
    this.#lz4 = this.#caps & CAP_COMPRESSION && !(this.#caps & CAP_DEFLATE)
      ? new Lz4StreamEncoder()
      : undefined;
    this.#deflate = undefined;
    if (this.#caps & CAP_DEFLATE) this.#startDeflate(socket);
    this.#compact = this.#caps & CAP_COMPACT ? new CompactEncoder() : undefined;
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
      if (chart.dimensions.length === 0 || !this.#ready(chart, false) || !this.#matches(chart)) continue;
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
