/**
 * The common bits of the dbengine codecs: a growable byte buffer, unsigned LEB128 varints and a
 * bounds-checked reader. Every codec in this folder writes through {@link ByteBuf} and reads
 * through {@link ByteReader}, so a damaged record can throw but never read out of bounds.
 * @module
 */

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
