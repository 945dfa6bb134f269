/**
 * File headers and record framing (layouts in `../dbengine/FORMAT.md`): every file of the store
 * starts with a CRC'd header, then length-prefixed records each with a CRC-32, so recovery can
 * tell intact records from damage and resync after it.
 * @module
 */

import { crc32 as zlibCrc32 } from "node:zlib";
import type { ByteBuf } from "./bytes.ts";

/** CRC-32 (IEEE, as zlib) of `data`, continuing from `prev` (0 to start). */
export function crc32(data: Uint8Array, prev = 0): number {
  return zlibCrc32(data, prev) >>> 0;
}

/** The 8 bytes every file of the store starts with. */
export const FILE_MAGIC = new Uint8Array([0x41, 0x47, 0x45, 0x4e, 0x54, 0x44, 0x42, 0x31]); // "AGENTDB1"
/** Bytes of the file header. */
export const FILE_HEADER_BYTES = 20;
/** File kinds (header byte 8). */
export const KIND_SEGMENT = 1;
export const KIND_JOURNAL = 2;
export const KIND_INDEX = 3;
/** Format version (header byte 9). */
export const FORMAT_VERSION = 1;

/** First byte of every record. */
export const RECORD_MAGIC = 0xa7;
/** Bytes of a record header: magic, type, 2 reserved, u32 length, u32 CRC. */
export const RECORD_HEADER_BYTES = 12;
/** Largest record payload accepted (a sanity bound checked before allocating). */
export const RECORD_MAX_BYTES = 64 * 1024 * 1024;

/** Record types (header byte 1). */
export const REC_SERIES = 1;
export const REC_PAGE = 2;
export const REC_PATCH = 3;
export const REC_JSET = 4;
export const REC_INDEX = 5;
export const REC_JSEAL = 6;
export const REC_JFLUSH = 7;

/** Appends a file header (kind, tier, sequence number) to `out`. */
export function writeFileHeader(out: ByteBuf, kind: number, tier: number, seq: number): void {
  out.ensure(FILE_HEADER_BYTES);
  const start = out.len;
  out.buf.set(FILE_MAGIC, start);
  out.buf[start + 8] = kind;
  out.buf[start + 9] = FORMAT_VERSION;
  out.buf[start + 10] = tier;
  out.buf[start + 11] = 0;
  out.view.setUint32(start + 12, seq, true);
  out.view.setUint32(start + 16, crc32(out.buf.subarray(start, start + 16)), true);
  out.len = start + FILE_HEADER_BYTES;
}

/** A parsed file header, or the reason it is not one. */
export type FileHeader = { ok: true; kind: number; tier: number; seq: number } | {
  ok: false;
  reason: string;
};

/** Checks the file header at the start of `buf`. */
export function readFileHeader(buf: Uint8Array): FileHeader {
  if (buf.length < FILE_HEADER_BYTES) {
    return { ok: false, reason: `file is ${buf.length} bytes, shorter than its header` };
  }
  for (let i = 0; i < 8; i++) {
    if (buf[i] !== FILE_MAGIC[i]) return { ok: false, reason: "bad magic" };
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, FILE_HEADER_BYTES);
  if (dv.getUint32(16, true) !== crc32(buf.subarray(0, 16))) {
    return { ok: false, reason: "header CRC mismatch" };
  }
  if (buf[9] !== FORMAT_VERSION) return { ok: false, reason: `unknown format version ${buf[9]}` };
  return { ok: true, kind: buf[8], tier: buf[10], seq: dv.getUint32(12, true) };
}

/** Reserves a record header in `out`; returns where the record starts (for {@link endRecord}). */
export function beginRecord(out: ByteBuf, type: number): number {
  out.ensure(RECORD_HEADER_BYTES);
  const start = out.len;
  const b = out.buf;
  b[start] = RECORD_MAGIC;
  b[start + 1] = type;
  b[start + 2] = 0;
  b[start + 3] = 0;
  out.len = start + RECORD_HEADER_BYTES;
  return start;
}

/** Fills in the length and CRC of the record begun at `start`. */
export function endRecord(out: ByteBuf, start: number): void {
  const len = out.len - start - RECORD_HEADER_BYTES;
  out.view.setUint32(start + 4, len, true);
  const crc = crc32(
    out.buf.subarray(start + RECORD_HEADER_BYTES, out.len),
    crc32(out.buf.subarray(start, start + 8)),
  );
  out.view.setUint32(start + 8, crc, true);
}

/** Why {@link checkRecord} rejected a position. */
export const BAD_SHORT = -1; // fewer bytes than a header left
export const BAD_MAGIC = -2;
export const BAD_TYPE = -3;
export const BAD_LENGTH = -4; // zero, over the bound, or past the end of the bytes
export const BAD_CRC = -5;

/** Human text for a BAD_* code. */
export function badReason(code: number): string {
  switch (code) {
    case BAD_SHORT:
      return "truncated record header";
    case BAD_MAGIC:
      return "no record magic";
    case BAD_TYPE:
      return "unknown record type";
    case BAD_LENGTH:
      return "record length zero or past the end of the file";
    default:
      return "CRC mismatch";
  }
}

/**
 * Checks the record at `buf[off]` (bytes up to `end`): magic, a known type, a length within
 * bounds and the CRC. Returns the record's total length (header + payload) or a BAD_* code.
 */
export function checkRecord(buf: Uint8Array, off: number, end: number): number {
  if (end - off < RECORD_HEADER_BYTES) return BAD_SHORT;
  if (buf[off] !== RECORD_MAGIC) return BAD_MAGIC;
  const type = buf[off + 1];
  if (type < REC_SERIES || type > REC_JFLUSH || buf[off + 2] !== 0 || buf[off + 3] !== 0) return BAD_TYPE;
  const len = (buf[off + 4] | (buf[off + 5] << 8) | (buf[off + 6] << 16) | (buf[off + 7] << 24)) >>> 0;
  if (len === 0 || len > RECORD_MAX_BYTES || len > end - off - RECORD_HEADER_BYTES) return BAD_LENGTH;
  const want = (buf[off + 8] | (buf[off + 9] << 8) | (buf[off + 10] << 16) | (buf[off + 11] << 24)) >>> 0;
  const p = off + RECORD_HEADER_BYTES;
  const got = crc32(buf.subarray(p, p + len), crc32(buf.subarray(off, off + 8)));
  if (got !== want) return BAD_CRC;
  return RECORD_HEADER_BYTES + len;
}

/** A stretch of bytes that held no valid record. */
export interface Damage {
  off: number;
  len: number;
  /** The BAD_* code at `off`. */
  code: number;
  /** Whether the damage runs to the end of the bytes (a torn or garbage tail). */
  tail: boolean;
}

/**
 * Walks the records in `buf[off, end)`, calling `onRecord(type, recordOff, totalLen)` for each
 * valid one. On a bad record it resyncs by looking, byte by byte, for the next position where a
 * valid record starts (magic, type, length and CRC all check out) and reports the skipped bytes
 * through `onDamage`; damage with nothing valid after it is a tail.
 */
export function scanRecords(
  buf: Uint8Array,
  off: number,
  end: number,
  onRecord: (type: number, off: number, len: number) => void,
  onDamage: (d: Damage) => void,
): void {
  let pos = off;
  while (pos < end) {
    const n = checkRecord(buf, pos, end);
    if (n > 0) {
      onRecord(buf[pos + 1], pos, n);
      pos += n;
      continue;
    }
    let next = pos + 1;
    while (next < end) {
      if (buf[next] === RECORD_MAGIC && checkRecord(buf, next, end) > 0) break;
      next++;
    }
    onDamage({ off: pos, len: next - pos, code: n, tail: next >= end });
    pos = next;
  }
}

/** Reads the payload type/length of the record header at `off` (no checks). */
export function recordPayloadLength(buf: Uint8Array, off: number): number {
  return (buf[off + 4] | (buf[off + 5] << 8) | (buf[off + 6] << 16) | (buf[off + 7] << 24)) >>> 0;
}
