/**
 * The state every part of the dbengine store shares: the series table (keys, grids, definition
 * generations), the per-tier structures, the back-fill runs and the scratch buffers. The parts
 * (page reader, segment files, journal, open pages, back-fill, retention, recovery) are separate
 * modules that each receive this one object, so no part owns another's data and none of them
 * imports the facade (`store.ts`).
 *
 * Every per-series array is indexed by SeriesId and grows only in {@link EngineState.addSeries};
 * ids are never reused.
 * @module
 */

import type { Logger } from "@logtape/logtape";
import type { ByteBuf } from "../chunk/mod.ts";
import { tierSlots } from "../tiers.ts";
import type { SeriesId, TierBuffers } from "../types.ts";
import { PAGE_POINTS, type Segment, type TierState } from "./pages.ts";

/** Shared state of one dbengine store; fields are public to the parts, not to users. */
export class EngineState {
  readonly dir: string;
  readonly log: Logger;
  /** Per tier (0 … tiers − 1). */
  readonly t: TierState[];
  readonly ids = new Map<string, SeriesId>();
  /** Key of every id; "" for an id whose definition went (a duplicate key found at open). */
  readonly keys: string[] = [];
  readonly ue: number[] = [];
  /** Definition generation: a redefinition with another grid bumps it, hiding older data. */
  readonly gen: number[] = [];
  /** Tier-0 capacity in slots (like the RAM ring). */
  readonly cap0: number[] = [];
  /**
   * Back-fill runs into sealed tier-0 windows, kept until flushed as PATCH records: first slot
   * (-1 when none), length and values (a page-sized buffer, from `runPool`).
   */
  readonly runStart: number[] = [];
  readonly runLen: number[] = [];
  readonly runBuf: (Float32Array | null)[] = [];
  readonly runPool: Float32Array[] = [];
  /** Newest tier-0 time stored (s): what age retention and the served horizon count from. */
  newestT = 0;
  /** Points dropped as older than the retention. */
  dropped = 0;
  /** Back-filled points that could not update a higher tier (its point was already on disk). */
  tierMissed = 0;
  /**
   * Scratch, valid only within one call, and shared by every store of the process (see
   * {@link Scratch}): decoded page columns (a page reader caches what they hold while it is their
   * `owner`, so any other writer must make it forget), a tier-0 page of values, one value, one tier
   * point (min, max, sum, count) and a page of tier points.
   */
  readonly scratch: Scratch;
  readonly dec: Uint32Array[];
  readonly decF: Float32Array[];
  readonly f64: Float64Array;
  readonly one: Float64Array;
  readonly agg: Float64Array;
  readonly tb: TierBuffers;
  readonly #enc = new TextEncoder();

  constructor(dir: string, log: Logger, tiers: TierState[]) {
    this.dir = dir;
    this.log = log;
    this.t = tiers;
    const x = sharedScratch();
    this.scratch = x;
    this.dec = x.dec;
    this.decF = x.decF;
    this.f64 = x.f64;
    this.one = x.one;
    this.agg = x.agg;
    this.tb = x.tb;
  }

  /** Grows every per-series array to hold `id`, then defines it. */
  addSeries(id: SeriesId, key: string, ue: number, gen: number): void {
    while (this.keys.length <= id) {
      this.keys.push("");
      this.ue.push(1);
      this.gen.push(0);
      this.cap0.push(2);
      this.runStart.push(-1);
      this.runLen.push(0);
      this.runBuf.push(null);
      for (const t of this.t) {
        t.open.push(null);
        t.pages.push(null);
        t.patches.push(null);
        t.last.push(-1);
        t.curP.push(-1);
        t.curEnd.push(-1);
        t.curMin.push(NaN);
        t.curMax.push(NaN);
        t.curSum.push(NaN);
        t.curCnt.push(0);
      }
    }
    this.keys[id] = key;
    this.ue[id] = ue;
    this.gen[id] = gen;
    this.cap0[id] = this.capacity(0, ue);
  }

  /** Points a series on a grid of `ue` seconds keeps in `tier` (at least 2). */
  capacity(tier: number, ue: number): number {
    const t = this.t[tier];
    return Math.max(2, Math.ceil(t.historySec / (ue * t.g)));
  }

  /** Forgets everything a series holds (before a redefinition). */
  clearSeries(id: SeriesId): void {
    for (const t of this.t) {
      t.open[id]?.reset(-1);
      t.pages[id] = null;
      t.patches[id] = null;
      t.last[id] = -1;
      t.curP[id] = -1;
      t.curEnd[id] = -1;
      t.curCnt[id] = 0;
    }
    this.dropRun(id);
  }

  /** Ends a series' back-fill run without writing it; its buffer goes back to the pool. */
  dropRun(id: SeriesId): void {
    const buf = this.runBuf[id];
    if (buf !== null) {
      buf.fill(NaN);
      this.runPool.push(buf);
      this.runBuf[id] = null;
    }
    this.runStart[id] = -1;
    this.runLen[id] = 0;
  }

  /** Appends the catalog entry of `id` (id, ue, gen, key; layout in FORMAT.md) to `out`. */
  catalogEntry(out: ByteBuf, id: SeriesId): void {
    const key = this.keys[id];
    out.varint(id);
    out.varint(this.ue[id]);
    out.varint(this.gen[id]);
    out.ensure(key.length * 3 + 8);
    const at = out.len;
    out.len += 3; // fixed 3-byte varint for the key length
    const { written } = this.#enc.encodeInto(key, out.buf.subarray(out.len));
    out.len += written;
    out.buf[at] = (written & 0x7f) | 0x80;
    out.buf[at + 1] = ((written >>> 7) & 0x7f) | 0x80;
    out.buf[at + 2] = (written >>> 14) & 0x7f;
  }

  /** Oldest slot of `id` served from tier `t`, -1 when none. */
  firstSlot(t: TierState, id: SeriesId): number {
    const last = t.last[id];
    if (last < 0) return -1;
    let f = -1;
    const pages = t.pages[id];
    if (pages !== null && pages.n > 0) f = pages.start(0);
    const patches = t.patches[id];
    if (patches !== null && patches.n > 0) {
      const m = patches.minStart();
      if (f < 0 || m < f) f = m;
    }
    const op = t.open[id];
    if (op !== null && op.lo >= 0 && (f < 0 || op.lo < f)) f = op.lo;
    if (t.k === 0) {
      const rs = this.runStart[id];
      if (rs >= 0 && (f < 0 || rs < f)) f = rs;
    } else {
      const p = t.curP[id];
      if (p >= 0 && (f < 0 || p < f)) f = p;
    }
    if (f < 0) return -1; // everything it held went with deleted files
    const ue = this.ue[id];
    const cap = t.k === 0 ? this.cap0[id] : this.capacity(t.k, ue);
    // served: its own last `history` (like the RAM ring), and nothing older than the store's
    // newest time minus the history (what age retention deletes files by)
    const horizon = Math.floor((this.newestT - t.historySec) / (ue * t.g)) + 1;
    const first = Math.max(f, last - cap + 1, horizon);
    return first > last ? -1 : first;
  }

  /** Time of the newest slot of `id` in `tier`, 0 when none is served. */
  lastTime(id: SeriesId, tier: number): number {
    if (tier >= this.t.length) return 0;
    const t = this.t[tier];
    const l = t.last[id];
    if (l < 0 || this.firstSlot(t, id) < 0) return 0;
    return l * this.ue[id] * tierSlots(tier);
  }

  /** The segment `seq` of tier `t` (binary search), null when deleted. */
  segment(t: TierState, seq: number): Segment | null {
    const segs = t.segs;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = segs[mid].seq;
      if (s === seq) return segs[mid];
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }
}

/**
 * The decode and aggregation buffers of the dbengine stores (about 56 KiB). Every use lies within
 * one synchronous call, so one set serves every store of the process rather than one per child.
 */
export class Scratch {
  readonly dec: Uint32Array[] = [];
  readonly decF: Float32Array[] = [];
  readonly f64 = new Float64Array(PAGE_POINTS[0]);
  readonly one = new Float64Array(1);
  readonly agg = new Float64Array(4);
  readonly tb: TierBuffers = {
    min: new Float64Array(PAGE_POINTS[0]),
    max: new Float64Array(PAGE_POINTS[0]),
    sum: new Float64Array(PAGE_POINTS[0]),
    count: new Float64Array(PAGE_POINTS[0]),
  };
  /** The page reader whose cached page `dec` holds; undefined once anything else wrote it. */
  owner: object | undefined = undefined;

  constructor() {
    for (let c = 0; c < 4; c++) {
      const u = new Uint32Array(PAGE_POINTS[0]);
      this.dec.push(u);
      this.decF.push(new Float32Array(u.buffer));
    }
  }
}

let shared: Scratch | undefined;

/** The process's scratch (created on first use). */
export function sharedScratch(): Scratch {
  return shared ??= new Scratch();
}
