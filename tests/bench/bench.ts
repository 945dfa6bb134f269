/**
 * `make bench`: speed and memory figures, with ratios against a real Netdata 1.37.1 measured in
 * the same run on the same machine. Prints a table and writes bench-out/bench.json.
 *
 * Env: BENCH_SECONDS (default 30) = how long each agent runs for the CPU/RSS comparison;
 * BENCH_MANY_CHILDREN=no skips the 1,000 children × 25 dimensions load (rows `children1000 …`),
 * BENCH_MANY_CHILDREN_MODE=ram runs it with ram child hosts instead of dbengine. The other
 * ingestion and churn knobs are in ingest.ts and churn.ts; BENCH_COLLECTION_WARMUP (150 s) in
 * collection_cpu.ts, BENCH_FOOTPRINT_WARMUP (150 s) in footprint.ts.
 * @module
 */

import { createApi } from "../../src/api/mod.ts";
import { createCollectors } from "../../src/collectors/mod.ts";
import type { AgentConfig } from "../../src/config/types.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { Host, Hosts } from "../../src/host/mod.ts";
import { createStore } from "../../src/store/mod.ts";
import { startAgent, waitFor } from "../_helpers/agent.ts";
import { hasChromium, withPage } from "../_helpers/browser.ts";
import { dashboardFiles } from "../../src/web/mod.ts";
import { hasNetdata, startNetdata } from "../_helpers/netdata.ts";
import { benchApiBurst } from "./api_burst.ts";
import { benchChurn } from "./churn.ts";
import { benchCollectionCpu } from "./collection_cpu.ts";
import { benchDiskStore } from "./disk_bench.ts";
import { benchExporting, benchExportingToVictoriaMetrics } from "./exporting.ts";
import { benchIngest } from "./ingest.ts";
import { benchHealth } from "./health_bench.ts";
import { benchChildren } from "./footprint.ts";
import { procSample } from "./proc_probe.ts";
import { benchLongQuery, benchReplication, SYSTEM_CPU } from "./replication.ts";

const results: Record<string, number | string> = {};
const rows: [string, string, string][] = [];

function report(name: string, value: number, unit: string, note = ""): void {
  results[name] = value;
  rows.push([name, `${value.toLocaleString("en-US", { maximumFractionDigits: 3 })} ${unit}`, note]);
}

function newHost(historySec: number, nowUs?: () => number): Host {
  return new Host({
    hostname: "bench",
    machineGuid: crypto.randomUUID(),
    store: createStore({ mode: "ram", historySec }),
    memoryMode: "ram",
    updateEvery: 1,
    historySec,
    isLocal: true,
    nowUs,
  });
}

/** Store appends per second on one core (1000 series × 1 h, three laps so pages are warm). */
function benchStoreAppend(): void {
  const store = createStore({ mode: "ram", historySec: 3600 });
  const ids: number[] = [];
  for (let i = 0; i < 1000; i++) ids.push(store.define(`s${i}`, 1));
  const t0 = 1795293600;
  let best = 0;
  for (let lap = 0; lap < 3; lap++) {
    const start = performance.now();
    let n = 0;
    for (let s = 0; s < 3600; s++) {
      const t = t0 + lap * 3600 + s;
      for (let i = 0; i < ids.length; i++) {
        store.append(ids[i], t, s * 0.5);
        n++;
      }
    }
    const rate = n / ((performance.now() - start) / 1000);
    if (rate > best) best = rate;
  }
  report("store appends", best / 1e6, "M samples/s", "target > 20 M/s on one core");
}

/** Time to answer /api/v1/data for 1 h of a system.cpu-like chart (10 dims) grouped to 60 points. */
async function benchQuery(config: AgentConfig): Promise<void> {
  const nowSec = 1795293600;
  const host = newHost(3600, () => nowSec * 1e6);
  const chart = host.defineChart(SYSTEM_CPU);
  const dims = ["guest_nice", "guest", "steal", "softirq", "irq", "user", "system", "nice", "iowait", "idle"]
    .map((id) =>
      chart.defineDimension({
        id,
        algorithm: "percentage-of-incremental-row",
        multiplier: 1,
        divisor: 1,
        hidden: id === "idle",
      })
    );
  for (let s = 0; s < 3600; s++) {
    for (const d of dims) host.store.append(d.seriesId, nowSec - 3600 + s, Math.random() * 10);
  }
  const app = createApi({
    hosts: new Hosts(host),
    config,
    version: "bench",
    nowMs: () => (nowSec + 1) * 1000,
  });
  const url = "/api/v1/data?chart=system.cpu&after=-3600&points=60&format=json";
  for (let i = 0; i < 20; i++) await (await app.request(url)).text();
  const n = 200;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await app.request(url);
    if (r.status !== 200) throw new Error(`query failed: ${r.status} ${await r.text()}`);
    await r.text();
  }
  report("query 1 h system.cpu -> 60 points", (performance.now() - start) / n, "ms", "10 dims × 3600 points");
}

/** Collection time per tick of every collector against this machine's /proc. */
function benchCollection(): void {
  let now = Math.floor(Date.now() / 1000) * 1e6;
  const host = newHost(3600, () => now);
  const collectors = createCollectors({ procRoot: "/proc", updateEvery: 1 });
  const ticks = 300;
  for (let i = 0; i < 5; i++) {
    for (const c of collectors) c.collect(host, i === 0 ? 0 : 1e6);
    now += 1e6;
  }
  const start = performance.now();
  for (let i = 0; i < ticks; i++) {
    for (const c of collectors) c.collect(host, 1e6);
    now += 1e6;
  }
  const perTick = (performance.now() - start) / ticks;
  let dims = 0;
  for (const c of host.charts.values()) dims += c.dimensions.length;
  report("collection time per tick", perTick, "ms", `${host.charts.size} charts, ${dims} dimensions`);
  report("collection time per dimension", perTick * 1000 / dims, "µs");
  for (const c of collectors) c.close();
}

/** Page weight of the dashboard, and the time to its first chart with data in chromium. */
async function benchDashboard(): Promise<void> {
  let raw = 0, gz = 0;
  for (const { file } of dashboardFiles()) {
    const bytes = new TextEncoder().encode(file.body);
    raw += bytes.length;
    const zipped = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
    gz += (await new Response(zipped).arrayBuffer()).byteLength;
  }
  report("dashboard page weight", raw / 1024, "KiB", "HTML + JS + CSS, uPlot included");
  report("dashboard page weight gzipped", gz / 1024, "KiB", "target < 200 KB");
  if (!hasChromium()) {
    rows.push(["dashboard first chart", "no chromium", "apt-get install chromium"]);
    return;
  }
  const agent = await startAgent({ args: ["--memory-mode", "ram", "--log-level", "info"] });
  try {
    await waitFor(
      async () => {
        const r = await fetch(`${agent.url}/api/v1/chart?chart=system.cpu`);
        const c = await r.json();
        return c.last_entry - c.first_entry >= 2;
      },
      15000,
      "data in system.cpu",
    );
    await withPage(async ({ page }) => {
      for (const lap of ["cold", "warm"]) {
        await page.goto(`${agent.url}/`);
        const ms = await (await page.waitForFunction("window.__dash?.firstDataMs")).jsonValue() as number;
        report(
          `dashboard first chart with data (${lap})`,
          ms,
          "ms",
          "from navigation start, chromium, loopback",
        );
      }
    });
  } finally {
    await agent.stop();
  }
}

async function measureProcess(pid: number, seconds: number): Promise<{ cpuPct: number; rssMiB: number }> {
  await new Promise((r) => setTimeout(r, 5000)); // warm-up
  const a = procSample(pid);
  const t0 = performance.now();
  let maxRss = a.rssKiB;
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    maxRss = Math.max(maxRss, procSample(pid).rssKiB);
  }
  const b = procSample(pid);
  const elapsed = (performance.now() - t0) / 1000;
  return { cpuPct: 100 * (b.cpuSec - a.cpuSec) / elapsed, rssMiB: maxRss / 1024 };
}

async function dimensionsOf(url: string): Promise<number> {
  const r = await fetch(`${url}/api/v1/charts`);
  const j = await r.json();
  return j.dimensions_count as number;
}

/** RSS and CPU per collected dimension: our agent vs Netdata 1.37.1, same role (standalone, ram). */
async function benchFootprint(seconds: number): Promise<void> {
  const agent = await startAgent({ args: ["--memory-mode", "ram", "--log-level", "info"] });
  try {
    const pid = agent.process.pid;
    const m = await measureProcess(pid, seconds);
    const dims = await dimensionsOf(agent.url);
    report("agent dimensions", dims, "");
    report("agent CPU", m.cpuPct, "% of a core");
    report("agent RSS", m.rssMiB, "MiB", "target <= 45 MiB");
    report("agent CPU per dimension", m.cpuPct / 100 * 1e6 / dims, "µs CPU per dimension-second");
  } finally {
    await agent.stop();
  }
  if (!hasNetdata()) {
    rows.push(["netdata 1.37.1", "not installed", "apt-get install netdata-core netdata-plugins-bash"]);
    return;
  }
  await benchNetdata("netdata", {});
  // The same sources as ours (proc modules, diskspace, idlejitter), Netdata's own monitoring charts
  // off: dimension for dimension.
  await benchNetdata("netdata-same-files", {
    extraConf: "[plugin:proc]\n" +
      NETDATA_PROC_MODULES.filter((m) => !OUR_PROC_FILES.includes(m)).map((m) => `    ${m} = no\n`).join("") +
      "[plugins]\n    netdata monitoring = no\n    diskspace = yes\n",
    collectIdlejitter: true,
  });
}

/** The proc.plugin modules of Netdata 1.37.1. */
const NETDATA_PROC_MODULES = [
  "/proc/stat",
  "/proc/uptime",
  "/proc/loadavg",
  "/proc/sys/kernel/random/entropy_avail",
  "/proc/pressure",
  "/proc/interrupts",
  "/proc/softirqs",
  "/proc/vmstat",
  "/proc/meminfo",
  "/sys/kernel/mm/ksm",
  "/sys/block/zram",
  "/sys/devices/system/edac/mc",
  "/sys/devices/system/node",
  "/proc/net/dev",
  "/proc/net/wireless",
  "/proc/net/sockstat",
  "/proc/net/sockstat6",
  "/proc/net/netstat",
  "/proc/net/snmp",
  "/proc/net/snmp6",
  "/proc/net/sctp/snmp",
  "/proc/net/softnet_stat",
  "/proc/net/ip_vs/stats",
  "/sys/class/infiniband",
  "/proc/net/stat/conntrack",
  "/proc/net/stat/synproxy",
  "/proc/diskstats",
  "/proc/mdstat",
  "/proc/net/rpc/nfsd",
  "/proc/net/rpc/nfs",
  "/proc/spl/kstat/zfs/arcstats",
  "/proc/spl/kstat/zfs/pool/state",
  "/sys/fs/btrfs",
  "ipc",
  "/sys/class/power_supply",
];
/** The proc.plugin modules our collectors implement. */
const OUR_PROC_FILES = [
  "/proc/stat",
  "/proc/uptime",
  "/proc/loadavg",
  "/proc/sys/kernel/random/entropy_avail",
  "/proc/pressure",
  "/proc/interrupts",
  "/proc/softirqs",
  "/proc/vmstat",
  "/proc/meminfo",
  "/sys/block/zram",
  "/proc/net/dev",
  "/proc/net/wireless",
  "/proc/net/sockstat",
  "/proc/net/sockstat6",
  "/proc/net/netstat",
  "/proc/net/snmp",
  "/proc/net/snmp6",
  "/proc/net/softnet_stat",
  "/proc/net/stat/conntrack",
  "/proc/diskstats",
  "ipc",
];

async function benchNetdata(
  label: string,
  opts: { extraConf?: string; collectIdlejitter?: boolean },
): Promise<void> {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 30);
  const nd = await startNetdata({
    hostname: `bench-${label}`,
    extraConf: opts.extraConf,
    idlejitter: opts.collectIdlejitter,
  });
  try {
    const pid = Number(
      new TextDecoder().decode(
        (await new Deno.Command("pgrep", { args: ["-o", "-f", `${nd.dir}/etc/netdata.conf`] }).output())
          .stdout,
      ).trim(),
    );
    const m = await measureProcess(pid, seconds);
    const dims = await dimensionsOf(nd.url);
    report(`${label} dimensions`, dims, "");
    report(`${label} CPU`, m.cpuPct, "% of a core");
    report(`${label} RSS`, m.rssMiB, "MiB");
    report(`${label} CPU per dimension`, m.cpuPct / 100 * 1e6 / dims, "µs CPU per dimension-second");
    const ours = results["agent CPU per dimension"] as number;
    report(`ratio CPU/dim agent ÷ ${label}`, ours / (m.cpuPct / 100 * 1e6 / dims), "×", "target <= 1");
    report(`ratio RSS agent ÷ ${label}`, (results["agent RSS"] as number) / m.rssMiB, "×");
  } finally {
    await nd.stop();
  }
}

const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 30);
const { config } = await loadConfig({ role: "standalone", overrides: {} });
benchStoreAppend();
await benchQuery(config);
benchCollection();
await benchCollectionCpu(report, seconds);
await benchDashboard();
await benchFootprint(seconds);
await benchChildren(report, seconds);
const disk = benchDiskStore();
report(
  "dbengine tier-0 bytes per sample",
  disk.tier0BytesPerSample,
  "B",
  "target <= 1; an hour of this agent's own data",
);
report(
  "dbengine bytes per sample, all files",
  disk.totalBytesPerSample,
  "B",
  "tiers 1-2, catalog and index included",
);
report(
  "dbengine write",
  disk.writeSamplesPerSec / 1e6,
  "M samples/s",
  "target > 2 M on one core; flush every 5 s",
);
report("dbengine read after restart", disk.readSamplesPerSec / 1e6, "M points/s", "tier 0");
await benchIngest(report);
// Issue 11: many small children, where the fixed cost per child and per wake-up shows.
if (Deno.env.get("BENCH_MANY_CHILDREN") !== "no") {
  await benchIngest(report, {
    tag: "children1000",
    children: 1000,
    charts: 1,
    dims: 25,
    seconds: 30,
    warmupSec: 10,
    slotsPerSec: undefined,
    memoryMode: Deno.env.get("BENCH_MANY_CHILDREN_MODE") === "ram" ? "ram" : "dbengine",
  });
}
await benchChurn(report);
await benchApiBurst(report);
await benchLongQuery(config, report);
await benchReplication(config, report);
benchExporting(report);
await benchExportingToVictoriaMetrics(report);
await benchHealth(report);

const w = Math.max(...rows.map((r) => r[0].length));
console.log(`\nbench (${new Date().toISOString()}, ${Deno.build.arch}, Deno ${Deno.version.deno})`);
for (const [name, value, note] of rows) console.log(`${name.padEnd(w)}  ${value.padEnd(22)}  ${note}`);
await Deno.mkdir("bench-out", { recursive: true });
await Deno.writeTextFile("bench-out/bench.json", JSON.stringify(results, null, 2) + "\n");
