/**
 * Churn soak for `make bench`: simulated children (loadgen) connect to a dbengine parent and
 * leave, round after round; the parent's descriptors, RSS and `/api/v1/info` latency are
 * reported against its baseline. A parent that leaks keeps a few descriptors per child.
 *
 * Env: BENCH_CHURN=no skips it; BENCH_CHURN_ROUNDS (default 5), BENCH_CHURN_CHILDREN (default 200).
 * Alone: `deno run -A tests/bench/churn.ts`.
 * @module
 */

import { confDir, startAgent } from "../_helpers/agent.ts";
import type { ReportFn } from "./ingest.ts";
import { runLoad } from "./loadgen.ts";

const KEY = "31111111-2222-3333-4444-555555555555";

function fds(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
}

/** CPU seconds (user + system) the process used so far. */
function cpuSec(pid: number): number {
  const f = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // clock ticks (USER_HZ = 100)
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1] ?? 0) / 1024;
}

/** Runs the soak and writes its rows with `report`. */
export async function benchChurn(report: ReportFn): Promise<void> {
  if (Deno.env.get("BENCH_CHURN") === "no") return;
  const rounds = Number(Deno.env.get("BENCH_CHURN_ROUNDS") ?? 5);
  const children = Number(Deno.env.get("BENCH_CHURN_CHILDREN") ?? 200);
  const conf = await confDir({
    "stream.conf": `[${KEY}]\n    enabled = yes\n    default memory mode = dbengine\n`,
  });
  const parent = await startAgent({ args: ["--config", conf, "--log-level", "info"] });
  const pid = parent.process.pid;
  const port = Number(new URL(parent.url).port);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const baseFds = fds(pid);
    const baseRss = rssMiB(pid);
    const latencies: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t0 = performance.now();
        const r = await fetch(`${parent.url}/api/v1/info`);
        await r.body?.cancel();
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    let connected = 0;
    const cpu0 = cpuSec(pid), wall0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      const load = await runLoad({
        target: `127.0.0.1:${port}`,
        children,
        charts: 5,
        dims: 5,
        seconds: 2,
        apiKey: KEY,
        prefix: `churn${i}-`,
      });
      connected += load.connected;
    }
    const cpuPct = (100 * (cpuSec(pid) - cpu0)) / ((performance.now() - wall0) / 1000);
    probing = false;
    await probe;
    await new Promise((r) => setTimeout(r, 2000));
    latencies.sort((a, b) => a - b);
    const note = `${rounds} rounds × ${children} children (5 charts × 5 dims, 2 s each), dbengine`;
    report("churn children connected", connected, "", note);
    report("churn descriptors, baseline", baseFds, "fds");
    report("churn descriptors after", fds(pid), "fds", "near the baseline: departed children hold none");
    report(
      "churn RSS growth",
      Math.round(rssMiB(pid) - baseRss),
      "MiB",
      "archived hosts keep metadata and RAM pages",
    );
    report("churn parent CPU", Math.round(cpuPct * 10) / 10, "% of a core", "while the rounds run");
    report(
      "churn /api/v1/info p99",
      latencies[Math.floor(latencies.length * 0.99)] ?? 0,
      "ms",
      `during churn; p50 ${(latencies[Math.floor(latencies.length * 0.5)] ?? 0).toFixed(1)} ms`,
    );
  } finally {
    await parent.stop();
    await Deno.remove(conf, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  await benchChurn((name, value, unit, note = "") => console.log(`${name}: ${value} ${unit} ${note}`));
}
