/**
 * The time-series store: one write interface (for the collection pipeline) and one read
 * interface (for the API and the stream sender), so the RAM store (`memory mode = ram`), the
 * no-op store (`memory mode = none`) and the disk store (`memory mode = dbengine`, `disk.ts`,
 * byte layout in FORMAT.md) are interchangeable.
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
 * - Tiers (optional methods): tier 0 is the grid above; tier k > 0 has one point per 60^k
 *   tier-0 slots holding min, max, sum and count of the non-gap points (see `tiers.ts`). The
 *   RAM store computes them on the fly from tier 0; the disk store keeps them, with their own
 *   (longer) retention.
 * - dbengine: appends reach disk at each flush (every `flushIntervalSec`, and in `close()`);
 *   a crash loses at most one flush interval. Ids and data survive a restart in `dir`.
 *
 * @example
 * ```ts
 * import { createStore, tierBuffers } from "./mod.ts";
 * const store = createStore({ mode: "ram", historySec: 3600 });
 * const id = store.define("system.cpu|user", 1);
 * store.append(id, 1795293600, 12.5);
 * const out = new Float64Array(1);
 * store.read(id, 1795293600, 1795293600, out); // out[0] === 12.5
 *
 * // on disk, with per-minute and per-hour tiers; the same key maps to the same id after a restart
 * const disk = createStore({ mode: "dbengine", historySec: 86400, dir: "/var/cache/agent/dbengine/host1" });
 * const did = disk.define("system.cpu|user", 1);
 * disk.append(did, 1795293600, 12.5);
 * const tier1 = tierBuffers(60);
 * disk.readTier?.(did, 1, 1795293600, 1795297200, tier1); // tier1.count[0] === 1
 * disk.close(); // flushes synchronously
 * ```
 * @module
 */

import type { Logger } from "@logtape/logtape";
import { DiskStore } from "./disk.ts";
import { RamStore } from "./ram.ts";
import type { TierBuffers } from "./tiers.ts";

export {
  aggregateTier,
  MAX_TIERS,
  TIER_GROUPING,
  type TierBuffers,
  tierBuffers,
  tierUpdateEvery,
} from "./tiers.ts";

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
  /**
   * Time of the oldest retained slot of tier `tier` (default 0), 0 when the series holds
   * nothing there.
   */
  firstTime(id: SeriesId, tier?: number): number;
  /**
   * Time of the newest stored slot of tier `tier` (default 0), 0 when the series holds nothing
   * there. The newest point of a tier above 0 may still be accumulating.
   */
  lastTime(id: SeriesId, tier?: number): number;
  /**
   * Copies the points at `fromSec, fromSec + ue, …` up to `toSec` (inclusive) into `out`
   * (NaN where nothing is stored) and returns how many were written, at most `out.length`.
   * `fromSec` is rounded up to the grid.
   */
  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number;
  /** Tiers this store answers (tier 0 up to `tiers - 1`); absent means 1. */
  readonly tiers?: number;
  /** Seconds between two points of `tier`: `updateEvery(id) × 60^tier`. */
  tierUpdateEvery?(id: SeriesId, tier: number): number;
  /**
   * Copies the points of `tier` at `fromSec` (rounded up to the tier's grid) … `toSec`
   * (inclusive) into `out` and returns how many were written, at most `out.min.length`.
   * A point holds min, max and sum of the tier-0 points it covers and their count (gaps not
   * counted); a point with nothing stored is NaN with count 0. Tier 0 answers min = max =
   * sum = value, count 1 (0 for a gap). Returns 0 for a tier the store does not keep.
   */
  readTier?(id: SeriesId, tier: number, fromSec: number, toSec: number, out: TierBuffers): number;
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
  /** dbengine: writes what was appended so far to disk now (synchronous). */
  flush?(): void;
  /** dbengine: bytes of its files on disk. */
  diskBytes?(): number;
  /** Releases the store; dbengine writes everything to disk first (synchronously). Idempotent. */
  close(): void;
}

/** Options for {@link createStore}. */
export interface StoreOptions {
  mode: MemoryMode;
  /** Seconds of (tier-0) history each series keeps. */
  historySec: number;
  /** dbengine: the store's directory (required). */
  dir?: string;
  /** dbengine: disk budget of all its files in bytes (at least 64 KiB); the oldest files go first. */
  diskSpaceBytes?: number;
  /** dbengine: seconds between flushes to disk (default 5), the most a crash loses. */
  flushIntervalSec?: number;
  /** dbengine: tiers kept, 1–3 (default 3). */
  tiers?: number;
  /** dbengine: seconds of history of tiers 1 and 2 (default `historySec × 60^tier`). */
  tierHistorySec?: readonly number[];
  /** dbengine: where recovery and retention are logged (default category ["agent", "store"]). */
  logger?: Logger;
}

/**
 * Creates a store for one host. A dbengine store opens (and recovers) `dir` synchronously.
 * @throws {RangeError} when `historySec` is below 5, the mode is unknown, dbengine has no `dir`
 * or a dbengine option is out of range.
 */
export function createStore(opts: StoreOptions): Store {
  if (!(opts.historySec >= 5)) {
    throw new RangeError(`History must be at least 5 seconds, got ${opts.historySec}`);
  }
  switch (opts.mode) {
    case "ram":
      return new RamStore(opts.historySec, "ram");
    case "dbengine":
      if (!opts.dir) throw new RangeError(`Memory mode "dbengine" needs a directory`);
      return new DiskStore({
        dir: opts.dir,
        historySec: opts.historySec,
        diskSpaceBytes: opts.diskSpaceBytes,
        flushIntervalSec: opts.flushIntervalSec,
        tiers: opts.tiers,
        tierHistorySec: opts.tierHistorySec,
        logger: opts.logger,
      });
    case "none":
      return new RamStore(0, "none");
    default:
      throw new RangeError(`Unknown memory mode "${opts.mode}"`);
  }
}

/** How many tiers `store` keeps on its own (1 when only tier 0). */
export function storedTiers(store: Store): number {
  return store.mode === "dbengine" && store.readTier !== undefined ? store.tiers ?? 1 : 1;
}

/** The oldest point of a series across its stored tiers (0 when none). */
export function firstTimeAnyTier(store: Store, id: SeriesId): number {
  let first = 0;
  const n = storedTiers(store);
  for (let t = 0; t < n; t++) {
    const f = store.firstTime(id, t);
    if (f !== 0 && (first === 0 || f < first)) first = f;
  }
  return first;
}
