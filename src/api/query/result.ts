/**
 * The result of a data query (Netdata's RRDR): rows of grouped values with per-value and
 * per-column flags, and the scratch buffer a query reads points into.
 * @module
 */

import { OPT_NONZERO } from "./options.ts";

/** Per-value flag: the bucket had no value. */
export const VALUE_EMPTY = 1;
/** Column flag: the dimension is hidden (not printed, but counted in percentage totals). */
export const DIM_HIDDEN = 1;
/** Column flag: the dimension had a non-zero value (shown under `nonzero`). */
export const DIM_NONZERO = 2;
/** Column flag: the dimension was selected by the query. */
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
