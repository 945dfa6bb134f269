/**
 * The page reader of the dbengine store: answers reads by overlaying, per series and tier, the
 * sealed pages on disk, then (tier 0) the back-fill patches in write order, then the open page
 * and the run not yet flushed. Pages are decoded into the shared scratch and the last one is
 * cached, so a read walking forward decodes each page once. An unreadable page (CRC mismatch,
 * deleted segment) reads as gaps and is logged once.
 * @module
 */

import {
  ByteBuf,
  ByteReader,
  checkRecord,
  decodePageColumns,
  PageHead,
  readPageHead,
  RECORD_HEADER_BYTES,
} from "../chunk/mod.ts";
import { valuesAsTier } from "../tiers.ts";
import type { SeriesId, TierBuffers } from "../types.ts";
import { errText, readAt } from "./io.ts";
import type { Entries, TierState } from "./pages.ts";
import type { EngineState } from "./state.ts";

/** Reads points of a dbengine store; one per store. */
export class PageReader {
  readonly #s: EngineState;
  /** Which record the decode scratch holds (tier -1: none). */
  #cacheTier = -1;
  #cacheSeg = -1;
  #cacheOff = -1;
  readonly #badReads = new Set<string>();
  /** Grows to the largest record read (a page is at most a few KiB). */
  readonly #rbuf = new ByteBuf(1024);
  readonly #reader = new ByteReader(new Uint8Array(0));
  readonly #head = new PageHead();

  constructor(state: EngineState) {
    this.#s = state;
  }

  /** Drops the cached page (the decode scratch was overwritten, by this store or another). */
  forget(): void {
    this.#cacheTier = -1;
    this.#s.scratch.owner = undefined;
  }

  /** Drops the cached page if it is of tier `k` (its pending records or page lists changed). */
  forgetTier(k: number): void {
    if (this.#cacheTier === k) this.#cacheTier = -1;
  }

  /** Drops the cached page if it lives in segment `seq` of tier `k` (being deleted). */
  forgetSegment(k: number, seq: number): void {
    if (this.#cacheTier === k && this.#cacheSeg === seq) this.#cacheTier = -1;
  }

  /** {@link Store.read} of tier 0: see `../types.ts`. */
  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number {
    const s = this.#s;
    const ue = s.ue[id];
    const start = Math.ceil(fromSec / ue);
    const end = Math.floor(toSec / ue);
    let count = end - start + 1;
    if (count <= 0) return 0;
    if (count > out.length) count = out.length;
    out.fill(NaN, 0, count);
    const t0 = s.t[0];
    const first = s.firstSlot(t0, id);
    if (first < 0) return count;
    const lo = Math.max(start, first);
    const hi = Math.min(start + count - 1, t0.last[id]);
    if (lo <= hi) this.fill0(id, lo, hi, start, out);
    return count;
  }

  /** {@link Store.readTier}: see `DiskStore.readTier`. */
  readTier(id: SeriesId, tier: number, fromSec: number, toSec: number, out: TierBuffers): number {
    const s = this.#s;
    if (tier === 0) {
      const ue = s.ue[id];
      const start = Math.ceil(fromSec / ue);
      let count = Math.floor(toSec / ue) - start + 1;
      if (count <= 0) return 0;
      if (count > out.min.length) count = out.min.length;
      let done = 0;
      while (done < count) {
        const n = Math.min(s.f64.length, count - done);
        const from = (start + done) * ue;
        this.read(id, from, from + (n - 1) * ue, s.f64);
        valuesAsTier(s.f64, n, s.tb);
        out.min.set(s.tb.min.subarray(0, n), done);
        out.max.set(s.tb.max.subarray(0, n), done);
        out.sum.set(s.tb.sum.subarray(0, n), done);
        out.count.set(s.tb.count.subarray(0, n), done);
        done += n;
      }
      return count;
    }
    if (tier >= s.t.length) return 0;
    const t = s.t[tier];
    const tue = s.ue[id] * t.g;
    const start = Math.ceil(fromSec / tue);
    let count = Math.floor(toSec / tue) - start + 1;
    if (count <= 0) return 0;
    if (count > out.min.length) count = out.min.length;
    out.min.fill(NaN, 0, count);
    out.max.fill(NaN, 0, count);
    out.sum.fill(NaN, 0, count);
    out.count.fill(0, 0, count);
    const first = s.firstSlot(t, id);
    if (first < 0) return count;
    const lo = Math.max(start, first);
    const hi = Math.min(start + count - 1, t.last[id]);
    if (lo <= hi) this.fillTier(t, id, lo, hi, start, out, true);
    return count;
  }

  /** Fills `out[slot - base]` for tier-0 slots lo…hi from pages, patches, open page and run. */
  fill0(id: SeriesId, lo: number, hi: number, base: number, out: Float64Array): void {
    const s = this.#s;
    const t = s.t[0];
    const op = t.open[id];
    const openWin = op === null ? -1 : op.win;
    const pages = t.pages[id];
    if (pages !== null) {
      for (let i = pages.firstEndingAtOrAfter(lo); i < pages.n && pages.start(i) <= hi; i++) {
        if (Math.floor(pages.start(i) / t.pp) === openWin) continue; // the open page holds it
        this.#copyEntry0(t, pages, i, lo, hi, base, out);
      }
    }
    const patches = t.patches[id];
    if (patches !== null) {
      for (let i = 0; i < patches.n; i++) {
        if (patches.end(i) < lo || patches.start(i) > hi) continue;
        this.#copyEntry0(t, patches, i, lo, hi, base, out);
      }
    }
    if (op !== null && op.lo >= 0) {
      const a = Math.max(lo, op.lo);
      const b = Math.min(hi, op.hi);
      const v = op.v;
      const wb = op.win * t.pp;
      for (let n = a; n <= b; n++) out[n - base] = v[n - wb];
    }
    const rs = s.runStart[id];
    if (rs >= 0) {
      const a = Math.max(lo, rs);
      const b = Math.min(hi, rs + s.runLen[id] - 1);
      const v = s.runBuf[id]!;
      const wb = Math.floor(rs / t.pp) * t.pp;
      for (let n = a; n <= b; n++) out[n - base] = v[n - wb];
    }
  }

  #copyEntry0(
    t: TierState,
    list: Entries,
    i: number,
    lo: number,
    hi: number,
    base: number,
    out: Float64Array,
  ): void {
    if (!this.#decodeEntry(t, list, i)) return;
    const start = list.start(i);
    const a = Math.max(lo, start);
    const b = Math.min(hi, list.end(i));
    const v = this.#s.decF[0];
    for (let n = a; n <= b; n++) out[n - base] = v[n - start];
  }

  /**
   * Like {@link PageReader.fill0} for a tier above 0 (no patches there): slots `lo…hi` into
   * `out[slot - base]`; `withCur` adds the point still accumulating.
   */
  fillTier(
    t: TierState,
    id: SeriesId,
    lo: number,
    hi: number,
    base: number,
    out: TierBuffers,
    withCur: boolean,
  ): void {
    const op = t.open[id];
    const openWin = op === null ? -1 : op.win;
    const pages = t.pages[id];
    if (pages !== null) {
      for (let i = pages.firstEndingAtOrAfter(lo); i < pages.n && pages.start(i) <= hi; i++) {
        if (Math.floor(pages.start(i) / t.pp) === openWin) continue;
        if (!this.#decodeEntry(t, pages, i)) continue;
        const start = pages.start(i);
        const a = Math.max(lo, start);
        const b = Math.min(hi, pages.end(i));
        const [mn, mx, sm, ct] = this.#s.decF;
        for (let s = a; s <= b; s++) {
          const j = s - start;
          const o = s - base;
          out.min[o] = mn[j];
          out.max[o] = mx[j];
          out.sum[o] = sm[j];
          out.count[o] = ct[j];
        }
      }
    }
    if (op !== null && op.lo >= 0) {
      const a = Math.max(lo, op.lo);
      const b = Math.min(hi, op.hi);
      const wb = op.win * t.pp;
      for (let s = a; s <= b; s++) {
        const j = s - wb;
        const o = s - base;
        out.min[o] = op.min[j];
        out.max[o] = op.max[j];
        out.sum[o] = op.sum[j];
        out.count[o] = op.cnt[j];
      }
    }
    const p = t.curP[id];
    if (withCur && p >= lo && p <= hi) {
      const o = p - base;
      out.min[o] = t.curMin[id];
      out.max[o] = t.curMax[id];
      out.sum[o] = t.curSum[id];
      out.count[o] = t.curCnt[id];
    }
  }

  /** Decodes entry `i` of `list` into the decode scratch; false (logged once) when unreadable. */
  #decodeEntry(t: TierState, list: Entries, i: number): boolean {
    const seq = list.seg(i);
    const off = list.off(i);
    // The scratch is shared by every store: the page is there only while this reader owns it.
    if (
      this.#cacheTier === t.k && this.#cacheSeg === seq && this.#cacheOff === off &&
      this.#s.scratch.owner === this
    ) return true;
    const len = list.len(i);
    let buf: Uint8Array;
    let at: number;
    const seg = this.#s.segment(t, seq);
    try {
      if (seg === null) throw new Error("its segment is gone");
      if (seg === t.active && off >= seg.size) {
        // still in the tier's pending records, not yet written
        buf = t.pending.buf;
        at = off - seg.size;
      } else {
        this.#rbuf.len = 0;
        this.#rbuf.ensure(len);
        buf = this.#rbuf.buf;
        at = 0;
        seg.rf ??= Deno.openSync(seg.path, { read: true });
        readAt(seg.rf, off, buf.subarray(0, len));
        if (checkRecord(buf, 0, len) !== len) throw new Error("CRC mismatch");
      }
      const r = this.#reader;
      r.reset(buf, at + RECORD_HEADER_BYTES, at + len);
      readPageHead(r, this.#head);
      this.#s.scratch.owner = this;
      decodePageColumns(r, this.#head, this.#s.dec, 0);
    } catch (err) {
      const key = `${t.k}:${seq}:${off}`;
      if (!this.#badReads.has(key)) {
        this.#badReads.add(key);
        this.#s.log.warn("Cannot read page at {file}:{offset}, its {count} points read as gaps: {error}", {
          file: seg?.path ?? `tier${t.k} segment ${seq}`,
          offset: off,
          count: list.end(i) - list.start(i) + 1,
          error: errText(err),
        });
      }
      this.#cacheTier = -1;
      return false;
    }
    this.#cacheTier = t.k;
    this.#cacheSeg = seq;
    this.#cacheOff = off;
    return true;
  }
}
