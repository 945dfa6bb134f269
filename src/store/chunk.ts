/**
 * Byte-level codecs of the dbengine store (layouts in FORMAT.md): CRC-32, varints, a growable
 * byte buffer, the XOR float codec for pages, record framing and file headers. Pure functions of
 * bytes; no I/O. Nothing here allocates per sample: encoders write into a caller's
 * {@link ByteBuf}, decoders into a caller's typed array.
 * @module
 */

import { crc32 as zlibCrc32 } from "node:zlib";

/** CRC-32 (IEEE, as zlib) of `data`, continuing from `prev` (0 to start). */
export function crc32(data: Uint8Array, prev = 0): number {
  return zlibCrc32(data, prev) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// growable buffer and varints

/**
 * A growable byte buffer (grow by doubling, like std's `io/buffer.ts`). `buf` and `view` are
 * replaced when it grows, so take them after {@link ByteBuf.ensure}.
 */
export class ByteBuf {
  buf: Uint8Array;
  view: DataView;
  /** Bytes in use. */
  len = 0;

  constructor(capacity = 4096) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }

  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.len, v, true);
    this.len += 4;
  }

  varint(v: number): void {
    this.ensure(8);
    this.len = putVarint(this.buf, this.len, v);
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** A view of the bytes in use; valid until the next write. */
  view8(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Writes `v` (a whole number, 0 to 2^53) as an unsigned LEB128 varint; returns the next offset. */
export function putVarint(buf: Uint8Array, off: number, v: number): number {
  while (v >= 0x80) {
    buf[off++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[off++] = v;
  return off;
}

/** Bytes {@link putVarint} uses for `v`. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/**
 * A cursor over bytes `[pos, end)` of `buf` that throws a `RangeError` instead of reading past
 * `end`, so a damaged record can never make a reader run off its bounds.
 */
export class ByteReader {
  buf: Uint8Array;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Points the reader at other bytes (lets a caller reuse one reader). */
  reset(buf: Uint8Array, pos: number, end: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  u8(): number {
    if (this.pos >= this.end) throw new RangeError("Record ends inside a field");
    return this.buf[this.pos++];
  }

  /** @throws {RangeError} when the varint runs past the end or exceeds 2^53. */
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw new RangeError("Record ends inside a varint");
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw new RangeError("Varint longer than 8 bytes");
  }

  f32(): number {
    if (this.pos + 4 > this.end) throw new RangeError("Record ends inside a float");
    const b = this.buf;
    const p = this.pos;
    F32_SCRATCH_U[0] = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    this.pos += 4;
    return F32_SCRATCH[0];
  }

  /** `n` bytes as a view into the underlying buffer. */
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) throw new RangeError("Record ends inside a byte string");
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  get left(): number {
    return this.end - this.pos;
  }
}

// Read-only conversion scratch: every use writes then immediately reads it (no state kept).
const F32_SCRATCH = new Float32Array(1);
const F32_SCRATCH_U = new Uint32Array(F32_SCRATCH.buffer);

// ---------------------------------------------------------------------------------------------
// XOR float codec

/** The float32 bits every NaN is stored as. */
export const NAN_BITS = 0x7fc00000;

/** Worst-case encoded bytes for `count` values (44 bits each, plus the first 32). */
export function xorMaxBytes(count: number): number {
  return Math.ceil((count * 44 + 32) / 8) + 4;
}

/**
 * Appends `count` float32 bit patterns (`bits[from]` …) to `out`, Gorilla-style: the first as 32
 * raw bits, then each XORed with its predecessor: `0` when equal, `10` + the meaningful bits when
 * they fit the previous window of leading/trailing zeros, else `11` + 5 bits of leading zeros +
 * 5 bits of (length − 1) + the meaningful bits. Ends on a byte boundary. Every NaN is written as
 * {@link NAN_BITS}. Allocates nothing (beyond growing `out`).
 */
export function encodeXor32(bits: Uint32Array, from: number, count: number, out: ByteBuf): void {
  if (count <= 0) return;
  out.ensure(xorMaxBytes(count));
  const buf = out.buf;
  let pos = out.len;
  // Everything stays int32 (`| 0`): a uint32 above 2^31 would make V8 deoptimise this loop.
  // acc holds `nacc` (< 8 between writes) pending bits, most significant first.
  let acc = 0;
  let nacc = 0;
  let prev = canonical(bits[from] | 0);
  // 32 raw bits, as two halves so acc never needs more than 31 bits.
  acc = prev >>> 16;
  buf[pos++] = acc >>> 8;
  buf[pos++] = acc & 0xff;
  acc = prev & 0xffff;
  buf[pos++] = acc >>> 8;
  buf[pos++] = acc & 0xff;
  acc = 0;
  let pl = 32; // previous leading zeros; 32 = no window yet
  let pt = 0;
  const end = from + count;
  for (let i = from + 1; i < end; i++) {
    const cur = canonical(bits[i] | 0);
    const x = cur ^ prev;
    prev = cur;
    if (x === 0) {
      acc = (acc << 1) | 0;
      nacc += 1;
    } else {
      const lead = Math.clz32(x);
      const trail = 31 - Math.clz32(x & -x);
      let v: number;
      let n: number;
      if (lead >= pl && trail >= pt) {
        // '10' then the bits inside the previous window
        acc = (acc << 2) | 2;
        nacc += 2;
        v = (x >>> pt) | 0;
        n = 32 - pl - pt;
      } else {
        const sig = 32 - lead - trail;
        acc = (acc << 12) | (3 << 10) | (lead << 5) | (sig - 1);
        nacc += 12;
        pl = lead;
        pt = trail;
        v = (x >>> trail) | 0;
        n = sig;
      }
      while (nacc >= 8) {
        nacc -= 8;
        buf[pos++] = (acc >>> nacc) & 0xff;
      }
      acc &= (1 << nacc) - 1;
      if (n > 16) {
        acc = (acc << (n - 16)) | (v >>> 16);
        nacc += n - 16;
        while (nacc >= 8) {
          nacc -= 8;
          buf[pos++] = (acc >>> nacc) & 0xff;
        }
        acc &= (1 << nacc) - 1;
        n = 16;
        v &= 0xffff;
      }
      acc = (acc << n) | v;
      nacc += n;
    }
    while (nacc >= 8) {
      nacc -= 8;
      buf[pos++] = (acc >>> nacc) & 0xff;
    }
    acc &= (1 << nacc) - 1;
  }
  if (nacc > 0) buf[pos++] = (acc << (8 - nacc)) & 0xff;
  out.len = pos;
}

/** The bits of a NaN as {@link NAN_BITS}, anything else unchanged (int32 in, int32 out). */
function canonical(b: number): number {
  return (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0 ? NAN_BITS : b;
}

/**
 * Decodes `count` values written by {@link encodeXor32} from `src[off, end)` into
 * `out[outOff …]` (float32 bit patterns); returns the offset after the stream.
 * @throws {RangeError} when the stream ends early or `out` is too short.
 */
export function decodeXor32(
  src: Uint8Array,
  off: number,
  end: number,
  count: number,
  out: Uint32Array,
  outOff: number,
): number {
  if (count <= 0) return off;
  if (outOff + count > out.length) throw new RangeError(`Page of ${count} values does not fit its buffer`);
  let pos = off;
  let acc = 0; // holds `nacc` unread bits (at most 31); everything int32 as in the encoder
  let nacc = 0;
  if (pos + 4 > end) throw new RangeError("XOR stream ends inside its first value");
  let prev = (src[pos] << 24) | (src[pos + 1] << 16) | (src[pos + 2] << 8) | src[pos + 3];
  pos += 4;
  out[outOff] = prev;
  let pl = 0;
  let pt = 0;
  for (let i = 1; i < count; i++) {
    if (nacc < 1) {
      if (pos >= end) throw new RangeError("XOR stream ends early");
      acc = src[pos++];
      nacc = 8;
    }
    nacc--;
    if (((acc >>> nacc) & 1) === 0) {
      acc &= (1 << nacc) - 1;
      out[outOff + i] = prev;
      continue;
    }
    if (nacc < 1) {
      if (pos >= end) throw new RangeError("XOR stream ends early");
      acc = (acc << 8) | src[pos++];
      nacc += 8;
    }
    nacc--;
    const ctrl = (acc >>> nacc) & 1;
    acc &= (1 << nacc) - 1;
    let n: number;
    if (ctrl === 1) {
      while (nacc < 10) {
        if (pos >= end) throw new RangeError("XOR stream ends early");
        acc = (acc << 8) | src[pos++];
        nacc += 8;
      }
      nacc -= 10;
      const hdr = (acc >>> nacc) & 0x3ff;
      acc &= (1 << nacc) - 1;
      pl = hdr >>> 5;
      const sig = (hdr & 31) + 1;
      if (pl + sig > 32) throw new RangeError("XOR stream has a window wider than 32 bits");
      pt = 32 - pl - sig;
      n = sig;
    } else {
      n = 32 - pl - pt;
    }
    // read n (1..32) bits, in at most two parts of <= 16 so acc stays within 31 bits
    let v = 0;
    if (n > 16) {
      const hi = n - 16;
      while (nacc < hi) {
        if (pos >= end) throw new RangeError("XOR stream ends early");
        acc = (acc << 8) | src[pos++];
        nacc += 8;
      }
      nacc -= hi;
      v = ((acc >>> nacc) & ((1 << hi) - 1)) << 16;
      acc &= (1 << nacc) - 1;
      n = 16;
    }
    while (nacc < n) {
      if (pos >= end) throw new RangeError("XOR stream ends early");
      acc = (acc << 8) | src[pos++];
      nacc += 8;
    }
    nacc -= n;
    v |= (acc >>> nacc) & ((1 << n) - 1);
    acc &= (1 << nacc) - 1;
    prev ^= v << pt;
    out[outOff + i] = prev;
  }
  return pos;
}

// ---------------------------------------------------------------------------------------------
// files and records

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

// ---------------------------------------------------------------------------------------------
// page payloads

/** Encoding byte of a page: XOR float32 streams. */
export const ENC_XOR32 = 1;

/** What a page payload says about itself (everything before its value streams). */
export class PageHead {
  id = 0;
  gen = 0;
  tier = 0;
  enc = 0;
  /** First slot (on the tier's grid) and number of slots. */
  start = 0;
  count = 0;
}

/**
 * Appends a page payload (no record header) of `count` slots from `start`: the head, then for
 * tier 0 one XOR stream of `cols[0]`; for tiers above 0, streams of min, max, sum and count
 * (`cols[0..3]`), each but the last preceded by its byte length. `cols` hold float32 bits;
 * `from` is the index of the first slot in them.
 */
export function encodePage(
  out: ByteBuf,
  head: { id: number; gen: number; tier: number; start: number; count: number },
  cols: readonly Uint32Array[],
  from: number,
): void {
  out.varint(head.id);
  out.varint(head.gen);
  out.u8(head.tier);
  out.u8(ENC_XOR32);
  out.varint(head.start);
  out.varint(head.count);
  const last = cols.length - 1;
  for (let c = 0; c < cols.length; c++) {
    if (c === last) {
      encodeXor32(cols[c], from, head.count, out);
      break;
    }
    // Reserve a 3-byte varint for the stream length (pages are far below 2 MiB), patch it after.
    out.ensure(3);
    const at = out.len;
    out.len += 3;
    encodeXor32(cols[c], from, head.count, out);
    const n = out.len - at - 3;
    out.buf[at] = (n & 0x7f) | 0x80;
    out.buf[at + 1] = ((n >>> 7) & 0x7f) | 0x80;
    out.buf[at + 2] = (n >>> 14) & 0x7f;
  }
}

/** Parses the head of a page payload; leaves `r` at the first value stream. */
export function readPageHead(r: ByteReader, head: PageHead): void {
  head.id = r.varint();
  head.gen = r.varint();
  head.tier = r.u8();
  head.enc = r.u8();
  head.start = r.varint();
  head.count = r.varint();
  if (head.enc !== ENC_XOR32) throw new RangeError(`Unknown page encoding ${head.enc}`);
  if (head.count === 0) throw new RangeError("Page of zero slots");
}

/**
 * Decodes the value streams of a page whose head was just read into `cols[c][outOff …]`
 * (1 column for tier 0, 4 above). Leaves `r` after the page.
 * @throws {RangeError} when the streams are damaged.
 */
export function decodePageColumns(
  r: ByteReader,
  head: PageHead,
  cols: readonly Uint32Array[],
  outOff: number,
): void {
  const ncols = head.tier === 0 ? 1 : 4;
  if (cols.length < ncols) throw new RangeError(`Page of tier ${head.tier} needs ${ncols} columns`);
  for (let c = 0; c < ncols; c++) {
    let end = r.end;
    if (c < ncols - 1) {
      const n = r.varint();
      if (n > r.left) throw new RangeError("Page stream longer than its record");
      end = r.pos + n;
    }
    r.pos = decodeXor32(r.buf, r.pos, end, head.count, cols[c], outOff);
    if (c < ncols - 1) r.pos = end;
  }
}

/**
 * Best-effort count of the samples in damaged bytes that start with a record header: the slot
 * count of a page or patch, the sum over a journal record's entries whose heads are readable.
 * Returns 0 when nothing can be told.
 */
export function samplesInDamagedRecord(buf: Uint8Array, off: number, end: number): number {
  if (end - off < RECORD_HEADER_BYTES || buf[off] !== RECORD_MAGIC) return 0;
  const type = buf[off + 1];
  const len = recordPayloadLength(buf, off);
  // a zeroed or wild length: read the head from the damaged bytes themselves
  const pend = len === 0 ? end : Math.min(end, off + RECORD_HEADER_BYTES + len);
  const r = new ByteReader(buf, off + RECORD_HEADER_BYTES, pend);
  const head = new PageHead();
  let total = 0;
  try {
    if (type === REC_PAGE || type === REC_PATCH) {
      readPageHead(r, head);
      return head.count;
    }
    if (type === REC_JSET) {
      const ncols = r.u8() === 0 ? 1 : 4;
      const e = new JsetEntry();
      const cols = Array.from({ length: 4 }, () => new Uint32Array(1024));
      while (r.left > 0) {
        readJsetEntry(r, e);
        total += e.count; // its head is readable: its slots are what was lost
        if (e.count > 1024) break;
        for (let c = 0; c < ncols; c++) r.pos = decodeXor32(r.buf, r.pos, r.end, e.count, cols[c], 0);
      }
    }
  } catch {
    // a head cut short: keep what was counted
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// journal entries

/**
 * The head of a journal entry as read: entries of a JSET record are sorted by id and carry the
 * id and start time as deltas from the previous entry (the first from 0).
 */
export class JsetEntry {
  /** Id of the previous entry, then of this one. */
  id = 0;
  gen = 0;
  /** Start time (s) of the previous entry, then of this one: first slot × ue × 60^tier. */
  startT = 0;
  count = 0;
}

/** Maps a signed integer to an unsigned one (0, -1, 1, -2 … → 0, 1, 2, 3 …). */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function unzigzag(v: number): number {
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

/**
 * Appends one JSET entry: varint (id − previous id), varint gen, zigzag varint (start time −
 * previous start time), varint count, then one XOR stream per column (1 for tier 0, 4 above)
 * of `count` values from `cols[c][from]`. `prev` carries the previous entry's id and start time
 * and is advanced. No length prefix: a reader knows where the streams end by decoding them.
 */
export function writeJsetEntry(
  out: ByteBuf,
  prev: JsetEntry,
  e: { id: number; gen: number; startT: number; count: number },
  cols: readonly Uint32Array[],
  from: number,
): void {
  out.varint(e.id - prev.id);
  out.varint(e.gen);
  out.varint(zigzag(e.startT - prev.startT));
  out.varint(e.count);
  for (let c = 0; c < cols.length; c++) encodeXor32(cols[c], from, e.count, out);
  prev.id = e.id;
  prev.startT = e.startT;
}

/** Reads the head of the next JSET entry into `e` (which must hold the previous entry's). */
export function readJsetEntry(r: ByteReader, e: JsetEntry): void {
  e.id += r.varint();
  e.gen = r.varint();
  e.startT += unzigzag(r.varint());
  e.count = r.varint();
  if (e.count === 0) throw new RangeError("Journal entry of zero slots");
}
