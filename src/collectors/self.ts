/**
 * The agent's own charts ("netdata" plugin, "stats" module, as Netdata's global statistics):
 *
 * - `netdata.server_cpu` and `netdata.uptime`: the same ids and fields as Netdata 1.37.
 * - `netdata.memory` (ours; Netdata 1.37 has none, later versions have a `netdata.memory` with
 *   the same title, units and family): the process RSS and the V8 heap, in bytes.
 * - `netdata.workers_busy_time_by_type_proc` and `netdata.workers_busy_time_by_type_netdev`:
 *   how long each collector took in the last tick (Netdata's per-job busy time of its "proc"
 *   and "netdev" workers, same ids and fields), from the scheduler's timings.
 * @module
 */

import process from "node:process";
import v8 from "node:v8";
import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, type Origin } from "./_helper.ts";
import type { Collector, CollectorTiming } from "./collector.ts";

/** Where the agent's own resource usage comes from (injectable for tests). */
export interface SelfStats {
  /** CPU time used by this process since it started, µs (getrusage(RUSAGE_SELF)). */
  cpuUsageUs(): { user: number; system: number };
  /** Memory of this process, bytes. */
  memory(): { rss: number; heapTotal: number; heapUsed: number; external: number };
}

/**
 * {@link SelfStats} of the running Deno process. Memory comes from the RSS and V8's heap statistics
 * asked for separately: the same numbers as `Deno.memoryUsage()`, which costs about twice as much
 * (75 µs against 35 on a tick a second, measured here).
 */
export const processStats: SelfStats = {
  cpuUsageUs: () => process.cpuUsage(),
  memory: () => {
    const h = v8.getHeapStatistics();
    return {
      rss: process.memoryUsage.rss(),
      heapTotal: h.total_heap_size,
      heapUsed: h.used_heap_size,
      external: h.external_memory,
    };
  },
};

/**
 * Netdata's worker job names of the /proc modules ("proc" worker), in Netdata's module order (the
 * dimensions' order), and of the netdev thread.
 */
const PROC_JOBS: Record<string, string> = {
  "proc:/proc/stat": "stat",
  "proc:/proc/uptime": "uptime",
  "proc:/proc/loadavg": "loadavg",
  "proc:/proc/sys/kernel/random/entropy_avail": "entropy",
  "proc:/proc/pressure": "pressure",
  "proc:/proc/interrupts": "interrupts",
  "proc:/proc/softirqs": "softirqs",
  "proc:/proc/vmstat": "vmstat",
  "proc:/proc/meminfo": "meminfo",
  "proc:/sys/block/zram": "zram",
  "proc:/proc/net/wireless": "netwireless",
  "proc:/proc/net/sockstat": "sockstat",
  "proc:/proc/net/sockstat6": "sockstat6",
  "proc:/proc/net/netstat": "netstat",
  "proc:/proc/net/softnet_stat": "softnet",
  "proc:/proc/net/stat/nf_conntrack": "conntrack",
  "proc:/proc/diskstats": "diskstats",
  "proc:ipc": "ipc",
};
const JOB_ORDER = Object.keys(PROC_JOBS);
const NETDEV_JOB = "proc:/proc/net/dev";

interface Group {
  chart: Chart;
  dims: Dimension[];
}

interface JobDim {
  timing: CollectorTiming;
  dim: Dimension;
}

/** Collects the agent's own statistics; runs after the other collectors of a tick. */
export class SelfCollector implements Collector {
  readonly name = "netdata:stats";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #stats: SelfStats;
  #startSec = -1;
  #cpu: Group | null = null;
  #uptime: Group | null = null;
  #memory: Group | null = null;
  #timings: readonly CollectorTiming[] = [];
  #proc: Chart | null = null;
  #procDims: JobDim[] = [];
  #netdev: Chart | null = null;
  #netdevDims: JobDim[] = [];

  constructor(opts: { updateEvery: number; stats?: SelfStats }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: "netdata", module: "stats", updateEvery: opts.updateEvery };
    this.#stats = opts.stats ?? processStats;
  }

  /** Receives the scheduler's per-collector timings (see {@link Collector.useTimings}). */
  useTimings(timings: readonly CollectorTiming[]): void {
    this.#timings = timings;
  }

  collect(host: Host, deltaUs: number): void {
    const cpu = this.#stats.cpuUsageUs();
    this.#cpu ??= defineChart(host, this.#origin, {
      id: "netdata.server_cpu",
      title: "Netdata CPU usage",
      units: "milliseconds/s",
      family: "netdata",
      context: "netdata.server_cpu",
      chartType: "stacked",
      priority: 130000,
    }, [["user", null, "incremental", 1, 1000], ["system", null, "incremental", 1, 1000]]);
    put(this.#cpu, deltaUs, cpu.user, cpu.system);

    // Like Netdata: seconds since the statistics were first collected.
    const nowSec = Math.floor(host.nowUs() / 1_000_000);
    if (this.#startSec < 0) this.#startSec = nowSec;
    this.#uptime ??= defineChart(host, this.#origin, {
      id: "netdata.uptime",
      title: "Netdata uptime",
      units: "seconds",
      family: "netdata",
      context: "netdata.uptime",
      chartType: "line",
      priority: 130100,
    }, [["uptime", null, "absolute", 1, 1]]);
    put(this.#uptime, deltaUs, nowSec - this.#startSec);

    const mem = this.#stats.memory();
    this.#memory ??= defineChart(host, this.#origin, {
      id: "netdata.memory",
      title: "Netdata Memory",
      units: "bytes",
      family: "netdata",
      context: "netdata.memory",
      chartType: "line",
      priority: 130050,
    }, [
      ["rss", null, "absolute", 1, 1],
      ["heap_used", null, "absolute", 1, 1],
      ["heap_total", null, "absolute", 1, 1],
      ["external", null, "absolute", 1, 1],
    ]);
    const m = this.#memory;
    m.chart.begin(deltaUs);
    m.chart.set(m.dims[0], mem.rss);
    m.chart.set(m.dims[1], mem.heapUsed);
    m.chart.set(m.dims[2], mem.heapTotal);
    m.chart.set(m.dims[3], mem.external);
    m.chart.end();

    if (this.#timings.length > 0) this.#collectTimings(host, deltaUs);
  }

  close(): void {}

  #collectTimings(host: Host, deltaUs: number): void {
    if (this.#proc === null) {
      const proc = this.#timings.filter((t) => PROC_JOBS[t.name] !== undefined)
        .sort((a, b) => JOB_ORDER.indexOf(a.name) - JOB_ORDER.indexOf(b.name));
      const netdev = this.#timings.filter((t) => t.name === NETDEV_JOB);
      if (proc.length > 0) {
        const g = defineChart(
          host,
          this.#origin,
          workersSpec("proc", "workers plugin proc"),
          proc.map((t) =>
            [
              PROC_JOBS[t.name],
              null,
              "absolute",
              1,
              1000,
            ] as const
          ),
        );
        this.#proc = g.chart;
        this.#procDims = proc.map((timing, i) => ({ timing, dim: g.dims[i] }));
      }
      if (netdev.length > 0) {
        const g = defineChart(host, this.#origin, workersSpec("netdev", "workers plugin proc netdev"), [
          ["netdev", null, "absolute", 1, 1000],
        ]);
        this.#netdev = g.chart;
        this.#netdevDims = [{ timing: netdev[0], dim: g.dims[0] }];
      }
    }
    putTimings(this.#proc, this.#procDims, deltaUs);
    putTimings(this.#netdev, this.#netdevDims, deltaUs);
  }
}

function workersSpec(worker: string, family: string) {
  return {
    id: `netdata.workers_busy_time_by_type_${worker}`,
    title: "Netdata Workers Busy Time by Type",
    units: "ms",
    family,
    context: `netdata.workers.${worker}.time_by_type`,
    chartType: "stacked" as const,
    priority: 1000003,
  };
}

function putTimings(chart: Chart | null, dims: JobDim[], deltaUs: number): void {
  if (chart === null) return;
  chart.begin(deltaUs);
  for (let i = 0; i < dims.length; i++) chart.set(dims[i].dim, Math.round(dims[i].timing.busyUs));
  chart.end();
}

function put(g: Group, deltaUs: number, a: number, b?: number): void {
  const c = g.chart, dims = g.dims;
  c.begin(deltaUs);
  c.set(dims[0], a);
  if (dims.length > 1) c.set(dims[1], b!);
  c.end();
}
