/**
 * In-memory structures of the dbengine store: where each series' pages are on disk
 * (`Entries`), the open (newest, uncompressed) page of a series in a tier (`OpenPage`), the data
 * files (`Segment`) and the per-tier state (`TierState`), plus the arithmetic of tier points.
 * No I/O happens here. Layouts and rules: FORMAT.md.
 * @module
 */

import { ByteBuf } from "../chunk/mod.ts";
import { tierSlots } from "../tiers.ts";

/** Points per page, by tier: 1024 (17 min at 1 s), 128 minutes, 32 hours. */
export const PAGE_POINTS: readonly number[] = [1024, 128, 32];
/** Segment size when no disk budget is given. */
export const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
const MIN_SEGMENT_BYTES = 4096;
const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Locations of stored pages or patches of one series in one tier, 5 numbers each: first slot,
 * slot count, segment seq, byte offset and byte length of the record.
 */
export class Entries {
  n = 0;
  a = new Float64Array(20);

  start(i: number): number {
    return this.a[i * 5];
  }
  end(i: number): number {
    return this.a[i * 5] + this.a[i * 5 + 1] - 1;
  }
  seg(i: number): number {
    return this.a[i * 5 + 2];
  }
  off(i: number): number {
    return this.a[i * 5 + 3];
  }
  len(i: number): number {
    return this.a[i * 5 + 4];
  }

  #grow(): void {
    if ((this.n + 1) * 5 <= this.a.length) return;
    const next = new Float64Array(this.a.length * 2);
    next.set(this.a);
    this.a = next;
  }

  #set(i: number, start: number, count: number, seg: number, off: number, len: number): void {
    const a = this.a;
    a[i * 5] = start;
    a[i * 5 + 1] = count;
    a[i * 5 + 2] = seg;
    a[i * 5 + 3] = off;
    a[i * 5 + 4] = len;
  }

  /** Appends (patches: write order). */
  push(start: number, count: number, seg: number, off: number, len: number): void {
    this.#grow();
    this.#set(this.n++, start, count, seg, off, len);
  }

  /** Index of the page of window `w` (pages: sorted, one per window), or -1. */
  findWindow(pp: number, w: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const mw = Math.floor(this.a[mid * 5] / pp);
      if (mw === w) return mid;
      if (mw < w) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Puts a page, replacing the page of the same window. */
  putPage(pp: number, start: number, count: number, seg: number, off: number, len: number): void {
    const w = Math.floor(start / pp);
    if (this.n > 0 && Math.floor(this.a[(this.n - 1) * 5] / pp) < w) {
      this.push(start, count, seg, off, len);
      return;
    }
    const at = this.findWindow(pp, w);
    if (at >= 0) {
      this.#set(at, start, count, seg, off, len);
      return;
    }
    this.#grow();
    let i = this.n;
    while (i > 0 && Math.floor(this.a[(i - 1) * 5] / pp) > w) {
      this.a.copyWithin(i * 5, (i - 1) * 5, i * 5);
      i--;
    }
    this.#set(i, start, count, seg, off, len);
    this.n++;
  }

  /** Index of the first page whose last slot is at or after `slot` (pages only). */
  firstEndingAtOrAfter(slot: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.end(mid) < slot) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops entries stored in segment `seq`; returns how many went. */
  removeSeg(seq: number): number {
    let j = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.a[i * 5 + 2] === seq) continue;
      if (i !== j) this.a.copyWithin(j * 5, i * 5, i * 5 + 5);
      j++;
    }
    const gone = this.n - j;
    this.n = j;
    return gone;
  }

  /** Drops the entries (patches) that lie in window `w`. */
  removeWindow(pp: number, w: number): void {
    let j = 0;
    for (let i = 0; i < this.n; i++) {
      if (Math.floor(this.a[i * 5] / pp) === w) continue;
      if (i !== j) this.a.copyWithin(j * 5, i * 5, i * 5 + 5);
      j++;
    }
    this.n = j;
  }

  minStart(): number {
    let m = -1;
    for (let i = 0; i < this.n; i++) if (m < 0 || this.a[i * 5] < m) m = this.a[i * 5];
    return m;
  }

  maxEnd(): number {
    let m = -1;
    for (let i = 0; i < this.n; i++) if (this.end(i) > m) m = this.end(i);
    return m;
  }
}

const EMPTY_F64 = new Float64Array(0);
const EMPTY_F32 = new Float32Array(0);

/**
 * The newest window of one series in one tier, uncompressed. Tier 0 has one column (values);
 * higher tiers four (min, max, sum, count), the sum also kept as float64 while it accumulates.
 */
export class OpenPage {
  /** Window number (slot / points per page), -1 when none. */
  win = -1;
  /** First and last slot written in the window, -1 when none. */
  lo = -1;
  hi = -1;
  /** Slots changed since the last flush (the journal's next entry), -1 when clean. */
  dLo = -1;
  dHi = -1;

  /** Records that slot `p` was written: widens the written and the changed-since-flush ranges. */
  touch(p: number): void {
    if (this.lo < 0 || p < this.lo) this.lo = p;
    if (p > this.hi) this.hi = p;
    this.changed = true;
    if (this.dLo < 0) {
      this.dLo = this.dHi = p;
    } else {
      if (p < this.dLo) this.dLo = p;
      if (p > this.dHi) this.dHi = p;
    }
  }
  /** Whether it holds anything its last copy on disk lacks (decides whether sealing writes). */
  changed = false;
  /** Tier 0: the values. Above: min, max and count (float32) and the sum (float64). */
  readonly v: Float32Array;
  readonly min: Float32Array;
  readonly max: Float32Array;
  readonly cnt: Float32Array;
  readonly sum: Float64Array;
  /** Above tier 0: the float32 sum column the codec takes, copied from `sum` first (see syncSum). */
  readonly sum32: Float32Array;
  /** Tier 0: its one column as the codec takes it (made on demand above tier 0, see bits). */
  readonly #bits0: Uint32Array[] | null;

  constructor(tier: number, points: number) {
    // One buffer for every column (and, above tier 0, the float64 sum after them), and above tier
    // 0 no standing codec views: a thousand children's tier-1 pages are 25,000 of these, and each
    // ArrayBuffer costs about 300 bytes besides its data, each typed array about 100.
    const colBytes = points * 4;
    if (tier === 0) {
      const buf = new ArrayBuffer(colBytes);
      this.v = this.min = new Float32Array(buf);
      this.max = this.cnt = this.sum32 = EMPTY_F32;
      this.sum = EMPTY_F64;
      this.#bits0 = [new Uint32Array(buf)];
      return;
    }
    // 4 × points × 4 bytes is a multiple of 8: the float64 view is aligned.
    const buf = new ArrayBuffer(4 * colBytes + points * 8);
    this.v = this.min = new Float32Array(buf, 0, points);
    this.max = new Float32Array(buf, colBytes, points);
    this.sum32 = new Float32Array(buf, 2 * colBytes, points);
    this.cnt = new Float32Array(buf, 3 * colBytes, points);
    this.sum = new Float64Array(buf, 4 * colBytes, points);
    this.#bits0 = null;
  }

  /**
   * The float32 columns as the codec takes them (min, max, sum, count above tier 0). Above tier 0
   * a new set of views each call (a seal or a journal entry, about once a minute per series).
   */
  get bits(): Uint32Array[] {
    if (this.#bits0 !== null) return this.#bits0;
    const buf = this.min.buffer;
    const n = this.min.length;
    return [0, 1, 2, 3].map((c) => new Uint32Array(buf, c * n * 4, n));
  }

  reset(win: number): void {
    this.win = win;
    this.lo =
      this.hi =
      this.dLo =
      this.dHi =
        -1;
    this.changed = false;
    this.v.fill(NaN);
    if (this.#bits0 === null) {
      this.max.fill(NaN);
      this.sum32.fill(NaN);
      this.cnt.fill(0);
      this.sum.fill(NaN);
    }
  }

  /** Copies the float64 sums of slots `from…from+count-1` into the codec's float32 column. */
  syncSum(from: number, count: number): void {
    if (this.#bits0 !== null) return;
    const s = this.sum32;
    for (let i = from; i < from + count; i++) s[i] = this.sum[i];
  }

  bytes(): number {
    return this.v.buffer.byteLength;
  }
}

/** One data file of a tier. */
export class Segment {
  readonly seq: number;
  readonly path: string;
  /** Bytes on disk (written and synced). */
  size: number;
  /** End times (s) of the oldest and newest data in it; -1 when none. */
  minT = -1;
  maxT = -1;
  rf: Deno.FsFile | null = null;

  constructor(seq: number, path: string, size: number) {
    this.seq = seq;
    this.path = path;
    this.size = size;
  }

  /** Notes data ending at `t` (s). */
  track(t: number): void {
    if (t > this.maxT) this.maxT = t;
    if (this.minT < 0 || t < this.minT) this.minT = t;
  }
}

/** Per tier: the series' open pages and page lists, and the tier's files. */
export class TierState {
  readonly k: number;
  /** Tier-0 slots per point, and points per page. */
  readonly g: number;
  readonly pp: number;
  readonly dir: string;
  readonly indexPath: string;
  readonly historySec: number;
  /** Disk budget (0 = none) and segment size limit. */
  readonly budget: number;
  readonly segMax: number;
  open: (OpenPage | null)[] = [];
  pages: (Entries | null)[] = [];
  patches: (Entries | null)[] = [];
  /** Newest slot of this tier, -1 when none. */
  last: number[] = [];
  /**
   * Above tier 0: the point still accumulating (slot, last tier-0 slot it covers, min, max,
   * sum, count), kept as numbers and moved into the open page only once complete, so the hot
   * path touches no page and the journal never carries it (recovery rebuilds it, see FORMAT.md).
   */
  curP: number[] = [];
  curEnd: number[] = [];
  curMin: number[] = [];
  curMax: number[] = [];
  curSum: number[] = [];
  curCnt: number[] = [];
  segs: Segment[] = [];
  active: Segment | null = null;
  wfile: Deno.FsFile | null = null;
  /** Records not yet written; they land at `active.size`. */
  /** Starts small (a child's tier may write little between flushes) and doubles as needed. */
  readonly pending = new ByteBuf(1024);
  nextSeq = 1;
  indexFile: Deno.FsFile | null = null;
  indexBytes = 0;
  /** Segments were deleted since the index was last rewritten (it lists dead ones). */
  indexStale = false;
  /** Over its disk budget with nothing left to delete (logged once per change). */
  overBudget = false;

  constructor(k: number, root: string, historySec: number, budget: number) {
    this.k = k;
    this.g = tierSlots(k);
    this.pp = PAGE_POINTS[k];
    this.dir = `${root}/tier${k}`;
    this.indexPath = `${this.dir}/index.dat`;
    this.historySec = historySec;
    this.budget = budget;
    this.segMax = budget > 0
      ? Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, Math.floor(budget / 8)))
      : DEFAULT_SEGMENT_BYTES;
  }

  bytes(): number {
    let b = this.indexBytes;
    for (const s of this.segs) b += s.size;
    return b;
  }
}

/**
 * Replaces tier-0 value `old` (NaN: a gap) by `v` in the tier point `a` = [min, max, sum, count].
 * The sum and count move exactly; min and max only widen (an overwritten extreme stays).
 */
export function adjustPoint(a: Float64Array, old: number, v: number): void {
  if (old === old) {
    if (v === v) a[2] += v - old;
    else {
      a[2] -= old;
      a[3]--;
      if (a[3] === 0) a[0] = a[1] = a[2] = NaN;
    }
  } else if (v === v) {
    if (a[3] === 0) a[0] = a[1] = a[2] = v;
    else a[2] += v;
    a[3]++;
  }
  if (v === v && a[3] > 0) {
    if (!(v >= a[0])) a[0] = v;
    if (!(v <= a[1])) a[1] = v;
  }
}

/** Adds a tier point (or a tier-0 value with count 1) into `a` = [min, max, sum, count]. */
export function mergePoint(a: Float64Array, min: number, max: number, sum: number, count: number): void {
  if (!(count > 0)) return;
  if (a[3] === 0) {
    a[0] = min;
    a[1] = max;
    a[2] = sum;
  } else {
    if (min < a[0]) a[0] = min;
    if (max > a[1]) a[1] = max;
    a[2] += sum;
  }
  a[3] += count;
}
