import { assert } from "../../tests/_helpers/assert.ts";
import {
  BAD_CRC,
  BAD_LENGTH,
  beginRecord,
  ByteBuf,
  ByteReader,
  checkRecord,
  crc32,
  type Damage,
  decodePageColumns,
  decodeXor32,
  encodePage,
  encodeXor32,
  endRecord,
  KIND_SEGMENT,
  NAN_BITS,
  PageHead,
  putVarint,
  readFileHeader,
  readPageHead,
  REC_PAGE,
  REC_SERIES,
  RECORD_HEADER_BYTES,
  samplesInDamagedRecord,
  scanRecords,
  writeFileHeader,
} from "./chunk.ts";

function bitsOf(values: number[]): Uint32Array {
  const f = new Float32Array(values);
  return new Uint32Array(f.buffer);
}

function roundTrip(values: number[]): { out: number[]; bytes: number } {
  const bits = bitsOf(values);
  const buf = new ByteBuf(16);
  buf.u8(0xee); // a prefix, so the stream does not start at 0
  encodeXor32(bits, 0, values.length, buf);
  const out = new Uint32Array(values.length);
  const end = decodeXor32(buf.buf, 1, buf.len, values.length, out, 0);
  assert.equal(end, buf.len, "the decoder stops where the encoder stopped");
  return { out: Array.from(new Float32Array(out.buffer)), bytes: buf.len - 1 };
}

const f32 = (v: number) => Math.fround(v);

Deno.test("encodeXor32() round-trips float32 values", () => {
  const cases: { name: string; input: number[] }[] = [
    { name: "one value", input: [42.5] },
    { name: "constant", input: Array(1024).fill(3.25) },
    { name: "zeros and negative zero", input: [0, -0, 0, -0, 0] },
    { name: "noisy percentages", input: Array.from({ length: 1024 }, (_, i) => f32(Math.sin(i) * 50 + 50)) },
    { name: "counters", input: Array.from({ length: 500 }, (_, i) => i * 1024 + (i % 7)) },
    { name: "extremes", input: [3.4e38, -3.4e38, 1e-45, -1e-45, Infinity, -Infinity, 1, 2] },
    { name: "alternating signs", input: Array.from({ length: 100 }, (_, i) => (i % 2 ? -1 : 1) * i) },
    { name: "every bit pattern width", input: Array.from({ length: 64 }, (_, i) => f32(2 ** (i - 32) + i)) },
  ];
  for (const c of cases) {
    const { out } = roundTrip(c.input);
    assert.equal(out.length, c.input.length, c.name);
    for (let i = 0; i < out.length; i++) {
      assert.ok(Object.is(out[i], f32(c.input[i])), `${c.name}: value ${i}: ${out[i]} !== ${c.input[i]}`);
    }
  }
});

Deno.test("encodeXor32() keeps NaN gaps and stores every NaN as one bit pattern", () => {
  const bits = bitsOf([1, NaN, NaN, 2, NaN]);
  bits[2] = 0xffc00001; // a negative NaN with a payload
  const buf = new ByteBuf();
  encodeXor32(bits, 0, 5, buf);
  const out = new Uint32Array(5);
  decodeXor32(buf.buf, 0, buf.len, 5, out, 0);
  assert.deepEqual(Array.from(out.subarray(1, 3)), [NAN_BITS, NAN_BITS]);
  const vals = new Float32Array(out.buffer);
  assert.equal(vals[0], 1);
  assert.equal(vals[3], 2);
  assert.ok(Number.isNaN(vals[4]));
});

Deno.test("encodeXor32() spends about a bit per repeated value", () => {
  const { bytes } = roundTrip(Array(1024).fill(7));
  assert.ok(bytes <= 4 + 128 + 1, `constant page took ${bytes} bytes`);
});

Deno.test("decodeXor32() throws on a stream cut short instead of reading past it", () => {
  const bits = bitsOf(Array.from({ length: 50 }, (_, i) => i * 1.1));
  const buf = new ByteBuf();
  encodeXor32(bits, 0, 50, buf);
  const out = new Uint32Array(50);
  assert.throws(() => decodeXor32(buf.buf, 0, buf.len - 3, 50, out, 0), RangeError);
  assert.throws(() => decodeXor32(buf.buf, 0, buf.len, 51, new Uint32Array(50), 0), RangeError);
});

Deno.test("varints round-trip up to 2^53", () => {
  const buf = new Uint8Array(16);
  for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 + 5, 1795293600, 2 ** 53 - 1]) {
    const end = putVarint(buf, 0, v);
    const r = new ByteReader(buf, 0, end);
    assert.equal(r.varint(), v);
    assert.equal(r.pos, end);
  }
  assert.throws(() => new ByteReader(new Uint8Array([0x80, 0x80]), 0, 2).varint(), RangeError);
});

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

Deno.test("encodePage() round-trips tier 0 and tier pages, and damaged pages tell their sample count", () => {
  const cases = [
    { tier: 0, cols: 1 },
    { tier: 1, cols: 4 },
  ];
  for (const c of cases) {
    const cols = Array.from(
      { length: c.cols },
      (_, k) => bitsOf(Array.from({ length: 100 }, (_, i) => i * (k + 1))),
    );
    const b = new ByteBuf();
    const rec = beginRecord(b, REC_PAGE);
    encodePage(b, { id: 300, gen: 2, tier: c.tier, start: 1795293600 + 10, count: 90 }, cols, 10);
    endRecord(b, rec);
    const r = new ByteReader(b.buf, RECORD_HEADER_BYTES, b.len);
    const head = new PageHead();
    readPageHead(r, head);
    assert.deepEqual({ ...head }, { id: 300, gen: 2, tier: c.tier, enc: 1, start: 1795293610, count: 90 });
    const out = Array.from({ length: 4 }, () => new Uint32Array(100));
    decodePageColumns(r, head, out, 0);
    for (let k = 0; k < c.cols; k++) assert.deepEqual(out[k].subarray(0, 90), cols[k].subarray(10, 100));
    assert.equal(samplesInDamagedRecord(b.buf, 0, 30), 90, "the head survives a cut");
  }
});
