/**
 * Netdata's `exporting_calculate_value_from_stored_data()` (exporting/process_data.c, v1.37.1):
 * the average (or sum) of a dimension's stored points in an export window, stepped back two
 * collections so that every chart of the window is complete, and the time to report it at.
 * Shared by `/api/v1/allmetrics?format=prometheus` and the exporting connectors.
 * @module
 */

import type { StoreReader } from "../store/mod.ts";

/** What {@link storedValue} computes: NaN when nothing is stored in the window. */
export interface StoredValue {
  value: number;
  /** The end of the aligned window (epoch s): the time the value is reported at. */
  lastSec: number;
}

/**
 * The average (`sum` false) or sum of the points of series `id` (grid `updateEvery` s) in the
 * window `afterSec`..`beforeSec`, shifted back by two collections, aligned to the grid, minus
 * the newest point (reported next time), clipped to what the store holds. `buf` is scratch
 * space (any length above 0); its contents are overwritten.
 */
export function storedValue(
  store: StoreReader,
  id: number,
  updateEvery: number,
  window: { afterSec: number; beforeSec: number },
  sum: boolean,
  buf: Float64Array,
): StoredValue {
  const first = store.firstTime(id);
  const lastT = store.lastTime(id);
  const ue = updateEvery;
  let after = window.afterSec - ue * 2;
  let before = window.beforeSec - ue * 2;
  after -= after % ue;
  before -= before % ue;
  before -= ue;
  if (after > before) after = before;
  if (after < first) after = first;
  if (before > lastT) before = lastT;
  if (first === 0 || before < first || after > lastT) return { value: NaN, lastSec: before };
  let total = 0;
  let count = 0;
  for (let t = Math.ceil(after / ue) * ue; t <= before;) {
    const n = store.read(id, t, Math.min(before, t + (buf.length - 1) * ue), buf);
    if (n === 0) break;
    for (let i = 0; i < n; i++) {
      const v = buf[i];
      if (v === v) {
        total += v;
        count++;
      }
    }
    t += n * ue;
  }
  if (count === 0) return { value: NaN, lastSec: before };
  return { value: sum ? total : total / count, lastSec: before };
}
