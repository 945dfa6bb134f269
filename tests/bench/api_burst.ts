/**
 * API abuse burst for `make bench`: a burst of heavy `/api/v1/data` and `/api/v1/allmetrics`
 * requests (huge `points`, a year-wide window, every context, 100 at once) against our agent and
 * against a Netdata 1.37.1 in the same run; RSS before, at its peak and 30 s after, the statuses
 * seen and whether `/api/v1/info` still answers.
 *
 * Env: BENCH_API_BURST=no skips it; BENCH_API_BURST_REQUESTS (default 600),
 * BENCH_API_BURST_CONCURRENCY (default 100). Alone: `deno run -A tests/bench/api_burst.ts`.
 * @module
 */

import { startAgent } from "../_helpers/agent.ts";
import { hasNetdata, startNetdata } from "../_helpers/netdata.ts";
import type { ReportFn } from "./ingest.ts";

/** The heavy requests, cycled through by the burst. */
export const HEAVY_REQUESTS: readonly string[] = [
  "/api/v1/data?chart=system.cpu&after=-86400&points=86400&format=json",
  "/api/v1/data?context=*s*&after=-31536000&points=1000000&format=json&options=jsonwrap",
  "/api/v1/data?context=*s*&dimensions=*&after=-86400&before=0&points=5000&format=csv",
  "/api/v1/data?context=*e*&after=-86400&points=86400&format=datatable",
  "/api/v1/data?context=*e*&after=-7200&points=5000&format=json&options=jsonwrap",
  "/api/v1/data?chart=system.cpu&after=1&before=2000000000&points=99999999&gtime=1",
  "/api/v1/allmetrics?format=json",
  "/api/v1/allmetrics?format=prometheus_all_hosts",
  "/api/v1/data?context=*i*&dimension=*&after=-3600&points=3600&format=ssv&group=median",
];

/** Resident set size of `pid`, MiB. */
export function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1] ?? 0) / 1024;
}

/** The pid of the process whose command line contains `needle` (netdata's config path). */
function findPid(needle: string): number | undefined {
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).replaceAll("\0", " ");
      if (cmd.startsWith("/usr/sbin/netdata") && cmd.includes(needle)) return Number(e.name);
    } catch { /* gone */ }
  }
  return undefined;
}

/** What one burst measured. */
export interface BurstResult {
  beforeMiB: number;
  peakMiB: number;
  afterMiB: number;
  /** Count of answers by HTTP status (0 = the request failed). */
  statuses: Record<number, number>;
  /** Whether `/api/v1/info` answered 200 after the burst. */
  infoOk: boolean;
  seconds: number;
  /** Why the burst was cut short ("" when every request was sent). */
  why: string;
}

/** Options of {@link burst}. */
export interface BurstOptions {
  requests: number;
  concurrency: number;
  /** How long to wait after the burst before the "after" RSS, ms. */
  settleMs: number;
  /** Stop sending (and abort what is pending) after this long, ms; default 120 s. */
  deadlineMs?: number;
  /** Stop (and abort) once the RSS passes this, MiB, to spare a shared machine; default 1536. */
  capMiB?: number;
}

/** Runs the burst against `url` while sampling the RSS of `pid`. */
export async function burst(url: string, pid: number, opts: BurstOptions): Promise<BurstResult> {
  const beforeMiB = rssMiB(pid);
  let peakMiB = beforeMiB;
  const stop = new AbortController();
  const capMiB = opts.capMiB ?? 1536;
  let why = "";
  const sampler = setInterval(() => {
    try {
      peakMiB = Math.max(peakMiB, rssMiB(pid));
    } catch { /* exited */ }
    if (peakMiB > capMiB && !stop.signal.aborted) {
      why = `stopped at ${capMiB} MiB`;
      stop.abort();
    }
  }, 50);
  const deadline = setTimeout(() => {
    why = `stopped after ${(opts.deadlineMs ?? 120_000) / 1000} s`;
    stop.abort();
  }, opts.deadlineMs ?? 120_000);
  const statuses: Record<number, number> = {};
  let firstError: string | undefined;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < opts.requests && !stop.signal.aborted) {
      const path = HEAVY_REQUESTS[next++ % HEAVY_REQUESTS.length];
      let status = 0;
      try {
        const r = await fetch(url + path, { signal: stop.signal });
        await r.arrayBuffer();
        status = r.status;
      } catch (e) {
        firstError ??= `${e} (${(e as Error).cause ?? ""})`;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    clearTimeout(deadline);
    const seconds = (performance.now() - t0) / 1000;
    // A server past the cap goes on with the queries it has: read it soon and let it be stopped.
    await new Promise((r) => setTimeout(r, why.startsWith("stopped at") ? 5000 : opts.settleMs));
    const info = await fetch(url + "/api/v1/info", { signal: AbortSignal.timeout(10_000) })
      .then(async (r) => (await r.arrayBuffer(), r.status === 200)).catch(() => false);
    if (firstError !== undefined) console.error(`API burst: first failed request: ${firstError}`);
    return { beforeMiB, peakMiB, afterMiB: rssMiB(pid), statuses, infoOk: info, seconds, why };
  } finally {
    clearInterval(sampler);
    clearTimeout(deadline);
  }
}

function statusNote(r: BurstResult): string {
  const s = Object.entries(r.statuses).map(([k, v]) => `${k === "0" ? "failed" : k}×${v}`).join(" ");
  return `${s}; ${r.seconds.toFixed(1)} s${r.why ? ` (${r.why})` : ""}; info ${
    r.infoOk ? "answers" : "DOES NOT answer"
  }`;
}

function reportBurst(report: ReportFn, who: string, r: BurstResult, note: string): void {
  report(`API burst RSS before, ${who}`, Math.round(r.beforeMiB), "MiB", note);
  report(`API burst RSS peak, ${who}`, Math.round(r.peakMiB), "MiB", statusNote(r));
  const when = r.why.startsWith("stopped at") ? "5 s after the burst was cut" : "30 s after the burst";
  report(`API burst RSS after, ${who}`, Math.round(r.afterMiB), "MiB", when);
}

/** Runs the burst against our agent and a Netdata 1.37.1 and writes the rows with `report`. */
export async function benchApiBurst(report: ReportFn): Promise<void> {
  if (Deno.env.get("BENCH_API_BURST") === "no") return;
  const opts: BurstOptions = {
    requests: Number(Deno.env.get("BENCH_API_BURST_REQUESTS") ?? 600),
    concurrency: Number(Deno.env.get("BENCH_API_BURST_CONCURRENCY") ?? 100),
    // V8 gives freed heap pages back some 20-30 s after the allocation rate drops.
    settleMs: 30_000,
  };
  const note = `${opts.requests} heavy requests, ${opts.concurrency} at once`;
  const agent = await startAgent({ args: ["--log-level", "info", "--memory-mode", "ram"] });
  try {
    await new Promise((r) => setTimeout(r, 5000));
    reportBurst(report, "agent", await burst(agent.url, agent.process.pid, opts), note);
  } finally {
    await agent.stop();
  }
  if (!hasNetdata()) return;
  const nd = await startNetdata({ hostname: "bench-burst" });
  try {
    const pid = findPid(`${nd.dir}/etc/netdata.conf`);
    if (pid === undefined) throw new Error("Cannot find the netdata process");
    await new Promise((r) => setTimeout(r, 5000));
    reportBurst(report, "Netdata 1.37.1", await burst(nd.url, pid, opts), note);
  } finally {
    await nd.stop();
  }
}

if (import.meta.main) {
  await benchApiBurst((name, value, unit, note = "") => console.log(`${name}: ${value} ${unit}  ${note}`));
}
