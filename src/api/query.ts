/**
 * The query engine of `/api/v1/data`, a port of Netdata 1.37.1's web/api/queries: the time-window
 * and alignment rules (`query_target_calculate_window()`), the grouping methods, and the
 * per-dimension loop (`rrd2rrdr_do_dimension()`) that turns stored points into grouped rows.
 *
 * Pure: it reads points through {@link StoreReader} only, and reuses one scratch buffer per query,
 * so it allocates nothing per point.
 * @module
 */

import type { SeriesId, StoreReader } from "../store/mod.ts";
import { parseLeadingFloat } from "./url.ts";

// ---------------------------------------------------------------------------------------------
// options

/** `options=` flags (RRDR_OPTION_*). */
export const OPT_NONZERO = 1 << 0;
export const OPT_REVERSED = 1 << 1;
export const OPT_JSON_WRAP = 1 << 2;
export const OPT_MIN2MAX = 1 << 3;
export const OPT_MILLISECONDS = 1 << 4;
export const OPT_ABSOLUTE = 1 << 5;
export const OPT_DISPLAY_ABS = 1 << 6;
export const OPT_SECONDS = 1 << 7;
export const OPT_NULL2ZERO = 1 << 8;
export const OPT_OBJECTSROWS = 1 << 9;
export const OPT_GOOGLE_JSON = 1 << 10;
export const OPT_PERCENTAGE = 1 << 11;
export const OPT_NOT_ALIGNED = 1 << 12;
export const OPT_MATCH_IDS = 1 << 13;
export const OPT_MATCH_NAMES = 1 << 14;
export const OPT_ANOMALY_BIT = 1 << 15;
export const OPT_SELECTED_TIER = 1 << 16;
export const OPT_RETURN_RAW = 1 << 17;
export const OPT_RETURN_JWAR = 1 << 18;
export const OPT_NATURAL_POINTS = 1 << 19;
export const OPT_VIRTUAL_POINTS = 1 << 20;
export const OPT_ALL_DIMENSIONS = 1 << 21;
/** Internal: quote the csv header labels (csvjsonarray). */
export const OPT_LABEL_QUOTES = 1 << 22;

/** Netdata's option table, in the order jsonwrap echoes them (first spelling of each flag wins). */
const OPTION_TABLE: readonly (readonly [string, number])[] = [
  ["nonzero", OPT_NONZERO],
  ["flip", OPT_REVERSED],
  ["reversed", OPT_REVERSED],
  ["reverse", OPT_REVERSED],
  ["jsonwrap", OPT_JSON_WRAP],
  ["min2max", OPT_MIN2MAX],
  ["ms", OPT_MILLISECONDS],
  ["milliseconds", OPT_MILLISECONDS],
  ["abs", OPT_ABSOLUTE],
  ["absolute", OPT_ABSOLUTE],
  ["absolute_sum", OPT_ABSOLUTE],
  ["absolute-sum", OPT_ABSOLUTE],
  ["display_absolute", OPT_DISPLAY_ABS],
  ["display-absolute", OPT_DISPLAY_ABS],
  ["seconds", OPT_SECONDS],
  ["null2zero", OPT_NULL2ZERO],
  ["objectrows", OPT_OBJECTSROWS],
  ["google_json", OPT_GOOGLE_JSON],
  ["google-json", OPT_GOOGLE_JSON],
  ["percentage", OPT_PERCENTAGE],
  ["unaligned", OPT_NOT_ALIGNED],
  ["match_ids", OPT_MATCH_IDS],
  ["match-ids", OPT_MATCH_IDS],
  ["match_names", OPT_MATCH_NAMES],
  ["match-names", OPT_MATCH_NAMES],
  ["anomaly-bit", OPT_ANOMALY_BIT],
  ["selected-tier", OPT_SELECTED_TIER],
  ["raw", OPT_RETURN_RAW],
  ["jw-anomaly-rates", OPT_RETURN_JWAR],
  ["natural-points", OPT_NATURAL_POINTS],
  ["virtual-points", OPT_VIRTUAL_POINTS],
  ["all-dimensions", OPT_ALL_DIMENSIONS],
];

/** Parses `options=` (separators `,`, `|` and space); unknown names are ignored. */
export function parseDataOptions(text: string | undefined): number {
  if (text === undefined) return 0;
  let flags = 0;
  for (const tok of text.split(/[ ,|]/)) {
    if (tok === "") continue;
    for (const [name, flag] of OPTION_TABLE) {
      if (name === tok) {
        flags |= flag;
        break;
      }
    }
  }
  return flags;
}

/** The flags as Netdata echoes them: table order, first spelling, comma separated. */
export function optionsToString(flags: number): string {
  let used = 0;
  const out: string[] = [];
  for (const [name, flag] of OPTION_TABLE) {
    if ((flags & flag) !== 0 && (used & flag) === 0) {
      used |= flag;
      out.push(name);
    }
  }
  return out.join(",");
}

// ---------------------------------------------------------------------------------------------
// grouping methods

/** The grouping methods, by canonical name. */
export type GroupKind =
  | "average"
  | "min"
  | "max"
  | "sum"
  | "incremental_sum"
  | "median"
  | "percentile"
  | "trimmed-mean"
  | "stddev"
  | "cv"
  | "ses"
  | "des"
  | "countif";

/** A resolved `group=`: its canonical name (as echoed), kind and default percentage. */
export interface GroupMethod {
  name: string;
  kind: GroupKind;
  /** Default percent for median/trimmed/percentile forms. */
  percent: number;
}

const GROUP_TABLE: readonly (readonly [string, string, GroupKind, number])[] = [
  // [alias, canonical, kind, default percent]
  ["average", "average", "average", 0],
  ["mean", "average", "average", 0],
  ["trimmed-mean1", "trimmed-mean1", "trimmed-mean", 1],
  ["trimmed-mean2", "trimmed-mean2", "trimmed-mean", 2],
  ["trimmed-mean3", "trimmed-mean3", "trimmed-mean", 3],
  ["trimmed-mean5", "trimmed-mean5", "trimmed-mean", 5],
  ["trimmed-mean10", "trimmed-mean10", "trimmed-mean", 10],
  ["trimmed-mean15", "trimmed-mean15", "trimmed-mean", 15],
  ["trimmed-mean20", "trimmed-mean20", "trimmed-mean", 20],
  ["trimmed-mean25", "trimmed-mean25", "trimmed-mean", 25],
  ["trimmed-mean", "trimmed-mean5", "trimmed-mean", 5],
  ["incremental_sum", "incremental_sum", "incremental_sum", 0],
  ["incremental-sum", "incremental_sum", "incremental_sum", 0],
  ["median", "median", "median", 0],
  ["trimmed-median1", "trimmed-median1", "median", 1],
  ["trimmed-median2", "trimmed-median2", "median", 2],
  ["trimmed-median3", "trimmed-median3", "median", 3],
  ["trimmed-median5", "trimmed-median5", "median", 5],
  ["trimmed-median10", "trimmed-median10", "median", 10],
  ["trimmed-median15", "trimmed-median15", "median", 15],
  ["trimmed-median20", "trimmed-median20", "median", 20],
  ["trimmed-median25", "trimmed-median25", "median", 25],
  ["trimmed-median", "trimmed-median5", "median", 5],
  ["percentile25", "percentile25", "percentile", 25],
  ["percentile50", "percentile50", "percentile", 50],
  ["percentile75", "percentile75", "percentile", 75],
  ["percentile80", "percentile80", "percentile", 80],
  ["percentile90", "percentile90", "percentile", 90],
  ["percentile95", "percentile95", "percentile", 95],
  ["percentile97", "percentile97", "percentile", 97],
  ["percentile98", "percentile98", "percentile", 98],
  ["percentile99", "percentile99", "percentile", 99],
  ["percentile", "percentile95", "percentile", 95],
  ["min", "min", "min", 0],
  ["max", "max", "max", 0],
  ["sum", "sum", "sum", 0],
  ["stddev", "stddev", "stddev", 0],
  ["cv", "cv", "cv", 0],
  ["rsd", "cv", "cv", 0],
  ["ses", "ses", "ses", 0],
  ["ema", "ses", "ses", 0],
  ["ewma", "ses", "ses", 0],
  ["des", "des", "des", 0],
  ["countif", "countif", "countif", 0],
];

/** Resolves a `group=` name; unknown or missing names are `average`. */
export function parseGroupMethod(name: string | undefined): GroupMethod {
  for (const [alias, canonical, kind, percent] of GROUP_TABLE) {
    if (alias === name) return { name: canonical, kind, percent };
  }
  return { name: "average", kind: "average", percent: 0 };
}

/** What a grouping method needs to know about the query. */
export interface GroupingContext {
  /** Database points per output row (`group`). */
  group: number;
  /** Rows of the query (for ses/des running windows). */
  points: number;
  resamplingGroup: number;
  resamplingDivisor: number;
  /** `group_options`. */
  options: string | undefined;
  /** `[web] ses max window` / `des max window` (default 15). */
  maxWindow?: number;
}

/** One time-grouping method: values go in with add(), each row comes out of flush(). */
export interface Grouping {
  /** Called when the query switches to another dimension. */
  reset(): void;
  add(value: number): void;
  /** The row value (0 when empty, with `empty` set). */
  flush(): number;
  /** Whether the last flush() had no value. */
  empty: boolean;
}

class AverageGrouping implements Grouping {
  empty = false;
  #sum = 0;
  #count = 0;
  #divisor: number;

  constructor(ctx: GroupingContext) {
    this.#divisor = ctx.resamplingGroup !== 1 ? ctx.resamplingDivisor : 0;
  }
  reset(): void {
    this.#sum = 0;
    this.#count = 0;
  }
  add(v: number): void {
    this.#sum += v;
    this.#count++;
  }
  flush(): number {
    let v = 0;
    this.empty = this.#count === 0;
    if (!this.empty) v = this.#divisor !== 0 ? this.#sum / this.#divisor : this.#sum / this.#count;
    this.#sum = 0;
    this.#count = 0;
    return v;
  }
}

class MinMaxGrouping implements Grouping {
  empty = false;
  #v = 0;
  #count = 0;
  #max: boolean;

  constructor(max: boolean) {
    this.#max = max;
  }
  reset(): void {
    this.#v = 0;
    this.#count = 0;
  }
  add(v: number): void {
    const a = Math.abs(v);
    const b = Math.abs(this.#v);
    if (this.#count === 0 || (this.#max ? a > b : a < b)) {
      this.#v = v;
      this.#count++;
    }
  }
  flush(): number {
    this.empty = this.#count === 0;
    const v = this.empty ? 0 : this.#v;
    this.#v = 0;
    this.#count = 0;
    return v;
  }
}

class SumGrouping implements Grouping {
  empty = false;
  #sum = 0;
  #count = 0;
  reset(): void {
    this.#sum = 0;
    this.#count = 0;
  }
  add(v: number): void {
    this.#sum += v;
    this.#count++;
  }
  flush(): number {
    this.empty = this.#count === 0;
    const v = this.empty ? 0 : this.#sum;
    this.#sum = 0;
    this.#count = 0;
    return v;
  }
}

class IncrementalSumGrouping implements Grouping {
  empty = false;
  #first = 0;
  #last = 0;
  #count = 0;
  reset(): void {
    this.#first = 0;
    this.#last = 0;
    this.#count = 0;
  }
  add(v: number): void {
    if (this.#count === 0) this.#first = v;
    else this.#last = v;
    this.#count++;
  }
  flush(): number {
    this.empty = this.#count === 0;
    const v = this.#count < 2 ? 0 : this.#last - this.#first;
    this.#first = 0;
    this.#last = 0;
    this.#count = 0;
    return v;
  }
}

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

class MedianGrouping extends SeriesGrouping {
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

class PercentileGrouping extends SeriesGrouping {
  constructor(ctx: GroupingContext, def: number) {
    super(ctx, def, 100);
  }
  protected compute(n: number): number {
    return slotAverage(this.series, n, this.percent, false);
  }
}

class TrimmedMeanGrouping extends SeriesGrouping {
  constructor(ctx: GroupingContext, def: number) {
    super(ctx, def, 50);
    this.percent = 1 - this.percent * 2;
  }
  protected compute(n: number): number {
    return slotAverage(this.series, n, this.percent, true);
  }
}

class StddevGrouping implements Grouping {
  empty = false;
  #count = 0;
  #oldM = 0;
  #newM = 0;
  #oldS = 0;
  #newS = 0;
  #cv: boolean;

  constructor(cv: boolean) {
    this.#cv = cv;
  }
  reset(): void {
    this.#count = 0;
  }
  add(v: number): void {
    this.#count++;
    if (this.#count === 1) {
      this.#oldM = this.#newM = v;
      this.#oldS = 0;
    } else {
      this.#newM = this.#oldM + (v - this.#oldM) / this.#count;
      this.#newS = this.#oldS + (v - this.#oldM) * (v - this.#newM);
      this.#oldM = this.#newM;
      this.#oldS = this.#newS;
    }
  }
  flush(): number {
    let v = 0;
    this.empty = false;
    if (this.#count > 1) {
      const sd = Math.sqrt(this.#newS / (this.#count - 1));
      v = this.#cv ? 100 * sd / Math.abs(this.#newM) : sd;
      if (!Number.isFinite(v)) {
        v = 0;
        this.empty = true;
      }
    } else if (this.#count === 0) {
      this.empty = true;
    }
    this.#count = 0;
    return v;
  }
}

function smoothingWindow(ctx: GroupingContext): number {
  const points = ctx.group === 1 ? ctx.points : ctx.group;
  const max = ctx.maxWindow ?? 15;
  return points > max ? max : points;
}

/** Single exponential smoothing; the level carries over between rows (a running average). */
class SesGrouping implements Grouping {
  empty = false;
  #alpha: number;
  #level = 0;
  #count = 0;

  constructor(ctx: GroupingContext) {
    this.#alpha = 2 / (smoothingWindow(ctx) + 1);
  }
  reset(): void {
    this.#level = 0;
    this.#count = 0;
  }
  add(v: number): void {
    if (this.#count === 0) this.#level = v;
    this.#level = this.#alpha * v + (1 - this.#alpha) * this.#level;
    this.#count++;
  }
  flush(): number {
    this.empty = this.#count === 0 || !Number.isFinite(this.#level);
    return this.empty ? 0 : this.#level;
  }
}

/** Double exponential smoothing (Holt), carrying over between rows like Netdata. */
class DesGrouping implements Grouping {
  empty = false;
  #alpha: number;
  #beta: number;
  #level = 0;
  #trend = 0;
  #count = 0;

  constructor(ctx: GroupingContext) {
    this.#alpha = 2 / (smoothingWindow(ctx) + 1);
    this.#beta = this.#alpha;
  }
  reset(): void {
    this.#level = 0;
    this.#trend = 0;
    this.#count = 0;
  }
  add(v: number): void {
    if (this.#count > 0) {
      if (this.#count === 1) {
        this.#trend = v - this.#trend;
        this.#level = v;
      }
      const lastLevel = this.#level;
      this.#level = this.#alpha * v + (1 - this.#alpha) * (this.#level + this.#trend);
      this.#trend = this.#beta * (this.#level - lastLevel) + (1 - this.#beta) * this.#trend;
    } else {
      this.#level = this.#trend = v;
    }
    this.#count++;
  }
  flush(): number {
    this.empty = this.#count === 0 || !Number.isFinite(this.#level);
    return this.empty ? 0 : this.#level;
  }
}

const CMP_EQ = 0;
const CMP_NE = 1;
const CMP_LT = 2;
const CMP_LE = 3;
const CMP_GT = 4;
const CMP_GE = 5;

/** Percentage of a bucket's values that satisfy `group_options` (default `=0`). */
class CountifGrouping implements Grouping {
  empty = false;
  #cmp = CMP_EQ;
  #target = 0;
  #count = 0;
  #matched = 0;

  constructor(ctx: GroupingContext) {
    const o = ctx.options;
    if (o === undefined || o === "") return;
    let i = 0;
    while (i < o.length && /\s/.test(o[i])) i++;
    const c = o[i];
    const n = o[i + 1];
    if (c === "!") {
      this.#cmp = CMP_NE;
      if (n === "=" || n === ":") i++;
    } else if (c === ">") {
      if (n === "=" || n === ":") {
        this.#cmp = CMP_GE;
        i++;
      } else this.#cmp = CMP_GT;
    } else if (c === "<") {
      if (n === ">") {
        this.#cmp = CMP_NE;
        i++;
      } else if (n === "=" || n === ":") {
        this.#cmp = CMP_LE;
        i++;
      } else this.#cmp = CMP_LT;
    }
    // Netdata always skips one character after the operator, even when there was none.
    if (i < o.length) i++;
    const t = parseLeadingFloat(o.slice(i));
    this.#target = Number.isNaN(t) ? 0 : t;
  }
  reset(): void {
    this.#count = 0;
    this.#matched = 0;
  }
  add(v: number): void {
    const t = this.#target;
    let m: boolean;
    switch (this.#cmp) {
      case CMP_NE:
        m = v !== t;
        break;
      case CMP_LT:
        m = v < t;
        break;
      case CMP_LE:
        m = v <= t;
        break;
      case CMP_GT:
        m = v > t;
        break;
      case CMP_GE:
        m = v >= t;
        break;
      default:
        m = v === t;
    }
    if (m) this.#matched++;
    this.#count++;
  }
  flush(): number {
    this.empty = this.#count === 0;
    const v = this.empty ? 0 : this.#matched * 100 / this.#count;
    this.#count = 0;
    this.#matched = 0;
    return v;
  }
}

/** Creates the grouping for a method. */
export function createGrouping(method: GroupMethod, ctx: GroupingContext): Grouping {
  switch (method.kind) {
    case "min":
      return new MinMaxGrouping(false);
    case "max":
      return new MinMaxGrouping(true);
    case "sum":
      return new SumGrouping();
    case "incremental_sum":
      return new IncrementalSumGrouping();
    case "median":
      return new MedianGrouping(ctx, method.percent);
    case "percentile":
      return new PercentileGrouping(ctx, method.percent);
    case "trimmed-mean":
      return new TrimmedMeanGrouping(ctx, method.percent);
    case "stddev":
      return new StddevGrouping(false);
    case "cv":
      return new StddevGrouping(true);
    case "ses":
      return new SesGrouping(ctx);
    case "des":
      return new DesGrouping(ctx);
    case "countif":
      return new CountifGrouping(ctx);
    default:
      return new AverageGrouping(ctx);
  }
}

// ---------------------------------------------------------------------------------------------
// time window

/** Netdata's API_RELATIVE_TIME_MAX: 3 years. */
export const RELATIVE_TIME_MAX = 3 * 365 * 86400;

/** Netdata's rrdr_relative_window_to_absolute(); `nowSec` is the wall clock (it subtracts 1). */
export function relativeToAbsolute(
  window: { after: number; before: number },
  nowSec: number,
): { after: number; before: number; relative: boolean } {
  let after = window.after;
  let before = window.before;
  const now = nowSec - 1;
  let relative = false;
  if (Math.abs(before) <= RELATIVE_TIME_MAX) {
    if (before > 0) before = -before;
    before = now + before;
    relative = true;
  }
  if (Math.abs(after) <= RELATIVE_TIME_MAX) {
    if (after > 0) after = -after;
    if (after === 0) after = -600;
    after = before + after + 1;
    relative = true;
  }
  if (after > before) {
    const t = before;
    before = after;
    after = t;
  }
  if (before > now) {
    const delta = before - now;
    before -= delta;
    after -= delta;
  }
  const minT = now - 10 * 365 * 86400;
  const maxT = now + 365 * 86400;
  if (after < minT) after = minT;
  if (after > maxT) after = maxT;
  if (before < minT) before = minT;
  if (before > maxT) before = maxT;
  return { after, before, relative };
}

/** What the window calculation needs. */
export interface WindowRequest {
  /** As requested (relative or absolute; 0 = database edge). */
  after: number;
  before: number;
  /** Rows wanted; 0 = every natural point. Negative counts as "as many as possible". */
  points: number;
  /** `gtime`, seconds. */
  gtime: number;
  /** Requested option flags. */
  options: number;
  /** Smallest update_every of the queried charts (U). */
  updateEvery: number;
  /** Retention of the queried metrics (0 when unknown). */
  firstEntry: number;
  lastEntry: number;
  /** Wall clock, seconds. */
  nowSec: number;
}

/** The resolved window (Netdata's qt->window). */
export interface QueryWindow {
  after: number;
  before: number;
  points: number;
  /** Database points per row. */
  group: number;
  /** G: U for natural points, 1 for virtual ones. */
  granularity: number;
  resamplingGroup: number;
  resamplingDivisor: number;
  /** Whether the window was relative (the answer is not cacheable). */
  relative: boolean;
  /** The requested options plus natural-points or virtual-points. */
  options: number;
  aligned: boolean;
}

const MAX_POINTS = 86400;

/**
 * Netdata's query_target_calculate_window() (§5.3 of the API reference). Returns undefined when
 * the window hangs off a database edge (`after`/`before` 0) and there is no data.
 */
export function calculateWindow(req: WindowRequest): QueryWindow | undefined {
  let options = req.options;
  const updateEvery = req.updateEvery;
  let pointsWanted = req.points < 0 ? Number.MAX_SAFE_INTEGER : Math.floor(req.points);
  let afterWanted = req.after;
  let beforeWanted = req.before;
  const gtime = req.gtime;

  const aligned = (options & OPT_NOT_ALIGNED) === 0;
  const automaticNaturalPoints = pointsWanted === 0;
  let relative = false;
  let natural = (options & OPT_NATURAL_POINTS) !== 0 || automaticNaturalPoints;
  let beforeIsDbEnd = false;

  if (Math.abs(req.before) <= RELATIVE_TIME_MAX || Math.abs(req.after) <= RELATIVE_TIME_MAX) {
    relative = true;
    natural = true;
    options |= OPT_NATURAL_POINTS;
  }
  if ((options & OPT_VIRTUAL_POINTS) !== 0) natural = false;
  if (natural) {
    options = (options | OPT_NATURAL_POINTS) & ~OPT_VIRTUAL_POINTS;
  } else {
    options = (options | OPT_VIRTUAL_POINTS) & ~OPT_NATURAL_POINTS;
  }

  if (afterWanted === 0 || beforeWanted === 0) {
    relative = true;
    const first = req.firstEntry;
    const last = req.lastEntry;
    if (first === 0 || last === 0) return undefined;
    if (afterWanted === 0) afterWanted = first;
    if (beforeWanted === 0) {
      beforeWanted = last;
      beforeIsDbEnd = true;
    }
    if (pointsWanted === 0) pointsWanted = Math.trunc((last - first) / updateEvery);
  }
  if (pointsWanted === 0) pointsWanted = 600;

  const abs = relativeToAbsolute({ after: afterWanted, before: beforeWanted }, req.nowSec);
  afterWanted = abs.after;
  beforeWanted = abs.before;

  let g = natural ? updateEvery : 1;
  if (g <= 0) g = 1;

  beforeWanted -= mod(beforeWanted, g);
  afterWanted -= mod(afterWanted, g);

  if (automaticNaturalPoints) {
    pointsWanted = Math.trunc((beforeWanted - afterWanted + 1) / g);
    if (pointsWanted <= 0) pointsWanted = 1;
  }

  let duration = beforeWanted - afterWanted;
  if (gtime > duration) {
    afterWanted = beforeWanted - gtime;
    duration = beforeWanted - afterWanted;
  }
  if (gtime > g && duration % gtime !== 0) {
    const delta = duration % gtime;
    if (delta > Math.trunc(gtime / 10)) {
      afterWanted -= gtime - delta;
      duration = beforeWanted - afterWanted;
    }
  }

  let available = Math.trunc((duration + 1) / g);
  if (available <= 0) available = 1;
  if (pointsWanted > available) pointsWanted = available;
  if (pointsWanted > MAX_POINTS) pointsWanted = MAX_POINTS;

  let group = Math.trunc(available / pointsWanted);
  if (group === 0) group = 1;
  if (available % pointsWanted > Math.trunc(pointsWanted / 2)) group++;

  if (pointsWanted * group * g < duration) {
    pointsWanted = Math.trunc(available / group);
    if (pointsWanted * group < available) pointsWanted++;
    if (pointsWanted === 0) pointsWanted = 1;
  }

  let resamplingDivisor = 1;
  let resamplingGroup = 1;
  if (gtime > g) {
    resamplingGroup = Math.trunc(gtime / g);
    if (gtime % g !== 0) resamplingGroup++;
    if (group < resamplingGroup) group = resamplingGroup;
    if (group % resamplingGroup !== 0) group += resamplingGroup - (group % resamplingGroup);
    resamplingDivisor = (group * g) / gtime;
  }

  const step = group * g;
  if (aligned && beforeWanted % step !== 0) {
    if (beforeIsDbEnd) beforeWanted -= mod(beforeWanted, step);
    else beforeWanted += step - mod(beforeWanted, step);
  }
  afterWanted = beforeWanted - pointsWanted * step + g;

  return {
    after: afterWanted,
    before: beforeWanted,
    points: pointsWanted,
    group,
    granularity: g,
    resamplingGroup,
    resamplingDivisor,
    relative,
    options,
    aligned,
  };
}

/** C's `%` for the (positive) divisors used here, but never negative. */
function mod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}

// ---------------------------------------------------------------------------------------------
// the result (Netdata's RRDR)

/** Per-value flag: the bucket had no value. */
export const VALUE_EMPTY = 1;
/** Per-column flags. */
export const DIM_HIDDEN = 1;
export const DIM_NONZERO = 2;
export const DIM_SELECTED = 4;

/** Query output: `rows` rows of `cols` columns, oldest row first. */
export class QueryResult {
  readonly cols: number;
  rows = 0;
  /** Row timestamps (bucket ends). */
  readonly t: Float64Array;
  /** Values, row-major; empty buckets hold 0 with VALUE_EMPTY set. */
  readonly v: Float64Array;
  readonly o: Uint8Array;
  /** Column flags (DIM_*). */
  readonly od: Uint8Array;
  min = 0;
  max = 0;
  /** Newest and oldest row time (`after` is the oldest row minus step plus G). */
  before = 0;
  after = 0;
  /** Seconds per row. */
  readonly step: number;
  /** Database points read. */
  pointsRead = 0;

  constructor(cols: number, points: number, step: number) {
    this.cols = cols;
    this.step = step;
    this.t = new Float64Array(points);
    this.v = new Float64Array(points * cols);
    this.o = new Uint8Array(points * cols);
    this.od = new Uint8Array(cols);
  }

  /** Whether column `c` is printed (not hidden, and not all-zero under `nonzero`). */
  visible(c: number, options: number): boolean {
    const f = this.od[c];
    if ((f & DIM_HIDDEN) !== 0) return false;
    if ((options & OPT_NONZERO) !== 0 && (f & DIM_NONZERO) === 0) return false;
    return true;
  }
}

/** Scratch buffer size for reading points (one read per this many points). */
const READ_CHUNK = 4096;

/** Reused state of one query: the scratch buffer points are read into. */
export class QueryScratch {
  readonly buf = new Float64Array(READ_CHUNK);
}

/** Where {@link fillColumn} reads from and how it groups. */
export interface ColumnSource {
  store: StoreReader;
  id: SeriesId;
  window: QueryWindow;
  grouping: Grouping;
  scratch: QueryScratch;
}

/**
 * Fills column `col` of `r` from one series, exactly like Netdata's rrd2rrdr_do_dimension(): rows
 * end at `after + step - G, …, before`, database points whose end time falls inside a row are
 * grouped, and a point that straddles a row end is linearly interpolated to it.
 *
 * `r.min`/`r.max` accumulate across columns; call with `col` 0 first.
 */
export function fillColumn(r: QueryResult, col: number, src: ColumnSource): void {
  const { store, id, grouping, scratch } = src;
  const win = src.window;
  const ue = store.updateEvery(id);
  const dbFirst = store.firstTime(id);
  const dbLast = store.lastTime(id);
  if (dbFirst === 0 || dbLast === 0) return;

  const g = win.granularity;
  const step = win.group * g;
  const pointsWanted = win.points;
  const cols = r.cols;
  const buf = scratch.buf;

  // The storage handle, like dbengine's: points on the series' grid from the slot at or before
  // max(after, db first) up to and including the first slot at or after min(before, db last).
  const from = win.after > dbFirst ? win.after : dbFirst;
  const to = win.before < dbLast ? win.before : dbLast;
  let nextT = Math.floor(from / ue) * ue;
  if (nextT < dbFirst) nextT = dbFirst;
  const endT = Math.ceil(to / ue) * ue;
  let bufLen = 0;
  let bufPos = 0;

  let min = r.min;
  let max = r.max;
  let minDate = 0;
  let maxDate = 0;
  let pointsAdded = 0;
  let line = -1;
  let pointsRead = 0;

  // the last two points and the newest one
  let l2e = 0;
  let l2v = NaN;
  let l1s = 0;
  let l1e = 0;
  let l1v = NaN;
  let ns = 0;
  let ne = 0;
  let nv = NaN;

  let groupNonZero = 0;
  grouping.reset();

  let nowStart = win.after - g;
  let nowEnd = win.after + step - g;

  for (; pointsAdded < pointsWanted; nowStart = nowEnd, nowEnd += step) {
    let countSame = 0;
    while (countSame < 100) {
      if (countSame === 0) {
        l2e = l1e;
        l2v = l1v;
        l1s = ns;
        l1e = ne;
        l1v = nv;
      }
      if (nextT > endT) {
        if (countSame !== 0) {
          l2e = l1e;
          l2v = l1v;
          l1s = ns;
          l1e = ne;
          l1v = nv;
        }
        ns = l1e;
        ne = nowEnd;
        nv = NaN;
        break;
      }
      if (bufPos >= bufLen) {
        const last = Math.min(endT, nextT + (buf.length - 1) * ue);
        bufLen = store.read(id, nextT, last, buf);
        bufPos = 0;
        if (bufLen === 0) {
          bufLen = 1;
          buf[0] = NaN;
        }
      }
      nv = buf[bufPos++];
      ne = nextT;
      ns = nextT - ue;
      nextT += ue;
      pointsRead++;

      if (ne <= l1e) {
        countSame++;
        continue;
      }
      countSame = 0;

      if (ne < nowEnd) {
        if (ne >= nowStart && nv === nv) {
          if (nv !== 0) groupNonZero++;
          grouping.add(nv);
        }
      } else {
        break;
      }
    }

    let iterations = 0;
    for (; nowEnd <= ne && pointsAdded < pointsWanted; nowEnd += step, iterations++) {
      let cv: number;
      if (nowEnd > ns) {
        cv = nv;
        if (ne - ns > 1 && l1e === ns && nv === nv && l1v === l1v) {
          cv = l1v + (nv - l1v) * (1 - (ne - nowEnd) / (ne - ns));
        }
      } else if (nowEnd <= l1e) {
        cv = l1v;
        if (l1e - l1s > 1 && l2e === l1s && l1v === l1v && l2v === l2v) {
          cv = l2v + (l1v - l2v) * (1 - (l1e - nowEnd) / (l1e - l1s));
        }
      } else {
        cv = NaN;
      }
      if (cv === cv) {
        if (cv !== 0) groupNonZero++;
        grouping.add(cv);
      }

      line++;
      r.t[line] = nowEnd;
      if (minDate === 0) minDate = nowEnd;
      maxDate = nowEnd;
      if (groupNonZero !== 0) r.od[col] |= DIM_NONZERO;

      const value = grouping.flush();
      const idx = line * cols + col;
      r.v[idx] = value;
      r.o[idx] = grouping.empty ? VALUE_EMPTY : 0;

      if (pointsAdded !== 0 || col !== 0) {
        if (value < min) min = value;
        if (value > max) max = value;
      } else {
        min = max = value;
      }
      pointsAdded++;
      groupNonZero = 0;
    }
    if (iterations !== 0) nowEnd -= step;
  }

  r.pointsRead += pointsRead;
  r.min = min;
  r.max = max;
  r.before = maxDate;
  r.after = minDate - step + g;
  if (line + 1 > r.rows) r.rows = line + 1;
}
