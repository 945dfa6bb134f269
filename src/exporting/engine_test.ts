import { getLogger } from "@logtape/logtape";
import { assert } from "../../tests/_helpers/assert.ts";
import type { ExportingInstanceConfig } from "../config/exporting_types.ts";
import { testChart, testHost } from "../host/_fixture.ts";
import { Hosts } from "../host/mod.ts";
import { ExportingEngine } from "./engine.ts";
import { createFormatter } from "./mod.ts";

const START = 1795293600;
const US = 1_000_000;

function config(o: Partial<ExportingInstanceConfig>): ExportingInstanceConfig {
  return {
    section: "graphite:t",
    type: "graphite",
    name: "t",
    enabled: true,
    destination: "x",
    destinations: [],
    dataSource: "average",
    updateEverySec: 2,
    prefix: "netdata",
    hostname: "h",
    sendNamesInsteadOfIds: true,
    sendChartsMatching: "*",
    sendHostsMatching: "*",
    sendConfiguredLabels: true,
    sendAutomaticLabels: false,
    sendVariables: false,
    remoteWriteUrlPath: "/receive",
    username: "",
    password: "",
    timeoutMs: 1000,
    bufferOnFailures: 10,
    queueDiskSpaceBytes: 1 << 20,
    file: "exporting.conf",
    line: 1,
    ...o,
  };
}

/**
 * A host collecting one dimension every second from START to START+120 (value = the second), an
 * engine over it, and the timestamps of the graphite lines each tick queued.
 */
function setup(cfg: ExportingInstanceConfig, stateFile: string) {
  const clock = { us: 0 };
  const local = testHost({ hostname: "h", isLocal: true, clock });
  const chart = testChart(local, { id: "a.b" });
  const d = chart.defineDimension({ id: "x", algorithm: "absolute", multiplier: 1, divisor: 1 });
  for (let s = 0; s <= 120; s++) {
    clock.us = (START + s) * US + 500_000;
    chart.begin(0);
    chart.set(d, s);
    chart.end();
  }
  const batches: string[][] = [];
  const engine = new ExportingEngine({
    hosts: new Hosts(local),
    instances: [{
      config: cfg,
      formatter: createFormatter(cfg),
      delivery: {
        enqueue: (p) =>
          batches.push(new TextDecoder().decode(p).trim().split("\n").map((l) => l.split(" ")[2])),
        start() {},
        stop: () => Promise.resolve(),
      },
      stateFile,
    }],
    logger: getLogger(["agent", "test"]),
    nowMs: () => clock.us / 1000,
  });
  return { clock, engine, batches };
}

Deno.test("ExportingEngine runs one round per update every, none merged, and continues where it stopped", () => {
  const rows: {
    name: string;
    cfg: Partial<ExportingInstanceConfig>;
    /** Second (after START) of the saved last round, if any. */
    saved?: number;
    /** Seconds after START of prepare() and of each tick. */
    prepareAt: number;
    ticks: number[];
    /** Per tick, the timestamps (minus START) of its batches. */
    want: number[][];
  }[] = [
    {
      name: "on time: one round per 2 s, each reported at before - 3",
      cfg: {},
      prepareAt: 100,
      ticks: [102.1, 104.1],
      want: [[99], [101]],
    },
    {
      name: "a late tick runs each round it missed, not one merged round",
      cfg: {},
      prepareAt: 100,
      ticks: [106.5],
      want: [[99, 101, 103]],
    },
    {
      name: "a saved last round is continued from (a restart), oldest first",
      cfg: {},
      saved: 94,
      prepareAt: 100,
      ticks: [100.2],
      want: [[93, 95, 97]],
    },
    {
      name: "a saved round older than 'buffer on failures' rounds is not",
      cfg: { bufferOnFailures: 2 },
      saved: 80,
      prepareAt: 100,
      ticks: [102.2],
      want: [[99]],
    },
    {
      name: "as collected: no catch-up, only the last round due (the last collected value)",
      cfg: { dataSource: "as collected" },
      saved: 94,
      prepareAt: 100,
      ticks: [106.2, 108.2],
      want: [[120], [120]],
    },
  ];
  for (const r of rows) {
    const dir = Deno.makeTempDirSync({ prefix: "engine-" });
    try {
      const stateFile = `${dir}/last_round`;
      if (r.saved !== undefined) {
        Deno.writeTextFileSync(stateFile, JSON.stringify({ before: START + r.saved }));
      }
      const { clock, engine, batches } = setup(config(r.cfg), stateFile);
      clock.us = (START + r.prepareAt) * US;
      engine.prepare();
      const got: number[][] = [];
      for (const t of r.ticks) {
        clock.us = (START + t) * US;
        batches.length = 0;
        engine.tick();
        got.push(batches.map((b) => Number(b[0]) - START));
      }
      assert.deepEqual(got, r.want, r.name);
      const last = JSON.parse(Deno.readTextFileSync(stateFile)).before;
      assert.equal(last, engine.roundStats()[0].lastBeforeSec, r.name + ": saved");
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
});

Deno.test("ExportingEngine: a child's rounds wait while it is not ready, then go out oldest first, and survive a restart", () => {
  const dir = Deno.makeTempDirSync({ prefix: "engine-" });
  try {
    const stateFile = `${dir}/last_round`;
    const cfg = config({ updateEverySec: 1, sendHostsMatching: "child", bufferOnFailures: 100 });
    const clock = { us: 0 };
    const local = testHost({ hostname: "h", isLocal: true, clock });
    const child = testHost({ hostname: "child", guid: "00000000-0000-0000-0000-0000000000c1", clock });
    const hosts = new Hosts(local);
    hosts.add(child);
    const chart = testChart(child, { id: "a.b" });
    const d = chart.defineDimension({ id: "x", algorithm: "absolute", multiplier: 1, divisor: 1 });
    for (let s = 0; s <= 120; s++) {
      clock.us = (START + s) * US + 500_000;
      chart.begin(0);
      chart.set(d, s);
      chart.end();
    }
    let ready = true;
    const batches: number[][] = [];
    const engine = () =>
      new ExportingEngine({
        hosts,
        instances: [{
          config: cfg,
          formatter: createFormatter(cfg),
          delivery: {
            enqueue: (p) =>
              batches.push(
                new TextDecoder().decode(p).trim().split("\n").map((l) => Number(l.split(" ")[2]) - START),
              ),
            start() {},
            stop: () => Promise.resolve(),
          },
          stateFile,
        }],
        logger: getLogger(["agent", "test"]),
        nowMs: () => clock.us / 1000,
        hostReady: () => ready,
      });
    const tick = (e: ExportingEngine, sec: number) => {
      clock.us = (START + sec) * US + 100_000;
      batches.length = 0;
      e.tick();
      return [...batches];
    };
    let e = engine();
    clock.us = (START + 10) * US;
    e.prepare();
    assert.deepEqual(tick(e, 11), [[8]], "ready: one round");
    ready = false;
    assert.deepEqual(tick(e, 14), [], "not ready: its rounds wait");
    ready = true;
    assert.deepEqual(tick(e, 15), [[9, 10, 11, 12]], "ready again: the missed rounds first, in one batch");
    ready = false;
    assert.deepEqual(tick(e, 60), [], "waiting again, 45 rounds");
    // A restart meanwhile: the new engine continues the child from its own position.
    e = engine();
    clock.us = (START + 60) * US + 200_000;
    e.prepare();
    ready = true;
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    assert.deepEqual(
      tick(e, 61),
      [range(13, 42)],
      "after a restart, from where the child stopped, 30 rounds a batch",
    );
    assert.deepEqual(tick(e, 62), [range(43, 59)], "then the rest with the current round");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
