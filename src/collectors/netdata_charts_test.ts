/**
 * Every chart the collectors define on this machine's snapshot must match, field by field, the
 * CHART / DIMENSION / CLABEL lines a real Netdata 1.37.1 streamed from this machine, its host
 * VARIABLEs (the limits alarms use) and the chart variable pidmax
 * (tests/fixtures/netdata-1.37.1/proc-chart-definitions.txt), and every chart Netdata made from
 * the same sources must be made by us.
 *
 * The fixture holds every definition line Netdata sent (tests/tools/record_netdata_charts.ts), and
 * all/this_machine's /proc snapshots come from the same run. The rules still allow a fixture
 * that leaves repeated lines out: our lines must all exist somewhere in the fixture, and the
 * lines under a chart's CHART must all be ours, in our order.
 */

import { assert } from "../../tests/_helpers/assert.ts";
import type { Chart, Dimension } from "../host/mod.ts";
import { copyTree, makeHost, T0, TESTDATA } from "./_fixture.ts";
import { createCollectors, Scheduler } from "./mod.ts";

const FIXTURE =
  new URL("../../tests/fixtures/netdata-1.37.1/proc-chart-definitions.txt", import.meta.url).pathname;

/** Charts we define that Netdata 1.37.1 does not have, and why. */
const OURS_ONLY: Record<string, string> = {
  "netdata.memory": "the agent's RSS and heap; Netdata 1.37 has no such chart (later versions name it so)",
};

/** Charts whose fixture dimensions may be a superset of ours. */
const SUBSET_DIMS: Record<string, string> = {
  "netdata.workers_busy_time_by_type_proc":
    "Netdata has a dimension per proc.plugin module; we have 18 of its 33",
};

/** Netdata modules (and netdata "stats" charts) we implement: all their fixture charts must exist. */
const OUR_MODULES = new Set([
  "/proc/stat",
  "/proc/uptime",
  "/proc/loadavg",
  "/proc/meminfo",
  "/proc/diskstats",
  "/proc/net/dev",
  "/proc/net/netstat",
  "/proc/pressure",
  "/proc/vmstat",
  "/proc/interrupts",
  "/proc/softirqs",
  "/proc/net/sockstat",
  "/proc/net/sockstat6",
  "/proc/net/softnet_stat",
  "/proc/sys/kernel/random/entropy_avail",
  "/proc/net/stat/nf_conntrack",
  "ipc",
  "/sys/block/zram",
]);
/** Netdata plugins other than proc.plugin that we implement whole. */
const OUR_PLUGINS = new Set(["diskspace.plugin", "idlejitter.plugin", "timex.plugin"]);
const OUR_STATS = [
  "netdata.server_cpu",
  "netdata.uptime",
  "netdata.workers_busy_time_by_type_proc",
  "netdata.workers_busy_time_by_type_netdev",
];

/** Splits a streaming line into words; double quotes group (no escapes in this file). */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === " ") {
      i++;
      continue;
    }
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      out.push(line.slice(i + 1, end < 0 ? line.length : end));
      i = end < 0 ? line.length : end + 1;
    } else {
      let end = line.indexOf(" ", i);
      if (end < 0) end = line.length;
      out.push(line.slice(i, end));
      i = end;
    }
  }
  return out;
}

interface FixtureChart {
  fields: string[];
  dims: string[][];
  labels: string[][];
}

function parseFixture(text: string) {
  const charts = new Map<string, FixtureChart>();
  const dimLines = new Set<string>();
  const labelLines = new Set<string>();
  const hostVariables = new Map<string, number>();
  const chartVariables = new Map<string, number>();
  let cur: FixtureChart | null = null;
  for (const line of text.split("\n")) {
    const t = tokenize(line);
    if (t[0] === "CHART") {
      cur = { fields: t.slice(1), dims: [], labels: [] };
      charts.set(t[1], cur);
    } else if (t[0] === "DIMENSION") {
      cur?.dims.push(t.slice(1));
      dimLines.add(dimKey(t.slice(1)));
    } else if (t[0] === "VARIABLE" && t[3] === "=") {
      // VARIABLE HOST|CHART name = value (CHART ones came inside BEGIN/END, which the fixture leaves out).
      (t[1] === "HOST" ? hostVariables : chartVariables).set(t[2], Number(t[4]));
    } else if (t[0] === "CLABEL" && t.length === 4) {
      // Netdata streams RRDLABEL_FLAG_PERMANENT (1 << 29) with the source: compare the source bits.
      const l = [t[1], t[2], String(Number(t[3]) & 0xff)];
      cur?.labels.push(l);
      labelLines.add(l.join("\u0000"));
    }
  }
  return { charts, dimLines, labelLines, hostVariables, chartVariables };
}

function words(options: string): string[] {
  return options.split(" ").filter((w) => w !== "").sort();
}

/** DIMENSION fields as a comparable key: id name algorithm multiplier divisor options. */
function dimKey(f: string[]): string {
  return JSON.stringify([f[0], f[1], f[2], Number(f[3]), Number(f[4]), words(f[5] ?? "")]);
}

function ourDimKey(d: Dimension, chartId = ""): string {
  const opts = [d.obsolete ? "obsolete" : "", d.hidden ? "hidden" : "", d.noreset ? "noreset" : ""].join(" ");
  // timex divides the offset by 1,000,000 when the kernel reports nanoseconds (STA_NANO) and by
  // 1,000 otherwise, as Netdata does; that is the live clock's state, not the fixture's (µs).
  const divisor = chartId === "system.clock_sync_offset" && d.divisor === 1_000_000 ? 1000 : d.divisor;
  return dimKey([d.id, d.name, d.algorithm, String(d.multiplier), String(divisor), opts]);
}

/** Our chart as the 11 fields after "CHART", the way Netdata 1.37 streams them. */
function ourChartFields(c: Chart): string[] {
  // Netdata sends "" when the name equals the id, else the part after the type.
  const name = c.name === c.id ? "" : c.name.slice(c.name.indexOf(".") + 1);
  const opts = [
    c.obsolete ? "obsolete" : "",
    c.detail ? "detail" : "",
    c.storeFirst ? "store_first" : "",
    c.hidden ? "hidden" : "",
  ]
    .join(" ");
  return [
    c.id,
    name,
    c.title,
    c.units,
    c.family,
    c.context,
    c.chartType,
    String(c.priority),
    String(c.updateEvery),
    opts,
    c.plugin,
    c.module,
  ];
}

const FIELD_NAMES = [
  "id",
  "name",
  "title",
  "units",
  "family",
  "context",
  "chart type",
  "priority",
  "update every",
  "options",
  "plugin",
  "module",
];

Deno.test("every chart matches Netdata 1.37.1's CHART, DIMENSION, CLABEL and VARIABLE lines from this machine", () => {
  const fixture = parseFixture(Deno.readTextFileSync(FIXTURE));
  const scenario = TESTDATA + "all/this_machine";
  const tmp = Deno.makeTempDirSync({ prefix: "collectors-" });
  const clock = { us: T0 * 1_000_000 };
  const host = makeHost(clock);
  const collectors = (() => {
    copyTree(`${scenario}/proc0`, `${tmp}/proc`);
    copyTree(`${scenario}/sys`, `${tmp}/sys`);
    return createCollectors({
      procRoot: `${tmp}/proc`,
      updateEvery: 1,
      selfStats: {
        cpuUsageUs: () => ({ user: 1000, system: 500 }),
        memory: () => ({ rss: 50e6, heapTotal: 8e6, heapUsed: 6e6, external: 1e6 }),
      },
    });
  })();
  try {
    const errors: string[] = [];
    const sched = new Scheduler(host, collectors, {
      updateEverySec: 1,
      nowMs: () => clock.us / 1000,
      onError: (c, e) => errors.push(`${c.name}: ${e}`),
    });
    for (let k = 0; k < 3; k++) {
      if (k > 0) copyTree(`${scenario}/proc${k}`, `${tmp}/proc`);
      clock.us = (T0 + k) * 1_000_000;
      sched.tickOnce();
    }
    assert.deepEqual(errors, []);

    const problems: string[] = [];
    for (const chart of host.charts.values()) {
      if (OURS_ONLY[chart.id] !== undefined) continue;
      const want = fixture.charts.get(chart.id);
      if (want === undefined) {
        problems.push(`${chart.id}: not in the fixture`);
        continue;
      }
      const got = ourChartFields(chart);
      for (let i = 0; i < FIELD_NAMES.length; i++) {
        const same = i === 9
          ? words(got[i]).join() === words(want.fields[i]).join()
          : got[i] === want.fields[i];
        if (!same) {
          problems.push(`${chart.id}: ${FIELD_NAMES[i]} is "${got[i]}", Netdata has "${want.fields[i]}"`);
        }
      }
      const ours = chart.dimensions.map((d) => ourDimKey(d, chart.id));
      for (let i = 0; i < ours.length; i++) {
        if (!fixture.dimLines.has(ours[i])) {
          problems.push(`${chart.id}: no DIMENSION like ${ours[i]} in the fixture`);
        }
      }
      let at = -1;
      for (const f of want.dims) {
        const k = ours.indexOf(dimKey(f));
        if (k < 0) {
          if (SUBSET_DIMS[chart.id] === undefined) {
            problems.push(`${chart.id}: missing dimension ${dimKey(f)}`);
          }
        } else if (k < at) {
          problems.push(`${chart.id}: dimension ${f[0]} out of Netdata's order`);
        } else {
          at = k;
        }
      }
      for (const [k, v, src] of want.labels) {
        const l = chart.labels.get(k);
        if (l === undefined || l.value !== v || String(l.source) !== src) {
          problems.push(`${chart.id}: label ${k} is ${JSON.stringify(l)}, Netdata has "${v}" source ${src}`);
        }
      }
      for (const [k, l] of chart.labels) {
        if (!fixture.labelLines.has([k, l.value, String(l.source)].join("\u0000"))) {
          problems.push(`${chart.id}: no CLABEL ${k}="${l.value}" source ${l.source} in the fixture`);
        }
      }
    }
    for (const [id, f] of fixture.charts) {
      const ours = (f.fields[10] === "proc.plugin" && OUR_MODULES.has(f.fields[11])) ||
        OUR_PLUGINS.has(f.fields[10]) || OUR_STATS.includes(id);
      if (ours && !host.charts.has(id)) {
        problems.push(`${id}: Netdata made it from ${f.fields[11]}, we did not`);
      }
    }
    // The variables alarms use: the same names and values (the kernel's limits of this machine).
    for (const [k, v] of fixture.hostVariables) {
      if (host.variables.get(k) !== v) {
        problems.push(`host variable ${k} is ${host.variables.get(k)}, Netdata has ${v}`);
      }
    }
    for (const k of host.variables.keys()) {
      if (!fixture.hostVariables.has(k)) problems.push(`host variable ${k} is not in the fixture`);
    }
    const pidmax = host.charts.get("system.active_processes")?.variables.get("pidmax");
    if (pidmax !== fixture.chartVariables.get("pidmax")) problems.push(`chart variable pidmax is ${pidmax}`);
    assert.deepEqual(problems, []);
  } finally {
    for (const c of collectors) c.close();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("tokenize() keeps quoted words together, empty ones too", () => {
  assert.deepEqual(tokenize(`CHART "a.b" "" "T t" 100 1 " detail  "`), [
    "CHART",
    "a.b",
    "",
    "T t",
    "100",
    "1",
    " detail  ",
  ]);
});
