/**
 * Recovery at open: whatever the directory holds becomes the store's state, and damaged files
 * never make the open fail. Per tier the segments are listed and read through the index where
 * the index still matches their size, else scanned record by record (damage skipped and logged,
 * a torn tail cut off the file). The newest catalog entry of each id wins. Then the journals are
 * replayed (`replay.ts`), what the replay sealed is written, every index is rewritten to match
 * the segments, a fresh journal is started and the replayed ones go.
 * @module
 */

import {
  ByteReader,
  FILE_HEADER_BYTES,
  KIND_INDEX,
  KIND_SEGMENT,
  PageHead,
  readFileHeader,
  readPageHead,
  REC_INDEX,
  REC_PAGE,
  REC_PATCH,
  REC_SERIES,
  RECORD_HEADER_BYTES,
  scanRecords,
} from "../chunk/mod.ts";
import type { Backfill } from "./backfill.ts";
import { type DamageStats, errText, reportDamage, SEG_RE, segPath } from "./io.ts";
import type { Journal } from "./journal.ts";
import type { OpenPages } from "./open_pages.ts";
import { Entries, Segment, type TierState } from "./pages.ts";
import type { PageReader } from "./reader.ts";
import { JournalReplay } from "./replay.ts";
import type { SegmentFiles } from "./segments.ts";
import type { EngineState } from "./state.ts";

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

type OpenStats = { files: number; bytes: number } & DamageStats;

/** The parts recovery rebuilds the store through. */
export interface RecoveryParts {
  reader: PageReader;
  segments: SegmentFiles;
  journal: Journal;
  pages: OpenPages;
  backfill: Backfill;
}

/**
 * Opens the store directory of `state` (created if missing) and recovers what it holds.
 * @throws {Error} only when the directory cannot be created, read or written.
 */
export function recoverStore(state: EngineState, parts: RecoveryParts): void {
  new Recovery(state, parts).run();
}

class Recovery {
  readonly #s: EngineState;
  readonly #p: RecoveryParts;
  readonly #textDec = new TextDecoder();

  constructor(state: EngineState, parts: RecoveryParts) {
    this.#s = state;
    this.#p = parts;
  }

  run(): void {
    const s = this.#s;
    const p = this.#p;
    Deno.mkdirSync(s.dir, { recursive: true });
    const catalog = new Map<number, CatalogEntry>();
    const raw: RawEntry[][] = [];
    const stats: OpenStats = { files: 0, bytes: 0, damagedBytes: 0, damagedSamples: 0 };
    for (const t of s.t) {
      Deno.mkdirSync(t.dir, { recursive: true });
      raw.push(this.#loadTier(t, catalog, stats));
    }
    // the catalog: the newest generation of every id; keys unique (a later id wins)
    let maxId = -1;
    for (const list of raw) for (const e of list) if (e.id > maxId) maxId = e.id;
    for (const c of catalog.values()) if (c.id > maxId) maxId = c.id;
    const byId = [...catalog.values()].sort((a, b) => a.id - b.id);
    for (const c of byId) {
      const prev = s.ids.get(c.key);
      if (prev !== undefined) {
        s.log.warn("Series {key} is defined as ids {a} and {b}; keeping {b}", {
          key: c.key,
          a: prev,
          b: c.id,
        });
        s.keys[prev] = "";
      }
      s.addSeries(c.id, c.key, c.ue, c.gen);
      s.ids.set(c.key, c.id);
    }
    if (maxId >= s.keys.length) s.addSeries(maxId, "", 1, 0);
    let unknown = 0;
    for (const t of s.t) {
      for (const e of raw[t.k]) {
        if (e.id >= s.keys.length || s.keys[e.id] === "") {
          unknown++;
          continue;
        }
        if (e.gen !== s.gen[e.id]) continue; // data of an earlier definition
        const seg = s.segment(t, e.seq)!;
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
        const endT = end * s.ue[e.id] * t.g;
        seg.track(endT);
        if (t.k === 0 && endT > s.newestT) s.newestT = endT;
      }
    }
    if (unknown > 0) {
      s.log.warn("Dropped {pages} pages of series with no definition left in {dir}", {
        pages: unknown,
        dir: s.dir,
      });
    }
    const replay = new JournalReplay(s, p);
    const replayed = replay.replay(stats);
    replay.rebuildCurrentPoints();
    // pages the replay sealed reach the segments before the journals that held them go
    p.backfill.flushRuns();
    for (const t of s.t) p.segments.writePending(t);
    for (const t of s.t) p.segments.rewriteIndex(t);
    p.segments.keepCatalog();
    // The snapshot's fdatasync runs off the event loop (a parent reopens the store of every child
    // that comes back); the replayed journals go only once it is on disk.
    const synced = p.journal.start(true);
    p.journal.clearSealed(); // the new journal starts from a snapshot
    p.journal.retireAfter(synced, replayed);
    s.log.info(
      "Opened store {dir}: {series} series, {files} files, {bytes} bytes; {damagedBytes} damaged bytes ({damagedSamples} samples) skipped",
      {
        dir: s.dir,
        series: s.ids.size,
        files: stats.files,
        bytes: stats.bytes,
        damagedBytes: stats.damagedBytes,
        damagedSamples: stats.damagedSamples,
      },
    );
  }

  /** Lists and reads a tier's segments (through its index where it matches). */
  #loadTier(t: TierState, catalog: Map<number, CatalogEntry>, stats: OpenStats): RawEntry[] {
    const seqs: number[] = [];
    for (const e of Deno.readDirSync(t.dir)) {
      const m = e.isFile ? SEG_RE.exec(e.name) : null;
      if (m !== null) seqs.push(Number(m[1]));
    }
    seqs.sort((a, b) => a - b);
    const index = this.#readIndex(t);
    const out: RawEntry[] = [];
    for (const seq of seqs) {
      const path = segPath(t.dir, seq);
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
    const log = this.#s.log;
    const out = new Map<number, SegmentSummary>();
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(t.indexPath);
    } catch {
      return out;
    }
    const h = readFileHeader(bytes);
    if (!h.ok || h.kind !== KIND_INDEX) {
      log.warn("Ignoring index {file} ({reason}); scanning the segments", {
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
      log.warn("Index {file} is damaged; scanning the segments it no longer covers", {
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
  #scanSegment(t: TierState, seq: number, path: string, stats: DamageStats): SegmentSummary | null {
    const log = this.#s.log;
    const bytes = Deno.readFileSync(path);
    if (bytes.length < FILE_HEADER_BYTES) {
      log.warn("Removed {file}: {bytes} bytes, shorter than a file header (torn at creation)", {
        file: path,
        bytes: bytes.length,
      });
      Deno.removeSync(path);
      return null;
    }
    const h = readFileHeader(bytes);
    if (!h.ok || h.kind !== KIND_SEGMENT || h.seq !== seq) {
      log.warn("Segment {file} has a bad header ({reason}); reading its records anyway", {
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
        log.warn("Skipped a record of {file} at {offset} ({bytes} bytes): {error}", {
          file: path,
          offset: off,
          bytes: len,
          error: errText(err),
        });
      }
    }, (d) => {
      reportDamage(log, { path, bytes }, d, stats);
      if (d.tail) cutAt = d.off;
    });
    if (cutAt >= 0) {
      this.#cut(path, cutAt);
      s.size = cutAt;
    }
    return s;
  }

  #cut(path: string, size: number): void {
    try {
      Deno.truncateSync(path, size);
    } catch (err) {
      this.#s.log.warn("Cannot cut {file} to {size} bytes: {error}", {
        file: path,
        size,
        error: errText(err),
      });
    }
  }
}
