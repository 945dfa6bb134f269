/**
 * Journal entries (JSET records, layout in `../dbengine/FORMAT.md`): the changed slots of one
 * open page, delta-coded against the previous entry of the record so a flush of many series
 * stays small.
 * @module
 */

import type { ByteBuf, ByteReader } from "./bytes.ts";
import { encodeXor32 } from "./xor.ts";

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
