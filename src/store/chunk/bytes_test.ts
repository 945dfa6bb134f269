import { assert } from "../../../tests/_helpers/assert.ts";
import { ByteReader, putVarint } from "./bytes.ts";

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
