/**
 * The journal of the dbengine store: what makes the open (not yet sealed) pages durable at every
 * flush. Each flush appends the slots changed since the last one (JSET records), the windows
 * sealed meanwhile (JSEAL) and a stamp (JFLUSH), then syncs (not in the timer's flushes: see
 * store.ts). When it has grown to four times its last snapshot it is rewritten as a fresh
 * snapshot of every open page and the old file goes. Only `close()` removes it; replay at open
 * lives in `replay.ts`. Layouts in FORMAT.md.
 * @module
 */

import {
  beginRecord,
  ByteBuf,
  endRecord,
  JsetEntry,
  KIND_JOURNAL,
  REC_JFLUSH,
  REC_JSEAL,
  REC_JSET,
  writeFileHeader,
  writeJsetEntry,
} from "../chunk/mod.ts";
import type { SeriesId } from "../types.ts";
import { journalPath, writeAll } from "./io.ts";
import type { TierState } from "./pages.ts";
import type { EngineState } from "./state.ts";

/** The journal is rewritten as a fresh snapshot once it exceeds this (or twice its snapshot). */
const JOURNAL_ROTATE_BYTES = 256 * 1024;

/** The journal file of one store. */
export class Journal {
  readonly #s: EngineState;
  readonly #flushSec: number;
  readonly #nowMs: () => number;
  #seq = 0;
  #file: Deno.FsFile | null = null;
  /** Its file handle was closed by release() while the journal stays on disk. */
  #released = false;
  #size = 0;
  #snapshot = 0;
  #written = 0;
  readonly #jbuf = new ByteBuf(2048);
  /** Windows sealed since the last flush, (tier, id, gen, window) quadruples. */
  readonly #sealed: number[] = [];
  /**
   * The fdatasyncs of snapshots started in the background, one after the other off the event
   * loop; a file handle is closed only once they are done.
   */
  #syncing: Promise<void> | null = null;
  /** Older journals to remove once the snapshot that replaces them is synced. */
  readonly #retired = new Set<string>();
  readonly #prev = new JsetEntry();
  readonly #entry = new JsetEntry();

  constructor(state: EngineState, flushSec: number, nowMs: () => number) {
    this.#s = state;
    this.#flushSec = flushSec;
    this.#nowMs = nowMs;
  }

  /** Bytes of the current journal file. */
  get size(): number {
    return this.#size;
  }

  /** Bytes written to journals since open (deltas and snapshots). */
  get written(): number {
    return this.#written;
  }

  /** Bytes of its write buffer (counted in the store's memory). */
  get bufferBytes(): number {
    return this.#jbuf.buf.byteLength;
  }

  /** Path of journal `seq` of this store. */
  path(seq: number): string {
    return journalPath(this.#s.dir, seq);
  }

  /** Notes a journal found at open, so the next one gets a higher number. */
  noteFound(seq: number): void {
    this.#seq = Math.max(this.#seq, seq);
  }

  /** Notes that window `win` of series `id` in `tier` was sealed into a segment. */
  noteSealed(tier: number, id: SeriesId, gen: number, win: number): void {
    this.#sealed.push(tier, id, gen, win);
  }

  /** Forgets the sealed windows (a fresh snapshot makes them moot). */
  clearSealed(): void {
    this.#sealed.length = 0;
  }

  /**
   * Appends what changed since the last flush (seal markers, then open-page slots), then, with
   * `sync`, fdatasyncs it. Without, the write is in the page cache at once (a killed process loses
   * nothing by it) and the kernel writes it back within its dirty-expiry time (30 s by default).
   */
  write(sync = true): void {
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
    for (const t of this.#s.t) this.#journalTier(t, false);
    if (jb.len === 0) return;
    this.#flushStamp(jb);
    if (this.#file === null) {
      // Released (its host left): the journal on disk goes on where it stopped.
      this.#file = Deno.openSync(this.path(this.#seq), { write: true, append: true });
      this.#released = false;
    }
    writeAll(this.#file!, jb.view8());
    if (sync) this.#file!.syncDataSync();
    this.#size += jb.len;
    this.#written += jb.len;
  }

  /**
   * Journal size that triggers a fresh snapshot: four times the last snapshot (so snapshots
   * add at most a quarter to the journal's writes), at least 256 KiB, or 1/16 of tier 0's disk
   * share when that is smaller.
   */
  limit(): number {
    const b = this.#s.t[0].budget;
    const floor = b > 0 ? Math.min(JOURNAL_ROTATE_BYTES, Math.floor(b / 16)) : JOURNAL_ROTATE_BYTES;
    return Math.max(floor, 4 * this.#snapshot);
  }

  /**
   * Starts a new journal holding a snapshot of every open page, then removes the older journal
   * once the new one is synced. With `background` (at open, where a parent reopens the store of
   * every child that comes back, and in the timer's flushes) the fdatasync runs off the event loop
   * and the old journal goes only after it succeeded. Resolves to whether the new journal is on disk.
   */
  start(background = false): Promise<boolean> {
    const seq = this.#seq + 1;
    const path = this.path(seq);
    const f = Deno.openSync(path, { write: true, create: true, truncate: true });
    const jb = this.#jbuf;
    jb.len = 0;
    writeFileHeader(jb, KIND_JOURNAL, 0, seq);
    for (const t of this.#s.t) this.#journalTier(t, true);
    this.#flushStamp(jb);
    try {
      writeAll(f, jb.view8());
      if (!background) f.syncDataSync();
    } catch (err) {
      f.close();
      Deno.removeSync(path);
      throw err;
    }
    const old = this.#file;
    const oldPath = old !== null || this.#released ? this.path(this.#seq) : null;
    this.#file = f;
    this.#seq = seq;
    this.#size = jb.len;
    this.#snapshot = jb.len;
    this.#written += jb.len;
    this.#released = false;
    if (old !== null) this.#closeFile(old);
    if (!background) {
      if (oldPath !== null) Deno.removeSync(oldPath);
      return Promise.resolve(true);
    }
    const synced = this.#syncLater(f);
    if (oldPath !== null) this.retireAfter(synced, [oldPath]);
    return synced;
  }

  /**
   * Removes older journals once `synced` (a snapshot's sync) resolved to true; a clean close
   * removes them at once ({@link remove}).
   */
  retireAfter(synced: Promise<boolean>, paths: readonly string[]): void {
    for (const p of paths) this.#retired.add(p);
    synced.then((ok) => {
      if (!ok) return;
      for (const p of paths) {
        if (this.#retired.delete(p)) this.#removeQuietly(p);
      }
    });
  }

  /** Removes an old journal, logging a failure (replay at the next open copes with it). */
  #removeQuietly(path: string): void {
    try {
      Deno.removeSync(path);
    } catch (err) {
      this.#s.log.warn("Cannot delete {file}: {error}", {
        file: path,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /**
   * Syncs `f` after the syncs already under way, off the event loop; a failure is logged.
   * Resolves to whether it succeeded.
   */
  #syncLater(f: Deno.FsFile): Promise<boolean> {
    const p = (this.#syncing ?? Promise.resolve()).then(() => f.syncData()).then(() => true, (err) => {
      this.#s.log.error("Cannot sync the journal of store {dir}: {error}", {
        dir: this.#s.dir,
        error: err instanceof Error ? err.message : String(err),
      });
      return false;
    });
    const done = p.then(() => {});
    this.#syncing = done;
    done.then(() => {
      if (this.#syncing === done) this.#syncing = null;
    });
    return p;
  }

  /** Resolves once the syncs under way are done (and the handles waiting for them closed). */
  async settled(): Promise<void> {
    while (this.#syncing !== null) await this.#syncing;
  }

  /** Closes `f` now, or once the syncs under way are done. */
  #closeFile(f: Deno.FsFile): void {
    if (this.#syncing === null) return f.close();
    this.#syncing.then(() => {
      try {
        f.close();
      } catch {
        // already closed
      }
    });
  }

  /** Closes and deletes the journal: every open page is sealed in the segments (clean close). */
  remove(): void {
    this.close();
    for (const p of this.#retired) this.#removeQuietly(p);
    this.#retired.clear();
    Deno.removeSync(this.path(this.#seq));
    this.#size = 0;
  }

  /** Closes the file handle; the next write reopens the same journal. */
  release(): void {
    if (this.#file === null) return;
    this.#closeFile(this.#file);
    this.#file = null;
    this.#released = true;
  }

  /** Closes the file, keeping it (for recovery when a close failed). Idempotent. */
  close(): void {
    if (this.#file !== null) this.#closeFile(this.#file);
    this.#file = null;
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
    const s = this.#s;
    const jb = this.#jbuf;
    const prev = this.#prev;
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
      const e = this.#entry;
      e.id = id;
      e.gen = s.gen[id];
      e.startT = lo * s.ue[id] * t.g;
      e.count = count;
      writeJsetEntry(jb, prev, e, op.bits, from);
      if (jb.len - rec > 1024 * 1024) {
        endRecord(jb, rec);
        rec = -1;
      }
    }
    if (rec >= 0) endRecord(jb, rec);
  }
}
