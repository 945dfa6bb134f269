/**
 * Page payloads (layout in `../dbengine/FORMAT.md`): a head naming the series, its definition
 * generation, the tier and the slots, then one XOR stream per column (1 for tier 0; min, max, sum
 * and count above it).
 * @module
 */

import type { ByteBuf, ByteReader } from "./bytes.ts";
import { decodeXor32, encodeXor32 } from "./xor.ts";

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
