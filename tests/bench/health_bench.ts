/**
 * Health at scale, in process: 1,000 child hosts × 50 alarms (5 charts of 4 dimensions, 10 rules
 * each: 5 lookups over the last 10 s, 5 calc-only), each host with 60 s of data. Measures a full
 * evaluation round of every alarm (the worst case: all due in the same second), alarms per second,
 * and the longest the event loop waited while the round ran (the engine yields between hosts), which
 * is what ingestion would wait. `deno run -A tests/bench/health_bench.ts` prints the figures alone.
 * @module
 */

import { Health } from "../../src/health/engine.ts";
import type { Notifier } from "../../src/health/notify.ts";
import { parseRules } from "../../src/health/rules.ts";
import { Host, Hosts } from "../../src/host/mod.ts";
import { createStore } from "../../src/store/mod.ts";

const HOSTS = 1000, CHARTS = 5, DIMS = 4, SECONDS = 60;

function rules(): string {
  let s = "";
  for (let i = 0; i < 5; i++) {
    s += `template: bench_lookup_${i}\non: bench.load\nlookup: average -10s unaligned of d${i % DIMS}\n` +
      `every: 1s\nwarn: $this > ${900 + i}\ncrit: $this > ${990 + i}\n\n`;
    s += `template: bench_calc_${i}\non: bench.load\ncalc: $d0 + $d1 * ${i}\nevery: 1s\n` +
      `warn: $this > (($status >= $WARNING) ? (${1500 + i}) : (${1800 + i}))\n\n`;
  }
  return s;
}

/** Runs the benchmark and reports its figures. */
export async function benchHealth(
  report: (name: string, value: number, unit: string, note?: string) => void,
) {
  const t0 = 1_800_000_000;
  const clock = { us: t0 * 1e6 };
  const mk = (i: number, local: boolean) =>
    new Host({
      hostname: `bench-${i}`,
      machineGuid: crypto.randomUUID(),
      store: createStore({ mode: "ram", historySec: 120 }),
      memoryMode: "ram",
      updateEvery: 1,
      historySec: 120,
      isLocal: local,
      nowUs: () => clock.us,
    });
  const hosts = new Hosts(mk(0, true));
  const children: Host[] = [];
  for (let i = 1; i <= HOSTS; i++) {
    const h = mk(i, false);
    h.state.reachable = true;
    hosts.add(h);
    children.push(h);
  }
  const charts = children.flatMap((h) =>
    Array.from({ length: CHARTS }, (_, c) => {
      const chart = h.defineChart({
        id: `bench.load_${c}`,
        title: "bench",
        units: "n",
        family: "bench",
        context: "bench.load",
        chartType: "line",
        priority: 1,
        updateEvery: 1,
        plugin: "bench",
        module: "",
      }); // deno-fmt-ignore
      const dims = Array.from(
        { length: DIMS },
        (_, d) => chart.defineDimension({ id: `d${d}`, algorithm: "absolute", multiplier: 1, divisor: 1 }),
      );
      chart.defined();
      return { chart, dims };
    })
  );
  for (let s = 0; s < SECONDS; s++) {
    clock.us += 1e6;
    for (const { chart, dims } of charts) {
      chart.begin(s === 0 ? 0 : 1e6);
      for (let d = 0; d < dims.length; d++) chart.set(dims[d], (s * 7 + d * 13) % 1000);
      chart.end();
    }
  }
  const notifier: Notifier = { send() {}, close: async () => {} };
  const health = new Health({
    hosts,
    rules: parseRules(rules(), "bench.conf").rules,
    localEnabled: false,
    maxLogEntries: 1000,
    runAtLeastEverySec: 10,
    defaultRepeatWarningSec: 0,
    defaultRepeatCriticalSec: 0,
    defaultExec: "",
    defaultRecipient: "root",
    configDir: "/etc/agent",
    notifier,
    nowSec: () => Math.floor(clock.us / 1e6),
  });
  for (const h of children) health.setPolicy(h, { mode: "yes", postponeSec: 0 });
  // First tick attaches every rule (and evaluates); the measured ones evaluate only.
  await health.tick();
  const alarms = children.reduce((n, h) => n + (health.of(h)?.alarms.length ?? 0), 0);
  let best = Infinity, maxLag = 0;
  for (let lap = 0; lap < 3; lap++) {
    clock.us += 1e6;
    let last = performance.now();
    let lag = 0;
    const probe = setInterval(() => {
      const now = performance.now();
      lag = Math.max(lag, now - last);
      last = now;
    }, 1);
    const start = performance.now();
    const before = health.stats.alarmsRun;
    await health.tick();
    const ms = performance.now() - start;
    clearInterval(probe);
    if (health.stats.alarmsRun - before !== alarms) throw new Error("not every alarm ran in the round");
    const sample = health.of(children[0])!.alarms.filter((a) => a.rule.lookup !== undefined);
    if (sample.some((a) => a.problem !== "" || Number.isNaN(a.value))) {
      throw new Error(`lookups failed: ${sample.map((a) => `${a.name}=${a.value} ${a.problem}`).join(", ")}`);
    }
    best = Math.min(best, ms);
    maxLag = Math.max(maxLag, lag);
  }
  await health.stop();
  report("health alarms (1000 children × 50)", alarms, "alarms");
  report("health full round", best, "ms", "every alarm due in one second; target < 1000");
  report("health evaluation rate", alarms / best * 1000, "alarms/s", "one core, lookups included");
  report("health longest event-loop wait", maxLag, "ms", "what ingestion waits at most during a round");
}

if (import.meta.main) {
  await benchHealth((name, value, unit, note = "") =>
    console.log(
      `${name.padEnd(40)} ${value.toLocaleString("en-US", { maximumFractionDigits: 2 })} ${unit}  ${note}`,
    )
  );
}
