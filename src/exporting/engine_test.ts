import { getLogger } from "@logtape/logtape";
import { assert } from "../../tests/_helpers/assert.ts";
import type { ExportingInstanceConfig } from "../config/exporting_types.ts";
import { testHost } from "../host/_fixture.ts";
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
  const chart = local.defineChart({
    id: "a.b",
    title: "t",
    units: "u",
    family: "f",
    context: "a.b",
    chartType: "line",
    priority: 1,
    updateEvery: 1,
    plugin: "p",
    module: "",
  });
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
      if (r.saved !== undefined) Deno.writeTextFileSync(stateFile, `${START + r.saved}\n`);
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
      const last = Number(Deno.readTextFileSync(stateFile));
      assert.equal(last, engine.roundStats()[0].lastBeforeSec, r.name + ": saved");
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
});
