/**
 * How many samples a damaged record held, for the recovery log: recovery skips damage and says
 * what it cost, reading whatever heads survived.
 * @module
 */

import { ByteReader } from "./bytes.ts";
import { JsetEntry, readJsetEntry } from "./jset.ts";
import { PageHead, readPageHead } from "./page.ts";
import {
  REC_JSET,
  REC_PAGE,
  REC_PATCH,
  RECORD_HEADER_BYTES,
  RECORD_MAGIC,
  recordPayloadLength,
} from "./record.ts";
import { decodeXor32 } from "./xor.ts";

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
