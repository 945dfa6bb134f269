/**
 * Ingestion bench (issue #3): the same load from tests/bench/loadgen.ts (N fake v1.37.1 children on
 * loopback) against our parent and against a real Netdata 1.37.1 parent, one after the other in the
 * same run. For each: samples/s ingested (checked against what the parent's API returns), CPU
 * seconds per million samples and RSS per stored metric over a steady-state window after a warm-up,
 * then the ratios ours ÷ netdata. Used by bench.ts; also runs alone:
 * `deno run -A tests/bench/ingest.ts`.
 *
 * Env: BENCH_CHILDREN (100), BENCH_CHARTS (10), BENCH_DIMS (10) = the load; BENCH_SECONDS (30) =
 * the measured window; BENCH_WARMUP (10) = seconds skipped after every child connected;
 * BENCH_HISTORY (3600) = points kept per metric by both parents; BENCH_SLOTS (one per child) =
 * instants per second the children send at; BENCH_MODE (ram) = memory mode of the child hosts (ram
 * or dbengine); BENCH_API_SECONDS (10) = seconds of `/api/v1/info` requests after the window, the
 * load still running (latency p50/p99); BENCH_NETDATA=no runs ours only; BENCH_INGEST=no skips it;
 * BENCH_AGENT_V8 = V8 flags for our parent (e.g. `--perf-basic-prof` to profile it with `perf record`);
 * BENCH_AGENT_DENO = one more Deno flag for it (e.g. `--inspect=127.0.0.1:9239` for heap snapshots);
 * BENCH_AGENT_LOG = a file our parent's output is written to when it stops (with
 * `BENCH_AGENT_V8=--trace-gc`, its GC trace). In dbengine mode the warm-up lasts at least until the
 * first wall-clock minute of data has passed (+5 s), when tier 1 opens its pages: the window then
 * always sees the store's steady state (tier 2's pages, at the first full hour, it does not).
 * @module
 */

import { type AgentProcess, startAgent } from "../_helpers/agent.ts";
import { hasNetdata, startNetdata } from "../_helpers/netdata.ts";
import { chartId, type LoadReport, valueProblem } from "./loadgen.ts";
import { LoadgenProcess } from "./loadgen_process.ts";
import { measureReadFloor } from "./read_floor.ts";
import { alive, descriptors, LatencyProbe, procSample, quantile } from "./proc_probe.ts";

/** bench.ts's row writer. */
export type ReportFn = (name: string, value: number, unit: string, note?: string) => void;

/** The load and the measurement. */
export interface IngestOptions {
  children: number;
  charts: number;
  dims: number;
  /** Length of the measured window. */
  seconds: number;
  /** Seconds skipped after every child connected. */
  warmupSec: number;
  /** Points kept per metric (both parents, memory mode ram). */
  historySec: number;
  /** Instants per second the children send at; undefined = each child its own (see loadgen.ts). */
  slotsPerSec?: number;
  /** Seconds of `/api/v1/info` requests (100 ms apart) after the CPU window, the load still on. */
  apiSeconds: number;
  /** Memory mode of both parents' child hosts (default ram). */
  memoryMode: "ram" | "dbengine";
  /** Prefix of the report's row names, to tell two loads of one run apart (default "ingest"). */
  tag?: string;
}

const KEY = "11111111-2222-3333-4444-555555555555";
/** In dbengine mode the window starts this long after the first wall-clock minute of data. */
const TIER1_SETTLE_MS = 5000;
/** Children whose data is read back through the API (evenly spread), first and last chart each. */
const MAX_VERIFIED_CHILDREN = 100;

function envInt(name: string, dflt: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`${name} must be a whole number >= 1, got "${raw}"`);
  }
  return v;
}

/** The options from the environment (defaults: 100 × 10 × 10 = 10 K samples/s for 30 s). */
export function ingestOptionsFromEnv(): IngestOptions {
  return {
    children: envInt("BENCH_CHILDREN", 100),
    charts: envInt("BENCH_CHARTS", 10),
    dims: envInt("BENCH_DIMS", 10),
    seconds: envInt("BENCH_SECONDS", 30),
    warmupSec: envInt("BENCH_WARMUP", 10),
    historySec: envInt("BENCH_HISTORY", 3600),
    slotsPerSec: Deno.env.get("BENCH_SLOTS") ? envInt("BENCH_SLOTS", 1) : undefined,
    apiSeconds: envInt("BENCH_API_SECONDS", 10),
    memoryMode: memoryModeFromEnv(),
  };
}

function memoryModeFromEnv(): "ram" | "dbengine" {
  const m = Deno.env.get("BENCH_MODE") ?? "ram";
  if (m !== "ram" && m !== "dbengine") {
    throw new RangeError(`BENCH_MODE must be "ram" or "dbengine", got "${m}"`);
  }
  return m;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// deno-lint-ignore no-explicit-any
async function getJson(url: string): Promise<any> {
  const r = await fetch(url);
  const text = await r.text();
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** A parent under test. */
interface Parent {
  label: string;
  url: string;
  port: number;
  pid: number;
  /** Problems it logged (warnings about children), for the report. */
  problems(): string[];
}

/** What one parent did under the load. */
interface IngestResult {
  samplesPerSec: number;
  cpuPerMillion: number;
  cpuPct: number;
  idleCpuPct: number;
  rssIdleMiB: number;
  rssLoadMiB: number;
  rssPerMetricBytes: number;
  /** Seconds of data from the first send to the end of the window. */
  filledSec: number;
  storedMetrics: number;
  hostsSeen: number;
  storedFraction: number;
  badValues: number;
  firstBadValue: string;
  loadgenCpuPct: number;
  /** /api/v1/info latency while the load ran: p50, p99 and worst (ms), and failed requests. */
  apiP50Ms: number;
  apiP99Ms: number;
  apiMaxMs: number;
  apiFailures: number;
  /** Open descriptors at the end of the window. */
  fds: number;
  loadgen: LoadReport | undefined;
  problems: string[];
}

/** Reads back what the parent stored in the window and checks it against what the load sent. */
async function verify(
  p: Parent,
  o: IngestOptions,
  afterSec: number,
  beforeSec: number,
): Promise<
  Pick<IngestResult, "storedMetrics" | "hostsSeen" | "storedFraction" | "badValues" | "firstBadValue">
> {
  const info = await getJson(`${p.url}/api/v1/info`);
  const hosts = new Set<string>(info.mirrored_hosts ?? []);
  let hostsSeen = 0;
  for (let i = 0; i < o.children; i++) if (hosts.has(`load-${i}`)) hostsSeen++;
  let storedMetrics = 0;
  for (let i = 0; i < o.children; i++) {
    if (!hosts.has(`load-${i}`)) continue;
    const charts = await getJson(`${p.url}/host/load-${i}/api/v1/charts`);
    for (const c of Object.values(charts.charts ?? {}) as { id: string; dimensions: object }[]) {
      if (c.id.startsWith("loadgen.")) storedMetrics += Object.keys(c.dimensions).length;
    }
  }
  const step = Math.max(1, Math.floor(o.children / MAX_VERIFIED_CHILDREN));
  let cells = 0;
  let stored = 0;
  let badValues = 0;
  let firstBadValue = "";
  const chartsToRead = o.charts > 1 ? [0, o.charts - 1] : [0];
  for (let i = 0; i < o.children; i += step) {
    for (const c of chartsToRead) {
      const q = `/host/load-${i}/api/v1/data?chart=${chartId(c)}&after=${afterSec}&before=${beforeSec}` +
        `&format=json&options=seconds`;
      let j;
      try {
        j = await getJson(p.url + q);
      } catch (e) {
        cells += (beforeSec - afterSec) * o.dims;
        badValues++;
        firstBadValue ||= `${q}: ${(e as Error).message}`;
        continue;
      }
      const labels = j.labels as string[];
      for (const row of j.data as (number | null)[][]) {
        for (let k = 1; k < labels.length; k++) {
          const d = Number(labels[k].slice(1));
          cells++;
          const v = row[k];
          if (v === null || v === undefined) continue;
          stored++;
          const why = valueProblem(i, c, d, v);
          if (why !== "") {
            badValues++;
            firstBadValue ||= `load-${i} ${chartId(c)} d${d} at ${row[0]}: ${why}`;
          }
        }
      }
      // Every dimension must be there, one row per second of the window.
      const want = (beforeSec - afterSec) * o.dims;
      if (j.data.length * (labels.length - 1) < want) cells += want - j.data.length * (labels.length - 1);
    }
  }
  return {
    storedMetrics,
    hostsSeen,
    storedFraction: cells === 0 ? 0 : stored / cells,
    badValues,
    firstBadValue,
  };
}

/** Idle baseline, then the load, then the window, then the read-back. */
async function measure(p: Parent, o: IngestOptions): Promise<IngestResult> {
  await sleep(3000); // let start-up settle
  const idle0 = procSample(p.pid);
  const idleT0 = performance.now();
  await sleep(5000);
  const idle1 = procSample(p.pid);
  const idleCpuPct = 100 * (idle1.cpuSec - idle0.cpuSec) / ((performance.now() - idleT0) / 1000);

  // Long enough for warm-up, window and read-back; stopped early once read back.
  const lg = new LoadgenProcess(p.port, { ...o, apiKey: KEY }, o.warmupSec + o.seconds + o.apiSeconds + 120);
  try {
    const ready = await lg.waitReady(120_000);
    if (ready.connected !== o.children) {
      throw new Error(
        `${p.label}: only ${ready.connected} of ${o.children} children connected:\n${lg.stderr}`,
      );
    }
    const readyMs = Date.now();
    await sleep(o.warmupSec * 1000);
    if (o.memoryMode === "dbengine") {
      // Tier 1 keeps a point a minute: its open pages (one per series) appear at the first
      // wall-clock minute after the data starts. Without this wait, whether that minute fell
      // inside the warm-up or after the window split runs into two RSS groups (1,000 children ×
      // 25 dims: ~260 vs ~400 MiB).
      const tier1Ms = Math.ceil(readyMs / 60_000) * 60_000 + TIER1_SETTLE_MS;
      if (Date.now() < tier1Ms) await sleep(tier1Ms - Date.now());
    }
    const tA = Date.now();
    const filledSec = Math.round((tA - readyMs) / 1000) + o.seconds;
    const a = procSample(p.pid);
    const la = procSample(lg.proc.pid);
    const pa = performance.now();
    let last = a;
    while (performance.now() - pa < o.seconds * 1000) {
      await sleep(Math.min(1000, o.seconds * 1000 - (performance.now() - pa)));
      if (!alive(p.pid)) throw new Error(`${p.label} died under load`);
      last = procSample(p.pid);
    }
    const tB = Date.now();
    const b = last;
    const lb = procSample(lg.proc.pid);
    const fds = descriptors(p.pid);
    // The API's latency under the same load, apart from the CPU window (its requests cost CPU too).
    const probe = new LatencyProbe(`${p.url}/api/v1/info`);
    await sleep(o.apiSeconds * 1000);
    await probe.stop();
    const windowSec = (performance.now() - pa) / 1000;
    await sleep(Math.max(0, 1100 - o.apiSeconds * 1000)); // one more tick after tB
    const ta = lg.tickAt(tA);
    const tb = lg.tickAt(tB);
    if (!ta || !tb || tb.tMs <= ta.tMs) throw new Error(`${p.label}: no loadgen progress in the window`);
    const samplesPerSec = (tb.samplesSent - ta.samplesSent) / ((tb.tMs - ta.tMs) / 1000);
    const cpuSec = b.cpuSec - a.cpuSec;
    const metrics = o.children * o.charts * o.dims;
    // Read back only what retention still holds by then (a short BENCH_HISTORY drops the start).
    const beforeSec = Math.floor(tB / 1000) - 1;
    const afterSec = Math.max(
      Math.floor(tA / 1000) + 1,
      beforeSec - o.historySec + Math.min(15, Math.floor(o.historySec / 2)),
    );
    const v = await verify(p, o, afterSec, beforeSec);
    const problems = p.problems(); // before the load ends: its disconnects are expected
    const report = await lg.stop();
    return {
      samplesPerSec,
      cpuPerMillion: cpuSec / (samplesPerSec * windowSec / 1e6),
      cpuPct: 100 * cpuSec / windowSec,
      idleCpuPct,
      rssIdleMiB: idle1.rssKiB / 1024,
      rssLoadMiB: b.rssKiB / 1024,
      rssPerMetricBytes: (b.rssKiB - idle1.rssKiB) * 1024 / metrics,
      filledSec,
      ...v,
      loadgenCpuPct: 100 * (lb.cpuSec - la.cpuSec) / windowSec,
      apiP50Ms: quantile(probe.latenciesMs, 0.5),
      apiP99Ms: quantile(probe.latenciesMs, 0.99),
      apiMaxMs: quantile(probe.latenciesMs, 1),
      apiFailures: probe.failures,
      fds,
      loadgen: report,
      problems,
    };
  } finally {
    await lg.stop();
  }
}

async function tempConf(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bench-ingest-conf-" });
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
  return dir;
}

async function runOurs(o: IngestOptions): Promise<IngestResult> {
  const conf = await tempConf({
    // As the Netdata parent below: no collectors and no health of its own, only the children.
    "agent.conf": `[db]\n    mode = ram\n    retention = ${o.historySec}\n[health]\n    enabled = no\n` +
      "[plugins]\n" + ["proc", "diskspace", "idlejitter", "timex", "cgroups", "python.d"]
      .map((p) => `    ${p} = no\n`).join(""),
    "stream.conf": `[${KEY}]\n    type = api\n    enabled = yes\n    allow from = *\n` +
      `    default history = ${o.historySec}\n    default memory mode = ${o.memoryMode}\n` +
      `    health enabled by default = no\n`,
  });
  let agent: AgentProcess | undefined;
  try {
    const running = agent = await startAgent({
      args: ["--config", conf, "--role", "parent", "--memory-mode", o.memoryMode, "--log-level", "info"],
      denoArgs: [
        ...(Deno.env.get("BENCH_AGENT_V8") ? [`--v8-flags=${Deno.env.get("BENCH_AGENT_V8")}`] : []),
        ...(Deno.env.get("BENCH_AGENT_DENO") ? [Deno.env.get("BENCH_AGENT_DENO")!] : []),
      ],
    });
    const port = Number(new URL(running.url).port);
    return await measure({
      label: "agent",
      url: running.url,
      port,
      pid: running.process.pid,
      problems: () =>
        running.output().split("\n").filter((l) =>
          /level=(warn|error)/.test(l) ||
          /Closing stream|disconnected from .*: (?!connection closed by the child)/
            .test(l)
        ),
    }, o);
  } catch (e) {
    if (agent) {
      console.error(`--- agent output (last 4000 chars) ---\n${agent.output().slice(-4000)}\n--- end ---`);
    }
    throw e;
  } finally {
    await agent?.stop();
    if (agent && Deno.env.get("BENCH_AGENT_LOG")) {
      await Deno.writeTextFile(Deno.env.get("BENCH_AGENT_LOG")!, agent.output());
    }
    await Deno.remove(conf, { recursive: true }).catch(() => {});
  }
}

async function netdataPid(dir: string): Promise<number> {
  const out = await new Deno.Command("pgrep", { args: ["-o", "-f", `${dir}/etc/netdata.conf`] }).output();
  const pid = Number(new TextDecoder().decode(out.stdout).trim());
  if (!pid) throw new Error("Cannot find the netdata process");
  return pid;
}

async function runNetdata(o: IngestOptions): Promise<IngestResult> {
  const nd = await startNetdata({
    hostname: "bench-ingest-parent",
    collect: false,
    memoryMode: o.memoryMode,
    extraConf: `[db]\n    retention = ${o.historySec}\n`,
    streamConf: `[stream]\n    enabled = no\n[${KEY}]\n    enabled = yes\n    allow from = *\n` +
      `    default history = ${o.historySec}\n    default memory mode = ${o.memoryMode}\n` +
      `    health enabled by default = no\n`,
  });
  try {
    return await measure({
      label: "netdata",
      url: nd.url,
      port: nd.port,
      pid: await netdataPid(nd.dir),
      problems: () =>
        nd.log().split("\n").filter((l) => /STREAM.*(error|disconnect|closed|failed)/i.test(l)).slice(0, 20),
    }, o);
  } catch (e) {
    console.error(`--- netdata error.log (last 4000 chars) ---\n${nd.log().slice(-4000)}\n--- end ---`);
    throw e;
  } finally {
    await nd.stop();
  }
}

function reportOne(report: ReportFn, label: string, r: IngestResult, o: IngestOptions): void {
  const n = (v: number, d = 1) => v.toLocaleString("en-US", { maximumFractionDigits: d });
  const tag = o.tag ?? "ingest";
  const lg = r.loadgen;
  const trouble = [
    ...(lg?.refused ?? []),
    ...(lg?.disconnects ?? []),
  ];
  report(
    `${tag} ${label} samples/s`,
    r.samplesPerSec,
    "samples/s",
    `API: ${r.hostsSeen}/${o.children} hosts, ${n(r.storedMetrics, 0)} metrics, ` +
      `${n(100 * r.storedFraction, 2)}% of points stored, ${r.badValues} wrong values` +
      (r.firstBadValue ? ` (first: ${r.firstBadValue})` : ""),
  );
  report(
    `${tag} ${label} CPU per M samples`,
    r.cpuPerMillion,
    "CPU-s",
    `target <= 1; ${n(r.cpuPct)}% of a core under load, ${n(r.idleCpuPct, 2)}% idle`,
  );
  report(`${tag} ${label} CPU`, r.cpuPct, "% of a core", `${o.memoryMode}, under load`);
  const target = 4 * o.historySec + 2048;
  report(
    `${tag} ${label} RSS per metric`,
    r.rssPerMetricBytes,
    "B",
    `target <= 4 B × ${o.historySec} + 2 KiB = ${n(target, 0)} B; RSS ${n(r.rssIdleMiB)} -> ${
      n(r.rssLoadMiB)
    } MiB; ${r.filledSec} s of ${o.historySec} slots filled`,
  );
  report(`${tag} ${label} RSS`, r.rssLoadMiB, "MiB", "at the end of the window");
  report(`${tag} ${label} descriptors`, r.fds, "fds", "at the end of the window");
  report(
    `${tag} ${label} /api/v1/info p99`,
    r.apiP99Ms,
    "ms",
    `while the load runs; p50 ${n(r.apiP50Ms)} ms, worst ${n(r.apiMaxMs)} ms, ${r.apiFailures} failed`,
  );
  report(
    `${tag} loadgen CPU (${label} run)`,
    r.loadgenCpuPct,
    "% of a core",
    `${lg?.roundsSkipped ?? "?"} rounds skipped, ${trouble.length} refused/disconnected` +
      (trouble.length ? ` (first: ${trouble[0]})` : ""),
  );
  if (r.problems.length > 0) {
    report(`${tag} ${label} problems logged`, r.problems.length, "lines", r.problems[0].slice(0, 300));
  }
}

/**
 * Runs the ingestion bench against our parent and, when installed, a real Netdata 1.37.1 parent,
 * and writes its rows with `report`. `opts` overrides the environment's load.
 * @throws when a parent cannot be started or the load cannot connect.
 */
export async function benchIngest(report: ReportFn, opts: Partial<IngestOptions> = {}): Promise<void> {
  if (Deno.env.get("BENCH_INGEST") === "no") return;
  const o = { ...ingestOptionsFromEnv(), ...opts };
  const tag = o.tag ?? "ingest";
  const metrics = o.children * o.charts * o.dims;
  report(
    `${tag} load`,
    metrics,
    "samples/s offered",
    `${o.children} children × ${o.charts} charts × ${o.dims} dims, ${o.memoryMode}, ${o.seconds} s window ` +
      `after ${o.warmupSec} s warm-up, ${o.slotsPerSec ?? o.children} send instants per second`,
  );
  const ours = await runOurs(o);
  reportOne(report, "agent", ours, o);
  const floor = await measureReadFloor({ ...o, apiKey: KEY }, o);
  report(
    `${tag} read floor CPU`,
    floor.cpuPct,
    "% of a core",
    `a Deno process that only reads the same children's sockets (read_floor.ts), ` +
      `${floor.connected} connected, ${Math.round(floor.bytesPerSec / 1024)} KiB/s`,
  );
  if (Deno.env.get("BENCH_NETDATA") === "no") return;
  if (!hasNetdata()) {
    console.error("ingest: netdata 1.37.1 is not installed; no comparison (apt-get install netdata-core)");
    return;
  }
  const nd = await runNetdata(o);
  reportOne(report, "netdata", nd, o);
  report(
    `ratio ${tag} CPU/M samples agent ÷ netdata`,
    ours.cpuPerMillion / nd.cpuPerMillion,
    "×",
    "target: agent <= 0.5 × netdata",
  );
  report(
    `ratio ${tag} read floor CPU ÷ netdata`,
    floor.cpuPct / nd.cpuPct,
    "×",
    "the share of Netdata's whole CPU this runtime spends reading the sockets alone",
  );
  report(`ratio ${tag} RSS/metric agent ÷ netdata`, ours.rssPerMetricBytes / nd.rssPerMetricBytes, "×");
  report(`ratio ${tag} RSS agent ÷ netdata`, ours.rssLoadMiB / nd.rssLoadMiB, "×", "target <= 1");
  report(`ratio ${tag} descriptors agent ÷ netdata`, ours.fds / Math.max(1, nd.fds), "×");
  report(
    `ratio ${tag} /api/v1/info p99 agent ÷ netdata`,
    ours.apiP99Ms / Math.max(0.001, nd.apiP99Ms),
    "×",
    `agent target p99 < 50 ms (now ${ours.apiP99Ms.toFixed(1)} ms)`,
  );
  report(`ratio ${tag} samples/s agent ÷ netdata`, ours.samplesPerSec / nd.samplesPerSec, "×", "same load");
}

if (import.meta.main) {
  const rows: [string, string, string][] = [];
  const results: Record<string, number> = {};
  const report: ReportFn = (name, value, unit, note = "") => {
    results[name] = value;
    rows.push([name, `${value.toLocaleString("en-US", { maximumFractionDigits: 3 })} ${unit}`, note]);
  };
  await benchIngest(report);
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`\ningest bench (${new Date().toISOString()}, ${Deno.build.arch}, Deno ${Deno.version.deno})`);
  for (const [name, value, note] of rows) console.log(`${name.padEnd(w)}  ${value.padEnd(22)}  ${note}`);
  await Deno.mkdir("bench-out", { recursive: true });
  await Deno.writeTextFile("bench-out/ingest.json", JSON.stringify(results, null, 2) + "\n");
}
