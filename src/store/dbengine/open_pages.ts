/**
 * The open pages of the dbengine store: per series and tier, the newest window kept
 * uncompressed in memory. Opening a window seals the previous one (encoded into the tier's
 * pending records, listed, and noted for the journal); a window already on disk is loaded back
 * first (after a restart, or a back-fill into it). Above tier 0 the point still accumulating is
 * moved into the open page only once complete.
 * @module
 */

import { beginRecord, encodePage, endRecord, REC_PAGE } from "../chunk/mod.ts";
import type { SeriesId } from "../types.ts";
import type { Journal } from "./journal.ts";
import { Entries, OpenPage, type TierState } from "./pages.ts";
import type { PageReader } from "./reader.ts";
import type { SegmentFiles } from "./segments.ts";
import type { EngineState } from "./state.ts";

/** Opens, loads and seals the open pages of one store. */
export class OpenPages {
  readonly #s: EngineState;
  readonly #reader: PageReader;
  readonly #segments: SegmentFiles;
  readonly #journal: Journal;

  constructor(state: EngineState, parts: { reader: PageReader; segments: SegmentFiles; journal: Journal }) {
    this.#s = state;
    this.#reader = parts.reader;
    this.#segments = parts.segments;
    this.#journal = parts.journal;
  }

  /** Makes window `w` the open page of series `id` in tier `t`, sealing the previous one. */
  openWindow(t: TierState, id: SeriesId, w: number): OpenPage {
    let op = t.open[id];
    if (op === null) {
      op = new OpenPage(t.k, t.pp);
      t.open[id] = op;
    } else if (op.win >= 0) {
      this.seal(t, id, op);
    }
    op.reset(w);
    const pages = t.pages[id];
    const patches = t.patches[id];
    const onDisk = (pages !== null && pages.findWindow(t.pp, w) >= 0) ||
      (patches !== null && patches.n > 0 && hasWindow(patches, t.pp, w));
    if (onDisk) this.#loadWindow(t, id, op);
    return op;
  }

  /** Encodes the open page into the tier's pending records and lists it (if it changed). */
  seal(t: TierState, id: SeriesId, op: OpenPage): void {
    if (op.lo < 0 || !op.changed) return;
    const s = this.#s;
    const count = op.hi - op.lo + 1;
    const from = op.lo - op.win * t.pp;
    op.syncSum(from, count);
    this.#segments.ensureActive(t);
    const seg = t.active!;
    const p = t.pending;
    const rec = beginRecord(p, REC_PAGE);
    encodePage(p, { id, gen: s.gen[id], tier: t.k, start: op.lo, count }, op.bits, from);
    endRecord(p, rec);
    let pages = t.pages[id];
    if (pages === null) pages = t.pages[id] = new Entries();
    pages.putPage(t.pp, op.lo, count, seg.seq, seg.size + rec, p.len - rec);
    if (t.k === 0) t.patches[id]?.removeWindow(t.pp, op.win);
    seg.track(op.hi * s.ue[id] * t.g);
    op.changed = false;
    this.#journal.noteSealed(t.k, id, s.gen[id], op.win);
    this.#reader.forgetTier(t.k);
  }

  /** Completes the accumulating point of tier `t` (if any) and starts point `p`. */
  startPoint(t: TierState, id: SeriesId, p: number): void {
    if (t.curP[id] >= 0) this.commitPoint(t, id);
    t.curP[id] = p;
    t.curEnd[id] = p * t.g;
    t.curMin[id] = NaN;
    t.curMax[id] = NaN;
    t.curSum[id] = NaN;
    t.curCnt[id] = 0;
    if (p > t.last[id]) t.last[id] = p;
  }

  /** Moves the accumulating point of tier `t` into its open page (sealing an older window). */
  commitPoint(t: TierState, id: SeriesId): void {
    const p = t.curP[id];
    const w = Math.floor(p / t.pp);
    let op = t.open[id];
    if (op === null || op.win !== w) {
      if (op !== null && w < op.win) {
        this.#s.tierMissed++;
        return;
      }
      op = this.openWindow(t, id, w);
    }
    const i = p - w * t.pp;
    op.min[i] = t.curMin[id];
    op.max[i] = t.curMax[id];
    op.sum[i] = t.curSum[id];
    op.cnt[i] = t.curCnt[id];
    op.touch(p);
  }

  /** Reads what the disk holds of the open page's window into it (after a restart). */
  #loadWindow(t: TierState, id: SeriesId, op: OpenPage): void {
    const s = this.#s;
    const base = op.win * t.pp;
    let lo = -1;
    let hi = -1;
    const pages = t.pages[id];
    if (pages !== null) {
      const i = pages.findWindow(t.pp, op.win);
      if (i >= 0) {
        lo = pages.start(i);
        hi = pages.end(i);
      }
    }
    const patches = t.patches[id];
    if (patches !== null) {
      for (let i = 0; i < patches.n; i++) {
        if (Math.floor(patches.start(i) / t.pp) !== op.win) continue;
        if (lo < 0 || patches.start(i) < lo) lo = patches.start(i);
        if (patches.end(i) > hi) hi = patches.end(i);
      }
    }
    if (lo < 0) return;
    op.win = -1; // keep the overlay out of the fill below
    if (t.k === 0) {
      const buf = s.f64;
      buf.fill(NaN, 0, t.pp);
      this.#reader.fill0(id, lo, hi, base, buf);
      const v = op.v;
      for (let i = lo - base; i <= hi - base; i++) v[i] = buf[i];
    } else {
      const tb = s.tb;
      tb.min.fill(NaN, 0, t.pp);
      tb.max.fill(NaN, 0, t.pp);
      tb.sum.fill(NaN, 0, t.pp);
      tb.count.fill(0, 0, t.pp);
      this.#reader.fillTier(t, id, lo, hi, base, tb, false);
      for (let i = lo - base; i <= hi - base; i++) {
        op.min[i] = tb.min[i];
        op.max[i] = tb.max[i];
        op.sum[i] = tb.sum[i];
        op.cnt[i] = tb.count[i];
      }
    }
    op.win = Math.floor(base / t.pp);
    op.lo = lo;
    op.hi = hi;
    op.changed = false;
    // Journal the loaded slots too: the journal alone must rebuild every open page, even if
    // retention deletes the segment the window was loaded from.
    op.dLo = lo;
    op.dHi = hi;
  }
}

/** Whether any entry of `list` starts in window `w`. */
function hasWindow(list: Entries, pp: number, w: number): boolean {
  for (let i = 0; i < list.n; i++) if (Math.floor(list.start(i) / pp) === w) return true;
  return false;
}
