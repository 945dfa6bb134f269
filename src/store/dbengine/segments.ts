/**
 * Segment files of the dbengine store: starting a segment (header, then the full series
 * catalog, so the newest segment alone maps ids to keys), appending a tier's pending records
 * with one write and one fdatasync per flush, rotating by size and age, and the per-tier index
 * (`index.dat`) that lists what each finished segment holds so an open need not scan them.
 * Layouts in FORMAT.md.
 * @module
 */

import {
  beginRecord,
  ByteBuf,
  endRecord,
  KIND_INDEX,
  KIND_SEGMENT,
  REC_INDEX,
  REC_PAGE,
  REC_PATCH,
  REC_SERIES,
  writeFileHeader,
} from "../chunk/mod.ts";
import type { SeriesId } from "../types.ts";
import { segPath, writeAll } from "./io.ts";
import { type Entries, Segment, type TierState } from "./pages.ts";
import type { PageReader } from "./reader.ts";
import type { EngineState } from "./state.ts";

/** Catalog records are cut at about this many bytes. */
const CATALOG_RECORD_BYTES = 64 * 1024;

/** Writes the segments and indexes of every tier of one store. */
export class SegmentFiles {
  readonly #s: EngineState;
  readonly #reader: PageReader;

  constructor(state: EngineState, reader: PageReader) {
    this.#s = state;
    this.#reader = reader;
  }

  /** Starts a segment for `t` when it has none (header + full catalog); true when it did. */
  ensureActive(t: TierState): boolean {
    if (t.active !== null) return false;
    const s = this.#s;
    const seq = t.nextSeq++;
    const seg = new Segment(seq, segPath(t.dir, seq), 0);
    t.wfile = Deno.openSync(seg.path, { write: true, create: true, append: true });
    t.segs.push(seg);
    t.active = seg;
    const p = t.pending;
    p.len = 0;
    writeFileHeader(p, KIND_SEGMENT, t.k, seq);
    let rec = -1;
    for (let id = 0; id < s.keys.length; id++) {
      if (s.keys[id] === "") continue;
      if (rec < 0) rec = beginRecord(p, REC_SERIES);
      s.catalogEntry(p, id);
      if (p.len - rec > CATALOG_RECORD_BYTES) {
        endRecord(p, rec);
        rec = -1;
      }
    }
    if (rec >= 0) endRecord(p, rec);
    return true;
  }

  /** Writes a tier's pending records to its segment and, with `sync`, fdatasyncs it. */
  writePending(t: TierState, sync = true): void {
    const seg = t.active;
    if (seg === null || t.pending.len === 0) return;
    // Reopened after releaseFiles() (its host left and came back).
    const f = t.wfile ??= Deno.openSync(seg.path, { write: true, append: true });
    try {
      writeAll(f, t.pending.view8());
      if (sync) f.syncDataSync();
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
    this.#reader.forgetTier(t.k);
  }

  /** Finishes the active segment of `t` once it is full or spans an eighth of the history. */
  rotateIfDue(t: TierState): void {
    const seg = t.active;
    if (seg === null) return;
    if (seg.size < t.segMax && (seg.minT < 0 || this.#s.newestT - seg.minT < t.historySec / 8)) return;
    this.appendIndex(t, seg);
    t.wfile?.close();
    t.wfile = null;
    t.active = null;
  }

  /**
   * Keeps a tier-0 segment open with the full catalog on disk, so the journal's series ids stay
   * mapped whatever retention deletes.
   */
  keepCatalog(): void {
    const t0 = this.#s.t[0];
    if (t0.active !== null || this.#s.ids.size === 0) return;
    this.ensureActive(t0);
    this.writePending(t0);
  }

  /**
   * Appends the summary of a finished segment to its tier's index, or rewrites the whole index
   * when it lists deleted segments (so it never grows past what the segments need).
   */
  appendIndex(t: TierState, seg: Segment): void {
    if (t.indexStale) {
      t.indexFile?.close();
      t.indexFile = null;
      this.rewriteIndex(t, seg);
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
   * Rewrites a tier's index to cover exactly its finished segments (temp file + rename); `also`
   * is the segment being finished, which counts as finished.
   */
  rewriteIndex(t: TierState, also: Segment | null = null): void {
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

  /** Closes every file handle of every tier (the store is closing). */
  closeFiles(): void {
    for (const t of this.#s.t) {
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

  /**
   * An INDEX record for `seg` from the in-memory lists; with `catalog`, the whole current
   * catalog too (the newest record of an index carries it).
   */
  #indexRecord(b: ByteBuf, t: TierState, seg: Segment, catalog: boolean): void {
    const s = this.#s;
    const rec = beginRecord(b, REC_INDEX);
    b.varint(seg.seq);
    b.varint(seg.size);
    let nSeries = 0;
    if (catalog) { for (let id = 0; id < s.keys.length; id++) if (s.keys[id] !== "") nSeries++; }
    b.varint(nSeries);
    if (catalog) {
      for (let id = 0; id < s.keys.length; id++) if (s.keys[id] !== "") s.catalogEntry(b, id);
    }
    let n = 0;
    for (let id = 0; id < s.keys.length; id++) {
      n += countIn(t.pages[id], seg.seq) + countIn(t.patches[id], seg.seq);
    }
    b.varint(n);
    for (let id = 0; id < s.keys.length; id++) {
      this.#indexEntries(b, t.pages[id], REC_PAGE, id, seg.seq);
      this.#indexEntries(b, t.patches[id], REC_PATCH, id, seg.seq);
    }
    endRecord(b, rec);
  }

  #indexEntries(b: ByteBuf, list: Entries | null, type: number, id: SeriesId, seq: number): void {
    if (list === null) return;
    for (let i = 0; i < list.n; i++) {
      if (list.seg(i) !== seq) continue;
      b.u8(type);
      b.varint(id);
      b.varint(this.#s.gen[id]);
      b.varint(list.start(i));
      b.varint(list.end(i) - list.start(i) + 1);
      b.varint(list.off(i));
      b.varint(list.len(i));
    }
  }
}

/** How many entries of `list` live in segment `seq`. */
function countIn(list: Entries | null, seq: number): number {
  if (list === null) return 0;
  let n = 0;
  for (let i = 0; i < list.n; i++) if (list.seg(i) === seq) n++;
  return n;
}
