import { assert } from "../../tests/_helpers/assert.ts";
import {
  forEachLz4Piece,
  LZ4_HEADER_BYTES,
  LZ4_MAX_INPUT_BYTES,
  Lz4BlockReader,
  Lz4StreamDecoder,
  Lz4StreamEncoder,
  readLz4Header,
  writeLz4Header,
} from "./lz4.ts";

const FIXTURES = new URL("../../tests/fixtures/netdata-1.37.1/", import.meta.url);
const enc = new TextEncoder();

/** Splits a framed stream into its blocks (no header check beyond readLz4Header). */
function blocks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = readLz4Header(bytes, at);
    if (size < 0) throw new Error(`no header at ${at}`);
    out.push(bytes.subarray(at + LZ4_HEADER_BYTES, at + LZ4_HEADER_BYTES + size));
    at += LZ4_HEADER_BYTES + size;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

Deno.test("Lz4StreamDecoder decodes a Netdata 1.37.1 child's capture to its text", () => {
  const cap = Deno.readFileSync(new URL("c2p-lz4-compressed.bin", FIXTURES));
  const want = Deno.readFileSync(new URL("c2p-lz4-compressed.decoded.txt", FIXTURES));
  let at = 0;
  while (!(cap[at] === 13 && cap[at + 1] === 10 && cap[at + 2] === 13 && cap[at + 3] === 10)) at++;
  const d = new Lz4StreamDecoder();
  const got = concat(blocks(cap.subarray(at + 4)).map((b) => d.decode(b).slice()));
  assert.equal(new TextDecoder().decode(got), new TextDecoder().decode(want));
});

const headerCases: { name: string; size: number }[] = [
  { name: "one byte", size: 1 },
  { name: "127 (7 bits)", size: 127 },
  { name: "128 (the second byte)", size: 128 },
  { name: "16383 (the largest)", size: 16383 },
];
for (const c of headerCases) {
  Deno.test(`writeLz4Header()/readLz4Header() round-trip ${c.name}`, () => {
    const b = new Uint8Array(4);
    writeLz4Header(b, 0, c.size);
    assert.equal(readLz4Header(b, 0), c.size);
    assert.equal(b[3], 10);
  });
}

Deno.test("readLz4Header() refuses text and writeLz4Header() sizes outside 1..16383", () => {
  assert.equal(readLz4Header(enc.encode("BEGIN"), 0), -1);
  assert.throws(() => writeLz4Header(new Uint8Array(4), 0, 16384), RangeError);
  assert.throws(() => writeLz4Header(new Uint8Array(4), 0, 0), RangeError);
});

/** Text like a child's rounds: repetitive, with counters that change. */
function rounds(n: number, seed = 1): string {
  let s = "";
  let x = seed;
  for (let i = 0; i < n; i++) {
    s += `BEGIN "system.cpu" 1000000\n`;
    for (const d of ["user", "system", "nice", "iowait", "softirq"]) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      s += `SET "${d}" = ${x % 100000}\n`;
    }
    s += "END\n";
  }
  return s;
}

const roundTrips: { name: string; texts: string[] }[] = [
  { name: "a short line (literals only)", texts: ["END\n"] },
  { name: "one round", texts: [rounds(1)] },
  { name: "rounds that copy from earlier blocks", texts: [rounds(20), rounds(20, 7), rounds(20, 1)] },
  { name: "a long run (long literal and match lengths)", texts: ["x".repeat(5000) + "y".repeat(300)] },
  {
    name: "over 64 KiB in many blocks (the window slides)",
    texts: Array.from({ length: 60 }, (_, i) => rounds(40, i)),
  },
  {
    name: "incompressible bytes at the largest input",
    texts: [
      Array.from({ length: LZ4_MAX_INPUT_BYTES }, (_, i) => String.fromCharCode(33 + (i * 7919) % 90)).join(
        "",
      ),
    ],
  },
];
for (const c of roundTrips) {
  Deno.test(`Lz4StreamEncoder -> Lz4StreamDecoder round-trips ${c.name}`, () => {
    const e = new Lz4StreamEncoder();
    const d = new Lz4StreamDecoder();
    let wire = 0;
    let plain = 0;
    for (const t of c.texts) {
      forEachLz4Piece(enc.encode(t), (piece) => {
        const framed = e.encodeBlock(piece);
        wire += framed.length;
        plain += piece.length;
        const size = readLz4Header(framed, 0);
        assert.equal(size, framed.length - 4);
        assert.deepEqual(d.decode(framed.subarray(4)), piece);
      });
    }
    if (c.texts[0].length > 10000 && !c.name.startsWith("incompressible")) assert.ok(wire < plain / 2);
  });
}

const damaged: { name: string; block: number[]; want: string }[] = [
  { name: "an empty block", block: [], want: "empty" },
  { name: "literals past the end", block: [0x50, 65, 66], want: "literals run past" },
  {
    name: "an offset before the stream's start",
    block: [0x10, 65, 0x05, 0x00, 0x00],
    want: "before the stream",
  },
  { name: "offset 0", block: [0x10, 65, 0x00, 0x00, 0x00], want: "offset 0" },
  { name: "a cut offset", block: [0x10, 65, 0x01], want: "offset runs past" },
  { name: "a block ending after a match", block: [0x10, 65, 0x01, 0x00], want: "ends after a match" },
  {
    name: "a match longer than 64 KiB",
    block: [0x1f, 65, 0x01, 0x00, ...new Array(300).fill(255), 0, 0x00],
    want: "over 65536",
  },
];
for (const c of damaged) {
  Deno.test(`Lz4StreamDecoder throws on ${c.name}`, () => {
    assert.throws(() => new Lz4StreamDecoder().decode(new Uint8Array(c.block)), new RegExp(c.want));
  });
}

Deno.test("forEachLz4Piece() cuts after the last newline that fits", () => {
  const line = "x".repeat(99) + "\n";
  const text = enc.encode(line.repeat(400));
  const sizes: number[] = [];
  forEachLz4Piece(text, (p) => sizes.push(p.length));
  assert.deepEqual(sizes, [16000, 16000, 8000]);
  const nl = enc.encode("y".repeat(20000));
  const s2: number[] = [];
  forEachLz4Piece(nl, (p) => s2.push(p.length));
  assert.deepEqual(s2, [16000, 4000]);
});

Deno.test("Lz4BlockReader decodes the capture fed in chunks of every size from 1 to 13 bytes", () => {
  const cap = Deno.readFileSync(new URL("c2p-lz4-compressed.bin", FIXTURES));
  const want = new TextDecoder().decode(
    Deno.readFileSync(new URL("c2p-lz4-compressed.decoded.txt", FIXTURES)),
  );
  let at = 0;
  while (!(cap[at] === 13 && cap[at + 1] === 10 && cap[at + 2] === 13 && cap[at + 3] === 10)) at++;
  const body = cap.subarray(at + 4);
  for (let step = 1; step <= 13; step++) {
    const r = new Lz4BlockReader();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < body.length; i += step) {
      r.push(body.subarray(i, i + step), (t) => parts.push(t.slice()));
    }
    assert.equal(new TextDecoder().decode(concat(parts)), want);
  }
});

Deno.test("Lz4BlockReader refuses plain text where a block header belongs", () => {
  assert.throws(
    () => new Lz4BlockReader().push(enc.encode('BEGIN "x"\n'), () => {}),
    /not an LZ4 block header/,
  );
});

Deno.test("Lz4StreamDecoder on random and bit-flipped blocks only ever returns or throws SyntaxError/RangeError", () => {
  let seed = 16;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const e = new Lz4StreamEncoder();
  const valid = e.encodeBlock(enc.encode(rounds(30))).slice(4);
  for (let i = 0; i < 3000; i++) {
    let block: Uint8Array;
    if (i % 2 === 0) {
      block = new Uint8Array(1 + Math.floor(rnd() * 300)).map(() => Math.floor(rnd() * 256));
    } else {
      block = valid.slice();
      for (let f = 0; f < 1 + (i % 5); f++) {
        block[Math.floor(rnd() * block.length)] ^= 1 << Math.floor(rnd() * 8);
      }
    }
    const d = new Lz4StreamDecoder();
    try {
      const out = d.decode(block);
      assert.ok(out.length <= 65536);
    } catch (err) {
      assert.ok(err instanceof SyntaxError || err instanceof RangeError, String(err));
    }
  }
});
