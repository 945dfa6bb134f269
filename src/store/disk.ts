/**
 * The dbengine store (`memory mode = dbengine`): series kept on disk as compressed pages in
 * append-only, CRC-checked segment files, one set per tier, plus a journal that makes the open
 * (not yet full) pages durable at every flush. Byte layouts, recovery and retention are in
 * FORMAT.md; this file is the I/O shell around the codecs of `chunk.ts` and the in-memory
 * structures of `pages.ts`.
 *
 * Invariants:
 * - Data reaches disk only in {@link DiskStore.flush} (a timer every `flushIntervalSec`, and
 *   `close()`): segment records first, then the journal, each followed by fdatasync. A crash
 *   loses at most what was appended since the last completed flush.
 * - Every segment starts with the full series catalog, so the newest segment of a tier alone
 *   maps its series ids to keys; ids are never reused.
 * - In memory, per series and tier: one open page (the newest window, uncompressed), the list of
 *   sealed pages on disk (sorted by slot, one per window) and, for tier 0, back-fill patches in
 *   write order. A read overlays: sealed pages, then patches, then the open page.
 * - Files are deleted only whole, oldest first: by age (`historySec` per tier) and by disk
 *   space (`diskSpaceBytes`, split across tiers). The segment being written is never deleted.
 * - Only `close()` leaves the directory without a journal; a journal found at open means an
 *   unclean shutdown and is replayed.
 * @module
 */

import { getLogger, type Logger } from "@logtape/logtape";
import {
  badReason,
  beginRecord,
  ByteBuf,
  ByteReader,
  checkRecord,
  type Damage,
  decodePageColumns,
  decodeXor32,
  encodePage,
  endRecord,
  FILE_HEADER_BYTES,
  JsetEntry,
  KIND_INDEX,
  KIND_JOURNAL,
  KIND_SEGMENT,
  PageHead,
  readFileHeader,
  readJsetEntry,
  readPageHead,
  REC_INDEX,
  REC_JFLUSH,
  REC_JSEAL,
  REC_JSET,
  REC_PAGE,
  REC_PATCH,
  REC_SERIES,
  RECORD_HEADER_BYTES,
  samplesInDamagedRecord,
  scanRecords,
  writeFileHeader,
  writeJsetEntry,
} from "./chunk/mod.ts";
import type { MemoryMode, SeriesId, Store, TierBuffers } from "./types.ts";
import { adjustPoint, Entries, mergePoint, OpenPage, PAGE_POINTS, Segment, TierState } from "./pages.ts";
import { MAX_TIERS, TIER_GROUPING, tierSlots, valuesAsTier } from "./tiers.ts";

export { DEFAULT_SEGMENT_BYTES, PAGE_POINTS } from "./pages.ts";

/** How `diskSpaceBytes` is split across tiers 0, 1, 2 (renormalised when fewer tiers are kept). */
export const TIER_DISK_SHARES: readonly number[] = [0.5, 0.3, 0.2];
/** The journal is rewritten as a fresh snapshot once it exceeds this (or twice its snapshot). */
const JOURNAL_ROTATE_BYTES = 256 * 1024;
/** Catalog records are cut at about this many bytes. */
const CATALOG_RECORD_BYTES = 64 * 1024;
/** Smallest accepted `diskSpaceBytes`. */
export const MIN_DISK_SPACE_BYTES = 64 * 1024;

/** Options of {@link DiskStore}. */
export interface DiskStoreOptions {
  /** Directory of the store (created if missing). */
  dir: string;
  /** Seconds of tier-0 history served and kept. */
  historySec: number;
  /** Disk budget of all files; the oldest segments go first. Default: no limit. */
  diskSpaceBytes?: number;
  /** Seconds between flushes to disk (default 5): the most a crash can lose. */
  flushIntervalSec?: number;
  /** Tiers kept, 1–3 (default 3). */
  tiers?: number;
  /** Seconds of history of tiers 1 and 2 (default historySec × 60^tier). */
  tierHistorySec?: readonly number[];
  /** Default: `getLogger(["agent", "store"])`. */
  logger?: Logger;
  /** Wall clock in ms, stamped on each flush (recovery logs when the last one was). */
  nowMs?: () => number;
}

/** Where an entry found at open sits, before the catalog decides whether it counts. */
interface RawEntry {
  type: number;
  id: number;
  gen: number;
  start: number;
  count: number;
  seq: number;
  off: number;
  len: number;
}

interface CatalogEntry {
  id: number;
  ue: number;
  gen: number;
  key: string;
}

interface SegmentSummary {
  seq: number;
  size: number;
  catalog: CatalogEntry[];
  entries: RawEntry[];
}

const SEG_RE = /^seg-(\d{10})\.dat$/;
const JOURNAL_RE = /^journal-(\d{10})\.wal$/;

function pad(seq: number): string {
  return String(seq).padStart(10, "0");
}

function writeAll(f: Deno.FsFile, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
}

function readAt(f: Deno.FsFile, off: number, out: Uint8Array): void {
  f.seekSync(off, Deno.SeekMode.Start);
  let got = 0;
  while (got < out.length) {
    const n = f.readSync(out.subarray(got));
    if (n === null || n === 0) throw new RangeError(`File ends ${out.length - got} bytes early`);
    got += n;
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------
// the store

/**
 * The disk store. Create through `createStore({ mode: "dbengine", dir, historySec })`; opening
 * recovers whatever the directory holds (see FORMAT.md) and never throws on damaged files.
 * @throws {Error} from the constructor only when the directory cannot be created or written.
 */
export class DiskStore implements Store {
  readonly mode: MemoryMode = "dbengine";
  /** Tiers kept (1–3). */
  readonly tiers: number;
  #dir: string;
  #flushSec: number;
  #log: Logger;
  #nowMs: () => number;
  #ids = new Map<string, SeriesId>();
  #keys: string[] = [];
  #ue: number[] = [];
  #gen: number[] = [];
  /** Tier-0 capacity in slots (like the RAM ring). */
  #cap0: number[] = [];
  #t: TierState[] = [];
  // back-fill runs into sealed tier-0 windows, kept until flushed as PATCH records
  #runStart: number[] = [];
  #runLen: number[] = [];
  #runBuf: (Float32Array | null)[] = [];
  #runIds: number[] = [];
  #runPool: Float32Array[] = [];
  // journal
  #jSeq = 0;
  #jFile: Deno.FsFile | null = null;
  #jSize = 0;
  #jSnapshot = 0;
  #jWritten = 0;
  readonly #jbuf = new ByteBuf(16384);
  /** Windows sealed since the last flush, (tier, id, gen, window) quadruples, for the journal. */
  readonly #sealed: number[] = [];
  readonly #jprev = new JsetEntry();
  readonly #jentry = new JsetEntry();
  /** Where journal replay decodes values (apart from `#dec`, which page loads use meanwhile). */
  readonly #jdec: Uint32Array[] = [];
  readonly #jdecF: Float32Array[] = [];
  #newestT = 0;
  #dropped = 0;
  #tierMissed = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #flushFailing = false;
  readonly #badReads = new Set<string>();
  // scratch
  readonly #dec: Uint32Array[] = [];
  readonly #decF: Float32Array[] = [];
  #cacheTier = -1;
  #cacheSeg = -1;
  #cacheOff = -1;
  readonly #rbuf = new ByteBuf(8192);
  readonly #reader = new ByteReader(new Uint8Array(0));
  readonly #head = new PageHead();
  readonly #f64 = new Float64Array(PAGE_POINTS[0]);
  readonly #one = new Float64Array(1);
  /** A tier point being adjusted: min, max, sum, count. */
  readonly #agg = new Float64Array(4);
  readonly #tb: TierBuffers;
  readonly #enc = new TextEncoder();
  readonly #textDec = new TextDecoder();

  constructor(opts: DiskStoreOptions) {
    const tiers = opts.tiers ?? MAX_TIERS;
    if (!Number.isInteger(tiers) || tiers < 1 || tiers > MAX_TIERS) {
      throw new RangeError(`Storage tiers must be 1 to ${MAX_TIERS}, got ${opts.tiers}`);
    }
    const flushSec = opts.flushIntervalSec ?? 5;
    if (!(flushSec > 0 && flushSec <= 3600)) {
      throw new RangeError(
        `Flush interval must be above 0 and at most 3600 seconds, got ${opts.flushIntervalSec}`,
      );
    }
    const space = opts.diskSpaceBytes ?? 0;
    if (opts.diskSpaceBytes !== undefined && !(space >= MIN_DISK_SPACE_BYTES)) {
      throw new RangeError(
        `Disk space must be at least ${MIN_DISK_SPACE_BYTES} bytes, got ${opts.diskSpaceBytes}`,
      );
    }
    this.tiers = tiers;
    this.#dir = opts.dir;
    this.#flushSec = flushSec;
    this.#log = opts.logger ?? getLogger(["agent", "store"]);
    this.#nowMs = opts.nowMs ?? Date.now;
    let shareSum = 0;
    for (let k = 0; k < tiers; k++) shareSum += TIER_DISK_SHARES[k];
    for (let k = 0; k < tiers; k++) {
      const h = k === 0 ? opts.historySec : opts.tierHistorySec?.[k - 1] ?? opts.historySec * tierSlots(k);
      if (!(h >= opts.historySec)) {
        throw new RangeError(`History of tier ${k} must be at least ${opts.historySec} seconds, got ${h}`);
      }
      const budget = space > 0 ? Math.floor(space * TIER_DISK_SHARES[k] / shareSum) : 0;
      this.#t.push(new TierState(k, this.#dir, h, budget));
    }
    for (let c = 0; c < 4; c++) {
      const u = new Uint32Array(PAGE_POINTS[0]);
      this.#dec.push(u);
      this.#decF.push(new Float32Array(u.buffer));
      const j = new Uint32Array(PAGE_POINTS[0]);
      this.#jdec.push(j);
      this.#jdecF.push(new Float32Array(j.buffer));
    }
    this.#tb = {
      min: new Float64Array(PAGE_POINTS[0]),
      max: new Float64Array(PAGE_POINTS[0]),
      sum: new Float64Array(PAGE_POINTS[0]),
      count: new Float64Array(PAGE_POINTS[0]),
    };
    this.#open();
    const timer = setInterval(() => this.#flushFromTimer(), flushSec * 1000);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  get seriesCount(): number {
    return this.#keys.length;
  }

  get droppedOld(): number {
    return this.#dropped;
  }

  /** Back-filled points that could not update a higher tier (its point was already on disk). */
  get tierMissed(): number {
    return this.#tierMissed;
  }

  /** Bytes held in memory for points: open pages, back-fill runs and unwritten records. */
  memoryBytes(): number {
    let b = this.#jbuf.buf.byteLength;
    for (const t of this.#t) {
      b += t.pending.buf.byteLength;
      for (const op of t.open) if (op !== null) b += op.bytes();
    }
    for (const r of this.#runBuf) if (r !== null) b += r.byteLength;
    return b;
  }

  /** Bytes written to journals since open (deltas and snapshots): the price of crash safety. */
  get journalBytesWritten(): number {
    return this.#jWritten;
  }

  /** Bytes of the store's files on disk (segments, indexes, journal). */
  diskBytes(): number {
    let b = this.#jSize;
    for (const t of this.#t) b += t.bytes();
    return b;
  }

  // -------------------------------------------------------------------------------------------
  // write side

  define(key: string, updateEverySec: number): SeriesId {
    if (!(updateEverySec >= 1) || !Number.isInteger(updateEverySec)) {
      throw new RangeError(`Cannot define series "${key}": update every must be a whole number >= 1`);
    }
    this.#checkOpen();
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#keys.length;
      this.#addSeries(id, key, updateEverySec, 0);
      this.#ids.set(key, id);
    } else if (this.#ue[id] !== updateEverySec) {
      this.#clearSeries(id);
      this.#ue[id] = updateEverySec;
      this.#gen[id]++;
      this.#cap0[id] = this.#capacity(0, updateEverySec);
    } else {
      return id;
    }
    for (const t of this.#t) {
      if (t.k > 0 && t.active === null) continue; // its catalog is written when it starts
      if (this.#ensureActive(t)) continue; // a new segment's catalog already holds it
      const rec = beginRecord(t.pending, REC_SERIES);
      this.#catalogEntry(t.pending, id);
      endRecord(t.pending, rec);
    }
    return id;
  }

  append(id: SeriesId, tSec: number, value: number): void {
    const ue = this.#ue[id];
    const n = Math.floor(tSec / ue);
    const t0 = this.#t[0];
    const last = t0.last[id];
    if (n > last) {
      let op = t0.open[id];
      const w = Math.floor(n / PAGE_POINTS[0]);
      if (op === null || op.win !== w) op = this.#openWindow(t0, id, w);
      op.v[n - w * PAGE_POINTS[0]] = value;
      if (op.lo < 0) op.lo = n;
      op.hi = n;
      op.changed = true;
      if (op.dLo < 0) op.dLo = n;
      op.dHi = n;
      t0.last[id] = n;
      if (tSec > this.#newestT) this.#newestT = tSec;
      const v = Math.fround(value); // tiers aggregate what tier 0 stores
      for (let k = 1; k < this.#t.length; k++) {
        const t = this.#t[k];
        if (n > t.curEnd[id]) this.#startPoint(t, id, Math.ceil(n / t.g));
        if (v === v) {
          if (t.curCnt[id] === 0) {
            t.curMin[id] = v;
            t.curMax[id] = v;
            t.curSum[id] = v;
          } else {
            if (v < t.curMin[id]) t.curMin[id] = v;
            if (v > t.curMax[id]) t.curMax[id] = v;
            t.curSum[id] += v;
          }
          t.curCnt[id]++;
        }
      }
      return;
    }
    if (n <= last - this.#cap0[id]) {
      this.#dropped++;
      return;
    }
    this.#backfill(id, n, value);
  }

  /** Writes everything appended so far to disk (segments, then the journal), then applies retention. */
  flush(): void {
    this.#checkOpen();
    this.#flushRuns();
    for (const t of this.#t) this.#writePending(t);
    this.#writeJournal();
    for (const t of this.#t) this.#rotateIfDue(t);
    this.#keepCatalog();
    if (this.#jSize > this.#journalLimit()) this.#startJournal();
    this.#applyRetention();
  }

  /**
   * Seals every open page into the segments, writes and syncs them, records the segments in
   * the index and removes the journal. Synchronous; idempotent.
   */
  close(): void {
    if (this.#closed) return;
    clearInterval(this.#timer);
    try {
      this.#flushRuns();
      for (const t of this.#t) {
        // accumulating points go in as they are (partial); the next open rebuilds them anyway
        if (t.k > 0) {
          for (let id = 0; id < t.curP.length; id++) if (t.curP[id] >= 0) this.#commitPoint(t, id);
        }
        for (let id = 0; id < t.open.length; id++) {
          const op = t.open[id];
          if (op !== null && op.win >= 0) this.#seal(t, id, op);
        }
        this.#writePending(t);
        if (t.active !== null) this.#appendIndex(t, t.active);
      }
      this.#closed = true;
      this.#jFile?.close();
      this.#jFile = null;
      Deno.removeSync(this.#journalPath(this.#jSeq));
      this.#jSize = 0;
    } catch (err) {
      this.#log.error("Cannot close store {dir} cleanly, the journal is kept for recovery: {error}", {
        dir: this.#dir,
        error: errText(err),
      });
    } finally {
      this.#closed = true;
      this.#jFile?.close();
      this.#jFile = null;
      for (const t of this.#t) {
        t.wfile?.close();
        t.wfile = null;
        t.indexFile?.close();
        t.indexFile = null;
        for (const s of t.segs) {
          s.rf?.close();
          s.rf = null;
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // read side

  updateEvery(id: SeriesId): number {
    return this.#ue[id];
  }

  /** Seconds between two points of `tier`. */
  tierUpdateEvery(id: SeriesId, tier: number): number {
    return this.#ue[id] * tierSlots(tier);
  }

  firstTime(id: SeriesId, tier = 0): number {
    if (tier >= this.#t.length) return 0;
    const f = this.#firstSlot(this.#t[tier], id);
    return f < 0 ? 0 : f * this.#ue[id] * tierSlots(tier);
  }

  lastTime(id: SeriesId, tier = 0): number {
    if (tier >= this.#t.length) return 0;
    const t = this.#t[tier];
    const l = t.last[id];
    if (l < 0 || this.#firstSlot(t, id) < 0) return 0;
    return l * this.#ue[id] * tierSlots(tier);
  }

  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number {
    const ue = this.#ue[id];
    const start = Math.ceil(fromSec / ue);
    const end = Math.floor(toSec / ue);
    let count = end - start + 1;
    if (count <= 0) return 0;
    if (count > out.length) count = out.length;
    out.fill(NaN, 0, count);
    const t0 = this.#t[0];
    const first = this.#firstSlot(t0, id);
    if (first < 0) return count;
    const lo = Math.max(start, first);
    const hi = Math.min(start + count - 1, t0.last[id]);
    if (lo <= hi) this.#fill0(id, lo, hi, start, out);
    return count;
  }

  /**
   * Copies the points of `tier` at `fromSec` (rounded up to the tier's grid) … `toSec` into
   * `out` and returns how many, at most the length of `out.min`. Tier 0 gives min = max = sum =
   * value and count 1 (0 for a gap); a tier point not stored reads as NaN with count 0. The
   * newest point of a tier may still be accumulating (its count below 60^tier).
   */
  readTier(id: SeriesId, tier: number, fromSec: number, toSec: number, out: TierBuffers): number {
    if (tier === 0) {
      const ue = this.#ue[id];
      const start = Math.ceil(fromSec / ue);
      let count = Math.floor(toSec / ue) - start + 1;
      if (count <= 0) return 0;
      if (count > out.min.length) count = out.min.length;
      let done = 0;
      while (done < count) {
        const n = Math.min(this.#f64.length, count - done);
        const from = (start + done) * ue;
        this.read(id, from, from + (n - 1) * ue, this.#f64);
        valuesAsTier(this.#f64, n, this.#tb);
        out.min.set(this.#tb.min.subarray(0, n), done);
        out.max.set(this.#tb.max.subarray(0, n), done);
        out.sum.set(this.#tb.sum.subarray(0, n), done);
        out.count.set(this.#tb.count.subarray(0, n), done);
        done += n;
      }
      return count;
    }
    if (tier >= this.#t.length) return 0;
    const t = this.#t[tier];
    const tue = this.#ue[id] * t.g;
    const start = Math.ceil(fromSec / tue);
    let count = Math.floor(toSec / tue) - start + 1;
    if (count <= 0) return 0;
    if (count > out.min.length) count = out.min.length;
    out.min.fill(NaN, 0, count);
    out.max.fill(NaN, 0, count);
    out.sum.fill(NaN, 0, count);
    out.count.fill(0, 0, count);
    const first = this.#firstSlot(t, id);
    if (first < 0) return count;
    const lo = Math.max(start, first);
    const hi = Math.min(start + count - 1, t.last[id]);
    if (lo <= hi) this.#fillTier(t, id, lo, hi, start, out, true);
    return count;
  }

  // -------------------------------------------------------------------------------------------
  // series

  #addSeries(id: SeriesId, key: string, ue: number, gen: number): void {
    while (this.#keys.length <= id) {
      this.#keys.push("");
      this.#ue.push(1);
      this.#gen.push(0);
      this.#cap0.push(2);
      this.#runStart.push(-1);
      this.#runLen.push(0);
      this.#runBuf.push(null);
      for (const t of this.#t) {
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
    this.#keys[id] = key;
    this.#ue[id] = ue;
    this.#gen[id] = gen;
    this.#cap0[id] = this.#capacity(0, ue);
  }

  #capacity(tier: number, ue: number): number {
    const t = this.#t[tier];
    return Math.max(2, Math.ceil(t.historySec / (ue * t.g)));
  }

  #clearSeries(id: SeriesId): void {
    for (const t of this.#t) {
      t.open[id]?.reset(-1);
      t.pages[id] = null;
      t.patches[id] = null;
      t.last[id] = -1;
      t.curP[id] = -1;
      t.curEnd[id] = -1;
      t.curCnt[id] = 0;
    }
    this.#dropRun(id);
  }

  #catalogEntry(out: ByteBuf, id: SeriesId): void {
    const key = this.#keys[id];
    out.varint(id);
    out.varint(this.#ue[id]);
    out.varint(this.#gen[id]);
    out.ensure(key.length * 3 + 8);
    const at = out.len;
    out.len += 3; // fixed 3-byte varint for the key length
    const { written } = this.#enc.encodeInto(key, out.buf.subarray(out.len));
    out.len += written;
    out.buf[at] = (written & 0x7f) | 0x80;
    out.buf[at + 1] = ((written >>> 7) & 0x7f) | 0x80;
    out.buf[at + 2] = (written >>> 14) & 0x7f;
  }

  #firstSlot(t: TierState, id: SeriesId): number {
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
      const rs = this.#runStart[id];
      if (rs >= 0 && (f < 0 || rs < f)) f = rs;
    } else {
      const p = t.curP[id];
      if (p >= 0 && (f < 0 || p < f)) f = p;
    }
    if (f < 0) return -1; // everything it held went with deleted files
    const ue = this.#ue[id];
    const cap = t.k === 0 ? this.#cap0[id] : this.#capacity(t.k, ue);
    // served: its own last `history` (like the RAM ring), and nothing older than the store's
    // newest time minus the history (what age retention deletes files by)
    const horizon = Math.floor((this.#newestT - t.historySec) / (ue * t.g)) + 1;
    const first = Math.max(f, last - cap + 1, horizon);
    return first > last ? -1 : first;
  }

  // -------------------------------------------------------------------------------------------
  // open pages, tiers and back-fill

  /** Makes window `w` the open page of series `id` in tier `t`, sealing the previous one. */
  #openWindow(t: TierState, id: SeriesId, w: number): OpenPage {
    let op = t.open[id];
    if (op === null) {
      op = new OpenPage(t.k, t.pp);
      t.open[id] = op;
    } else if (op.win >= 0) {
      this.#seal(t, id, op);
    }
    op.reset(w);
    const pages = t.pages[id];
    const patches = t.patches[id];
    const onDisk = (pages !== null && pages.findWindow(t.pp, w) >= 0) ||
      (patches !== null && patches.n > 0 && this.#hasWindow(patches, t.pp, w));
    if (onDisk) this.#loadWindow(t, id, op);
    return op;
  }

  #hasWindow(list: Entries, pp: number, w: number): boolean {
    for (let i = 0; i < list.n; i++) if (Math.floor(list.start(i) / pp) === w) return true;
    return false;
  }

  /** Reads what the disk holds of the open page's window into it (after a restart). */
  #loadWindow(t: TierState, id: SeriesId, op: OpenPage): void {
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
      const buf = this.#f64;
      buf.fill(NaN, 0, t.pp);
      this.#fill0(id, lo, hi, base, buf);
      const v = op.v;
      for (let i = lo - base; i <= hi - base; i++) v[i] = buf[i];
    } else {
      const tb = this.#tb;
      tb.min.fill(NaN, 0, t.pp);
      tb.max.fill(NaN, 0, t.pp);
      tb.sum.fill(NaN, 0, t.pp);
      tb.count.fill(0, 0, t.pp);
      this.#fillTier(t, id, lo, hi, base, tb, false);
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

  /** Encodes the open page into the tier's pending records and lists it (if it changed). */
  #seal(t: TierState, id: SeriesId, op: OpenPage): void {
    if (op.lo < 0 || !op.changed) return;
    const count = op.hi - op.lo + 1;
    const from = op.lo - op.win * t.pp;
    op.syncSum(from, count);
    this.#ensureActive(t);
    const seg = t.active!;
    const p = t.pending;
    const rec = beginRecord(p, REC_PAGE);
    encodePage(p, { id, gen: this.#gen[id], tier: t.k, start: op.lo, count }, op.bits, from);
    endRecord(p, rec);
    let pages = t.pages[id];
    if (pages === null) pages = t.pages[id] = new Entries();
    pages.putPage(t.pp, op.lo, count, seg.seq, seg.size + rec, p.len - rec);
    if (t.k === 0) t.patches[id]?.removeWindow(t.pp, op.win);
    seg.track(op.hi * this.#ue[id] * t.g);
    op.changed = false;
    this.#sealed.push(t.k, id, this.#gen[id], op.win);
    if (this.#cacheTier === t.k) this.#cacheTier = -1;
  }

  /** Completes the accumulating point of tier `t` (if any) and starts point `p`. */
  #startPoint(t: TierState, id: SeriesId, p: number): void {
    if (t.curP[id] >= 0) this.#commitPoint(t, id);
    t.curP[id] = p;
    t.curEnd[id] = p * t.g;
    t.curMin[id] = NaN;
    t.curMax[id] = NaN;
    t.curSum[id] = NaN;
    t.curCnt[id] = 0;
    if (p > t.last[id]) t.last[id] = p;
  }

  /** Moves the accumulating point of tier `t` into its open page (sealing an older window). */
  #commitPoint(t: TierState, id: SeriesId): void {
    const p = t.curP[id];
    const w = Math.floor(p / t.pp);
    let op = t.open[id];
    if (op === null || op.win !== w) {
      if (op !== null && w < op.win) {
        this.#tierMissed++;
        return;
      }
      op = this.#openWindow(t, id, w);
    }
    const i = p - w * t.pp;
    op.min[i] = t.curMin[id];
    op.max[i] = t.curMax[id];
    op.sum[i] = t.curSum[id];
    op.cnt[i] = t.curCnt[id];
    op.touch(p);
  }

  /** Stores `v` at tier-0 slot `n`, at or before the newest slot (replication filling a gap). */
  #backfill(id: SeriesId, n: number, v: number): void {
    const t0 = this.#t[0];
    const pp = PAGE_POINTS[0];
    const w = Math.floor(n / pp);
    let op = t0.open[id];
    const newestW = Math.floor(t0.last[id] / pp);
    let old: number;
    if (w === newestW) {
      if (op === null || op.win !== w) op = this.#openWindow(t0, id, w);
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
      this.#patch(id, n, v);
    }
    const fv = Math.fround(v);
    for (let k = 1; k < this.#t.length; k++) this.#backfillTier(this.#t[k], id, n, old, fv);
  }

  /** Whether a back-fill at tier-0 slot `n` lands in a tier point still held in memory. */
  #tiersNeedOld(id: SeriesId, n: number): boolean {
    for (let k = 1; k < this.#t.length; k++) {
      const t = this.#t[k];
      const p = Math.ceil(n / t.g);
      if (p === t.curP[id]) return true;
      const op = t.open[id];
      if (op !== null && Math.floor(p / t.pp) === op.win) return true;
    }
    return false;
  }

  #valueAt(id: SeriesId, n: number): number {
    const ue = this.#ue[id];
    this.read(id, n * ue, n * ue, this.#one);
    return this.#one[0];
  }

  /**
   * Moves a tier point by a back-filled tier-0 value (`old`: what the slot held, NaN = gap)
   * when that point is still in memory (accumulating, or in the open page); otherwise counts
   * it in `tierMissed`.
   */
  #backfillTier(t: TierState, id: SeriesId, n: number, old: number, v: number): void {
    const p = Math.ceil(n / t.g);
    const a = this.#agg;
    if (p === t.curP[id]) {
      adjustAt(a, t.curMin, t.curMax, t.curSum, t.curCnt, id, old, v);
      return;
    }
    const w = Math.floor(p / t.pp);
    let op = t.open[id];
    if (op === null && w === Math.floor(t.last[id] / t.pp)) op = this.#openWindow(t, id, w);
    if (op === null || op.win !== w || p > t.curP[id]) {
      this.#tierMissed++;
      return;
    }
    adjustAt(a, op.min, op.max, op.sum, op.cnt, p - w * t.pp, old, v);
    op.touch(p);
  }

  /** Adds a back-filled value for a sealed tier-0 window to the series' current patch run. */
  #patch(id: SeriesId, n: number, v: number): void {
    const pp = PAGE_POINTS[0];
    const w = Math.floor(n / pp);
    const rs = this.#runStart[id];
    if (rs >= 0) {
      const rl = this.#runLen[id];
      if (Math.floor(rs / pp) === w && n >= rs - 1 && n <= rs + rl) {
        this.#runBuf[id]![n - w * pp] = v;
        if (n === rs + rl) this.#runLen[id] = rl + 1;
        else if (n === rs - 1) {
          this.#runStart[id] = n;
          this.#runLen[id] = rl + 1;
        }
        return;
      }
      this.#flushRun(id);
    }
    let buf = this.#runBuf[id];
    if (buf === null) {
      buf = this.#runPool.pop() ?? new Float32Array(pp);
      this.#runBuf[id] = buf;
    }
    buf[n - w * pp] = v;
    this.#runStart[id] = n;
    this.#runLen[id] = 1;
    this.#runIds.push(id);
  }

  /** Encodes a series' patch run as a PATCH record. */
  #flushRun(id: SeriesId): void {
    const rs = this.#runStart[id];
    if (rs < 0) return;
    const t0 = this.#t[0];
    const pp = PAGE_POINTS[0];
    const buf = this.#runBuf[id]!;
    this.#ensureActive(t0);
    const seg = t0.active!;
    const p = t0.pending;
    const rec = beginRecord(p, REC_PATCH);
    const from = rs - Math.floor(rs / pp) * pp;
    this.#decF[3].set(buf.subarray(from, from + this.#runLen[id]), from);
    encodePage(
      p,
      { id, gen: this.#gen[id], tier: 0, start: rs, count: this.#runLen[id] },
      [this.#dec[3]],
      from,
    );
    endRecord(p, rec);
    let patches = t0.patches[id];
    if (patches === null) patches = t0.patches[id] = new Entries();
    patches.push(rs, this.#runLen[id], seg.seq, seg.size + rec, p.len - rec);
    seg.track((rs + this.#runLen[id] - 1) * this.#ue[id]);
    this.#dropRun(id);
    this.#cacheTier = -1;
  }

  #dropRun(id: SeriesId): void {
    const buf = this.#runBuf[id];
    if (buf !== null) {
      buf.fill(NaN);
      this.#runPool.push(buf);
      this.#runBuf[id] = null;
    }
    this.#runStart[id] = -1;
    this.#runLen[id] = 0;
  }

  #flushRuns(): void {
    for (const id of this.#runIds) this.#flushRun(id);
    this.#runIds.length = 0;
  }

  // -------------------------------------------------------------------------------------------
  // reading stored pages

  /** Fills `out[slot - base]` for tier-0 slots lo…hi from pages, patches, open page and run. */
  #fill0(id: SeriesId, lo: number, hi: number, base: number, out: Float64Array): void {
    const t = this.#t[0];
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
      for (let s = a; s <= b; s++) out[s - base] = v[s - wb];
    }
    const rs = this.#runStart[id];
    if (rs >= 0) {
      const a = Math.max(lo, rs);
      const b = Math.min(hi, rs + this.#runLen[id] - 1);
      const v = this.#runBuf[id]!;
      const wb = Math.floor(rs / t.pp) * t.pp;
      for (let s = a; s <= b; s++) out[s - base] = v[s - wb];
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
  ) {
    if (!this.#decodeEntry(t, list, i)) return;
    const start = list.start(i);
    const a = Math.max(lo, start);
    const b = Math.min(hi, list.end(i));
    const v = this.#decF[0];
    for (let s = a; s <= b; s++) out[s - base] = v[s - start];
  }

  /** Like {@link DiskStore.#fill0} for a tier above 0 (no patches there). */
  #fillTier(
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
        const [mn, mx, sm, ct] = this.#decF;
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
    if (this.#cacheTier === t.k && this.#cacheSeg === seq && this.#cacheOff === off) return true;
    const len = list.len(i);
    let buf: Uint8Array;
    let at: number;
    const seg = this.#segment(t, seq);
    try {
      if (seg === null) throw new Error("its segment is gone");
      if (seg === t.active && off >= seg.size) {
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
      decodePageColumns(r, this.#head, this.#dec, 0);
    } catch (err) {
      const key = `${t.k}:${seq}:${off}`;
      if (!this.#badReads.has(key)) {
        this.#badReads.add(key);
        this.#log.warn("Cannot read page at {file}:{offset}, its {count} points read as gaps: {error}", {
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

  #segment(t: TierState, seq: number): Segment | null {
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

  // -------------------------------------------------------------------------------------------
  // files

  #checkOpen(): void {
    if (this.#closed) throw new Error(`Store ${this.#dir} is closed`);
  }

  #segPath(t: TierState, seq: number): string {
    return `${t.dir}/seg-${pad(seq)}.dat`;
  }

  #journalPath(seq: number): string {
    return `${this.#dir}/journal-${pad(seq)}.wal`;
  }

  /** Starts a segment for `t` when it has none (header + full catalog); true when it did. */
  #ensureActive(t: TierState): boolean {
    if (t.active !== null) return false;
    const seq = t.nextSeq++;
    const seg = new Segment(seq, this.#segPath(t, seq), 0);
    t.wfile = Deno.openSync(seg.path, { write: true, create: true, append: true });
    t.segs.push(seg);
    t.active = seg;
    const p = t.pending;
    p.len = 0;
    writeFileHeader(p, KIND_SEGMENT, t.k, seq);
    let rec = -1;
    for (let id = 0; id < this.#keys.length; id++) {
      if (this.#keys[id] === "") continue;
      if (rec < 0) rec = beginRecord(p, REC_SERIES);
      this.#catalogEntry(p, id);
      if (p.len - rec > CATALOG_RECORD_BYTES) {
        endRecord(p, rec);
        rec = -1;
      }
    }
    if (rec >= 0) endRecord(p, rec);
    return true;
  }

  /** Writes a tier's pending records to its segment and syncs. */
  #writePending(t: TierState): void {
    const seg = t.active;
    if (seg === null || t.pending.len === 0) return;
    const f = t.wfile!;
    try {
      writeAll(f, t.pending.view8());
      f.syncDataSync();
    } catch (err) {
      try {
        f.truncateSync(seg.size); // drop a partial write so offsets stay right
      } catch {
        // the next open cuts it as a torn tail
      }
      throw err;
    }
    seg.size += t.pending.len;
    t.pending.len = 0;
    if (this.#cacheTier === t.k) this.#cacheTier = -1;
  }

  #rotateIfDue(t: TierState): void {
    const seg = t.active;
    if (seg === null) return;
    if (seg.size < t.segMax && (seg.minT < 0 || this.#newestT - seg.minT < t.historySec / 8)) return;
    this.#appendIndex(t, seg);
    t.wfile?.close();
    t.wfile = null;
    t.active = null;
  }

  /**
   * Keeps a tier-0 segment open with the full catalog on disk, so the journal's series ids stay
   * mapped whatever retention deletes.
   */
  #keepCatalog(): void {
    const t0 = this.#t[0];
    if (t0.active !== null || this.#ids.size === 0) return;
    this.#ensureActive(t0);
    this.#writePending(t0);
  }

  #writeJournal(): void {
    const jb = this.#jbuf;
    jb.len = 0;
    let rec = -1;
    // Seal markers first: on replay they retire the window's older entries before the entries
    // of the window that followed it.
    const sealed = this.#sealed;
    if (sealed.length > 0) {
      rec = beginRecord(jb, REC_JSEAL);
      for (let i = 0; i < sealed.length; i += 4) {
        jb.varint(sealed[i + 1]);
        jb.varint(sealed[i + 2]);
        jb.u8(sealed[i]);
        jb.varint(sealed[i + 3]);
      }
      endRecord(jb, rec);
      sealed.length = 0;
      rec = -1;
    }
    for (const t of this.#t) this.#journalTier(t, false);
    if (jb.len === 0) return;
    this.#flushStamp(jb);
    writeAll(this.#jFile!, jb.view8());
    this.#jFile!.syncDataSync();
    this.#jSize += jb.len;
    this.#jWritten += jb.len;
  }

  /** Ends a journal write with when it happened and how often this process flushes. */
  #flushStamp(jb: ByteBuf): void {
    const rec = beginRecord(jb, REC_JFLUSH);
    jb.varint(Math.max(0, Math.round(this.#nowMs())));
    jb.varint(Math.round(this.#flushSec * 1000));
    endRecord(jb, rec);
  }

  /**
   * Appends JSET records for tier `t` to the journal buffer: the slots changed since the last
   * flush of every open page, or with `all` every open page whole (a snapshot). Ids ascend, so
   * entries delta-code well; a record is cut at about 1 MiB.
   */
  #journalTier(t: TierState, all: boolean): void {
    const jb = this.#jbuf;
    const prev = this.#jprev;
    let rec = -1;
    for (let id = 0; id < t.open.length; id++) {
      const op = t.open[id];
      if (op === null || op.lo < 0 || (!all && op.dLo < 0)) continue;
      const lo = all ? op.lo : Math.max(op.dLo, op.lo);
      const hi = all ? op.hi : Math.min(op.dHi, op.hi);
      op.dLo = op.dHi = -1;
      if (lo > hi) continue;
      if (rec < 0) {
        rec = beginRecord(jb, REC_JSET);
        jb.u8(t.k);
        prev.id = 0;
        prev.startT = 0;
      }
      const from = lo - op.win * t.pp;
      const count = hi - lo + 1;
      op.syncSum(from, count);
      const e = this.#jentry;
      e.id = id;
      e.gen = this.#gen[id];
      e.startT = lo * this.#ue[id] * t.g;
      e.count = count;
      writeJsetEntry(jb, prev, e, op.bits, from);
      if (jb.len - rec > 1024 * 1024) {
        endRecord(jb, rec);
        rec = -1;
      }
    }
    if (rec >= 0) endRecord(jb, rec);
  }

  /**
   * Journal size that triggers a fresh snapshot: four times the last snapshot (so snapshots
   * add at most a quarter to the journal's writes), at least 256 KiB, or 1/16 of tier 0's disk
   * share when that is smaller.
   */
  #journalLimit(): number {
    const b = this.#t[0].budget;
    const floor = b > 0 ? Math.min(JOURNAL_ROTATE_BYTES, Math.floor(b / 16)) : JOURNAL_ROTATE_BYTES;
    return Math.max(floor, 4 * this.#jSnapshot);
  }

  /** Starts a new journal holding a snapshot of every open page, then removes older journals. */
  #startJournal(): void {
    const seq = this.#jSeq + 1;
    const path = this.#journalPath(seq);
    const f = Deno.openSync(path, { write: true, create: true, truncate: true });
    const jb = this.#jbuf;
    jb.len = 0;
    writeFileHeader(jb, KIND_JOURNAL, 0, seq);
    for (const t of this.#t) this.#journalTier(t, true);
    this.#flushStamp(jb);
    try {
      writeAll(f, jb.view8());
      f.syncDataSync();
    } catch (err) {
      f.close();
      Deno.removeSync(path);
      throw err;
    }
    const old = this.#jFile;
    const oldSeq = this.#jSeq;
    this.#jFile = f;
    this.#jSeq = seq;
    this.#jSize = jb.len;
    this.#jSnapshot = jb.len;
    this.#jWritten += jb.len;
    if (old !== null) {
      old.close();
      Deno.removeSync(this.#journalPath(oldSeq));
    }
  }

  /**
   * Appends the summary of a finished segment to its tier's index, or rewrites the whole index
   * when it lists deleted segments (so it never grows past what the segments need).
   */
  #appendIndex(t: TierState, seg: Segment): void {
    if (t.indexStale) {
      t.indexFile?.close();
      t.indexFile = null;
      this.#rewriteIndex(t, seg);
      return;
    }
    const b = new ByteBuf(4096);
    if (t.indexFile === null) {
      t.indexFile = Deno.openSync(t.indexPath, { write: true, create: true, append: true });
      if (t.indexBytes === 0) writeFileHeader(b, KIND_INDEX, t.k, 0);
    }
    this.#indexRecord(b, t, seg, true);
    writeAll(t.indexFile, b.view8());
    t.indexBytes += b.len;
  }

  /**
   * An INDEX record for `seg` from the in-memory lists; with `catalog`, the whole current
   * catalog too (the newest record of an index carries it).
   */
  #indexRecord(b: ByteBuf, t: TierState, seg: Segment, catalog: boolean): void {
    const rec = beginRecord(b, REC_INDEX);
    b.varint(seg.seq);
    b.varint(seg.size);
    let nSeries = 0;
    if (catalog) { for (let id = 0; id < this.#keys.length; id++) if (this.#keys[id] !== "") nSeries++; }
    b.varint(nSeries);
    if (catalog) {
      for (let id = 0; id < this.#keys.length; id++) if (this.#keys[id] !== "") this.#catalogEntry(b, id);
    }
    let n = 0;
    for (let id = 0; id < this.#keys.length; id++) {
      n += this.#countIn(t.pages[id], seg.seq) + this.#countIn(t.patches[id], seg.seq);
    }
    b.varint(n);
    for (let id = 0; id < this.#keys.length; id++) {
      this.#indexEntries(b, t.pages[id], REC_PAGE, id, seg.seq);
      this.#indexEntries(b, t.patches[id], REC_PATCH, id, seg.seq);
    }
    endRecord(b, rec);
  }

  #countIn(list: Entries | null, seq: number): number {
    if (list === null) return 0;
    let n = 0;
    for (let i = 0; i < list.n; i++) if (list.seg(i) === seq) n++;
    return n;
  }

  #indexEntries(b: ByteBuf, list: Entries | null, type: number, id: SeriesId, seq: number): void {
    if (list === null) return;
    for (let i = 0; i < list.n; i++) {
      if (list.seg(i) !== seq) continue;
      b.u8(type);
      b.varint(id);
      b.varint(this.#gen[id]);
      b.varint(list.start(i));
      b.varint(list.end(i) - list.start(i) + 1);
      b.varint(list.off(i));
      b.varint(list.len(i));
    }
  }

  #applyRetention(): void {
    for (const t of this.#t) {
      const horizon = this.#newestT - t.historySec;
      while (t.segs.length > 0 && t.segs[0] !== t.active && t.segs[0].maxT < horizon) {
        this.#deleteSegment(t, t.segs[0], "older than the history");
      }
      if (t.budget <= 0) continue;
      const journal = t.k === 0 ? this.#jSize : 0;
      while (t.bytes() + journal > t.budget && t.segs.length > 0 && t.segs[0] !== t.active) {
        this.#deleteSegment(t, t.segs[0], "over the disk space");
      }
      const over = t.bytes() + journal > t.budget;
      if (over !== t.overBudget) {
        t.overBudget = over;
        if (over) {
          this.#log.warn(
            "Tier {tier} of store {dir} holds {bytes} bytes, over its {budget} byte share of the disk space, with nothing old left to delete: the open segment and the journal need more",
            { tier: t.k, dir: this.#dir, bytes: t.bytes() + journal, budget: t.budget },
          );
        }
      }
    }
  }

  #deleteSegment(t: TierState, seg: Segment, reason: string): void {
    let entries = 0;
    for (let id = 0; id < this.#keys.length; id++) {
      entries += t.pages[id]?.removeSeg(seg.seq) ?? 0;
      entries += t.patches[id]?.removeSeg(seg.seq) ?? 0;
    }
    seg.rf?.close();
    seg.rf = null;
    t.segs.shift();
    t.indexStale = true;
    try {
      Deno.removeSync(seg.path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        this.#log.warn("Cannot delete {file}: {error}", { file: seg.path, error: errText(err) });
      }
    }
    if (this.#cacheTier === t.k && this.#cacheSeg === seg.seq) this.#cacheTier = -1;
    this.#log.debug("Deleted {file} ({bytes} bytes, {pages} pages): {reason}", {
      file: seg.path,
      bytes: seg.size,
      pages: entries,
      reason,
    });
  }

  #flushFromTimer(): void {
    if (this.#closed) return;
    try {
      this.flush();
      if (this.#flushFailing) {
        this.#flushFailing = false;
        this.#log.info("Store {dir} writes again", { dir: this.#dir });
      }
    } catch (err) {
      if (!this.#flushFailing) {
        this.#flushFailing = true;
        this.#log.error("Cannot flush store {dir}, keeping the points in memory and retrying: {error}", {
          dir: this.#dir,
          error: errText(err),
        });
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // open and recovery

  #open(): void {
    Deno.mkdirSync(this.#dir, { recursive: true });
    const catalog = new Map<number, CatalogEntry>();
    const raw: RawEntry[][] = [];
    const stats = { files: 0, bytes: 0, damagedBytes: 0, damagedSamples: 0 };
    for (const t of this.#t) {
      Deno.mkdirSync(t.dir, { recursive: true });
      raw.push(this.#loadTier(t, catalog, stats));
    }
    // the catalog: the newest generation of every id; keys unique (a later id wins)
    let maxId = -1;
    for (const list of raw) for (const e of list) if (e.id > maxId) maxId = e.id;
    for (const c of catalog.values()) if (c.id > maxId) maxId = c.id;
    const byId = [...catalog.values()].sort((a, b) => a.id - b.id);
    for (const c of byId) {
      const prev = this.#ids.get(c.key);
      if (prev !== undefined) {
        this.#log.warn("Series {key} is defined as ids {a} and {b}; keeping {b}", {
          key: c.key,
          a: prev,
          b: c.id,
        });
        this.#keys[prev] = "";
      }
      this.#addSeries(c.id, c.key, c.ue, c.gen);
      this.#ids.set(c.key, c.id);
    }
    if (maxId >= this.#keys.length) this.#addSeries(maxId, "", 1, 0);
    let unknown = 0;
    for (const t of this.#t) {
      for (const e of raw[t.k]) {
        if (e.id >= this.#keys.length || this.#keys[e.id] === "") {
          unknown++;
          continue;
        }
        if (e.gen !== this.#gen[e.id]) continue; // data of an earlier definition
        const seg = this.#segment(t, e.seq)!;
        if (e.type === REC_PAGE) {
          let pages = t.pages[e.id];
          if (pages === null) pages = t.pages[e.id] = new Entries();
          pages.putPage(t.pp, e.start, e.count, e.seq, e.off, e.len);
          if (t.k === 0) t.patches[e.id]?.removeWindow(t.pp, Math.floor(e.start / t.pp));
        } else {
          let patches = t.patches[e.id];
          if (patches === null) patches = t.patches[e.id] = new Entries();
          patches.push(e.start, e.count, e.seq, e.off, e.len);
        }
        const end = e.start + e.count - 1;
        if (end > t.last[e.id]) t.last[e.id] = end;
        const endT = end * this.#ue[e.id] * t.g;
        seg.track(endT);
        if (t.k === 0 && endT > this.#newestT) this.#newestT = endT;
      }
    }
    if (unknown > 0) {
      this.#log.warn("Dropped {pages} pages of series with no definition left in {dir}", {
        pages: unknown,
        dir: this.#dir,
      });
    }
    const replayed = this.#replayJournals(stats);
    this.#rebuildCurrentPoints();
    // pages the replay sealed reach the segments before the journals that held them go
    this.#flushRuns();
    for (const t of this.#t) this.#writePending(t);
    for (const t of this.#t) this.#rewriteIndex(t);
    this.#keepCatalog();
    this.#startJournal();
    this.#sealed.length = 0; // the new journal starts from a snapshot
    for (const old of replayed) {
      try {
        Deno.removeSync(old);
      } catch (err) {
        this.#log.warn("Cannot delete {file}: {error}", { file: old, error: errText(err) });
      }
    }
    this.#log.info(
      "Opened store {dir}: {series} series, {files} files, {bytes} bytes; {damagedBytes} damaged bytes ({damagedSamples} samples) skipped",
      {
        dir: this.#dir,
        series: this.#ids.size,
        files: stats.files,
        bytes: stats.bytes,
        damagedBytes: stats.damagedBytes,
        damagedSamples: stats.damagedSamples,
      },
    );
  }

  /** Lists and reads a tier's segments (through its index where it matches). */
  #loadTier(
    t: TierState,
    catalog: Map<number, CatalogEntry>,
    stats: { files: number; bytes: number; damagedBytes: number; damagedSamples: number },
  ): RawEntry[] {
    const seqs: number[] = [];
    for (const e of Deno.readDirSync(t.dir)) {
      const m = e.isFile ? SEG_RE.exec(e.name) : null;
      if (m !== null) seqs.push(Number(m[1]));
    }
    seqs.sort((a, b) => a - b);
    const index = this.#readIndex(t);
    const out: RawEntry[] = [];
    for (const seq of seqs) {
      const path = this.#segPath(t, seq);
      let size = Deno.statSync(path).size;
      let summary: SegmentSummary | null | undefined = index.get(seq);
      if (summary === undefined || summary.size !== size) {
        summary = this.#scanSegment(t, seq, path, stats);
        if (summary === null) continue;
        size = summary.size;
      }
      stats.files++;
      stats.bytes += size;
      for (const c of summary.catalog) {
        const prev = catalog.get(c.id);
        if (prev === undefined || c.gen >= prev.gen) catalog.set(c.id, c);
      }
      for (const e of summary.entries) out.push(e);
      t.segs.push(new Segment(seq, path, size));
      t.nextSeq = seq + 1;
    }
    return out;
  }

  /** The index records of a tier, by segment seq (later records win); empty when missing or bad. */
  #readIndex(t: TierState): Map<number, SegmentSummary> {
    const out = new Map<number, SegmentSummary>();
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(t.indexPath);
    } catch {
      return out;
    }
    const h = readFileHeader(bytes);
    if (!h.ok || h.kind !== KIND_INDEX) {
      this.#log.warn("Ignoring index {file} ({reason}); scanning the segments", {
        file: t.indexPath,
        reason: h.ok ? "not an index" : h.reason,
      });
      return out;
    }
    let damaged = 0;
    scanRecords(bytes, FILE_HEADER_BYTES, bytes.length, (type, off, len) => {
      if (type !== REC_INDEX) return;
      try {
        const r = new ByteReader(bytes, off + RECORD_HEADER_BYTES, off + len);
        const s: SegmentSummary = { seq: r.varint(), size: r.varint(), catalog: [], entries: [] };
        const nc = r.varint();
        for (let i = 0; i < nc; i++) s.catalog.push(this.#readCatalogEntry(r));
        const ne = r.varint();
        for (let i = 0; i < ne; i++) {
          s.entries.push({
            type: r.u8(),
            id: r.varint(),
            gen: r.varint(),
            start: r.varint(),
            count: r.varint(),
            seq: s.seq,
            off: r.varint(),
            len: r.varint(),
          });
        }
        out.set(s.seq, s);
      } catch {
        damaged++;
      }
    }, (d) => {
      damaged += d.len;
    });
    if (damaged > 0) {
      this.#log.warn("Index {file} is damaged; scanning the segments it no longer covers", {
        file: t.indexPath,
      });
    }
    return out;
  }

  #readCatalogEntry(r: ByteReader): CatalogEntry {
    const id = r.varint();
    const ue = r.varint();
    const gen = r.varint();
    const n = r.varint();
    const key = this.#textDec.decode(r.bytes(n));
    if (ue < 1) throw new RangeError("Series with update every 0");
    return { id, ue, gen, key };
  }

  /**
   * Reads a whole segment, checking every record; damage is skipped (resyncing on the next
   * valid record) and logged, a damaged tail is cut off the file. Null when nothing is left.
   */
  #scanSegment(
    t: TierState,
    seq: number,
    path: string,
    stats: { damagedBytes: number; damagedSamples: number },
  ): SegmentSummary | null {
    const bytes = Deno.readFileSync(path);
    if (bytes.length < FILE_HEADER_BYTES) {
      this.#log.warn("Removed {file}: {bytes} bytes, shorter than a file header (torn at creation)", {
        file: path,
        bytes: bytes.length,
      });
      Deno.removeSync(path);
      return null;
    }
    const h = readFileHeader(bytes);
    if (!h.ok || h.kind !== KIND_SEGMENT || h.seq !== seq) {
      this.#log.warn("Segment {file} has a bad header ({reason}); reading its records anyway", {
        file: path,
        reason: h.ok ? `kind ${h.kind}, seq ${h.seq}` : h.reason,
      });
    }
    const s: SegmentSummary = { seq, size: bytes.length, catalog: [], entries: [] };
    const head = new PageHead();
    let cutAt = -1;
    scanRecords(bytes, FILE_HEADER_BYTES, bytes.length, (type, off, len) => {
      const r = new ByteReader(bytes, off + RECORD_HEADER_BYTES, off + len);
      try {
        if (type === REC_SERIES) {
          while (r.left > 0) s.catalog.push(this.#readCatalogEntry(r));
        } else if (type === REC_PAGE || type === REC_PATCH) {
          readPageHead(r, head);
          if (head.tier !== t.k) throw new RangeError(`page of tier ${head.tier} in tier ${t.k}`);
          s.entries.push({
            type,
            id: head.id,
            gen: head.gen,
            start: head.start,
            count: head.count,
            seq,
            off,
            len,
          });
        } else {
          throw new RangeError(`record type ${type} does not belong in a segment`);
        }
      } catch (err) {
        this.#log.warn("Skipped a record of {file} at {offset} ({bytes} bytes): {error}", {
          file: path,
          offset: off,
          bytes: len,
          error: errText(err),
        });
      }
    }, (d) => {
      this.#reportDamage(path, bytes, d, stats);
      if (d.tail) cutAt = d.off;
    });
    if (cutAt >= 0) {
      this.#cut(path, cutAt);
      s.size = cutAt;
    }
    return s;
  }

  #reportDamage(
    path: string,
    bytes: Uint8Array,
    d: Damage,
    stats: { damagedBytes: number; damagedSamples: number },
  ): void {
    const samples = samplesInDamagedRecord(bytes, d.off, d.off + d.len);
    stats.damagedBytes += d.len;
    stats.damagedSamples += samples;
    const what = d.tail ? "Cut a damaged tail of" : "Skipped damaged bytes in";
    this.#log.warn(`${what} {file} at {offset}: {bytes} bytes, {samples} samples lost ({reason})`, {
      file: path,
      offset: d.off,
      bytes: d.len,
      samples,
      reason: badReason(d.code),
    });
  }

  #cut(path: string, size: number): void {
    try {
      Deno.truncateSync(path, size);
    } catch (err) {
      this.#log.warn("Cannot cut {file} to {size} bytes: {error}", { file: path, size, error: errText(err) });
    }
  }

  /** Replays the journals left by an unclean shutdown; returns their paths. */
  #replayJournals(stats: { damagedBytes: number; damagedSamples: number }): string[] {
    const found: number[] = [];
    for (const e of Deno.readDirSync(this.#dir)) {
      const m = e.isFile ? JOURNAL_RE.exec(e.name) : null;
      if (m !== null) found.push(Number(m[1]));
    }
    found.sort((a, b) => a - b);
    const paths: string[] = [];
    const e = new JsetEntry();
    const r = new ByteReader(new Uint8Array(0));
    let entries = 0;
    let stale = 0;
    let lastFlushMs = 0;
    let flushMs = 0;
    for (const seq of found) {
      const path = this.#journalPath(seq);
      paths.push(path);
      this.#jSeq = Math.max(this.#jSeq, seq);
      const bytes = Deno.readFileSync(path);
      const h = readFileHeader(bytes);
      if (!h.ok || h.kind !== KIND_JOURNAL) {
        this.#log.warn("Journal {file} has a bad header ({reason}); reading its records anyway", {
          file: path,
          reason: h.ok ? `kind ${h.kind}` : h.reason,
        });
        if (bytes.length < FILE_HEADER_BYTES) continue;
      }
      scanRecords(bytes, FILE_HEADER_BYTES, bytes.length, (type, off, len) => {
        if (type === REC_JSEAL) {
          this.#applySealMarkers(bytes, off + RECORD_HEADER_BYTES, off + len);
          return;
        }
        if (type === REC_JFLUSH) {
          try {
            const fr = new ByteReader(bytes, off + RECORD_HEADER_BYTES, off + len);
            lastFlushMs = fr.varint();
            flushMs = fr.varint();
          } catch {
            // a stamp is only for the log
          }
          return;
        }
        if (type !== REC_JSET) return;
        r.reset(bytes, off + RECORD_HEADER_BYTES, off + len);
        try {
          const tier = r.u8();
          if (tier >= MAX_TIERS) throw new RangeError(`journal record of tier ${tier}`);
          const ncols = tier === 0 ? 1 : 4;
          e.id = 0;
          e.startT = 0;
          while (r.left > 0) {
            readJsetEntry(r, e);
            if (e.count > PAGE_POINTS[tier]) throw new RangeError(`journal entry of ${e.count} points`);
            for (let c = 0; c < ncols; c++) {
              r.pos = decodeXor32(r.buf, r.pos, r.end, e.count, this.#jdec[c], 0);
            }
            if (tier < this.#t.length && this.#applyJournalEntry(this.#t[tier], e)) entries++;
            else stale++;
          }
        } catch (err) {
          this.#log.warn("Skipped the rest of a journal record of {file} at {offset}: {error}", {
            file: path,
            offset: off,
            error: errText(err),
          });
        }
      }, (d) => this.#reportDamage(path, bytes, d, stats));
    }
    if (found.length > 0) {
      let newest = 0;
      for (let id = 0; id < this.#keys.length; id++) newest = Math.max(newest, this.lastTime(id));
      this.#log.warn(
        "Store {dir} was not closed cleanly: replayed {entries} journal entries up to its last flush at {lastFlush}; points appended after that flush (its writer flushed every {flushIntervalSec} s) are lost; newest point now at {newest}",
        {
          dir: this.#dir,
          entries,
          stale,
          lastFlush: lastFlushMs > 0 ? new Date(lastFlushMs).toISOString() : "unknown",
          lastFlushMs,
          flushIntervalSec: flushMs > 0 ? flushMs / 1000 : "unknown",
          newest,
        },
      );
    }
    return paths;
  }

  /**
   * Replays seal markers: the window was sealed into a segment after the journal entries seen
   * so far, so the page on disk supersedes them and the replayed copy is dropped (or, when
   * that page record is missing, written as a recovered page).
   */
  #applySealMarkers(bytes: Uint8Array, pos: number, end: number): void {
    const r = new ByteReader(bytes, pos, end);
    while (r.left > 0) {
      const id = r.varint();
      const gen = r.varint();
      const tier = r.u8();
      const win = r.varint();
      if (tier >= this.#t.length || id >= this.#keys.length || gen !== this.#gen[id]) continue;
      const t = this.#t[tier];
      const op = t.open[id];
      if (op === null || op.win !== win) continue;
      const pages = t.pages[id];
      if (pages === null || pages.findWindow(t.pp, win) < 0) this.#seal(t, id, op);
      op.reset(-1);
    }
  }

  /** Applies one journal entry to the open pages; false when it no longer applies. */
  /**
   * Applies one decoded journal entry (values in the journal scratch) to the open pages of
   * tier `t`; false when it no longer applies (another definition, or its window is on disk).
   */
  #applyJournalEntry(t: TierState, e: JsetEntry): boolean {
    const id = e.id;
    if (id >= this.#keys.length || this.#keys[id] === "" || e.gen !== this.#gen[id]) return false;
    const tue = this.#ue[id] * t.g;
    const start = e.startT / tue;
    if (!Number.isInteger(start)) return false;
    const w = Math.floor(start / t.pp);
    if (Math.floor((start + e.count - 1) / t.pp) !== w) throw new RangeError("Journal entry spans windows");
    const jdec = this.#jdec;
    let op = t.open[id];
    if (op === null || op.win !== w) {
      if (op !== null && w < op.win) {
        // an older window: sealed and on disk unless that record was lost
        const pages = t.pages[id];
        if (pages !== null && pages.findWindow(t.pp, w) >= 0) return false;
        if (t.k > 0) return false;
        for (let i = 0; i < e.count; i++) this.#patch(id, start + i, this.#jdecF[0][i]);
        this.#flushRun(id);
        return true;
      }
      op = this.#openWindow(t, id, w);
    }
    const from = start - w * t.pp;
    let changed = false;
    for (let i = 0; i < e.count; i++) {
      const j = from + i;
      for (let c = 0; c < op.bits.length; c++) {
        if (op.bits[c][j] !== jdec[c][i]) {
          changed = true;
          op.bits[c][j] = jdec[c][i];
        }
      }
      if (t.k > 0) op.sum[j] = this.#jdecF[2][i];
    }
    if (changed) op.changed = true;
    const end = start + e.count - 1;
    if (op.lo < 0 || start < op.lo) op.lo = start;
    if (end > op.hi) op.hi = end;
    if (end > t.last[id]) t.last[id] = end;
    const endT = end * this.#ue[id] * t.g;
    if (t.k === 0 && endT > this.#newestT) this.#newestT = endT;
    return true;
  }

  /**
   * Rebuilds every series' accumulating tier points from the tier below: tier 1 from the tier-0
   * slots of its interval, tier 2 from the tier-1 points of its interval plus tier 1's
   * accumulating point. Falls back to the point stored by `close()` when the tier below holds
   * nothing for the interval (expired).
   */
  #rebuildCurrentPoints(): void {
    const t0 = this.#t[0];
    const a = this.#agg;
    const tb = this.#tb;
    for (let id = 0; id < this.#keys.length; id++) {
      const last0 = t0.last[id];
      if (last0 < 0 || this.#keys[id] === "") continue;
      for (let k = 1; k < this.#t.length; k++) {
        const t = this.#t[k];
        const p = Math.ceil(last0 / t.g);
        a[0] = a[1] = a[2] = NaN;
        a[3] = 0;
        if (k === 1) {
          const lo = (p - 1) * t.g + 1;
          const buf = this.#f64;
          buf.fill(NaN, 0, last0 - lo + 1);
          this.#fill0(id, lo, last0, lo, buf);
          for (let i = 0; i <= last0 - lo; i++) {
            mergePoint(a, buf[i], buf[i], buf[i], buf[i] === buf[i] ? 1 : 0);
          }
        } else {
          const lower = this.#t[k - 1];
          const lp = lower.curP[id];
          const lo = (p - 1) * TIER_GROUPING + 1;
          if (lp - 1 >= lo) {
            this.#clearTierBuffers(lp - lo);
            this.#fillTier(lower, id, lo, lp - 1, lo, tb, false);
            for (let i = 0; i < lp - lo; i++) mergePoint(a, tb.min[i], tb.max[i], tb.sum[i], tb.count[i]);
          }
          if (lp >= lo) mergePoint(a, lower.curMin[id], lower.curMax[id], lower.curSum[id], lower.curCnt[id]);
        }
        if (a[3] === 0 && p <= t.last[id]) {
          this.#clearTierBuffers(1);
          this.#fillTier(t, id, p, p, p, tb, false);
          if (tb.count[0] > 0) mergePoint(a, tb.min[0], tb.max[0], tb.sum[0], tb.count[0]);
        }
        t.curP[id] = p;
        t.curEnd[id] = p * t.g;
        t.curMin[id] = a[0];
        t.curMax[id] = a[1];
        t.curSum[id] = a[2];
        t.curCnt[id] = a[3];
        if (p > t.last[id]) t.last[id] = p;
      }
    }
  }

  #clearTierBuffers(n: number): void {
    const tb = this.#tb;
    tb.min.fill(NaN, 0, n);
    tb.max.fill(NaN, 0, n);
    tb.sum.fill(NaN, 0, n);
    tb.count.fill(0, 0, n);
  }

  /**
   * Rewrites a tier's index to cover exactly its finished segments (temp file + rename); `also`
   * is the segment being finished, which counts as finished.
   */
  #rewriteIndex(t: TierState, also: Segment | null = null): void {
    const b = new ByteBuf(16384);
    writeFileHeader(b, KIND_INDEX, t.k, 0);
    const sealed = t.segs.filter((s) => s !== t.active || s === also);
    for (let i = 0; i < sealed.length; i++) this.#indexRecord(b, t, sealed[i], i === sealed.length - 1);
    const tmp = `${t.indexPath}.tmp`;
    Deno.writeFileSync(tmp, b.view8());
    Deno.renameSync(tmp, t.indexPath);
    t.indexBytes = b.len;
    t.indexStale = false;
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
