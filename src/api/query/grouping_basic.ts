/**
 * The grouping methods that keep only running totals: average, min, max, sum, incremental_sum,
 * stddev, cv and countif (Netdata's web/api/queries/<method>/).
 * @module
 */

import type { Grouping, GroupingContext } from "./group_method.ts";
import { parseLeadingFloat } from "../url.ts";

/** `average`: the mean of a row's values, or their sum over the resampling divisor with `gtime`. */
export class AverageGrouping implements Grouping {
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

/** `min` and `max`: the value of the smallest (largest) magnitude, sign kept, like Netdata. */
export class MinMaxGrouping implements Grouping {
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

/** `sum`: the sum of a row's values. */
export class SumGrouping implements Grouping {
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

/** `incremental_sum`: the last value of a row minus the first. */
export class IncrementalSumGrouping implements Grouping {
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

/** `stddev` (and `cv`, the stddev as a percentage of the mean), by Welford's running method. */
export class StddevGrouping implements Grouping {
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

const CMP_EQ = 0;
const CMP_NE = 1;
const CMP_LT = 2;
const CMP_LE = 3;
const CMP_GT = 4;
const CMP_GE = 5;

/** Percentage of a bucket's values that satisfy `group_options` (default `=0`). */
export class CountifGrouping implements Grouping {
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
