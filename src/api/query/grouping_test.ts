import { assert, assertNear } from "../../../tests/_helpers/assert.ts";
import { parseGroupMethod } from "./group_method.ts";
import { createGrouping } from "./grouping.ts";

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
