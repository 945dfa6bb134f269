/**
 * The XOR float codec of pages and journal entries (Gorilla-style, on float32 bit patterns;
 * layout in `../dbengine/FORMAT.md`). Allocates nothing per value: the encoder writes into a
 * caller's {@link ByteBuf}, the decoder into a caller's `Uint32Array`.
 * @module
 */

import type { ByteBuf } from "./bytes.ts";

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
