import { assert } from "../../../tests/_helpers/assert.ts";
import {
  OPT_JSON_WRAP,
  OPT_NATURAL_POINTS,
  OPT_NOT_ALIGNED,
  OPT_VIRTUAL_POINTS,
  optionsToString,
} from "./options.ts";
import { calculateWindow, relativeToAbsolute, type WindowRequest } from "./window.ts";

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
