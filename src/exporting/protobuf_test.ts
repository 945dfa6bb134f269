import { assert } from "../../tests/_helpers/assert.ts";
import { utf8Length, varintLength, WriteRequestEncoder } from "./protobuf.ts";
import { snappyCompress, snappyUncompress } from "./snappy.ts";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join(" ");

Deno.test("WriteRequestEncoder writes the remote write protobuf bytes by hand", () => {
  const rows: {
    name: string;
    series: { names: string[]; values: string[]; value: number; ts: number }[];
    want: string;
  }[] = [
    {
      name: "one series, two labels, value 1 at 1000 ms",
      series: [{ names: ["__name__", "job"], values: ["up", "a"], value: 1, ts: 1000 }],
      // TimeSeries(40) { Label(14) { "__name__", "up" }, Label(8) { "job", "a" }, Sample(12) { 1.0, 1000 } }
      want: `0a 28 0a 0e 0a 08 ${ascii("__name__")} 12 02 ${ascii("up")} 0a 08 0a 03 ${ascii("job")} 12 01 ${
        ascii("a")
      } 12 0c 09 00 00 00 00 00 00 f0 3f 10 e8 07`,
    },
    {
      name: "a negative fraction at a real timestamp (6-byte varint)",
      series: [{ names: ["__name__"], values: ["x"], value: -0.5, ts: 1700000000000 }],
      // TimeSeries(33) { Label(13), Sample(16) { -0.5, 1700000000000 = varint 80 d0 95 ff bc 31 } }
      want: `0a 21 0a 0d 0a 08 ${ascii("__name__")} 12 01 ${
        ascii("x")
      } 12 10 09 00 00 00 00 00 00 e0 bf 10 80 d0 95 ff bc 31`,
    },
    {
      name: "UTF-8 label values are counted in bytes",
      series: [{ names: ["l"], values: ["é"], value: 0, ts: 0 }],
      want: `0a 16 0a 07 0a 01 ${ascii("l")} 12 02 c3 a9 12 0b 09 00 00 00 00 00 00 00 00 10 00`,
    },
  ];
  const enc = new WriteRequestEncoder();
  for (const r of rows) {
    enc.reset();
    for (const s of r.series) enc.series(s.names, s.values, s.names.length, s.value, s.ts);
    assert.equal(hex(enc.finish()), r.want, r.name);
  }
});

Deno.test("utf8Length() and varintLength() count bytes", () => {
  const rows = [
    { name: "ascii", got: utf8Length("abc"), want: 3 },
    { name: "2-byte", got: utf8Length("é"), want: 2 },
    { name: "3-byte", got: utf8Length("€"), want: 3 },
    { name: "surrogate pair", got: utf8Length("😀"), want: 4 },
    { name: "lone surrogate is U+FFFD", got: utf8Length("\ud800"), want: 3 },
    { name: "varint 127", got: varintLength(127), want: 1 },
    { name: "varint 128", got: varintLength(128), want: 2 },
    { name: "varint ms timestamp", got: varintLength(1700000000000), want: 6 },
  ];
  for (const r of rows) assert.equal(r.got, r.want, r.name);
  for (const s of ["abc", "é", "€", "😀", "\ud800x"]) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).length, s);
  }
});

/** An independent decoder of snappy's block format (format_description.txt), to check the compressor. */
function referenceUncompress(src: Uint8Array): Uint8Array {
  let pos = 0;
  let len = 0;
  for (let shift = 0;; shift += 7) {
    const b = src[pos++];
    len += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  const out = new Uint8Array(len);
  let o = 0;
  while (pos < src.length) {
    const tag = src[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >> 2;
      if (n >= 60) {
        const bytes = n - 59;
        n = 0;
        for (let i = 0; i < bytes; i++) n += src[pos++] * 256 ** i;
      }
      n += 1;
      out.set(src.subarray(pos, pos + n), o);
      pos += n;
      o += n;
      continue;
    }
    let n: number, offset: number;
    if (kind === 1) {
      n = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | src[pos++];
    } else if (kind === 2) {
      n = (tag >> 2) + 1;
      offset = src[pos] | (src[pos + 1] << 8);
      pos += 2;
    } else {
      n = (tag >> 2) + 1;
      offset = src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16) | (src[pos + 3] << 24);
      pos += 4;
    }
    for (let i = 0; i < n; i++, o++) out[o] = out[o - offset];
  }
  assert.equal(o, len, "decoded length");
  return out;
}

Deno.test("snappyCompress() writes snappy blocks that the format's reference decoding reads back", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  const rows: { name: string; input: Uint8Array; want?: string }[] = [
    // A literal: varint length 5, tag (5-1)<<2, the bytes.
    { name: "a short literal (known bytes)", input: text("hello"), want: `05 10 ${ascii("hello")}` },
    { name: "empty (known bytes)", input: new Uint8Array(0), want: "00" },
    { name: "repeated text compresses", input: text("netdata_system_cpu_percentage_average".repeat(200)) },
    { name: "zeros", input: new Uint8Array(100000) },
    { name: "random bytes", input: crypto.getRandomValues(new Uint8Array(50000)) },
  ];
  for (const r of rows) {
    const c = snappyCompress(r.input);
    if (r.want !== undefined) assert.equal(hex(c), r.want, r.name);
    assert.deepEqual(referenceUncompress(c), r.input, r.name);
    assert.deepEqual(snappyUncompress(c), r.input, r.name);
    if (r.name.includes("compresses") || r.name === "zeros") {
      assert.ok(c.length < r.input.length / 10, r.name);
    }
  }
});
