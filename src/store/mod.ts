/**
 * The time-series store: one write interface (for the collection pipeline) and one read
 * interface (for the API and the stream sender), so the RAM store (`memory mode = ram`), the
 * no-op store (`memory mode = none`) and the disk store (`memory mode = dbengine`, a later issue)
 * are interchangeable.
 *
 * Invariants:
 * - A series lives on a fixed time grid: every stored point sits at a multiple of the series'
 *   `updateEvery` (seconds), so timestamps are implicit (slot index × updateEvery).
 * - A point is a 32-bit float (4 bytes per slot, like Netdata's storage_number); NaN is a gap.
 * - Points are appended in time order; an append that skips slots leaves gaps (NaN) in them.
 *   An append at or before the newest point overwrites that slot when it is still retained
 *   (replication back-fill); older ones are dropped and counted.
 * - Capacity is fixed at creation (`history` seconds); the oldest slots are recycled.
 * - The store owns no metadata beyond the grid: chart and dimension definitions live in the
 *   host model (`src/host/`).
 *
 * @example
 * ```ts
 * import { createStore } from "./mod.ts";
 * const store = createStore({ mode: "ram", historySec: 3600 });
 * const id = store.define("system.cpu|user", 1);
 * store.append(id, 1795293600, 12.5);
 * const out = new Float64Array(1);
 * store.read(id, 1795293600, 1795293600, out); // out[0] === 12.5
 * ```
 * @module
 */

import { RamStore } from "./ram.ts";

/** A small integer naming one series inside one store. */
export type SeriesId = number;

/** The memory modes of Netdata's `[db] mode` that we implement. */
export type MemoryMode = "none" | "ram" | "dbengine";

/** What the collection pipeline needs. */
export interface StoreWriter {
  /**
   * Finds or creates the series named `key` on a grid of `updateEverySec` seconds.
   * Redefining a series with another `updateEverySec` clears its points.
   */
  define(key: string, updateEverySec: number): SeriesId;
  /** Stores `value` (NaN for a gap) at `tSec`, which must be a multiple of the series' grid. */
  append(id: SeriesId, tSec: number, value: number): void;
}

/** What queries need. */
export interface StoreReader {
  /** Seconds between two slots of the series. */
  updateEvery(id: SeriesId): number;
  /** Time of the oldest retained slot, 0 when the series holds nothing. */
  firstTime(id: SeriesId): number;
  /** Time of the newest stored slot, 0 when the series holds nothing. */
  lastTime(id: SeriesId): number;
  /**
   * Copies the points at `fromSec, fromSec + ue, …` up to `toSec` (inclusive) into `out`
   * (NaN where nothing is stored) and returns how many were written, at most `out.length`.
   * `fromSec` is rounded up to the grid.
   */
  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number;
}

/** A whole store: both interfaces plus housekeeping. */
export interface Store extends StoreWriter, StoreReader {
  readonly mode: MemoryMode;
  /** Number of defined series. */
  readonly seriesCount: number;
  /** Bytes held for points (not metadata). */
  memoryBytes(): number;
  /** Points dropped because they were older than retention. */
  readonly droppedOld: number;
  close(): void;
}

/** Options for {@link createStore}. */
export interface StoreOptions {
  mode: MemoryMode;
  /** Seconds of history each series keeps (ram). */
  historySec: number;
}

/**
 * Creates a store for one host.
 * @throws {RangeError} when `historySec` is below 5 or the mode is not implemented.
 */
export function createStore(opts: StoreOptions): Store {
  if (!(opts.historySec >= 5)) {
    throw new RangeError(`History must be at least 5 seconds, got ${opts.historySec}`);
  }
  switch (opts.mode) {
    case "ram":
      return new RamStore(opts.historySec, "ram");
    case "dbengine":
      // TODO(#4): the disk store; until then dbengine keeps its history in RAM.
      return new RamStore(opts.historySec, "dbengine");
    case "none":
      return new RamStore(0, "none");
    default:
      throw new RangeError(`Unknown memory mode "${opts.mode}"`);
  }
}
