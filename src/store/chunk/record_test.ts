import { assert } from "../../../tests/_helpers/assert.ts";
import { ByteBuf } from "./bytes.ts";
import {
  BAD_CRC,
  BAD_LENGTH,
  beginRecord,
  checkRecord,
  crc32,
  type Damage,
  endRecord,
  KIND_SEGMENT,
  readFileHeader,
  REC_SERIES,
  RECORD_HEADER_BYTES,
  scanRecords,
  writeFileHeader,
} from "./record.ts";

Deno.test("crc32() matches the IEEE check value and continues across parts", () => {
  const data = new TextEncoder().encode("123456789");
  assert.equal(crc32(data), 0xcbf43926);
  assert.equal(crc32(data.subarray(4), crc32(data.subarray(0, 4))), 0xcbf43926);
});

function twoRecords(): ByteBuf {
  const b = new ByteBuf();
  writeFileHeader(b, KIND_SEGMENT, 0, 7);
  for (const text of ["first record", "second record"]) {
    const rec = beginRecord(b, REC_SERIES);
    b.bytes(new TextEncoder().encode(text));
    endRecord(b, rec);
  }
  return b;
}

Deno.test("checkRecord() rejects damaged records", () => {
  const cases: { name: string; damage: (b: Uint8Array) => void; want: number }[] = [
    { name: "intact", damage: () => {}, want: RECORD_HEADER_BYTES + 12 },
    { name: "flipped CRC bit", damage: (b) => (b[20 + 8] ^= 1), want: BAD_CRC },
    { name: "flipped payload bit", damage: (b) => (b[20 + 13] ^= 0x10), want: BAD_CRC },
    { name: "zeroed length", damage: (b) => b.fill(0, 24, 28), want: BAD_LENGTH },
    { name: "length past the end", damage: (b) => (b[27] = 0x7f), want: BAD_LENGTH },
  ];
  for (const c of cases) {
    const b = twoRecords();
    const bytes = b.view8().slice();
    c.damage(bytes);
    assert.equal(checkRecord(bytes, 20, bytes.length), c.want, c.name);
  }
});

Deno.test("scanRecords() resyncs after a damaged record and reports a damaged tail", () => {
  const b = twoRecords();
  const bytes = b.view8().slice();
  bytes.fill(0, 24, 28); // zero the first record's length
  const seen: number[] = [];
  const damage: Damage[] = [];
  scanRecords(bytes, 20, bytes.length, (_t, off) => seen.push(off), (d) => damage.push(d));
  assert.deepEqual(seen, [20 + RECORD_HEADER_BYTES + 12]);
  assert.equal(damage.length, 1);
  assert.equal(damage[0].off, 20);
  assert.equal(damage[0].len, RECORD_HEADER_BYTES + 12);
  assert.equal(damage[0].tail, false);

  const torn = b.view8().slice(0, b.len - 5);
  const tails: Damage[] = [];
  const kept: number[] = [];
  scanRecords(torn, 20, torn.length, (_t, off) => kept.push(off), (d) => tails.push(d));
  assert.deepEqual(kept, [20]);
  assert.equal(tails.length, 1);
  assert.ok(tails[0].tail);
  assert.equal(tails[0].off, 20 + RECORD_HEADER_BYTES + 12);
});

Deno.test("readFileHeader() checks magic, CRC and version", () => {
  const b = new ByteBuf();
  writeFileHeader(b, KIND_SEGMENT, 2, 99);
  const ok = readFileHeader(b.view8());
  assert.deepEqual(ok, { ok: true, kind: KIND_SEGMENT, tier: 2, seq: 99 });
  const bad = b.view8().slice();
  bad[13] ^= 1;
  assert.equal(readFileHeader(bad).ok, false);
  assert.equal(readFileHeader(bad.subarray(0, 10)).ok, false);
});
