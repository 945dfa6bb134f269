import { testHost } from "../host/_fixture.ts";
import { assert } from "../../tests/_helpers/assert.ts";
import type { Chart, Host } from "../host/mod.ts";
import { CompactEncoder } from "./compact.ts";
import { encodeChartDefinition, encodeRound } from "./encode.ts";
import { StreamError, StreamIngest } from "./ingest.ts";
import { CAP_CLABELS } from "./protocol.ts";

const T0 = 1795293600_100_000;
const GUID = "00000000-0000-0000-0000-00000000000b";

/** A chart `id` on `host` with dimensions a, b, c: incremental, absolute, incremental ×-8/1000. */
function chartOn(host: Host, id = "test.values", dims = ["a", "b", "c"]): Chart {
  const c = host.defineChart({
    id,
    title: "t",
    units: "u",
    family: "f",
    context: id,
    chartType: "line",
    priority: 1,
    updateEvery: 1,
    plugin: "p",
    module: "m",
  });
  const algs = ["incremental", "absolute", "incremental"] as const;
  dims.forEach((d, i) =>
    c.defineDimension({
      id: d,
      name: d,
      algorithm: algs[i % 3],
      multiplier: i === 2 ? -8 : 1,
      divisor: i === 2 ? 1000 : 1,
    })
  );
  return c;
}

/**
 * A child chart streamed to two parents, one by text rounds and one by compact records, both through
 * the real ingest; `step` collects one round (`undefined` = not collected) and returns the record.
 */
function pair(dims = ["a", "b", "c"]) {
  const clock = { us: T0 };
  const child = testHost({
    hostname: "c",
    guid: "00000000-0000-0000-0000-00000000000a",
    clock,
    isLocal: true,
  });
  const viaText = testHost({ hostname: "c", guid: GUID, clock });
  const viaCompact = testHost({ hostname: "c", guid: GUID, clock });
  const text = new StreamIngest(viaText);
  const compact = new StreamIngest(viaCompact, {}, { compact: true });
  const enc = new CompactEncoder();
  const feed = (ingest: StreamIngest, s: string) => {
    for (const l of s.split("\n")) if (l !== "") ingest.line(l);
  };
  let record = "";
  const chart = chartOn(child, "test.values", dims);
  const define = () => {
    const def = encodeChartDefinition(chart, CAP_CLABELS, Math.floor(clock.us / 1e6));
    feed(text, def);
    feed(compact, def);
    enc.defined(chart);
  };
  child.observers.push({
    chartDefined: () => {},
    roundDone: (c, us) => {
      feed(text, encodeRound(c, us));
      const r = enc.round(c, us);
      if (r === undefined) {
        record = encodeRound(c, us);
        enc.forget(c);
      } else record = r;
      feed(compact, record);
    },
  });
  define();
  const step = (values: (number | undefined)[]) => {
    clock.us += 1_000_000;
    chart.begin(1_000_000);
    values.forEach((v, i) => v !== undefined && chart.set(chart.dimensions[i], v));
    chart.end();
    return record;
  };
  /** Both parents hold the same raw, calculated and stored values for every dimension. */
  const same = (why: string) => {
    const a = viaText.charts.get("test.values")!;
    const b = viaCompact.charts.get("test.values")!;
    assert.equal(b.dimensions.length, a.dimensions.length, why);
    const nowSec = Math.floor(clock.us / 1e6);
    for (let i = 0; i < a.dimensions.length; i++) {
      const [da, db] = [a.dimensions[i], b.dimensions[i]];
      const fields = (
        d: typeof da,
      ) => [d.collected, d.lastCollected, d.calculated, d.collections, d.lastStored];
      assert.deepEqual(fields(db), fields(da), `${why}: dimension ${da.id}`);
      const [pa, pb] = [new Float64Array(30), new Float64Array(30)];
      viaText.store.read(da.seriesId, nowSec - 29, nowSec, pa);
      viaCompact.store.read(db.seriesId, nowSec - 29, nowSec, pb);
      assert.deepEqual([...pb].map(String), [...pa].map(String), `${why}: stored points of ${da.id}`);
    }
  };
  return { chart, enc, step, same, define, compact, text };
}

const BIG = 2 ** 63;
const cases: { name: string; rounds: (number | undefined)[][]; want?: RegExp[] }[] = [
  {
    name: "counters: whole values first, then changes",
    rounds: [[100, 5, 1000], [150, 7, 1100], [200, 7, 1200], [250, 6, 1300]],
    want: [
      /^@0 -?\d+ =100 =5 =1000\n$/,
      /^@0 -?\d+ 50 2 100\n$/,
      /^@0 -?\d+ 50 0 100\n$/,
      /^@0 -?\d+ 50 -1 100\n$/,
    ],
  },
  {
    name: "negatives and a counter that wraps",
    rounds: [[-5, -1, 0], [-10, 3, -7], [4294967295, -2, 12], [3, 0, -0]],
  },
  {
    name: "values not collected (missing SET) keep the last value for the next change",
    rounds: [[1, 2, 3], [undefined, 4, undefined], [10, undefined, 30], [undefined, undefined, undefined]],
    want: [/^@0 -?\d+ =1 =2 =3\n$/, /^@0 -?\d+ _ 2 _\n$/, /^@0 -?\d+ 9 _ 27\n$/, /^@0 -?\d+ _ _ _\n$/],
  },
  {
    name: "NaN and infinities go as not collected (the text path's empty SET)",
    rounds: [[1, 2, 3], [NaN, Infinity, -Infinity], [5, 6, 7]],
    want: [/./, /^@0 -?\d+ _ _ _\n$/, /^@0 -?\d+ 4 4 4\n$/],
  },
  {
    name: "integers up to the 2^63 Netdata allows, whole each time beyond 2^53",
    rounds: [
      [2 ** 53 - 1, BIG, -BIG],
      [2 ** 53 - 2, BIG, -BIG],
      [2 ** 53 + 2, 2 ** 62, -(2 ** 60)],
      [2 ** 53 - 1, 1e20, -1e20],
      [0, 0, 0],
    ],
    want: [
      /^@0 -?\d+ =9007199254740991 =9223372036854775808 =-9223372036854775808\n$/,
      /^@0 -?\d+ -1 =9223372036854775808 =-9223372036854775808\n$/,
      /^@0 -?\d+ =9007199254740994 =4611686018427387904 =-1152921504606846976\n$/,
      /^@0 -?\d+ =9007199254740991 =100000000000000000000 =-100000000000000000000\n$/,
      /^@0 -?\d+ -9007199254740991 =0 =0\n$/,
    ],
  },
  {
    name: "a change beyond 2^53 goes whole",
    rounds: [[-(2 ** 53 - 1), 0, 0], [2 ** 53 - 1, 0, 0], [2 ** 53 - 2, 0, 0]],
    want: [/./, /^@0 -?\d+ =9007199254740991 0 0\n$/, /^@0 -?\d+ -1 0 0\n$/],
  },
  {
    name: "fractions are rounded as SET writes them, and sent whole",
    rounds: [[1.5, 2.4, -1.5], [2.5, 3, 4], [3, 4, 5]],
    want: [/^@0 -?\d+ =2 =2 =-1\n$/, /^@0 -?\d+ =3 =3 =4\n$/, /^@0 -?\d+ =3 1 1\n$/],
  },
];
for (const c of cases) {
  Deno.test(`CompactEncoder -> ingest stores what the text path stores: ${c.name}`, () => {
    const p = pair();
    c.rounds.forEach((r, i) => {
      const rec = p.step(r);
      if (c.want?.[i]) assert.match(rec, c.want[i], `round ${i + 1}`);
      p.same(`round ${i + 1}`);
    });
  });
}

Deno.test("CompactEncoder sends whole values again after a redefinition, a text round and forgetAll()", () => {
  const p = pair();
  p.step([1, 2, 3]);
  assert.match(p.step([2, 3, 4]), /^@0 -?\d+ 1 1 1\n$/);
  p.define(); // CHART again: the decoder forgets too
  assert.match(p.step([3, 4, 5]), /^@0 -?\d+ =3 =4 =5\n$/);
  p.same("after the redefinition");
  p.chart.defineDimension({ id: "d", name: "d", algorithm: "absolute", multiplier: 1, divisor: 1 });
  // Dimensions changed since the definition: the caller sends the round as text.
  assert.equal(p.enc.round(p.chart, 1e6), undefined);
  p.define();
  assert.match(p.step([5, 6, 7, 8]), /^@0 -?\d+ =5 =6 =7 =8\n$/);
  assert.match(p.step([6, 6, 7, 9]), /^@0 -?\d+ 1 0 0 1\n$/);
  p.enc.forgetAll();
  assert.match(p.step([7, 6, 7, 9]), /^@0 -?\d+ =7 =6 =7 =9\n$/);
  p.same("at the end");
});

Deno.test("CompactEncoder writes the µs BEGIN carries: ms after 1 s, else exact", () => {
  const clock = { us: T0 };
  const host = testHost({ clock, isLocal: true });
  const c = chartOn(host);
  const enc = new CompactEncoder();
  enc.defined(c);
  const rows: [number, string][] = [
    [1_000_000, "0"],
    [999_000, "-1"],
    [1_003_000, "3"],
    [0, "-1000"],
    [
      -5,
      "-1000",
    ],
    [10_000_000, "9000"],
    [1_000_123, "u1000123"],
    [1_000_000.4, "0"],
  ];
  for (const [us, want] of rows) assert.equal(enc.round(c, us)!.split(" ")[1], want, String(us));
});

Deno.test("CompactEncoder leaves a chart it has not defined, or a record over the line limit, to text", () => {
  const host = testHost({ isLocal: true });
  const enc = new CompactEncoder();
  assert.equal(enc.round(chartOn(host), 1e6), undefined);
  const wide = chartOn(host, "test.wide", Array.from({ length: 800 }, (_, i) => `d${i}`));
  enc.defined(wide);
  for (const d of wide.dimensions) wide.set(d, 2 ** 60 + 2 ** 20);
  assert.equal(enc.round(wide, 1e6), undefined);
});

/** A parent that has `test.values` (a, b, c) and `test.other` (x) defined on a compact link. */
function compactParent() {
  const parent = testHost({ guid: GUID });
  const ingest = new StreamIngest(parent, {}, { compact: true });
  const defs = encodeChartDefinition(chartOn(testHost(), "test.values"), 0, 1795293600) +
    encodeChartDefinition(chartOn(testHost(), "test.other", ["x"]), 0, 1795293600);
  for (const l of defs.split("\n")) if (l) ingest.line(l);
  return ingest;
}

const bad: { name: string; lines: string[]; want: RegExp }[] = [
  { name: "an unknown slot", lines: ["@7 0 =1 =2 =3"], want: /unknown slot "7"/ },
  { name: "a slot that is not a number", lines: ["@x 0 =1"], want: /unknown slot "x"/ },
  { name: "a bad time", lines: ["@0 1.5 =1 =2 =3"], want: /bad time "1.5"/ },
  { name: "a time before zero", lines: ["@0 -1001 =1 =2 =3"], want: /bad time "-1001"/ },
  { name: "too few values", lines: ["@0 0 =1 =2"], want: /has 2 values, the chart has 3 dimensions/ },
  { name: "too many values", lines: ["@1 0 =1 =2"], want: /more values than the chart's 1 dimensions/ },
  {
    name: "a change before any whole value",
    lines: ["@0 0 =1 5 =3"],
    want: /changes value 2, which was not/,
  },
  {
    name: "a change that is not a number",
    lines: ["@0 0 =1 =2 =3", "@0 0 1 x 1"],
    want: /value 2 is not a change/,
  },
  { name: "a whole value that is not a number", lines: ["@0 0 =1 =zz =3"], want: /value 2 is not a number/ },
  {
    name: "a change beyond 2^53",
    lines: ["@0 0 =9007199254740991 =2 =3", "@0 0 1 0 0"],
    want: /value 1 is beyond 2\^53/,
  },
  {
    name: "a change after a text round (which makes the chart forget)",
    lines: ["@0 0 =1 =2 =3", 'BEGIN "test.values" 1000000', 'SET "a" = 2', "END", "@0 0 1 1 1"],
    want: /changes value 1, which was not/,
  },
  {
    name: "a change after a replication (RBEGIN makes the chart forget)",
    lines: [
      "@0 0 =1 =2 =3",
      'RBEGIN "test.values" 1795293590 1795293591',
      "REND 1 1 2 true 0 0",
      "@0 0 1 1 1",
    ],
    want: /changes value 1, which was not/,
  },
  {
    name: "a compact round inside a text round",
    lines: ['BEGIN "test.values" 1000000', "@0 0 =1 =2 =3"],
    want: /compact round before the END of "test.values"/,
  },
];
for (const c of bad) {
  Deno.test(`ingest refuses a compact record with ${c.name}, naming the line`, () => {
    const ingest = compactParent();
    const err = (() => {
      try {
        for (const l of c.lines) ingest.line(l);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof StreamError, `no error for ${JSON.stringify(c.lines)}`);
    assert.equal(err.code, "BAD_LINE");
    assert.match(err.message, /^line \d+: /);
    assert.match(err.message, c.want);
  });
}

Deno.test("without COMPACT negotiated an @ line is an unknown keyword", () => {
  const ingest = new StreamIngest(testHost({ guid: GUID }));
  assert.throws(() => ingest.line("@0 0 =1"), StreamError, 'unknown keyword "@0"');
});

Deno.test("random compact records never crash the ingest: each is applied or refused with a StreamError", () => {
  const ingest = compactParent();
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const tokens = [
    "0",
    "1",
    "-1",
    "_",
    "=5",
    "=-9223372036854775808",
    "=0x1f",
    "99999999999999999",
    "u1",
    "=",
    "-",
    "",
    "x",
  ];
  let applied = 0, refused = 0;
  for (let i = 0; i < 5000; i++) {
    const parts = [`@${rnd(3)}`, ["0", "-1000", "u5", "3"][rnd(4)]];
    for (let k = rnd(5); k > 0; k--) parts.push(tokens[rnd(tokens.length)]);
    try {
      ingest.line(parts.join(rnd(10) === 0 ? "  " : " "));
      applied++;
    } catch (e) {
      assert.ok(e instanceof StreamError, String(e));
      refused++;
    }
  }
  assert.ok(applied > 100 && refused > 100, `${applied} applied, ${refused} refused`);
});
