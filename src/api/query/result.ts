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

  /**
   * `arrays`, when given, are zeroed views of at least the needed sizes that the result uses
   * instead of allocating its own (see {@link QueryScratch.result}).
   */
  constructor(
    cols: number,
    points: number,
    step: number,
    arrays?: { t: Float64Array; v: Float64Array; o: Uint8Array },
  ) {
    this.cols = cols;
    this.step = step;
    this.t = arrays?.t ?? new Float64Array(points);
    this.v = arrays?.v ?? new Float64Array(points * cols);
    this.o = arrays?.o ?? new Uint8Array(points * cols);
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

/** Result buffers up to this many values are kept for the next query; larger ones are not. */
const KEEP_VALUES = 1 << 20;

/**
 * Reused state of the queries of one API instance (or health engine): the buffer points are read
 * into and the arrays of the last result. Queries run one at a time (synchronously), so one is enough.
 */
export class QueryScratch {
  readonly buf = new Float64Array(READ_CHUNK);
  #t = new Float64Array(0);
  #v = new Float64Array(0);
  #o = new Uint8Array(0);

  /**
   * A zeroed result of `points` rows × `cols` columns over reused arrays when it fits in
   * {@link KEEP_VALUES}; valid until the next call (format it before running another query).
   */
  result(cols: number, points: number, step: number): QueryResult {
    const values = cols * points;
    if (values > KEEP_VALUES) return new QueryResult(cols, points, step);
    if (this.#v.length < values) {
      this.#v = new Float64Array(Math.min(KEEP_VALUES, Math.max(values, this.#v.length * 2)));
      this.#o = new Uint8Array(this.#v.length);
    }
    if (this.#t.length < points) this.#t = new Float64Array(Math.max(points, this.#t.length * 2));
    const t = this.#t.subarray(0, points);
    const v = this.#v.subarray(0, values);
    const o = this.#o.subarray(0, values);
    t.fill(0);
    v.fill(0);
    o.fill(0);
    return new QueryResult(cols, points, step, { t, v, o });
  }
}
