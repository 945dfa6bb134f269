import { assert } from "../../../tests/_helpers/assert.ts";
import { ByteBuf, ByteReader } from "./bytes.ts";
import { samplesInDamagedRecord } from "./damage.ts";
import { decodePageColumns, encodePage, PageHead, readPageHead } from "./page.ts";
import { beginRecord, endRecord, REC_PAGE, RECORD_HEADER_BYTES } from "./record.ts";

function bitsOf(values: number[]): Uint32Array {
  const f = new Float32Array(values);
  return new Uint32Array(f.buffer);
}

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
