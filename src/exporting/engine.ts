/**
 * The exporting engine: every `update every` seconds of each connector instance, a round reads
 * every exported host's charts (this agent and, on a parent, its children, per `send hosts
 * matching`) and hands each dimension's value to the instance's formatter; the batch goes into
 * the instance's on-disk queue for {@link Delivery}.
 *
 * Rounds are aligned to the instance's `update every` and cover `(previous before, before]`, as
 * Netdata's `mark_scheduled_instances()` and `exporting_calculate_value_from_stored_data()`
 * define them. Beyond Netdata: a round that is late (a busy event loop, or the agent was down)
 * is not merged into the next one but run on its own, from the store, so every series gets one
 * point per `update every` with nothing skipped; the last round done is kept on disk, so a
 * restarted agent continues where it stopped (at most `buffer on failures` rounds back). As
 * collected there is only each dimension's last value, so only the last round due runs.
 *
 * Each host has its own position (average and sum): while a child is disconnected, or its
 * parent still replicates what it missed ({@link EngineOptions.hostReady}), its rounds wait, and
 * once it is ready they go out oldest first, at most {@link MAX_HOST_CATCHUP} of them per batch,
 * so the gap a child's reconnection fills is exported too. The positions are kept on disk with
 * the last round.
 * @module
 */

import type { Logger } from "@logtape/logtape";
import type { ExportingInstanceConfig } from "../config/exporting_types.ts";
import type { Host, Hosts } from "../host/mod.ts";
import { compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import type { ExportHost, Formatter } from "./format.ts";
import { storedValue } from "./value.ts";

/** Rounds one tick runs at most, so a long catch-up does not stall the event loop. */
const MAX_ROUNDS_PER_TICK = 120;
/** Rounds of one waiting host added to one batch at most. */
export const MAX_HOST_CATCHUP = 30;

/** Where the engine puts an instance's batches ({@link Delivery} in the agent). */
export interface BatchSink {
  enqueue(payload: Uint8Array, samples: number, createdMs: number): void;
  start(): void;
  stop(): Promise<void>;
}

/** One instance as the engine drives it. */
export interface EngineInstance {
  config: ExportingInstanceConfig;
  formatter: Formatter;
  delivery: BatchSink;
  /** Where the last round's `before` and each host's position are kept (a small JSON file). */
  stateFile: string;
}

/** Per-instance round counters. */
export interface RoundStats {
  /** Rounds run, and the `before` of the last one (epoch s). */
  rounds: number;
  lastBeforeSec: number;
  /** Samples and bytes formatted (queued) so far. */
  bufferedSamples: number;
  bufferedBytes: number;
}

/** Options of {@link ExportingEngine}. */
export interface EngineOptions {
  hosts: Hosts;
  instances: EngineInstance[];
  logger: Logger;
  /** Wall clock, epoch ms (tests inject one). */
  nowMs?: () => number;
  /**
   * Whether a host's stored data is complete up to now, so its rounds can go (default: this agent,
   * and children while connected). The agent also waits for a reconnected child's replication.
   */
  hostReady?: (host: Host) => boolean;
}

/** What the state file holds. */
interface SavedState {
  /** The instance's last round. */
  before: number;
  /** The last round exported per host, by machine GUID, when behind `before`. */
  hosts: Record<string, number>;
}

class Runner {
  readonly stats: RoundStats = { rounds: 0, lastBeforeSec: 0, bufferedSamples: 0, bufferedBytes: 0 };
  readonly charts: SimplePattern;
  readonly hosts: SimplePattern;
  readonly collected: boolean;
  readonly buf = new Float64Array(1024);
  readonly exportHosts = new Map<Host, ExportHost>();
  /** The last round exported per host (stored data sources). */
  readonly hostBefore = new Map<Host, number>();
  /** Positions from the state file of hosts not seen yet, by machine GUID. */
  saved = new Map<string, number>();

  constructor(readonly i: EngineInstance) {
    this.charts = compileSimplePattern(i.config.sendChartsMatching);
    this.hosts = compileSimplePattern(i.config.sendHostsMatching);
    this.collected = i.config.dataSource === "as collected";
  }
}

function readState(file: string): SavedState {
  try {
    const v = JSON.parse(Deno.readTextFileSync(file));
    const before = Number(v?.before);
    const hosts: Record<string, number> = {};
    for (const [k, b] of Object.entries(v?.hosts ?? {})) if (Number.isSafeInteger(b)) hosts[k] = b as number;
    return { before: Number.isSafeInteger(before) && before > 0 ? before : 0, hosts };
  } catch {
    return { before: 0, hosts: {} };
  }
}

/** Runs the rounds of every instance; see the module doc. */
export class ExportingEngine {
  readonly #o: EngineOptions;
  readonly #runners: Runner[];
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(o: EngineOptions) {
    this.#o = o;
    this.#now = o.nowMs ?? Date.now;
    this.#runners = o.instances.map((i) => new Runner(i));
  }

  /** Round counters per instance, in config order. */
  roundStats(): RoundStats[] {
    return this.#runners.map((r) => r.stats);
  }

  /** Loads where each instance stopped, starts the deliveries, then runs rounds on a timer. */
  start(): void {
    this.prepare();
    for (const r of this.#runners) r.i.delivery.start();
    this.#schedule();
  }

  /** Loads where each instance stopped (the first round is the next one due); see {@link tick}. */
  prepare(): void {
    const nowSec = Math.floor(this.#now() / 1000);
    for (const r of this.#runners) {
      const ue = r.i.config.updateEverySec;
      const aligned = nowSec - (nowSec % ue);
      const state = readState(r.i.stateFile);
      const saved = state.before;
      const oldest = aligned - ue * r.i.config.bufferOnFailures;
      // As collected there is only the last value: nothing to catch up.
      r.stats.lastBeforeSec = !r.collected && saved > oldest && saved <= aligned ? saved : aligned;
      r.saved = new Map(Object.entries(state.hosts).map(([g, b]) => [g, Math.max(b, oldest)]));
      // Hosts known now (children kept on disk too) continue from the saved round.
      for (const h of this.#o.hosts.list()) {
        r.hostBefore.set(h, r.saved.get(h.machineGuid) ?? r.stats.lastBeforeSec);
        r.saved.delete(h.machineGuid);
      }
      if (saved !== 0 && r.stats.lastBeforeSec === saved && saved < aligned) {
        this.#o.logger.info("Exporting [{instance}]: continuing from {before}, {rounds} rounds to catch up", {
          instance: r.i.config.section,
          before: saved,
          rounds: (aligned - saved) / ue,
        });
      }
    }
  }

  /** Stops the rounds and the deliveries (queues stay on disk). */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#runners.map((r) => r.i.delivery.stop()));
  }

  #schedule(): void {
    // Wake shortly after each second so rounds run right after their aligned time.
    const now = this.#now();
    this.#timer = setTimeout(() => {
      this.tick();
      if (this.#timer !== undefined) this.#schedule();
    }, 1000 - (now % 1000) + 50);
  }

  /** Runs every round that is due (public for tests). */
  tick(): void {
    const nowMs = this.#now();
    const nowSec = Math.floor(nowMs / 1000);
    for (const r of this.#runners) {
      const ue = r.i.config.updateEverySec;
      let done = 0;
      // As collected there is only the last value: missed rounds would repeat it, so run the last.
      if (r.collected && r.stats.lastBeforeSec + 2 * ue <= nowSec) {
        r.stats.lastBeforeSec = nowSec - (nowSec % ue) - ue;
      }
      while (r.stats.lastBeforeSec + ue <= nowSec && done < MAX_ROUNDS_PER_TICK) {
        const before = r.stats.lastBeforeSec + ue;
        try {
          this.#round(r, before - ue, before);
        } catch (e) {
          this.#o.logger.error("Exporting [{instance}]: round at {before} failed: {error}", {
            instance: r.i.config.section,
            before,
            error: e instanceof Error ? e.stack ?? e.message : String(e),
          });
        }
        r.stats.lastBeforeSec = before;
        done++;
      }
      if (done > 0) {
        const state: SavedState = { before: r.stats.lastBeforeSec, hosts: Object.fromEntries(r.saved) };
        for (const [h, b] of r.hostBefore) if (b < r.stats.lastBeforeSec) state.hosts[h.machineGuid] = b;
        try {
          Deno.writeTextFileSync(r.i.stateFile, JSON.stringify(state) + "\n");
        } catch { /* the queue's own errors are logged by it */ }
      }
    }
  }

  #exportHost(r: Runner, host: Host): ExportHost {
    let h = r.exportHosts.get(host);
    const c = r.i.config;
    const name = host.isLocal ? c.hostname : host.hostname;
    const labels: [string, string][] = [];
    for (const [k, l] of host.labels) {
      if (
        (c.sendConfiguredLabels && (l.source & 2) !== 0) || (c.sendAutomaticLabels && (l.source & 1) !== 0)
      ) {
        labels.push([k, l.value]);
      }
    }
    if (h === undefined) {
      h = { host, name, labels };
      r.exportHosts.set(host, h);
    } else {
      h.name = name;
      h.labels = labels;
    }
    return h;
  }

  /** One host's charts for the window `afterSec`..`beforeSec`. */
  #host(r: Runner, host: Host, afterSec: number, beforeSec: number): void {
    const f = r.i.formatter;
    const sum = r.i.config.dataSource === "sum";
    for (const chart of host.charts.values()) {
      if (chart.obsolete || chart.dimensions.length === 0) continue;
      if (r.charts(chart.id) !== true && r.charts(chart.name) !== true) continue;
      f.startChart(chart);
      for (const d of chart.dimensions) {
        if (d.obsolete || (d.collections === 0 && d.lastCollectedUs === 0)) continue;
        if (r.collected) {
          const us = d.lastCollectedUs;
          f.metric(d, d.lastCollected, Math.floor(us / 1e6), us / 1000);
          continue;
        }
        const v = storedValue(host.store, d.seriesId, chart.updateEvery, { afterSec, beforeSec }, sum, r.buf);
        if (Number.isFinite(v.value)) f.metric(d, v.value, v.lastSec, v.lastSec * 1000);
      }
    }
  }

  #round(r: Runner, afterSec: number, beforeSec: number): void {
    const f = r.i.formatter;
    const ue = r.i.config.updateEverySec;
    const ready = this.#o.hostReady ?? ((h: Host) => h.isLocal || h.state.reachable);
    const oldest = beforeSec - ue * r.i.config.bufferOnFailures;
    f.begin(afterSec, beforeSec, beforeSec * 1000);
    for (const host of this.#o.hosts.list()) {
      if (r.hosts(host.isLocal ? "localhost" : host.hostname) !== true) continue;
      if (r.collected) {
        f.startHost(this.#exportHost(r, host));
        this.#host(r, host, afterSec, beforeSec);
        continue;
      }
      if (host.store.mode === "none") continue;
      let hb = r.hostBefore.get(host);
      if (hb === undefined) {
        // A host seen for the first time starts now, or where the state file says it stopped.
        hb = r.saved.get(host.machineGuid) ?? afterSec;
        r.saved.delete(host.machineGuid);
      }
      if (hb < oldest) hb = oldest;
      if (hb >= beforeSec || !ready(host)) {
        r.hostBefore.set(host, hb);
        continue;
      }
      f.startHost(this.#exportHost(r, host));
      const last = Math.min(beforeSec, hb + ue * MAX_HOST_CATCHUP);
      for (let b = hb + ue; b <= last; b += ue) this.#host(r, host, b - ue, b);
      r.hostBefore.set(host, last);
    }
    const batch = f.end();
    r.stats.rounds++;
    if (batch === undefined) return;
    r.stats.bufferedSamples += batch.samples;
    r.stats.bufferedBytes += batch.payload.length;
    r.i.delivery.enqueue(batch.payload, batch.samples, this.#now());
  }
}
