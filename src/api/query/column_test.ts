import { assert } from "../../../tests/_helpers/assert.ts";
import { createStore } from "../../store/mod.ts";
import { fillColumn } from "./column.ts";
import { parseGroupMethod } from "./group_method.ts";
import { createGrouping } from "./grouping.ts";
import { QueryResult, QueryScratch, VALUE_EMPTY } from "./result.ts";
import { calculateWindow, type WindowRequest } from "./window.ts";

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
