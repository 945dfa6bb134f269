import { testChart, testHost } from "./_fixture.ts";
import { assert, assertNear } from "../../tests/_helpers/assert.ts";

function makeHost(clock: { us: number }) {
  return testHost({ clock });
}

const T = 1795293830;
const S = 1_000_000;

Deno.test("Chart.end() reproduces Netdata 1.37's worked interpolation example", () => {
  const clock = { us: (T + 0.2) * S };
  const host = makeHost(clock);
  const c = testChart(host, { id: "fake.t" });
  const inc = c.defineDimension({ id: "inc", algorithm: "incremental", multiplier: 1, divisor: 1 });
  const abs = c.defineDimension({ id: "abs", algorithm: "absolute", multiplier: 1, divisor: 1 });
  const rounds: [number, number, number][] = [
    [0, 1000, 10],
    [1000000, 2000, 20], // ignored: resync after definition, clock says T+1.263870
    [1500000, 3500, 50],
    [500000, 4000, 40],
    [3000000, 7000, 70],
    [1000000, 8000, 80],
    [1000000, 100, 90],
    [1000000, 1100, 100],
    [1000000, 2100, 110],
    [1000000, 3100, 120],
  ];
  for (let i = 0; i < rounds.length; i++) {
    const [us, vi, va] = rounds[i];
    if (i === 1) clock.us = Math.round((T + 1.26387) * S);
    c.begin(us);
    c.set(inc, vi);
    c.set(abs, va);
    c.end();
  }
  const out = new Float64Array(11);
  const want = [
    [654.5616, 20],
    [1081.5684, 50],
    [1000, 40],
    [NaN, NaN],
    [1000, 53.25164],
    [1000, 70],
    [1000, 80],
    [263.87, 90],
    [736.13, 100],
    [1000, 110],
    [1000, 120],
  ];
  assert.equal(host.store.read(inc.seriesId, T + 1, T + 11, out), 11);
  for (let i = 0; i < 11; i++) assertNear(out[i], want[i][0], 0.01, `inc at T+${i + 1}`);
  host.store.read(abs.seriesId, T + 1, T + 11, out);
  for (let i = 0; i < 11; i++) assertNear(out[i], want[i][1], 0.001, `abs at T+${i + 1}`);
});

const algorithmCases: {
  name: string;
  dims: {
    algorithm: "absolute" | "incremental" | "percentage-of-absolute-row" | "percentage-of-incremental-row";
    m: number;
    d: number;
  }[];
  raw: number[][];
  want: number[][]; // stored values per dim at the 3rd slot (after two rounds of warm-up)
}[] = [
  {
    name: "absolute applies multiplier and divisor",
    dims: [{ algorithm: "absolute", m: 3, d: 2 }],
    raw: [[100], [100], [100]],
    want: [[150]],
  },
  {
    name: "absolute keeps negative multipliers",
    dims: [{ algorithm: "absolute", m: -1, d: 1 }],
    raw: [[5], [5], [5]],
    want: [[-5]],
  },
  {
    name: "incremental gives a per-second rate scaled by m/d",
    dims: [{ algorithm: "incremental", m: 8, d: 1000 }],
    raw: [[0], [1000], [2000]],
    want: [[8]],
  },
  {
    name: "percentage-of-absolute-row ignores m/d",
    dims: [{ algorithm: "percentage-of-absolute-row", m: 10, d: 3 }, {
      algorithm: "percentage-of-absolute-row",
      m: 1,
      d: 1,
    }],
    raw: [[30, 90], [30, 90], [30, 90]],
    want: [[25], [75]],
  },
  {
    name: "percentage-of-incremental-row divides increments by the row's increment",
    dims: [{ algorithm: "percentage-of-incremental-row", m: 1, d: 1 }, {
      algorithm: "percentage-of-incremental-row",
      m: 1,
      d: 1,
    }],
    raw: [[10, 30], [20, 60], [30, 90]],
    want: [[25], [75]],
  },
  {
    name: "percentage-of-incremental-row is 0 when nothing moved",
    dims: [{ algorithm: "percentage-of-incremental-row", m: 1, d: 1 }],
    raw: [[10], [10], [10]],
    want: [[0]],
  },
  {
    name: "incremental treats a 32-bit wrap as overflow",
    dims: [{ algorithm: "incremental", m: 1, d: 1 }],
    raw: [[4294966000], [4294967000], [500]],
    want: [[(1000 + 795) / 2]],
  }, // half of each increment lands in each slot (0.5 s offset)
  {
    name: "incremental treats a large drop as a reset (0)",
    dims: [{ algorithm: "incremental", m: 1, d: 1 }],
    raw: [[1000], [900000], [100]],
    want: [[899000 / 2]],
  }, // only the carried half of the previous increment
];

for (const tc of algorithmCases) {
  Deno.test(`Chart.end(): ${tc.name}`, () => {
    // Collect exactly on whole seconds + 0.5 so that every round stores one slot, no interpolation.
    const clock = { us: (T + 0.5) * S };
    const host = makeHost(clock);
    const c = testChart(host, { id: "a.b" });
    const dims = tc.dims.map((d, i) =>
      c.defineDimension({ id: `d${i}`, algorithm: d.algorithm, multiplier: d.m, divisor: d.d })
    );
    for (let r = 0; r < tc.raw.length; r++) {
      clock.us = (T + 0.5 + r) * S;
      c.begin(r === 0 ? 0 : S);
      tc.raw[r].forEach((v, i) => c.set(dims[i], v));
      c.end();
    }
    const out = new Float64Array(1);
    dims.forEach((d, i) => {
      host.store.read(d.seriesId, T + 2, T + 2, out);
      assertNear(out[0], tc.want[i][0], 1e-3, d.id);
    });
  });
}

Deno.test("Chart.end() stores nothing on the first round and a gap for a dimension not set", () => {
  const clock = { us: (T + 0.5) * S };
  const host = makeHost(clock);
  const c = testChart(host, { id: "a.b" });
  const x = c.defineDimension({ id: "x", algorithm: "absolute", multiplier: 1, divisor: 1 });
  const y = c.defineDimension({ id: "y", algorithm: "absolute", multiplier: 1, divisor: 1 });
  c.begin(0);
  c.set(x, 1);
  c.set(y, 1);
  c.end();
  assert.equal(host.store.lastTime(x.seriesId), 0);
  for (let r = 0; r < 3; r++) {
    clock.us += S;
    c.begin(S);
    c.set(x, 5);
    if (r !== 1) c.set(y, 7);
    c.end();
  }
  const out = new Float64Array(3);
  host.store.read(y.seriesId, T + 1, T + 3, out);
  assertNear(out[0], 7, 0);
  assert.ok(Number.isNaN(out[1]));
  assertNear(out[2], 7, 0);
  host.store.read(x.seriesId, T + 1, T + 3, out);
  assert.deepEqual(Array.from(out), [5, 5, 5]);
});
