/**
 * The on-disk queue of one connector instance: formatted batches wait here until the database
 * accepted them, so an outage of the database, or a restart of the agent meanwhile, loses
 * nothing within the bound.
 *
 * Invariants:
 * - Files live in one directory: segments `seg-<10-digit seq>.q`, append-only, and `committed`,
 *   the position (`<seq> <offset>`) of the oldest batch not yet delivered, replaced atomically
 *   (write, then rename) after each delivery or drop.
 * - A record is `magic "AGXQ" | u32 body length | u32 CRC-32 of the body | body`, the body
 *   `f64 created (epoch ms) | u32 samples | payload` (little endian). Recovery keeps every
 *   record whose CRC matches, skips damage by finding the next magic with a good CRC, cuts a torn
 *   tail, and logs how many bytes went.
 * - Batches leave in the order they came: {@link DiskQueue.peek} gives the oldest,
 *   {@link DiskQueue.commit} removes it. A batch is removed only once it was delivered (or
 *   dropped by its caller), so after a crash at most the one batch in flight is sent again.
 * - Bounded by bytes and by batches: appending past either bound drops the oldest batches,
 *   counted in {@link QueueStats} and logged.
 * - Segments wholly behind the committed position are deleted.
 * @module
 */

import type { Logger } from "@logtape/logtape";
import { crc32 as zlibCrc32 } from "node:zlib";

const MAGIC = 0x51584741; // "AGXQ" read as a little-endian u32
const HEADER_BYTES = 12;
const BODY_FIXED_BYTES = 12;
/** Largest record body accepted when reading (a sanity bound checked before allocating). */
const MAX_BODY_BYTES = 256 * 1024 * 1024;
const SEG_RE = /^seg-(\d{10})\.q$/;

/** Options of {@link DiskQueue.open}. */
export interface QueueOptions {
  /** The queue's directory (created when missing). */
  dir: string;
  /** Bytes of queued records kept at most. */
  maxBytes: number;
  /** Batches kept at most. */
  maxRecords: number;
  /** Start a new segment past this size (default: a 16th of `maxBytes`, 64 KiB to 16 MiB). */
  segmentBytes?: number;
  logger: Logger;
}

/** One queued batch. */
export interface QueuedBatch {
  /** Names the batch for {@link DiskQueue.commit}. */
  id: number;
  /** When it was formatted, epoch ms. */
  createdMs: number;
  /** Samples (metrics) it holds. */
  samples: number;
  /** The bytes to send: a copy owned by the caller. */
  payload: Uint8Array;
}

/** Counters of a queue. */
export interface QueueStats {
  /** Batches waiting. */
  records: number;
  /** Bytes of the waiting records on disk. */
  bytes: number;
  /** Samples waiting. */
  samples: number;
  /** Creation time of the oldest waiting batch (epoch ms), 0 when empty. */
  oldestMs: number;
  /** Batches and samples dropped because the queue was over its bound. */
  droppedRecords: number;
  droppedSamples: number;
  /** Bytes skipped or cut as damaged when the queue was opened. */
  damagedBytes: number;
}

interface Entry {
  id: number;
  seq: number;
  off: number;
  /** Record bytes, header included. */
  len: number;
  createdMs: number;
  samples: number;
}

function segName(seq: number): string {
  return `seg-${String(seq).padStart(10, "0")}.q`;
}

function crc32(data: Uint8Array): number {
  return zlibCrc32(data, 0) >>> 0;
}

/** The length-prefixed, CRC'd record of one batch. */
export function encodeRecord(payload: Uint8Array, samples: number, createdMs: number): Uint8Array {
  const rec = new Uint8Array(HEADER_BYTES + BODY_FIXED_BYTES + payload.length);
  const v = new DataView(rec.buffer);
  v.setFloat64(HEADER_BYTES, createdMs, true);
  v.setUint32(HEADER_BYTES + 8, samples, true);
  rec.set(payload, HEADER_BYTES + BODY_FIXED_BYTES);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, BODY_FIXED_BYTES + payload.length, true);
  v.setUint32(8, crc32(rec.subarray(HEADER_BYTES)), true);
  return rec;
}

/** The length of a good record at `off` of `bytes`, or 0. */
function goodRecordAt(bytes: Uint8Array, view: DataView, off: number): number {
  if (off + HEADER_BYTES > bytes.length || view.getUint32(off, true) !== MAGIC) return 0;
  const len = view.getUint32(off + 4, true);
  if (len < BODY_FIXED_BYTES || len > MAX_BODY_BYTES || off + HEADER_BYTES + len > bytes.length) return 0;
  const crc = view.getUint32(off + 8, true);
  return crc32(bytes.subarray(off + HEADER_BYTES, off + HEADER_BYTES + len)) === crc ? HEADER_BYTES + len : 0;
}

/** A bounded, durable FIFO of batches in one directory (see the module doc). */
export class DiskQueue {
  readonly #o: Required<QueueOptions>;
  readonly #entries: Entry[] = [];
  #head = 0;
  #bytes = 0;
  #samples = 0;
  #writeSeq = 0;
  #writeSize = 0;
  #writer: Deno.FsFile | undefined;
  #reader: { seq: number; file: Deno.FsFile } | undefined;
  #dropped = { records: 0, samples: 0 };
  #damagedBytes = 0;
  #nextId = 1;

  private constructor(o: Required<QueueOptions>) {
    this.#o = o;
  }

  /**
   * Opens (or creates) the queue in `opts.dir`, recovering what the files hold.
   * @throws {Deno.errors.PermissionDenied} and other I/O errors when the directory is unusable
   */
  static open(opts: QueueOptions): DiskQueue {
    const segmentBytes = opts.segmentBytes ??
      Math.max(64 * 1024, Math.min(16 * 1024 * 1024, Math.floor(opts.maxBytes / 16)));
    const q = new DiskQueue({ ...opts, segmentBytes });
    Deno.mkdirSync(opts.dir, { recursive: true });
    q.#recover();
    return q;
  }

  /** Counters for the API and the agent's charts. */
  stats(): QueueStats {
    const e = this.#entries[this.#head];
    return {
      records: this.#entries.length - this.#head,
      bytes: this.#bytes,
      samples: this.#samples,
      oldestMs: e?.createdMs ?? 0,
      droppedRecords: this.#dropped.records,
      droppedSamples: this.#dropped.samples,
      damagedBytes: this.#damagedBytes,
    };
  }

  /** Appends a batch (written before this returns), then drops the oldest while over a bound. */
  append(payload: Uint8Array, samples: number, createdMs: number): void {
    const rec = encodeRecord(payload, samples, createdMs);
    if (this.#writer === undefined || this.#writeSize >= this.#o.segmentBytes) this.#rotate();
    let off = 0;
    while (off < rec.length) off += this.#writer!.writeSync(rec.subarray(off));
    this.#entries.push({
      id: this.#nextId++,
      seq: this.#writeSeq,
      off: this.#writeSize,
      len: rec.length,
      createdMs,
      samples,
    });
    this.#writeSize += rec.length;
    this.#bytes += rec.length;
    this.#samples += samples;
    let dropped = 0, droppedSamples = 0;
    while (
      this.#entries.length - this.#head > 1 &&
      (this.#bytes > this.#o.maxBytes || this.#entries.length - this.#head > this.#o.maxRecords)
    ) {
      droppedSamples += this.#entries[this.#head].samples;
      this.#remove();
      dropped++;
    }
    if (dropped > 0) {
      this.#dropped.records += dropped;
      this.#dropped.samples += droppedSamples;
      this.#o.logger.warn(
        "Dropped the {records} oldest batches ({samples} samples) of the export queue in {dir}: over its bound",
        { records: dropped, samples: droppedSamples, dir: this.#o.dir },
      );
      this.#saveCommitted();
    }
  }

  /** The oldest waiting batch (read from disk), or undefined when the queue is empty. */
  peek(): QueuedBatch | undefined {
    const e = this.#entries[this.#head];
    if (e === undefined) return undefined;
    if (this.#reader?.seq !== e.seq) {
      this.#reader?.file.close();
      this.#reader = { seq: e.seq, file: Deno.openSync(`${this.#o.dir}/${segName(e.seq)}`, { read: true }) };
    }
    const rec = new Uint8Array(e.len);
    this.#reader.file.seekSync(e.off, Deno.SeekMode.Start);
    let got = 0;
    while (got < rec.length) {
      const n = this.#reader.file.readSync(rec.subarray(got));
      if (n === null || n === 0) throw new RangeError(`Export queue segment ends early at ${e.off + got}`);
      got += n;
    }
    return {
      id: e.id,
      createdMs: e.createdMs,
      samples: e.samples,
      payload: rec.subarray(HEADER_BYTES + BODY_FIXED_BYTES),
    };
  }

  /**
   * Removes batch `id` that {@link peek} gave (it was delivered, or its caller gave it up);
   * nothing when it is no longer the oldest (the bound dropped it meanwhile).
   */
  commit(id: number): void {
    if (this.#entries[this.#head]?.id !== id) return;
    this.#remove();
    this.#saveCommitted();
  }

  /** Closes the files; the queue is on disk for the next open. */
  close(): void {
    this.#reader?.file.close();
    this.#reader = undefined;
    this.#writer?.close();
    this.#writer = undefined;
  }

  #remove(): void {
    const e = this.#entries[this.#head++];
    this.#bytes -= e.len;
    this.#samples -= e.samples;
    const next = this.#entries[this.#head];
    const nextSeq = next?.seq ?? this.#writeSeq;
    if (nextSeq !== e.seq) this.#deleteBefore(nextSeq);
    // Compact the array now and then, not on every removal.
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Deletes the segments before `seq` (never the one being written). */
  #deleteBefore(seq: number): void {
    if (this.#reader !== undefined && this.#reader.seq < seq) {
      this.#reader.file.close();
      this.#reader = undefined;
    }
    for (const s of this.#segments()) {
      if (s >= seq || s === this.#writeSeq) continue;
      try {
        Deno.removeSync(`${this.#o.dir}/${segName(s)}`);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  }

  #segments(): number[] {
    const out: number[] = [];
    for (const e of Deno.readDirSync(this.#o.dir)) {
      const m = SEG_RE.exec(e.name);
      if (m && e.isFile) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  #rotate(): void {
    this.#writer?.close();
    this.#writeSeq++;
    this.#writeSize = 0;
    this.#writer = Deno.openSync(`${this.#o.dir}/${segName(this.#writeSeq)}`, {
      create: true,
      append: true,
    });
  }

  #saveCommitted(): void {
    const e = this.#entries[this.#head];
    const pos = e ? `${e.seq} ${e.off}\n` : `${this.#writeSeq} ${this.#writeSize}\n`;
    const tmp = `${this.#o.dir}/committed.tmp`;
    Deno.writeTextFileSync(tmp, pos);
    Deno.renameSync(tmp, `${this.#o.dir}/committed`);
  }

  #readCommitted(): { seq: number; off: number } {
    try {
      const m = /^(\d+) (\d+)\n?$/.exec(Deno.readTextFileSync(`${this.#o.dir}/committed`));
      if (m) return { seq: Number(m[1]), off: Number(m[2]) };
      this.#o.logger.warn("Ignoring the damaged committed position of the export queue in {dir}", {
        dir: this.#o.dir,
      });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return { seq: 0, off: 0 };
  }

  /** Rebuilds the index from the segments: keeps good records past the committed position. */
  #recover(): void {
    const committed = this.#readCommitted();
    const segs = this.#segments();
    for (const seq of segs) {
      const path = `${this.#o.dir}/${segName(seq)}`;
      const bytes = Deno.readFileSync(path);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let off = 0;
      let goodEnd = 0;
      while (off < bytes.length) {
        const len = goodRecordAt(bytes, view, off);
        if (len === 0) {
          // Damage: find the next good record, or the end.
          let next = off + 1;
          while (next < bytes.length && goodRecordAt(bytes, view, next) === 0) next++;
          // Damage before the committed position was delivered already: not a loss.
          const unsent = seq > committed.seq || (seq === committed.seq && off >= committed.off);
          if (next < bytes.length && unsent) this.#damaged(path, off, next - off, "Skipped damaged bytes in");
          off = next;
          continue;
        }
        goodEnd = off + len;
        if (seq > committed.seq || (seq === committed.seq && off >= committed.off)) {
          const createdMs = view.getFloat64(off + HEADER_BYTES, true);
          const samples = view.getUint32(off + HEADER_BYTES + 8, true);
          this.#entries.push({ id: this.#nextId++, seq, off, len, createdMs, samples });
          this.#bytes += len;
          this.#samples += samples;
        }
        off += len;
      }
      if (goodEnd < bytes.length) {
        this.#damaged(path, goodEnd, bytes.length - goodEnd, "Cut a damaged tail of");
        Deno.truncateSync(path, goodEnd);
      }
      this.#writeSeq = seq;
      this.#writeSize = goodEnd;
    }
    const first = this.#entries[0]?.seq ?? this.#writeSeq;
    if (segs.length > 0) {
      this.#writer = Deno.openSync(`${this.#o.dir}/${segName(this.#writeSeq)}`, { append: true });
      this.#deleteBefore(first);
    }
    if (this.#entries.length > 0) {
      this.#o.logger.info(
        "Export queue in {dir}: {records} batches ({bytes} bytes) waiting from the last run",
        {
          dir: this.#o.dir,
          records: this.#entries.length,
          bytes: this.#bytes,
        },
      );
    }
  }

  #damaged(path: string, offset: number, bytes: number, what: string): void {
    this.#damagedBytes += bytes;
    this.#o.logger.warn(`${what} {file} at {offset}: {bytes} bytes lost`, { file: path, offset, bytes });
  }
}
