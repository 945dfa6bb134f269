import { assert } from "../../tests/_helpers/assert.ts";
import { DeflateReader, DeflateWriter } from "./deflate.ts";

const cases: { name: string; batches: string[] }[] = [
  { name: "one line", batches: ["END\n"] },
  {
    name: "rounds that repeat (later batches copy from earlier ones)",
    batches: Array.from(
      { length: 50 },
      (_, i) => `BEGIN "system.cpu" 1000000\nSET "user" = ${i * 37}\nEND\n`,
    ),
  },
  { name: "a batch over zlib's 16 KiB chunk", batches: ["x".repeat(40000) + "\n"] },
];
for (const c of cases) {
  Deno.test(`DeflateWriter -> DeflateReader round-trips ${c.name}, each batch decodable on its own`, async () => {
    const got: string[] = [];
    const dec = new TextDecoder();
    const r = new DeflateReader((t) => got.push(dec.decode(t, { stream: true })), (e) => {
      throw e;
    });
    let wire = 0;
    const w = new DeflateWriter((b) => {
      wire += b.length;
      r.push(b);
    }, (e) => {
      throw e;
    });
    try {
      for (const b of c.batches) {
        const before = got.join("").length;
        w.write(b);
        // Each flush delivers the whole batch.
        for (let i = 0; i < 100 && got.join("").length < before + b.length; i++) {
          await new Promise((res) => setTimeout(res, 1));
        }
        assert.equal(got.join("").length, before + b.length);
      }
      assert.equal(got.join(""), c.batches.join(""));
      if (c.batches.length > 10) assert.ok(wire * 3 < c.batches.join("").length, `${wire} bytes`);
    } finally {
      w.close();
      r.close();
    }
  });
}

Deno.test("DeflateReader reports a corrupt stream through onError", async () => {
  const err = await new Promise<Error>((resolve) => {
    const r = new DeflateReader(() => {}, resolve);
    r.push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]));
  });
  assert.match(err.message, /invalid/i);
});
