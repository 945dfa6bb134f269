/**
 * What the ingestion benches read of a parent process while a load runs: CPU seconds and RSS
 * (`/proc/PID/stat`, `/proc/PID/status`), open descriptors, and the latency of `/api/v1/info`
 * requests sent at a steady pace beside the load.
 * @module
 */

/** CPU seconds (user + system) and RSS of a process at one instant. */
export interface ProcSample {
  cpuSec: number;
  rssKiB: number;
}

/** Reads a process's CPU seconds and RSS from /proc. */
export function procSample(pid: number): ProcSample {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return {
    cpuSec: (Number(f[11]) + Number(f[12])) / 100,
    rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0),
  };
}

/** Whether the process still runs (not gone, not a zombie). */
export function alive(pid: number): boolean {
  try {
    return !/^\S+\s+\(.*\)\s+Z/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** Open descriptors of a process (0 when it cannot be read). */
export function descriptors(pid: number): number {
  try {
    let n = 0;
    for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
    return n;
  } catch {
    return 0;
  }
}

/** The `q` quantile (0..1) of `values` (0 when empty). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}

/**
 * Sends `GET <url>` one after the other, `pauseMs` apart, and keeps each answer's latency (ms);
 * a failed request counts as its time to fail.
 */
export class LatencyProbe {
  readonly latenciesMs: number[] = [];
  failures = 0;
  #running = true;
  readonly #done: Promise<void>;

  constructor(url: string, pauseMs = 100) {
    this.#done = (async () => {
      while (this.#running) {
        const t0 = performance.now();
        try {
          const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
          await r.arrayBuffer();
          if (r.status !== 200) this.failures++;
        } catch {
          this.failures++;
        }
        this.latenciesMs.push(performance.now() - t0);
        if (this.#running) await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  }

  /** Stops after the request under way. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
}
