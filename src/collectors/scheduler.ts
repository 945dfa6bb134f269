/**
 * Runs collectors on a wall-clock aligned tick.
 *
 * - A tick fires at the next multiple of `updateEverySec` whole seconds; the timer is re-armed
 *   from the clock after every tick, so it never drifts and never overlaps (a tick that runs
 *   past the next boundary skips it).
 * - A collector is due on its first tick and then whenever the tick time reaches the next
 *   multiple of its own `updateEvery`.
 * - Each collector gets `deltaUs`, the measured µs since its previous run; 0 (unknown: charts
 *   then measure with the host clock) on its first run and after a failed run.
 * - A collector that throws does not stop the others: its open rounds are not ended (so the
 *   slot stays a gap), the error goes to `onError`, and the log gets one line per change of
 *   state (failing / recovered).
 * @module
 */

import { getLogger, type Logger } from "../util/log.ts";
import type { Host } from "../host/mod.ts";
import type { Collector, CollectorTiming } from "./collector.ts";

/** Options for {@link Scheduler}. */
export interface SchedulerOptions {
  /** Seconds between ticks (Netdata's `update every`). */
  updateEverySec: number;
  /** Wall clock in ms (default `Date.now`). */
  nowMs?: () => number;
  /** Where state changes of collectors go (default: category `["agent", "collectors"]`). */
  log?: Logger;
  /** Called on every failed collection, after the state-change log line. */
  onError?: (c: Collector, err: unknown) => void;
}

/** Calls the collectors of one host on a tick. */
export class Scheduler {
  readonly #host: Host;
  readonly #collectors: readonly Collector[];
  readonly #stepMs: number;
  readonly #nowMs: () => number;
  readonly #onError?: (c: Collector, err: unknown) => void;
  readonly #log: Logger;
  readonly #lastRunMs: Float64Array;
  readonly #nextDueSec: Float64Array;
  readonly #failing: Uint8Array;
  readonly #timings: CollectorTiming[];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #inTick = false;
  /** The boundary the last timer tick was aimed at (ms). */
  #lastBoundaryMs = 0;

  /**
   * @throws {RangeError} when `updateEverySec` is not a positive integer.
   */
  constructor(host: Host, collectors: Collector[], opts: SchedulerOptions) {
    if (!(Number.isInteger(opts.updateEverySec) && opts.updateEverySec > 0)) {
      throw new RangeError(`Update every must be a positive integer of seconds, got ${opts.updateEverySec}`);
    }
    this.#host = host;
    this.#collectors = collectors.slice();
    this.#stepMs = opts.updateEverySec * 1000;
    this.#nowMs = opts.nowMs ?? Date.now;
    this.#onError = opts.onError;
    this.#log = opts.log ?? getLogger(["agent", "collectors"]);
    const n = collectors.length;
    this.#lastRunMs = new Float64Array(n).fill(NaN);
    this.#nextDueSec = new Float64Array(n);
    this.#failing = new Uint8Array(n);
    this.#timings = collectors.map((c) => ({ name: c.name, busyUs: 0 }));
    for (const c of collectors) c.useTimings?.(this.#timings);
  }

  /** Per-collector busy time of the last tick, in collector order. */
  get timings(): readonly CollectorTiming[] {
    return this.#timings;
  }

  /** Starts ticking at the next aligned boundary. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#arm();
  }

  /**
   * Stops ticking. Ticks are synchronous, so none is in progress once this returns; the
   * collectors stay open (their owner closes them).
   */
  stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    return Promise.resolve();
  }

  /** Runs one tick now: every due collector, in order. */
  tickOnce(): void {
    if (this.#inTick) return;
    this.#inTick = true;
    try {
      const tickSec = Math.round(this.#nowMs() / 1000);
      const cs = this.#collectors;
      for (let i = 0; i < cs.length; i++) {
        this.#timings[i].busyUs = 0;
        if (!Number.isNaN(this.#lastRunMs[i]) && tickSec < this.#nextDueSec[i]) continue;
        this.#run(i, tickSec);
      }
    } finally {
      this.#inTick = false;
    }
  }

  #run(i: number, tickSec: number): void {
    const c = this.#collectors[i];
    const now = this.#nowMs();
    const last = this.#lastRunMs[i];
    // Unknown after a failed run: some of its charts may not have been collected since the run
    // before, so they measure with the host clock (a chart given 0 does) and get their gaps.
    const deltaUs = Number.isNaN(last) || this.#failing[i] ? 0 : Math.max(1, Math.round((now - last) * 1000));
    this.#lastRunMs[i] = now;
    const ue = c.updateEvery > 0 ? c.updateEvery : 1;
    this.#nextDueSec[i] = (Math.floor(tickSec / ue) + 1) * ue;
    const t0 = performance.now();
    try {
      c.collect(this.#host, deltaUs);
      if (this.#failing[i]) {
        this.#failing[i] = 0;
        this.#log.info("Collector {name} recovered", { name: c.name });
      }
    } catch (err) {
      if (!this.#failing[i]) {
        this.#failing[i] = 1;
        this.#log.error("Collector {name} failed, its charts get gaps until it recovers: {error}", {
          name: c.name,
          error: err instanceof Error ? err.message : String(err),
        });
      }
      this.#onError?.(c, err);
    } finally {
      this.#timings[i].busyUs = (performance.now() - t0) * 1000;
    }
  }

  #arm(): void {
    if (!this.#running) return;
    const now = this.#nowMs();
    const step = this.#stepMs;
    let next = (Math.floor(now / step) + 1) * step;
    // A timer that fired a little early must not aim at the boundary it just served.
    if (next <= this.#lastBoundaryMs) next = this.#lastBoundaryMs + step;
    this.#lastBoundaryMs = next;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      this.tickOnce();
      this.#arm();
    }, next - now);
  }
}
