import { assert } from "../../../tests/_helpers/assert.ts";
import { ByteBuf } from "./bytes.ts";
import { decodeXor32, encodeXor32, NAN_BITS } from "./xor.ts";

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
