/**
 * Replication and long-query figures for `make bench` (issue #4):
 * - replication speed: a child holding 1 h of 2000 metrics (80 charts × 25 dimensions, RAM store,
 *   in this process) connects to a fresh parent (a real agent process, dbengine); the parent asks
 *   for the whole hour and stores it. Timed from the child's start until the parent reports every
 *   chart replicated. Target: within 5 s.
 * - `/api/v1/data` for 24 h of one 10-dimension chart at 300 points, on dbengine (tiers) and
 *   forced to tier 0.
 * @module
 */

import { createApi } from "../../src/api/mod.ts";
import type { AgentConfig } from "../../src/config/types.ts";
import { type ChartDef, Host, Hosts } from "../../src/host/mod.ts";
import { createStore } from "../../src/store/mod.ts";
import { Sender } from "../../src/stream/sender.ts";
import { confDir, getJson, startAgent } from "../_helpers/agent.ts";
import type { ReportFn } from "./ingest.ts";

const KEY = "31111111-2222-3333-4444-555555555555";

/** Netdata's system.cpu definition, for query benches. */
export const SYSTEM_CPU: ChartDef = {
  id: "system.cpu",
  title: "Total CPU utilization",
  units: "percentage",
  family: "cpu",
  context: "system.cpu",
  chartType: "stacked",
  priority: 100,
  updateEvery: 1,
  plugin: "proc.plugin",
  module: "/proc/stat",
};

/** Replicates 1 h of `charts × dims` metrics into a fresh parent and reports samples/s. */
export async function benchReplication(config: AgentConfig, report: ReportFn, charts = 80, dims = 25) {
  const hour = 3600;
  const nowSec = Math.floor(Date.now() / 1000);
  const t0 = nowSec - hour;
  const host = new Host({
    hostname: "repl-bench-child",
    machineGuid: crypto.randomUUID(),
    store: createStore({ mode: "ram", historySec: hour + 60 }),
    memoryMode: "ram",
    updateEvery: 1,
    historySec: hour + 60,
    isLocal: true,
  });
  for (let c = 0; c < charts; c++) {
    const chart = host.defineChart({
      id: `bench.c${c}`,
      title: `chart ${c}`,
      units: "things",
      family: "bench",
      context: "bench.c",
      chartType: "line",
      priority: 1000 + c,
      updateEvery: 1,
      plugin: "bench",
      module: "",
    });
    for (let d = 0; d < dims; d++) {
      const dim = chart.defineDimension({ id: `d${d}`, algorithm: "absolute", multiplier: 1, divisor: 1 });
      for (let s = 0; s < hour; s++) host.store.append(dim.seriesId, t0 + 1 + s, (s * 7 + d * 13 + c) % 1000);
      dim.lastCollected = 1;
      dim.lastCollectedUs = (t0 + hour) * 1e6;
    }
    chart.lastCollectedUs = (t0 + hour) * 1e6 + 500_000;
    chart.lastUpdatedUs = (t0 + hour) * 1e6;
  }
  const conf = await confDir({ "stream.conf": `[${KEY}]\n    enabled = yes\n` });
  const parent = await startAgent({ args: ["--role", "parent", "--config", conf, "--log-level", "info"] });
  const sender = new Sender({
    host,
    config: { ...config.stream, bufferSizeBytes: 1 << 30 },
    destinations: [{
      text: new URL(parent.url).host,
      host: new URL(parent.url).hostname,
      port: Number(new URL(parent.url).port),
      ssl: false,
    }],
    apiKey: KEY,
    sendChartsMatching: "*",
    hops: 1,
    program: "agent",
    version: "bench",
    replication: true,
  });
  try {
    const start = performance.now();
    sender.start();
    let points = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const kids = (await getJson(`${parent.url}/api/v1/info`)).streaming.children;
      const k = kids.find((c: { hostname: string }) => c.hostname === host.hostname);
      if (k && k.replication.points >= charts * (hour - 1) && k.replication.charts_pending === 0) {
        points = k.replication.points;
        break;
      }
      if (performance.now() - start > 120000) {
        throw new Error(`replication not done after 120 s: ${JSON.stringify(k)}`);
      }
    }
    const sec = (performance.now() - start) / 1000;
    const samples = points * dims;
    report(
      `replication: 1 h of ${charts * dims} metrics`,
      sec,
      "s",
      `target <= 5 s; ${(samples / 1e6).toFixed(1)} M samples, ${
        (samples / sec / 1e6).toFixed(2)
      } M samples/s`,
    );
  } finally {
    await sender.stop();
    await parent.stop();
    await Deno.remove(conf, { recursive: true }).catch(() => {});
    host.store.close();
  }
}

/** Time to answer /api/v1/data for 24 h of a 10-dimension chart at 300 points, on dbengine. */
export async function benchLongQuery(config: AgentConfig, report: ReportFn): Promise<void> {
  const day = 86400;
  const nowSec = 1795293600;
  const dir = await Deno.makeTempDir({ prefix: "agent-longquery-" });
  const host = new Host({
    hostname: "bench",
    machineGuid: crypto.randomUUID(),
    store: createStore({ mode: "dbengine", historySec: day, dir, flushIntervalSec: 3600 }),
    memoryMode: "dbengine",
    updateEvery: 1,
    historySec: day,
    isLocal: true,
    nowUs: () => nowSec * 1e6,
  });
  try {
    const chart = host.defineChart(SYSTEM_CPU);
    const ids = Array.from(
      { length: 10 },
      (_, d) =>
        chart.defineDimension({ id: `d${d}`, algorithm: "absolute", multiplier: 1, divisor: 1 }).seriesId,
    );
    for (let s = 0; s < day; s++) {
      for (let d = 0; d < ids.length; d++) host.store.append(ids[d], nowSec - day + 1 + s, (s + d) % 100);
    }
    host.store.flush?.();
    const app = createApi({
      hosts: new Hosts(host),
      config,
      version: "bench",
      nowMs: () => (nowSec + 1) * 1000,
    });
    const time = async (url: string) => {
      for (let i = 0; i < 3; i++) await (await app.request(url)).text();
      const n = 10;
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        const r = await app.request(url);
        if (r.status !== 200) throw new Error(`query failed: ${r.status} ${await r.text()}`);
        await r.text();
      }
      return (performance.now() - start) / n;
    };
    const url = `/api/v1/data?chart=system.cpu&after=-${day}&points=300&format=json`;
    report("query 24 h system.cpu -> 300 points", await time(url), "ms", "dbengine, per-minute tier picked");
    report("same, forced to tier 0", await time(`${url}&tier=0`), "ms", "10 dims × 86,400 points");
  } finally {
    host.store.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const { loadConfig } = await import("../../src/config/mod.ts");
  const { config } = await loadConfig({ role: "standalone", overrides: {} });
  const print: ReportFn = (name, value, unit, note = "") =>
    console.log(`${name}: ${value.toFixed(3)} ${unit}  ${note}`);
  await benchLongQuery(config, print);
  await benchReplication(config, print);
}
