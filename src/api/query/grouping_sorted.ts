/**
 * The grouping methods that sort a row's values: median (and trimmed-median), percentile and
 * trimmed-mean (Netdata's web/api/queries/{median,percentile,trimmed_mean}/).
 * @module
 */

import type { Grouping, GroupingContext } from "./group_method.ts";
import { parseLeadingFloat } from "../url.ts";

/** Keeps a bucket's values for the sorting methods (median, percentile, trimmed-mean). */
abstract class SeriesGrouping implements Grouping {
  empty = false;
  protected series: Float64Array;
  protected n = 0;
  protected percent: number;

  constructor(ctx: GroupingContext, def: number, maxPercent: number) {
    this.series = new Float64Array(Math.max(10, ctx.group));
    let p = def;
    if (ctx.options !== undefined && ctx.options !== "") {
      p = parseLeadingFloat(ctx.options);
      if (!Number.isFinite(p)) p = 0;
      if (p < 0) p = 0;
      if (p > maxPercent) p = maxPercent;
    }
    this.percent = p / 100;
  }
  reset(): void {
    this.n = 0;
  }
  add(v: number): void {
    if (this.n >= this.series.length) {
      const bigger = new Float64Array(this.series.length * 2);
      bigger.set(this.series);
      this.series = bigger;
    }
    this.series[this.n++] = v;
  }
  flush(): number {
    let v = 0;
    if (this.n === 0) v = NaN;
    else if (this.n === 1) v = this.series[0];
    else {
      this.series.subarray(0, this.n).sort();
      v = this.compute(this.n);
    }
    this.empty = !Number.isFinite(v);
    this.n = 0;
    return this.empty ? 0 : v;
  }
  protected abstract compute(n: number): number;
}

/** `median` and `trimmed-median<N>`: the median after dropping values within N% of the range's ends. */
export class MedianGrouping extends SeriesGrouping {
  constructor(ctx: GroupingContext, def: number) {
    super(ctx, def, 50);
  }
  protected compute(n: number): number {
    const s = this.series;
    let start = 0;
    let end = n - 1;
    if (this.percent > 0) {
      const min = s[0];
      const max = s[n - 1];
      const delta = (max - min) * this.percent;
      const wantedMin = min + delta;
      const wantedMax = max - delta;
      for (start = 0; start < n; start++) if (s[start] >= wantedMin) break;
      for (end = n - 1; end > start; end--) if (s[end] <= wantedMax) break;
    }
    if (start === end) return s[start];
    return medianOnSorted(s, start, end - start + 1);
  }
}

/** Netdata's median_on_sorted_series(), including its off-by-one for even counts. */
function medianOnSorted(s: Float64Array, off: number, entries: number): number {
  if (entries === 0) return NaN;
  if (entries === 1) return s[off];
  if (entries === 2) return (s[off] + s[off + 1]) / 2;
  if (entries % 2 === 0) {
    const m = entries / 2;
    return (s[off + m] + s[off + m + 1]) / 2;
  }
  return s[off + Math.floor(entries / 2)];
}

/** Shared by percentile and trimmed-mean: average of a run of sorted slots with interpolation. */
function slotAverage(s: Float64Array, n: number, percent: number, trimmed: boolean): number {
  const min = s[0];
  const max = s[n - 1];
  if (min === max) return min;
  let slots = Math.floor(n * percent);
  if (slots === 0) slots = 1;
  const pctToUse = slots / n;
  const pctDelta = percent - pctToUse;
  let interp = 0;
  let lastPct = 0;
  if (pctDelta > 0) {
    const pct1 = (slots + 1) / n - pctToUse;
    interp = pctDelta / pct1;
    lastPct = 1 - interp;
  }
  let start: number, stop: number, step: number, last: number, interpSlot: number;
  const skip = trimmed ? Math.floor((n - slots) / 2) : 0;
  if (min >= 0 && max >= 0) {
    start = skip;
    stop = start + slots;
    last = stop - 1;
    interpSlot = stop;
    step = 1;
  } else {
    start = n - 1 - skip;
    stop = start - slots;
    last = stop + 1;
    interpSlot = stop;
    step = -1;
  }
  let v = 0;
  for (let i = start; i !== stop; i += step) v += s[i];
  let counted = slots;
  if (interp > 0 && interpSlot >= 0 && interpSlot < n) {
    v += s[interpSlot] * interp;
    v += s[last] * lastPct;
    counted++;
  }
  return v / counted;
}

/** `percentile<N>`: the average of the lowest N% of values (the highest when any is negative). */
export class PercentileGrouping extends SeriesGrouping {
  constructor(ctx: GroupingContext, def: number) {
    super(ctx, def, 100);
  }
  protected compute(n: number): number {
    return slotAverage(this.series, n, this.percent, false);
  }
}

/** `trimmed-mean<N>`: the average after dropping N% of the values at each end. */
export class TrimmedMeanGrouping extends SeriesGrouping {
  constructor(ctx: GroupingContext, def: number) {
    super(ctx, def, 50);
    this.percent = 1 - this.percent * 2;
  }
  protected compute(n: number): number {
    return slotAverage(this.series, n, this.percent, true);
  }
}
