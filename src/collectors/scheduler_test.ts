import { configure, type LogRecord, reset } from "@logtape/logtape";
import { assert } from "../../tests/_helpers/assert.ts";
import type { Chart, Dimension, Host } from "../host/mod.ts";
import { makeHost, T0 } from "./_fixture.ts";
import type { Collector, CollectorTiming } from "./collector.ts";
import { Scheduler } from "./scheduler.ts";

/** A collector that records its calls and can be told to fail. */
class FakeCollector implements Collector {
  readonly name: string;
  readonly updateEvery: number;
  deltas: number[] = [];
  failing = false;
  chart: Chart | null = null;
  dim: Dimension | null = null;
  value = 0;
  timings: readonly CollectorTiming[] = [];

  constructor(name: string, updateEvery = 1) {
    this.name = name;
    this.updateEvery = updateEvery;
  }

  collect(host: Host, deltaUs: number): void {
    this.deltas.push(deltaUs);
    this.chart ??= host.defineChart({
      id: `test.${this.name}`,
      title: "t",
      units: "u",
      family: "f",
      context: "test.t",
      chartType: "line",
      priority: 1,
      updateEvery: this.updateEvery,
      plugin: "test",
      module: "",
    });
    this.dim ??= this.chart.defineDimension({ id: "v", algorithm: "absolute", multiplier: 1, divisor: 1 });
    this.chart.begin(deltaUs);
    this.chart.set(this.dim, ++this.value);
    if (this.failing) throw new Error(`${this.name} broke`);
    this.chart.end();
  }

  close(): void {}

  useTimings(t: readonly CollectorTiming[]): void {
    this.timings = t;
  }
}

function setup(collectors: Collector[], opts: { onError?: (c: Collector, e: unknown) => void } = {}) {
  const clock = { us: T0 * 1_000_000 };
  const host = makeHost(clock);
  const sched = new Scheduler(host, collectors, { updateEverySec: 1, nowMs: () => clock.us / 1000, ...opts });
  const at = (sec: number) => {
    clock.us = Math.round(sec * 1_000_000);
    sched.tickOnce();
  };
  return { host, sched, at };
}

Deno.test("Scheduler passes 0 on the first run, then the measured µs since the collector's previous run", () => {
  const c = new FakeCollector("a");
  const { at } = setup([c]);
  at(T0);
  at(T0 + 1);
  at(T0 + 2.5);
  at(T0 + 3.001); // the tick at 2.5 s counted as second 3: not due again
  at(T0 + 4.001);
  assert.deepEqual(c.deltas, [0, 1_000_000, 1_500_000, 1_501_000]);
});

Deno.test("Scheduler runs a collector with update every 5 first, then on multiples of 5 s", () => {
  const c5 = new FakeCollector("five", 5);
  const c1 = new FakeCollector("one");
  const ran: number[] = [];
  const { at } = setup([c5, c1]);
  for (let s = 2; s <= 16; s++) {
    const before = c5.deltas.length;
    at(T0 + s);
    if (c5.deltas.length > before) ran.push(s);
  }
  assert.deepEqual(ran, [2, 5, 10, 15]);
  assert.equal(c1.deltas.length, 15);
  assert.deepEqual(c5.deltas.slice(1), [3_000_000, 5_000_000, 5_000_000]);
});

Deno.test("Scheduler: a failing collector leaves gaps, the others go on, the log has one line per change of state", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { buf: (r: LogRecord) => records.push(r) },
    loggers: [
      { category: ["agent", "collectors"], sinks: ["buf"], lowestLevel: "debug" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
    ],
    reset: true,
  });
  try {
    const bad = new FakeCollector("bad");
    const good = new FakeCollector("good");
    const errors: string[] = [];
    const { host, at } = setup([bad, good], {
      onError: (c, e) => errors.push(`${c.name}: ${(e as Error).message}`),
    });
    for (let s = 0; s <= 6; s++) {
      bad.failing = s >= 2 && s <= 4;
      at(T0 + s);
    }
    assert.deepEqual(errors, ["bad: bad broke", "bad: bad broke", "bad: bad broke"]);
    assert.deepEqual(bad.deltas, [0, 1e6, 1e6, 0, 0, 0, 1e6], "unknown (0) after a failed run");
    assert.deepEqual(
      records.map((r) => `${r.level} ${r.properties.name}`),
      ["error bad", "info bad"],
    );
    const out = new Float64Array(6);
    host.store.read(bad.dim!.seriesId, T0 + 1, T0 + 6, out);
    assert.deepEqual([...out].map((v) => Number.isNaN(v) ? null : v), [2, null, null, null, 6, 7]);
    host.store.read(good.dim!.seriesId, T0 + 1, T0 + 6, out);
    assert.deepEqual([...out], [2, 3, 4, 5, 6, 7]);
  } finally {
    await reset();
  }
});

Deno.test("Scheduler shares per-collector busy time with collectors that ask for it", () => {
  const a = new FakeCollector("a");
  const b = new FakeCollector("b", 5);
  const { at, sched } = setup([a, b]);
  assert.equal(a.timings, sched.timings);
  assert.deepEqual(a.timings.map((t) => t.name), ["a", "b"]);
  at(T0);
  assert.ok(a.timings[0].busyUs > 0 && a.timings[1].busyUs > 0);
  at(T0 + 1);
  assert.equal(a.timings[1].busyUs, 0, "not due: no busy time this tick");
});

Deno.test("Scheduler.start() ticks at the next whole-second boundary; stop() cancels the timer", async () => {
  const c = new FakeCollector("a");
  const host = makeHost({ us: T0 * 1e6 });
  // The clock says 5 ms before a boundary: the first tick is 5 ms away, the next ~1 s.
  const sched = new Scheduler(host, [c], { updateEverySec: 1, nowMs: () => (T0 + 1) * 1000 - 5 });
  sched.start();
  sched.start();
  await new Promise((r) => setTimeout(r, 60));
  await sched.stop();
  assert.equal(c.deltas.length, 1);
});

Deno.test("Scheduler rejects a non-integer update every", () => {
  assert.throws(() => new Scheduler(makeHost({ us: 0 }), [], { updateEverySec: 0.5 }), RangeError);
});
