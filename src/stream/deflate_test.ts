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
/** A reader whose text is awaited after each push. */
function reader() {
  const dec = new TextDecoder();
  let text = "";
  const r = new DeflateReader((t) => void (text += dec.decode(t, { stream: true })), (e) => {
    throw e;
  });
  return {
    r,
    /** Pushes `bytes`, then waits until the text reaches `length` (or gives up after 1 s). */
    async push(bytes: Uint8Array, length: number): Promise<string> {
      r.push(bytes);
      for (let i = 0; i < 500 && text.length < length; i++) await new Promise((res) => setTimeout(res, 2));
      return text;
    },
  };
}

for (const c of cases) {
  Deno.test(`DeflateWriter -> DeflateReader round-trips ${c.name}, each batch decodable on its own`, async () => {
    const { r, push } = reader();
    let wire = 0;
    const w = new DeflateWriter((e) => {
      throw e;
    });
    try {
      let sent = "";
      for (const b of c.batches) {
        const bytes = w.write(b);
        wire += bytes.length;
        sent += b;
        // Each write is flushed: the parent decodes the whole batch from its bytes alone.
        assert.equal(await push(bytes, sent.length), sent);
      }
      if (c.batches.length > 10) assert.ok(wire * 3 < sent.length, `${wire} bytes`);
    } finally {
      w.close();
      r.close();
    }
  });
}

Deno.test("DeflateWriter returns a batch whose compressed bytes exceed one zlib call's output space", async () => {
  // Random text of 64 letters barely compresses (6 bits a byte): 300 KB of it needs several 64 KiB outputs.
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const text = Array.from({ length: 300_000 }, () => letters[Math.random() * 64 | 0]).join("") + "\n";
  const { r, push } = reader();
  const w = new DeflateWriter((e) => {
    throw e;
  });
  try {
    const bytes = w.write(text);
    assert.ok(bytes.length > 128 * 1024, `${bytes.length} bytes`);
    assert.equal(await push(bytes, text.length), text);
    const next = "END\n";
    assert.equal(await push(w.write(next), text.length + next.length), text + next);
  } finally {
    w.close();
    r.close();
  }
});

Deno.test("DeflateReader reports a corrupt stream through onError", async () => {
  const err = await new Promise<Error>((resolve) => {
    const r = new DeflateReader(() => {}, resolve);
    r.push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]));
  });
  assert.match(err.message, /invalid/i);
});

Deno.test("A tick's rounds in one DeflateWriter write take fewer bytes than a write per round", async () => {
  const rounds = Array.from(
    { length: 100 },
    (_, i) => `BEGIN "c${i % 7}" 1000000\nSET "a" = ${i * 37}\nEND\n`,
  );
  const all = rounds.join("");
  const wireOf = async (batches: string[]) => {
    const { r, push } = reader();
    const w = new DeflateWriter((e) => {
      throw e;
    });
    try {
      let wire = 0, sent = "", text = "";
      for (const b of batches) {
        const bytes = w.write(b);
        wire += bytes.length;
        sent += b;
        text = await push(bytes, sent.length);
      }
      assert.equal(text, all);
      return wire;
    } finally {
      w.close();
      r.close();
    }
  };
  const one = await wireOf([all]);
  const each = await wireOf(rounds);
  assert.ok(one * 3 < each, `one write ${one} bytes, a write per round ${each} bytes`);
});
