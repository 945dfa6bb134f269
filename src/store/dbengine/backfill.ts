/**
 * Back-fill of the dbengine store: points appended at or before a series' newest point
 * (replication filling a gap). In the newest tier-0 window they go into the open page; into an
 * older (sealed) window they collect in a per-series run that each flush writes as a PATCH
 * record, overlaid on the page when read. Tier points still in memory are moved by the change;
 * those already on disk are counted in `tierMissed` instead.
 * @module
 */

import { beginRecord, encodePage, endRecord, REC_PATCH } from "../chunk/mod.ts";
import type { SeriesId } from "../types.ts";
import type { OpenPages } from "./open_pages.ts";
import { adjustPoint, Entries, PAGE_POINTS, type TierState } from "./pages.ts";
import type { PageReader } from "./reader.ts";
import type { SegmentFiles } from "./segments.ts";
import type { EngineState } from "./state.ts";

/** Stores back-filled points of one store. */
export class Backfill {
  readonly #s: EngineState;
  readonly #reader: PageReader;
  readonly #segments: SegmentFiles;
  readonly #pages: OpenPages;
  /** Series with a run, in the order they started one (the flush order). */
  readonly #runIds: number[] = [];

  constructor(
    state: EngineState,
    parts: { reader: PageReader; segments: SegmentFiles; pages: OpenPages },
  ) {
    this.#s = state;
    this.#reader = parts.reader;
    this.#segments = parts.segments;
    this.#pages = parts.pages;
  }

  /** Stores `v` at tier-0 slot `n`, at or before the newest slot (replication filling a gap). */
  backfill(id: SeriesId, n: number, v: number): void {
    const s = this.#s;
    const t0 = s.t[0];
    const pp = PAGE_POINTS[0];
    const w = Math.floor(n / pp);
    let op = t0.open[id];
    const newestW = Math.floor(t0.last[id] / pp);
    let old: number;
    if (w === newestW) {
      if (op === null || op.win !== w) op = this.#pages.openWindow(t0, id, w);
      const i = n - w * pp;
      old = op.v[i];
      op.v[i] = v;
      if (op.lo < 0 || n < op.lo) op.lo = n;
      if (n > op.hi) op.hi = n;
      op.changed = true;
      if (op.dLo < 0) {
        op.dLo = op.dHi = n;
      } else {
        if (n < op.dLo) op.dLo = n;
        if (n > op.dHi) op.dHi = n;
      }
    } else {
      old = this.#tiersNeedOld(id, n) ? this.#valueAt(id, n) : NaN;
      this.patch(id, n, v);
    }
    const fv = Math.fround(v);
    for (let k = 1; k < s.t.length; k++) this.#backfillTier(s.t[k], id, n, old, fv);
  }

  /** Adds a back-filled value for a sealed tier-0 window to the series' current patch run. */
  patch(id: SeriesId, n: number, v: number): void {
    const s = this.#s;
    const pp = PAGE_POINTS[0];
    const w = Math.floor(n / pp);
    const rs = s.runStart[id];
    if (rs >= 0) {
      const rl = s.runLen[id];
      if (Math.floor(rs / pp) === w && n >= rs - 1 && n <= rs + rl) {
        s.runBuf[id]![n - w * pp] = v;
        if (n === rs + rl) s.runLen[id] = rl + 1;
        else if (n === rs - 1) {
          s.runStart[id] = n;
          s.runLen[id] = rl + 1;
        }
        return;
      }
      this.flushRun(id);
    }
    let buf = s.runBuf[id];
    if (buf === null) {
      buf = s.runPool.pop() ?? new Float32Array(pp);
      s.runBuf[id] = buf;
    }
    buf[n - w * pp] = v;
    s.runStart[id] = n;
    s.runLen[id] = 1;
    this.#runIds.push(id);
  }

  /** Encodes a series' patch run as a PATCH record. */
  flushRun(id: SeriesId): void {
    const s = this.#s;
    const rs = s.runStart[id];
    if (rs < 0) return;
    const t0 = s.t[0];
    const pp = PAGE_POINTS[0];
    const buf = s.runBuf[id]!;
    this.#segments.ensureActive(t0);
    const seg = t0.active!;
    const p = t0.pending;
    const rec = beginRecord(p, REC_PATCH);
    const from = rs - Math.floor(rs / pp) * pp;
    // the run goes through the decode scratch to get float32 bits (the reader forgets it below)
    s.decF[3].set(buf.subarray(from, from + s.runLen[id]), from);
    encodePage(p, { id, gen: s.gen[id], tier: 0, start: rs, count: s.runLen[id] }, [s.dec[3]], from);
    endRecord(p, rec);
    let patches = t0.patches[id];
    if (patches === null) patches = t0.patches[id] = new Entries();
    patches.push(rs, s.runLen[id], seg.seq, seg.size + rec, p.len - rec);
    seg.track((rs + s.runLen[id] - 1) * s.ue[id]);
    s.dropRun(id);
    this.#reader.forget();
  }

  /** Encodes every pending run (at each flush, before the segments are written). */
  flushRuns(): void {
    for (const id of this.#runIds) this.flushRun(id);
    this.#runIds.length = 0;
  }

  /** Whether a back-fill at tier-0 slot `n` lands in a tier point still held in memory. */
  #tiersNeedOld(id: SeriesId, n: number): boolean {
    const s = this.#s;
    for (let k = 1; k < s.t.length; k++) {
      const t = s.t[k];
      const p = Math.ceil(n / t.g);
      if (p === t.curP[id]) return true;
      const op = t.open[id];
      if (op !== null && Math.floor(p / t.pp) === op.win) return true;
    }
    return false;
  }

  #valueAt(id: SeriesId, n: number): number {
    const s = this.#s;
    const ue = s.ue[id];
    this.#reader.read(id, n * ue, n * ue, s.one);
    return s.one[0];
  }

  /**
   * Moves a tier point by a back-filled tier-0 value (`old`: what the slot held, NaN = gap)
   * when that point is still in memory (accumulating, or in the open page); otherwise counts
   * it in `tierMissed`.
   */
  #backfillTier(t: TierState, id: SeriesId, n: number, old: number, v: number): void {
    const p = Math.ceil(n / t.g);
    const a = this.#s.agg;
    if (p === t.curP[id]) {
      adjustAt(a, t.curMin, t.curMax, t.curSum, t.curCnt, id, old, v);
      return;
    }
    const w = Math.floor(p / t.pp);
    let op = t.open[id];
    if (op === null && w === Math.floor(t.last[id] / t.pp)) op = this.#pages.openWindow(t, id, w);
    if (op === null || op.win !== w || p > t.curP[id]) {
      this.#s.tierMissed++;
      return;
    }
    adjustAt(a, op.min, op.max, op.sum, op.cnt, p - w * t.pp, old, v);
    op.touch(p);
  }
}

/** A numeric column of min, max, sum or count values. */
type Column = { [i: number]: number };

/**
 * Replaces `old` by `v` in the aggregate point at `i` of four columns, through `a` (a 4-slot
 * scratch): Netdata-style min/max/sum/count kept consistent by adjustPoint().
 */
function adjustAt(
  a: Float64Array,
  min: Column,
  max: Column,
  sum: Column,
  cnt: Column,
  i: number,
  old: number,
  v: number,
): void {
  a[0] = min[i];
  a[1] = max[i];
  a[2] = sum[i];
  a[3] = cnt[i];
  adjustPoint(a, old, v);
  min[i] = a[0];
  max[i] = a[1];
  sum[i] = a[2];
  cnt[i] = a[3];
}
