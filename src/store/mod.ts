/**
 * The time-series store: one write interface (for the collection pipeline) and one read
 * interface (for the API and the stream sender), so the RAM store (`memory mode = ram`), the
 * no-op store (`memory mode = none`) and the disk store (`memory mode = dbengine`, `dbengine/`,
 * byte layout in `dbengine/FORMAT.md`) are interchangeable.
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

export { createStore } from "./create.ts";
export {
  aggregateTier,
  firstTimeAnyTier,
  MAX_TIERS,
  storedTiers,
  TIER_GROUPING,
  tierBuffers,
  tierUpdateEvery,
} from "./tiers.ts";
export type {
  MemoryMode,
  SeriesId,
  Store,
  StoreOptions,
  StoreReader,
  StoreWriter,
  TierBuffers,
} from "./types.ts";
