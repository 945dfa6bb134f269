/**
 * The collector contract, at the bottom of the folder: every collector and the scheduler import
 * it, and it imports nothing of theirs, so no collector imports `mod.ts` (which re-exports them).
 * @module
 */

import type { Host } from "../host/mod.ts";

/** Busy time of one collector in the last tick, kept by the scheduler. */
export interface CollectorTiming {
  /** The collector's name. */
  readonly name: string;
  /** µs spent in its `collect()` during the last tick (0 when it was not due). */
  busyUs: number;
}

/** A source of charts, called by the scheduler. */
export interface Collector {
  /** What it reads, e.g. `"proc:/proc/stat"`. */
  readonly name: string;
  /** Seconds between its collections. */
  readonly updateEvery: number;
  /**
   * One round: defines its charts on first use (chart, dimensions, labels, `defined()`), then
   * `begin(deltaUs)`, `set()`, `end()` per chart. `deltaUs` is the µs since its previous
   * collection, or 0 when unknown (first run, or the previous run failed): a chart given 0
   * measures the time with the host clock.
   * @throws {Error} when the source cannot be read or parsed (the scheduler logs it and the
   * charts get a gap).
   */
  collect(host: Host, deltaUs: number): void;
  /** Releases open files. Idempotent. */
  close(): void;
  /** Optional: receives the scheduler's per-collector timings (the self collector charts them). */
  useTimings?(timings: readonly CollectorTiming[]): void;
}
