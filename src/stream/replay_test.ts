import { testChart, testHost } from "../host/_fixture.ts";
import { assert, assertNear } from "../../tests/_helpers/assert.ts";
import { StreamIngest } from "./ingest.ts";
import { splitWords } from "./protocol.ts";
import { encodeReplay, parseReplayChart } from "./replay.ts";

const T = 1795293600;

function host(name: string, guid: string, clock: { us: number }) {
  return testHost({ hostname: name, guid, clock, isLocal: true });
}

function collect(seconds: number) {
  const clock = { us: (T + 0.5) * 1e6 };
  const child = host("c", "00000000-0000-0000-0000-0000000000c1", clock);
  const c = testChart(child, { id: "app.x", title: "x" });
  const inc = c.defineDimension({ id: "inc", algorithm: "incremental", multiplier: 1, divisor: 1 });
  const abs = c.defineDimension({ id: "abs", algorithm: "absolute", multiplier: 1, divisor: 1 });
  for (let i = 0; i < seconds; i++) {
    c.begin(i === 0 ? 0 : 1_000_000);
    c.set(inc, i * 100);
    c.set(abs, i);
    c.end();
    clock.us += 1_000_000;
  }
  return { child, chart: c, clock };
}

Deno.test("parseReplayChart() reads the parent's request", () => {
  const w: string[] = [];
  const n = splitWords('REPLAY_CHART "satest.inc" "true" 1795293581 1795293616', w);
  assert.deepEqual(parseReplayChart(w, n), {
    chartId: "satest.inc",
    startStreaming: true,
    afterSec: 1795293581,
    beforeSec: 1795293616,
  });
  const m = splitWords('REPLAY_CHART "x" "true" -1 2', w);
  assert.equal(parseReplayChart(w, m), undefined);
});

Deno.test("encodeReplay() answers a 0 0 request with state only", () => {
  const { child, chart } = collect(5);
  const r = encodeReplay(chart, child.store, {
    chartId: "app.x",
    startStreaming: true,
    afterSec: 0,
    beforeSec: 0,
  }, T + 5);
  assert.equal(r.points, 0);
  assert.equal(r.done, true);
  assert.match(r.text, /^RBEGIN "app.x"\nRDSTATE "inc" \d+ 400 [\d.]+ [\d.]+\nRDSTATE "abs" \d+ 4 /);
  assert.match(r.text, /\nREND 1 \d+ \d+ true /);
});

Deno.test("encodeReplay() replays a window point for point into a parent that stores it", () => {
  const { child, chart, clock } = collect(30);
  const parentClock = { us: clock.us };
  const parent = host("c", "00000000-0000-0000-0000-0000000000c1", parentClock);
  const ingest = new StreamIngest(parent);
  ingest.line('CHART "app.x" "" "x" "u" "f" "app.x" "line" 1 1 "" "p" ""');
  ingest.line('DIMENSION "inc" "inc" "incremental" 1 1 ""');
  ingest.line('DIMENSION "abs" "abs" "absolute" 1 1 ""');
  const r = encodeReplay(chart, child.store, {
    chartId: "app.x",
    startStreaming: true,
    afterSec: T + 5,
    beforeSec: T + 20,
  }, T + 30);
  assert.equal(r.done, true);
  assert.equal(r.points, chart.lastEntrySec() - (T + 5));
  for (const line of r.text.split("\n")) if (line) ingest.line(line);
  const a = new Float64Array(20), b = new Float64Array(20);
  for (const d of chart.dimensions) {
    const pd = parent.charts.get("app.x")!.dimension(d.id)!;
    child.store.read(d.seriesId, T + 6, T + 25, a);
    parent.store.read(pd.seriesId, T + 6, T + 25, b);
    for (let i = 0; i < 20; i++) assertNear(b[i], a[i], 1e-4, `${d.id} at ${T + 6 + i}`);
  }
  // The collector state went along, so the parent's next computed point matches the child's.
  assert.equal(parent.charts.get("app.x")!.dimension("inc")!.lastCollected, 2900);
});

Deno.test("encodeReplay() steps a window it was asked not to finish", () => {
  const { child, chart } = collect(30);
  const r = encodeReplay(chart, child.store, {
    chartId: "app.x",
    startStreaming: false,
    afterSec: T + 2,
    beforeSec: T + 10,
  }, T + 30);
  assert.equal(r.done, false);
  assert.equal(r.points, 8);
  assert.doesNotMatch(r.text, /RDSTATE/);
  assert.match(r.text, new RegExp(`REND 1 \\d+ \\d+ false ${T + 2} ${T + 10} ${T + 30}\\n$`));
});

Deno.test("encodeReplay() sends our first point when the parent asks from it (it has nothing there)", () => {
  const { child, chart } = collect(10);
  const first = chart.firstEntrySec(child.store);
  const ask = (afterSec: number) =>
    encodeReplay(
      chart,
      child.store,
      { chartId: "app.x", startStreaming: true, afterSec, beforeSec: T + 10 },
      T + 10,
    );
  // A v1.37.1 parent with no data asks from the child's first entry: that point goes too.
  const r = ask(first);
  assert.match(r.text, new RegExp(`RBEGIN '' ${first - 1} ${first} `));
  assert.equal(r.points, chart.lastEntrySec(child.store) - first + 1);
  // Asked from a later second, the reply starts after it.
  const later = ask(first + 3);
  assert.doesNotMatch(later.text, new RegExp(`RBEGIN '' ${first + 2} ${first + 3} `));
  assert.match(later.text, new RegExp(`RBEGIN '' ${first + 3} ${first + 4} `));
});
