/**
 * The dbengine store (`memory mode = dbengine`): series kept on disk as compressed pages in
 * append-only, CRC-checked segment files, one set per tier, plus a journal that makes the open
 * (not yet full) pages durable at every flush. Byte layouts, recovery and retention are in
 * FORMAT.md. This file is the facade: the Store interface over the parts in this folder, which
 * share one {@link EngineState}:
 *
 * - `reader.ts`: the page reader (sealed pages, patches, open page and run, overlaid);
 * - `segments.ts`: segment files (append, sync, rotate) and their index;
 * - `journal.ts`: the journal of the open pages;
 * - `open_pages.ts`: opening, loading and sealing windows, tier points;
 * - `backfill.ts`: back-fill runs written as PATCH records;
 * - `retention.ts`: deleting whole files by age and disk space;
 * - `recovery.ts` and `replay.ts`: recovery at open (torn tails, index rebuild, journal replay).
 *
 * Invariants:
 * - Data reaches disk only in a flush (a timer every `flushIntervalSec`, {@link DiskStore.flush}
 *   and `close()`): segment records first, then the journal. A killed process (kill -9) loses at
 *   most what was appended since the last completed flush. `flush()` and `close()` fdatasync each
 *   file; the timer's flushes (and the flush of `releaseFiles()`) do not, as Netdata 1.37.1's
 *   dbengine never does: their writes are in the page cache when write() returns, so a killed
 *   process loses nothing more, while a power cut may also lose what the kernel had not written
 *   back yet (its dirty expiry, 30 s by default; recovery cuts torn tails by their CRC).
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
import { beginRecord, endRecord, REC_SERIES } from "../chunk/mod.ts";
import { MAX_TIERS, tierSlots } from "../tiers.ts";
import type { MemoryMode, SeriesId, Store, TierBuffers } from "../types.ts";
import { Backfill } from "./backfill.ts";
import { type Flushable, type Flusher, sharedFlusher } from "./flusher.ts";
import { errText } from "./io.ts";
import { Journal } from "./journal.ts";
import { OpenPages } from "./open_pages.ts";
import { PAGE_POINTS, TierState } from "./pages.ts";
import { PageReader } from "./reader.ts";
import { recoverStore } from "./recovery.ts";
import { applyRetention } from "./retention.ts";
import { SegmentFiles } from "./segments.ts";
import { EngineState } from "./state.ts";

/** How `diskSpaceBytes` is split across tiers 0, 1, 2 (renormalised when fewer tiers are kept). */
export const TIER_DISK_SHARES: readonly number[] = [0.5, 0.3, 0.2];
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
  /** The timer that flushes it, shared by many stores (default: the process's, {@link sharedFlusher}). */
  flusher?: Flusher;
}

/**
 * The disk store. Create through `createStore({ mode: "dbengine", dir, historySec })`; opening
 * recovers whatever the directory holds (see FORMAT.md) and never throws on damaged files.
 * @throws {RangeError} from the constructor when an option is out of range.
 * @throws {Error} from the constructor when the directory cannot be created or written.
 */
export class DiskStore implements Store {
  readonly mode: MemoryMode = "dbengine";
  /** Tiers kept (1–3). */
  readonly tiers: number;
  readonly #s: EngineState;
  readonly #reader: PageReader;
  readonly #segments: SegmentFiles;
  readonly #journal: Journal;
  readonly #pages: OpenPages;
  readonly #backfill: Backfill;
  /** Flushes it every `flushIntervalSec`, with the other stores' flushes. */
  readonly #flusher: Flusher;
  readonly #flushable: Flushable = { flushDue: () => this.#flushFromTimer() };
  /** Whether the flusher has it; false while released (no writes to flush) and once closed. */
  #scheduled = false;
  #flushMs = 0;
  #closed = false;
  #flushFailing = false;

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
    this.#flusher = opts.flusher ?? sharedFlusher();
    this.#flushMs = flushSec * 1000;
    const states: TierState[] = [];
    let shareSum = 0;
    for (let k = 0; k < tiers; k++) shareSum += TIER_DISK_SHARES[k];
    for (let k = 0; k < tiers; k++) {
      const h = k === 0 ? opts.historySec : opts.tierHistorySec?.[k - 1] ?? opts.historySec * tierSlots(k);
      if (!(h >= opts.historySec)) {
        throw new RangeError(`History of tier ${k} must be at least ${opts.historySec} seconds, got ${h}`);
      }
      const budget = space > 0 ? Math.floor(space * TIER_DISK_SHARES[k] / shareSum) : 0;
      states.push(new TierState(k, opts.dir, h, budget));
    }
    const s = new EngineState(opts.dir, opts.logger ?? getLogger(["agent", "store"]), states);
    this.#s = s;
    this.#reader = new PageReader(s);
    this.#segments = new SegmentFiles(s, this.#reader);
    this.#journal = new Journal(s, flushSec, opts.nowMs ?? Date.now);
    this.#pages = new OpenPages(s, {
      reader: this.#reader,
      segments: this.#segments,
      journal: this.#journal,
    });
    this.#backfill = new Backfill(s, { reader: this.#reader, segments: this.#segments, pages: this.#pages });
    recoverStore(s, {
      reader: this.#reader,
      segments: this.#segments,
      journal: this.#journal,
      pages: this.#pages,
      backfill: this.#backfill,
    });
    this.#startTimer();
  }

  #startTimer(): void {
    this.#flusher.add(this.#flushable, this.#flushMs);
    this.#scheduled = true;
  }

  #stopTimer(): void {
    this.#flusher.delete(this.#flushable);
    this.#scheduled = false;
  }

  /** Number of defined series. */
  get seriesCount(): number {
    return this.#s.keys.length;
  }

  /** Points dropped because they were older than retention. */
  get droppedOld(): number {
    return this.#s.dropped;
  }

  /** Back-filled points that could not update a higher tier (its point was already on disk). */
  get tierMissed(): number {
    return this.#s.tierMissed;
  }

  /** Bytes held in memory for points: open pages, back-fill runs and unwritten records. */
  memoryBytes(): number {
    let b = this.#journal.bufferBytes;
    for (const t of this.#s.t) {
      b += t.pending.buf.byteLength;
      for (const op of t.open) if (op !== null) b += op.bytes();
    }
    for (const r of this.#s.runBuf) if (r !== null) b += r.byteLength;
    return b;
  }

  /** Bytes written to journals since open (deltas and snapshots): the price of crash safety. */
  get journalBytesWritten(): number {
    return this.#journal.written;
  }

  /** Bytes of the store's files on disk (segments, indexes, journal). */
  diskBytes(): number {
    let b = this.#journal.size;
    for (const t of this.#s.t) b += t.bytes();
    return b;
  }

  // -------------------------------------------------------------------------------------------
  // write side

  /** {@link StoreWriter.define}; a new series (or new grid) is added to the catalog on disk. */
  define(key: string, updateEverySec: number): SeriesId {
    if (!(updateEverySec >= 1) || !Number.isInteger(updateEverySec)) {
      throw new RangeError(`Cannot define series "${key}": update every must be a whole number >= 1`);
    }
    this.#checkOpen();
    const s = this.#s;
    let id = s.ids.get(key);
    if (id === undefined) {
      id = s.keys.length;
      s.addSeries(id, key, updateEverySec, 0);
      s.ids.set(key, id);
    } else if (s.ue[id] !== updateEverySec) {
      s.clearSeries(id);
      s.ue[id] = updateEverySec;
      s.gen[id]++;
      s.cap0[id] = s.capacity(0, updateEverySec);
    } else {
      return id;
    }
    for (const t of s.t) {
      if (t.k > 0 && t.active === null) continue; // its catalog is written when it starts
      if (this.#segments.ensureActive(t)) continue; // a new segment's catalog already holds it
      const rec = beginRecord(t.pending, REC_SERIES);
      s.catalogEntry(t.pending, id);
      endRecord(t.pending, rec);
    }
    return id;
  }

  /** {@link StoreWriter.append}: the hot path; a time at or before the newest is a back-fill. */
  append(id: SeriesId, tSec: number, value: number): void {
    if (!this.#scheduled && !this.#closed) this.#startTimer(); // released, written again
    const s = this.#s;
    const ue = s.ue[id];
    const n = Math.floor(tSec / ue);
    const t0 = s.t[0];
    const last = t0.last[id];
    if (n > last) {
      let op = t0.open[id];
      const w = Math.floor(n / PAGE_POINTS[0]);
      if (op === null || op.win !== w) op = this.#pages.openWindow(t0, id, w);
      op.v[n - w * PAGE_POINTS[0]] = value;
      if (op.lo < 0) op.lo = n;
      op.hi = n;
      op.changed = true;
      if (op.dLo < 0) op.dLo = n;
      op.dHi = n;
      t0.last[id] = n;
      if (tSec > s.newestT) s.newestT = tSec;
      const v = Math.fround(value); // tiers aggregate what tier 0 stores
      for (let k = 1; k < s.t.length; k++) {
        const t = s.t[k];
        if (n > t.curEnd[id]) this.#pages.startPoint(t, id, Math.ceil(n / t.g));
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
    if (n <= last - s.cap0[id]) {
      s.dropped++;
      return;
    }
    this.#backfill.backfill(id, n, value);
  }

  /** Writes everything appended so far to disk (segments, then the journal), then applies retention. */
  flush(): void {
    this.#flush(true);
  }

  /**
   * {@link flush}; without `sync`, the segments and the journal are written but not fdatasynced
   * (the timer's flushes: see the header comment).
   */
  #flush(sync: boolean): void {
    this.#checkOpen();
    this.#backfill.flushRuns();
    for (const t of this.#s.t) this.#segments.writePending(t, sync);
    this.#journal.write(sync);
    for (const t of this.#s.t) this.#segments.rotateIfDue(t);
    this.#segments.keepCatalog();
    if (this.#journal.size > this.#journal.limit()) this.#journal.start(!sync);
    applyRetention(this.#s, this.#reader, this.#journal.size);
  }

  /**
   * {@link Store.releaseFiles}: flushes without fdatasync, as a timer flush, then closes every
   * file handle (reopened on demand), so a parent does not stop for the syncs of children that
   * leave together.
   */
  releaseFiles(): void {
    if (this.#closed) return;
    this.#flush(false);
    this.#stopTimer();
    this.#journal.release();
    this.#segments.closeFiles();
  }

  /**
   * Seals every open page into the segments, writes and syncs them, records the segments in
   * the index and removes the journal. Synchronous; idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#stopTimer();
    const s = this.#s;
    try {
      this.#backfill.flushRuns();
      for (const t of s.t) {
        // accumulating points go in as they are (partial); the next open rebuilds them anyway
        if (t.k > 0) {
          for (let id = 0; id < t.curP.length; id++) if (t.curP[id] >= 0) this.#pages.commitPoint(t, id);
        }
        for (let id = 0; id < t.open.length; id++) {
          const op = t.open[id];
          if (op !== null && op.win >= 0) this.#pages.seal(t, id, op);
        }
        this.#segments.writePending(t);
        if (t.active !== null) this.#segments.appendIndex(t, t.active);
      }
      this.#closed = true;
      this.#journal.remove();
    } catch (err) {
      s.log.error("Cannot close store {dir} cleanly, the journal is kept for recovery: {error}", {
        dir: s.dir,
        error: errText(err),
      });
    } finally {
      this.#closed = true;
      this.#journal.close();
      this.#segments.closeFiles();
    }
  }

  // -------------------------------------------------------------------------------------------
  // read side

  /** {@link StoreReader.updateEvery}. */
  updateEvery(id: SeriesId): number {
    return this.#s.ue[id];
  }

  /** Seconds between two points of `tier`. */
  tierUpdateEvery(id: SeriesId, tier: number): number {
    return this.#s.ue[id] * tierSlots(tier);
  }

  /** {@link StoreReader.firstTime}. */
  firstTime(id: SeriesId, tier = 0): number {
    const s = this.#s;
    if (tier >= s.t.length) return 0;
    const f = s.firstSlot(s.t[tier], id);
    return f < 0 ? 0 : f * s.ue[id] * tierSlots(tier);
  }

  /** {@link StoreReader.lastTime}. */
  lastTime(id: SeriesId, tier = 0): number {
    return this.#s.lastTime(id, tier);
  }

  /** {@link StoreReader.read}. */
  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number {
    return this.#reader.read(id, fromSec, toSec, out);
  }

  /**
   * Copies the points of `tier` at `fromSec` (rounded up to the tier's grid) … `toSec` into
   * `out` and returns how many, at most the length of `out.min`. Tier 0 gives min = max = sum =
   * value and count 1 (0 for a gap); a tier point not stored reads as NaN with count 0. The
   * newest point of a tier may still be accumulating (its count below 60^tier).
   */
  readTier(id: SeriesId, tier: number, fromSec: number, toSec: number, out: TierBuffers): number {
    return this.#reader.readTier(id, tier, fromSec, toSec, out);
  }

  /** Resolves once the journal syncs under way are done and the handles they held are closed. */
  settled(): Promise<void> {
    return this.#journal.settled();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`Store ${this.#s.dir} is closed`);
  }

  #flushFromTimer(): void {
    if (this.#closed) return;
    try {
      this.#flush(false);
      // Nothing is written until the next flush: its files are reopened then (a read reopens
      // what it needs), so a parent holds one descriptor per child (its socket), not three.
      this.#journal.release();
      this.#segments.closeFiles();
      if (this.#flushFailing) {
        this.#flushFailing = false;
        this.#s.log.info("Store {dir} writes again", { dir: this.#s.dir });
      }
    } catch (err) {
      if (!this.#flushFailing) {
        this.#flushFailing = true;
        this.#s.log.error("Cannot flush store {dir}, keeping the points in memory and retrying: {error}", {
          dir: this.#s.dir,
          error: errText(err),
        });
      }
    }
  }
}
