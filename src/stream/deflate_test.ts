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

Deno.test("DeflateWriter gives the rounds of one tick one flush: fewer bytes than a flush per round", async () => {
  const rounds = Array.from(
    { length: 100 },
    (_, i) => `BEGIN "c${i % 7}" 1000000\nSET "a" = ${i * 37}\nEND\n`,
  );
  const wireOf = async (sameTick: boolean) => {
    let text = "";
    let wire = 0;
    const dec = new TextDecoder();
    const r = new DeflateReader((t) => void (text += dec.decode(t, { stream: true })), (e) => {
      throw e;
    });
    const w = new DeflateWriter((b) => {
      wire += b.length;
      r.push(b);
    }, (e) => {
      throw e;
    });
    try {
      for (const round of rounds) {
        w.write(round);
        if (!sameTick) await new Promise((res) => setTimeout(res, 25));
      }
      for (let i = 0; i < 200 && text.length < rounds.join("").length; i++) {
        await new Promise((res) => setTimeout(res, 2));
      }
      assert.equal(text, rounds.join(""));
      return wire;
    } finally {
      w.close();
      r.close();
    }
  };
  const one = await wireOf(true);
  const each = await wireOf(false);
  assert.ok(one * 3 < each, `one flush ${one} bytes, a flush per round ${each} bytes`);
});
