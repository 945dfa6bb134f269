import { assert, assertNear } from "../../tests/_helpers/assert.ts";
import { createStore } from "../store/mod.ts";
import {
  calculateWindow,
  createGrouping,
  fillColumn,
  OPT_JSON_WRAP,
  OPT_NATURAL_POINTS,
  OPT_NOT_ALIGNED,
  OPT_VIRTUAL_POINTS,
  optionsToString,
  parseDataOptions,
  parseGroupMethod,
  QueryResult,
  QueryScratch,
  relativeToAbsolute,
  VALUE_EMPTY,
  type WindowRequest,
} from "./query.ts";

// "relative to now = …605": Netdata's now is the wall clock minus 1.
const WALL = 1795293606;
const CPU = { updateEvery: 1, firstEntry: 1795293232, lastEntry: 1795293604, nowSec: WALL };

const windowCases: {
  name: string;
  req: Partial<WindowRequest>;
  want: { step: number; points: number; after: number; before: number };
}[] = [
  {
    name: "no parameters: 600 natural points ending at the database end",
    req: {},
    want: { step: 1, points: 600, after: 1795293005, before: 1795293604 },
  },
  {
    name: "after=-60 gives 60 points (the +1 on relative after)",
    req: { after: -60 },
    want: { step: 1, points: 60, after: 1795293545, before: 1795293604 },
  },
  {
    name: "after=-60&points=7 rounds before down when it is the database end",
    req: { after: -60, points: 7 },
    want: { step: 9, points: 7, after: 1795293541, before: 1795293603 },
  },
  {
    name: "after=-60&before=-10&points=7 rounds before up",
    req: { after: -60, before: -10, points: 7 },
    want: { step: 9, points: 7, after: 1795293541, before: 1795293603 },
  },
  {
    name: "unaligned keeps before at the database end",
    req: { after: -60, points: 7, options: OPT_NOT_ALIGNED, lastEntry: 1795293605 },
    want: { step: 9, points: 7, after: 1795293543, before: 1795293605 },
  },
  {
    name: "after=-60&points=200 is capped at the available points",
    req: { after: -60, points: 200 },
    want: { step: 1, points: 60, after: 1795293545, before: 1795293604 },
  },
  {
    name: "after=0&points=10 covers the whole retention with 11 points",
    req: { after: 0, points: 10 },
    want: { step: 37, points: 11, after: 1795293576 - 11 * 37 + 1, before: 1795293576 },
  },
  {
    name: "after=-60&gtime=10 grows the window to 60 points of 10 s",
    req: { after: -60, gtime: 10 },
    want: { step: 10, points: 60, after: 1795293600 - 600 + 1, before: 1795293600 },
  },
  {
    name: "before=-30&after=-60 is relative to now, not the database end",
    req: { after: -60, before: -30, nowSec: 1795293607 },
    want: { step: 1, points: 60, after: 1795293517, before: 1795293576 },
  },
  {
    name: "positive relative values count as negative",
    req: { after: 60 },
    want: { step: 1, points: 60, after: 1795293545, before: 1795293604 },
  },
  {
    name: "absolute window with points gives virtual points, before rounded up (system.load, U=5)",
    req: {
      after: 1795293406,
      before: 1795293466,
      points: 4,
      updateEvery: 5,
      firstEntry: 1795293235,
      lastEntry: 1795293465,
    },
    want: { step: 15, points: 4, after: 1795293421, before: 1795293480 },
  },
  {
    name: "a stale chart's window hangs off its database end",
    req: { after: -600, points: 5, firstEntry: 1795293405, lastEntry: 1795293412 },
    want: { step: 120, points: 5, after: 1795293360 - 600 + 1, before: 1795293360 },
  },
  {
    name: "after > before is swapped",
    req: { after: 1795293500, before: 1795293400, points: 0 },
    want: { step: 1, points: 101, after: 1795293400, before: 1795293500 },
  },
  {
    name: "a future window is shifted back to now",
    req: { after: 1795293600, before: 1795293700, points: 0 },
    want: { step: 1, points: 101, after: 1795293505, before: 1795293605 },
  },
];

for (const c of windowCases) {
  Deno.test(`calculateWindow(): ${c.name}`, () => {
    const w = calculateWindow({ after: -600, before: 0, points: 0, gtime: 0, options: 0, ...CPU, ...c.req });
    assert.ok(w !== undefined);
    assert.deepEqual(
      { step: w.group * w.granularity, points: w.points, after: w.after, before: w.before },
      c.want,
    );
  });
}

Deno.test("calculateWindow() marks natural and virtual points in the options", () => {
  const rel = calculateWindow({
    after: -60,
    before: 0,
    points: 7,
    gtime: 0,
    options: OPT_JSON_WRAP,
    ...CPU,
  })!;
  assert.equal(optionsToString(rel.options), "jsonwrap,natural-points");
  assert.equal(rel.relative, true);
  const abs = calculateWindow({
    after: 1795293406,
    before: 1795293466,
    points: 4,
    gtime: 0,
    options: OPT_JSON_WRAP,
    ...CPU,
  })!;
  assert.equal(optionsToString(abs.options), "jsonwrap,virtual-points");
  assert.equal(abs.relative, false);
  const forced = calculateWindow({
    after: -60,
    before: 0,
    points: 7,
    gtime: 0,
    options: OPT_VIRTUAL_POINTS,
    ...CPU,
  })!;
  assert.equal(forced.granularity, 1);
  assert.equal((forced.options & OPT_NATURAL_POINTS) !== 0, false);
});

Deno.test("calculateWindow() fails on a database-relative window without data", () => {
  const w = calculateWindow({
    after: -600,
    before: 0,
    points: 0,
    gtime: 0,
    options: 0,
    updateEvery: 1,
    firstEntry: 0,
    lastEntry: 0,
    nowSec: WALL,
  });
  assert.equal(w, undefined);
});

Deno.test("relativeToAbsolute() clamps to ten years back", () => {
  const r = relativeToAbsolute({ after: 1, before: 2 }, WALL);
  assert.equal(r.relative, true);
  const far = relativeToAbsolute({ after: 100_000_000, before: 200_000_000 }, WALL);
  assert.equal(far.after, WALL - 1 - 10 * 365 * 86400);
  assert.equal(far.relative, false);
});

Deno.test("parseDataOptions() and optionsToString() use Netdata's table order and first spellings", () => {
  const flags = parseDataOptions("ms|flip|jsonwrap|nonzero|absolute,match-ids reverse bogus");
  assert.equal(optionsToString(flags), "nonzero,flip,jsonwrap,ms,abs,match_ids");
});

const groupCases: {
  group: string;
  options?: string;
  values: number[];
  want: number | "empty";
  name?: string;
}[] = [
  { group: "average", values: [1, 2, 3, 4], want: 2.5 },
  { group: "mean", values: [1, 2, 3, 4], want: 2.5 },
  { group: "min", values: [-3, 7, -1, 5], want: -1 },
  { group: "max", values: [-147, 7, 3], want: -147 },
  { group: "sum", values: [1.5, 2.5, -1], want: 3 },
  { group: "incremental_sum", values: [10, 12, 20], want: 10 },
  { group: "incremental-sum", values: [5], want: 0 },
  { group: "median", values: [3, 1, 2], want: 2 },
  { group: "median", values: [1, 2, 3, 4], want: 3.5, name: "Netdata's even-count median is off by one" },
  {
    group: "trimmed-median",
    values: [1, 2, 3, 4, 100],
    want: 100,
    name: "trims by value range, not by count",
  },
  { group: "trimmed-median25", values: [1, 2, 3, 4, 5], want: 3 },
  {
    group: "percentile",
    values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    want: 5.45,
    name: "mean of the lowest 95%",
  },
  { group: "percentile50", values: [1, 2, 3, 4], want: 1.5 },
  { group: "percentile", options: "50", values: [1, 2, 3, 4], want: 1.5 },
  { group: "trimmed-mean", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], want: 5 },
  { group: "trimmed-mean25", values: [1, 2, 3, 4, 100, 200, 300, 400], want: 76.75 },
  { group: "stddev", values: [2, 4, 4, 4, 5, 5, 7, 9], want: 2.1380899 },
  { group: "stddev", values: [42], want: 0 },
  { group: "stddev", values: [], want: "empty" },
  { group: "cv", values: [2, 4, 4, 4, 5, 5, 7, 9], want: 42.7617987 },
  { group: "ses", values: [10, 20], want: 16.6666667 },
  { group: "des", values: [10, 20, 30], want: 31.25 },
  { group: "countif", values: [0, 1, 0, 2], want: 50 },
  { group: "countif", options: ">1", values: [0, 1, 2, 3], want: 50 },
  { group: "countif", options: "!=0", values: [0, 1, 2, 3], want: 75 },
  { group: "countif", options: "<=1", values: [0, 1, 2, 3], want: 50 },
  { group: "countif", options: "<>1", values: [0, 1, 2, 3], want: 75 },
  { group: "average", values: [], want: "empty" },
  { group: "nosuch", values: [1, 3], want: 2, name: "unknown names fall back to average" },
];

for (const c of groupCases) {
  Deno.test(`grouping ${c.group}${c.options ? "(" + c.options + ")" : ""}: ${c.name ?? c.values.join(",")}`, () => {
    const m = parseGroupMethod(c.group);
    const g = createGrouping(m, {
      group: c.values.length,
      points: 1,
      resamplingGroup: 1,
      resamplingDivisor: 1,
      options: c.options,
      maxWindow: 3,
    });
    g.reset();
    for (const v of c.values) g.add(v);
    const v = g.flush();
    if (c.want === "empty") {
      assert.equal(g.empty, true);
      assert.equal(v, 0);
    } else {
      assert.equal(g.empty, false);
      assertNear(v, c.want, 1e-6, c.group);
    }
  });
}

Deno.test("parseGroupMethod() echoes canonical names", () => {
  const names = ["mean", "incremental-sum", "percentile", "trimmed-mean", "trimmed-median", "rsd", "ema", "x"]
    .map((n) => parseGroupMethod(n).name);
  assert.deepEqual(names, [
    "average",
    "incremental_sum",
    "percentile95",
    "trimmed-mean5",
    "trimmed-median5",
    "cv",
    "ses",
    "average",
  ]);
});

Deno.test("average with gtime divides by the resampling divisor", () => {
  const g = createGrouping(parseGroupMethod("average"), {
    group: 60,
    points: 10,
    resamplingGroup: 60,
    resamplingDivisor: 1,
    options: undefined,
  });
  for (let i = 0; i < 60; i++) g.add(5);
  assert.equal(g.flush(), 300);
});

function fill(values: number[], ue: number, from: number, req: Partial<WindowRequest>) {
  const store = createStore({ mode: "ram", historySec: 3600 });
  const id = store.define("t|d", ue);
  values.forEach((v, i) => store.append(id, from + i * ue, v));
  const win = calculateWindow({
    after: -600,
    before: 0,
    points: 0,
    gtime: 0,
    options: 0,
    updateEvery: ue,
    firstEntry: store.firstTime(id),
    lastEntry: store.lastTime(id),
    nowSec: from + values.length * ue + 1,
    ...req,
  })!;
  const r = new QueryResult(1, win.points, win.group * win.granularity);
  const g = createGrouping(parseGroupMethod("average"), {
    group: win.group,
    points: win.points,
    resamplingGroup: win.resamplingGroup,
    resamplingDivisor: win.resamplingDivisor,
    options: undefined,
  });
  fillColumn(r, 0, { store, id, window: win, grouping: g, scratch: new QueryScratch() });
  const rows: [number, number | null][] = [];
  for (let i = 0; i < r.rows; i++) rows.push([r.t[i], (r.o[i] & VALUE_EMPTY) !== 0 ? null : r.v[i]]);
  return { r, rows };
}

Deno.test("fillColumn() groups points whose end falls in (t - step, t], before rounded up", () => {
  const T = 1795293600;
  const { rows, r } = fill([1, 2, 3, 4, 5, 6], 1, T, { after: T, before: T + 5, points: 3 });
  // absolute window with points: virtual, before T+5 is rounded up to T+6 (a future bucket)
  assert.deepEqual(rows, [[T + 2, 2.5], [T + 4, 4.5], [T + 6, 6]]);
  assert.equal(r.pointsRead, 5);
  assert.equal(r.min, 2.5);
  assert.equal(r.max, 6);
});

Deno.test("fillColumn() on natural points reads exactly the window", () => {
  const T = 1795293600;
  const { rows, r } = fill([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1, T, { after: -4, points: 2 });
  // db end is T+9, odd: with group 2 before is rounded down to T+8
  assert.deepEqual(rows, [[T + 6, 6.5], [T + 8, 8.5]]);
  assert.equal(r.pointsRead, 4);
});

Deno.test("fillColumn() interpolates wide points onto a 1-second virtual grid", () => {
  const T = 1795293600; // multiple of 5
  const { rows } = fill([10, 20, 30], 5, T, { after: T + 1, before: T + 10, points: 10 });
  // the first bucket also takes the point ending exactly at after - G, like Netdata
  assert.deepEqual(rows, [
    [T + 1, 11],
    [T + 2, 14],
    [T + 3, 16],
    [T + 4, 18],
    [T + 5, 20],
    [T + 6, 22],
    [T + 7, 24],
    [T + 8, 26],
    [T + 9, 28],
    [T + 10, 30],
  ]);
});

Deno.test("fillColumn() returns empty rows for gaps and future buckets, counted as 0 in min/max", () => {
  const T = 1795293600;
  const { rows, r } = fill([3, NaN, 5], 1, T, { after: T, before: T + 4, points: 5, nowSec: T + 10 });
  assert.deepEqual(rows, [[T, 3], [T + 1, null], [T + 2, 5], [T + 3, null], [T + 4, null]]);
  assert.equal(r.min, 0);
  assert.equal(r.max, 5);
});
