/**
 * Which storage tier answers a query, and a view of one tier as a plain series.
 *
 * Like Netdata's dbengine queries, a long window is read from a coarser tier (per-minute,
 * per-hour points) when that tier covers it and still gives the points asked for: a day at 300
 * points reads 1,440 per-minute points per metric instead of 86,400 per-second ones. Stores that
 * keep no tiers of their own (RAM) always answer from tier 0, like Netdata's `ram` mode.
 * @module
 */

import type { SeriesId, Store, StoreReader, TierBuffers } from "../../store/mod.ts";
import { storedTiers, tierBuffers } from "../../store/mod.ts";
import type { GroupMethod } from "./group_method.ts";

/** Which tier value a grouping method reads: the extremes for min/max, the sum for sum, else the mean. */
type TierValue = "min" | "max" | "sum" | "mean";

function tierValueFor(group: GroupMethod): TierValue {
  switch (group.name) {
    case "min":
      return "min";
    case "max":
      return "max";
    case "sum":
      return "sum";
    default:
      return "mean";
  }
}

/**
 * The tier for a window of `points` points over `after..before` (seconds): among the tiers that
 * cover most of the window, the coarsest that still has at least `points` points in it; when none
 * has enough, the one with the most. Tier 0 when the store keeps no tiers.
 */
export function pickTier(
  store: Store,
  ids: readonly SeriesId[],
  after: number,
  before: number,
  points: number,
) {
  const n = storedTiers(store);
  if (n <= 1 || ids.length === 0 || before <= after) return 0;
  let best = 0;
  let bestScore = -Infinity;
  for (let t = 0; t < n; t++) {
    let first = 0, last = 0;
    for (const id of ids) {
      const f = store.firstTime(id, t), l = store.lastTime(id, t);
      if (f !== 0 && (first === 0 || f < first)) first = f;
      if (l > last) last = l;
    }
    if (first === 0) continue;
    const span = Math.min(before, last) - Math.max(after, first);
    if (span < 0) continue;
    const ue = store.tierUpdateEvery!(ids[0], t);
    const covered = span / (before - after);
    const have = span / ue;
    // Coverage counts first (in tenths), then having enough points.
    const score = Math.floor(covered * 10) * 2 + (have >= points ? 1 : have / points);
    if (score >= bestScore) {
      bestScore = score;
      best = t;
    }
  }
  return best;
}

/**
 * Tier `tier` of `store` as a series reader: its points at its own update_every, each one the
 * value the grouping method wants (mean, min, max or sum of the tier point).
 */
export class TierView implements StoreReader {
  readonly #store: Store;
  readonly #tier: number;
  readonly #value: TierValue;
  #buf: TierBuffers = tierBuffers(0);

  constructor(store: Store, tier: number, group: GroupMethod) {
    this.#store = store;
    this.#tier = tier;
    this.#value = tierValueFor(group);
  }

  updateEvery(id: SeriesId): number {
    return this.#store.tierUpdateEvery!(id, this.#tier);
  }

  firstTime(id: SeriesId): number {
    return this.#store.firstTime(id, this.#tier);
  }

  lastTime(id: SeriesId): number {
    return this.#store.lastTime(id, this.#tier);
  }

  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number {
    if (this.#buf.sum.length < out.length) this.#buf = tierBuffers(out.length);
    const b = this.#buf;
    const ue = this.updateEvery(id);
    const last = Math.min(toSec, fromSec + (out.length - 1) * ue);
    const n = this.#store.readTier!(id, this.#tier, fromSec, last, b);
    for (let i = 0; i < n; i++) {
      const c = b.count[i];
      if (!(c > 0)) {
        out[i] = NaN;
        continue;
      }
      switch (this.#value) {
        case "min":
          out[i] = b.min[i];
          break;
        case "max":
          out[i] = b.max[i];
          break;
        case "sum":
          out[i] = b.sum[i];
          break;
        default:
          out[i] = b.sum[i] / c;
      }
    }
    return n;
  }
}
