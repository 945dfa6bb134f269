/**
 * Tiers, as in Netdata's dbengine: tier 0 holds every point on the series' grid; tier k > 0 holds
 * one aggregate point (min, max, sum, count) per {@link TIER_GROUPING}^k tier-0 slots, so with
 * `update every = 1` tier 1 is per-minute and tier 2 per-hour.
 *
 * A tier point has the time of the end of the interval it covers (like Netdata and like tier-0
 * points, whose time is their end): the tier-k point at time T aggregates the tier-0 points at
 * times t with T - tierUpdateEvery < t <= T, i.e. tier-0 slot n goes to tier-k slot
 * ceil(n / 60^k). `count` is how many of those points were not gaps; a tier point with count 0
 * is a gap (min, max and sum NaN).
 * @module
 */

import type { SeriesId, Store, TierBuffers } from "./types.ts";

/** Tier-(k-1) points per tier-k point (Netdata's `dbengine tier N update every iterations`). */
export const TIER_GROUPING = 60;
/** Most tiers a store keeps (0, 1, 2). */
export const MAX_TIERS = 3;

/** Tier-0 slots per tier-k point: 1, 60, 3600. */
export function tierSlots(tier: number): number {
  return tier === 0 ? 1 : tier === 1 ? TIER_GROUPING : TIER_GROUPING ** tier;
}

/** Seconds between two points of tier `tier` for a series updated every `updateEverySec`. */
export function tierUpdateEvery(updateEverySec: number, tier: number): number {
  return updateEverySec * tierSlots(tier);
}

/** Allocates buffers for `n` tier points. */
export function tierBuffers(n: number): TierBuffers {
  return {
    min: new Float64Array(n),
    max: new Float64Array(n),
    sum: new Float64Array(n),
    count: new Float64Array(n),
  };
}

/** Writes tier-0 points `values[0, n)` as tier points (min = max = sum = value, count 1 or 0). */
export function valuesAsTier(values: Float64Array, n: number, out: TierBuffers): void {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out.min[i] = v;
    out.max[i] = v;
    out.sum[i] = v;
    out.count[i] = v === v ? 1 : 0;
  }
}

/** The tier-0 reads {@link aggregateTier} needs. */
export interface Tier0Source {
  updateEvery(id: SeriesId): number;
  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number;
}

/**
 * Computes tier `tier` points at `fromSec` (rounded up to the tier grid) … `toSec` from the
 * tier-0 points of `src`, reading through `scratch` (any length ≥ 1; 4096 is a good size).
 * Returns how many points were written, at most the length of `out`'s arrays. Used by stores
 * that keep only tier 0 (RAM) to answer tier reads on the fly.
 */
export function aggregateTier(
  src: Tier0Source,
  id: SeriesId,
  tier: number,
  range: { fromSec: number; toSec: number },
  out: TierBuffers,
  scratch: Float64Array,
): number {
  const ue = src.updateEvery(id);
  const g = tierSlots(tier);
  const tue = ue * g;
  const p0 = Math.ceil(range.fromSec / tue);
  const p1 = Math.floor(range.toSec / tue);
  let count = p1 - p0 + 1;
  if (count <= 0) return 0;
  if (count > out.min.length) count = out.min.length;
  for (let i = 0; i < count; i++) {
    out.min[i] = NaN;
    out.max[i] = NaN;
    out.sum[i] = NaN;
    out.count[i] = 0;
  }
  // tier-0 slots (p0 - 1) * g + 1 … (p0 + count - 1) * g
  let n = (p0 - 1) * g + 1;
  const nEnd = (p0 + count - 1) * g;
  while (n <= nEnd) {
    const last = Math.min(nEnd, n + scratch.length - 1);
    const got = src.read(id, n * ue, last * ue, scratch);
    if (got <= 0) break;
    for (let k = 0; k < got; k++) {
      const v = scratch[k];
      if (v !== v) continue;
      const i = Math.ceil((n + k) / g) - p0;
      if (out.count[i] === 0) {
        out.min[i] = v;
        out.max[i] = v;
        out.sum[i] = v;
      } else {
        if (v < out.min[i]) out.min[i] = v;
        if (v > out.max[i]) out.max[i] = v;
        out.sum[i] += v;
      }
      out.count[i]++;
    }
    n += got;
  }
  return count;
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
