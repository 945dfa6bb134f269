/**
 * The `services.*` charts of the cgroups collector: one chart per measure, one dimension per systemd
 * service. Kept apart because, unlike the per-container charts, these gather every service cgroup.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { defineChart, type Origin } from "./_helper.ts";
import {
  B_MERGED,
  B_QUEUED,
  B_THROTTLE_BYTES,
  B_THROTTLE_OPS,
  type Cgroup,
  type ChartDims,
  MIB,
  V_CACHE,
  V_MAPPED,
  V_PGFAULT,
  V_PGMAJFAULT,
  V_PGPGIN,
  V_PGPGOUT,
  V_RSS,
  V_WRITEBACK,
} from "./cgroups_cgroup.ts";

/** sysconf(_SC_PAGESIZE) as Netdata 1.37.1 multiplies page counts: 4 KiB on x86_64 and a Pi. */
const PAGE = 4096;

/** NETDATA_CHART_PRIO_CGROUPS_SYSTEMD. */
const PRIO_SYSTEMD = 19000;

/** services.* charts: id, title, units, family, priority, multiplier, divisor, algorithm. */
const SERVICE_CHARTS = [
  [
    "cpu",
    "Systemd Services CPU utilization (100% = 1 core)",
    "percentage",
    "cpu",
    0,
    100,
    1000000,
    "incremental",
  ],
  ["mem_usage", "Systemd Services Used Memory", "MiB", "mem", 10, 1, MIB, "absolute"],
  ["swap_usage", "Systemd Services Swap Memory Used", "MiB", "swap", 100, 1, MIB, "absolute"],
  ["io_read", "Systemd Services Disk Read Bandwidth", "KiB/s", "disk", 120, 1, 1024, "incremental"],
  ["io_write", "Systemd Services Disk Write Bandwidth", "KiB/s", "disk", 130, 1, 1024, "incremental"],
  ["io_ops_read", "Systemd Services Disk Read Operations", "operations/s", "disk", 140, 1, 1, "incremental"],
  [
    "io_ops_write",
    "Systemd Services Disk Write Operations",
    "operations/s",
    "disk",
    150,
    1,
    1,
    "incremental",
  ],
  // cgroups v1 only
  ["mem_failcnt", "Systemd Services Memory Limit Failures", "failures", "mem", 110, 1, 1, "incremental"],
  [
    "throttle_io_read",
    "Systemd Services Throttle Disk Read Bandwidth",
    "KiB/s",
    "disk",
    160,
    1,
    1024,
    "incremental",
  ],
  [
    "throttle_io_write",
    "Systemd Services Throttle Disk Write Bandwidth",
    "KiB/s",
    "disk",
    170,
    1,
    1024,
    "incremental",
  ],
  [
    "throttle_io_ops_read",
    "Systemd Services Throttle Disk Read Operations",
    "operations/s",
    "disk",
    180,
    1,
    1,
    "incremental",
  ],
  [
    "throttle_io_ops_write",
    "Systemd Services Throttle Disk Write Operations",
    "operations/s",
    "disk",
    190,
    1,
    1,
    "incremental",
  ],
  [
    "queued_io_ops_read",
    "Systemd Services Queued Disk Read Operations",
    "operations/s",
    "disk",
    200,
    1,
    1,
    "incremental",
  ],
  [
    "queued_io_ops_write",
    "Systemd Services Queued Disk Write Operations",
    "operations/s",
    "disk",
    210,
    1,
    1,
    "incremental",
  ],
  [
    "merged_io_ops_read",
    "Systemd Services Merged Disk Read Operations",
    "operations/s",
    "disk",
    220,
    1,
    1,
    "incremental",
  ],
  [
    "merged_io_ops_write",
    "Systemd Services Merged Disk Write Operations",
    "operations/s",
    "disk",
    230,
    1,
    1,
    "incremental",
  ],
  // cgroups v1 with "enable systemd services detailed memory": memory.stat's totals
  ["mem_rss", "Systemd Services RSS Memory", "MiB", "mem", 20, 1, MIB, "absolute"],
  ["mem_mapped", "Systemd Services Mapped Memory", "MiB", "mem", 30, 1, MIB, "absolute"],
  ["mem_cache", "Systemd Services Cache Memory", "MiB", "mem", 40, 1, MIB, "absolute"],
  ["mem_writeback", "Systemd Services Writeback Memory", "MiB", "mem", 50, 1, MIB, "absolute"],
  ["mem_pgfault", "Systemd Services Memory Minor Page Faults", "MiB/s", "mem", 60, PAGE, MIB, "incremental"],
  [
    "mem_pgmajfault",
    "Systemd Services Memory Major Page Faults",
    "MiB/s",
    "mem",
    70,
    PAGE,
    MIB,
    "incremental",
  ],
  ["mem_pgpgin", "Systemd Services Memory Charging Activity", "MiB/s", "mem", 80, PAGE, MIB, "incremental"],
  [
    "mem_pgpgout",
    "Systemd Services Memory Uncharging Activity",
    "MiB/s",
    "mem",
    90,
    PAGE,
    MIB,
    "incremental",
  ],
] as const;
/** Indices in SERVICE_CHARTS (and {@link ServiceCharts.counts}). */
export const S_CPU = 0, S_MEM = 1, S_SWAP = 2, S_IO_READ = 3, S_IO_WRITE = 4, S_OPS_READ = 5, S_OPS_WRITE = 6;
/** v1 only: a read chart's index; its write chart follows it. */
export const S_FAILCNT = 7, S_THROTTLE_IO = 8, S_THROTTLE_OPS = 10, S_QUEUED = 12, S_MERGED = 14;
/** v1 only: the first of the eight detailed memory charts (the collector counts services there). */
export const S_MEM_DETAILED = 16;
/** memory.stat (v1) index of each detailed memory chart, in SERVICE_CHARTS order. */
const DETAILED = [V_RSS, V_MAPPED, V_CACHE, V_WRITEBACK, V_PGFAULT, V_PGMAJFAULT, V_PGPGIN, V_PGPGOUT];
/** The blkio record behind each v1 read/write pair. */
const BLKIO_PAIRS = [
  [S_THROTTLE_IO, B_THROTTLE_BYTES],
  [S_THROTTLE_OPS, B_THROTTLE_OPS],
  [S_QUEUED, B_QUEUED],
  [S_MERGED, B_MERGED],
] as const;

/** Charts systemd services. */
export class ServiceCharts {
  /** How many services have each chart on this tick; the collector fills it before {@link chart}. */
  readonly counts = new Int32Array(SERVICE_CHARTS.length);
  readonly #origin: Origin;
  readonly #charts: (ChartDims | null)[] = SERVICE_CHARTS.map(() => null);
  /** The divisor of the CPU dimensions: USER_HZ (v1) or microseconds (v2). */
  readonly #cpuDiv: number;

  constructor(origin: Origin, opts: { cpuDivisor?: number } = {}) {
    this.#origin = origin;
    this.#cpuDiv = opts.cpuDivisor ?? 1000000;
  }

  /** update_systemd_services_charts(): one dimension per service on each services.* chart. */
  chart(host: Host, cgroups: Iterable<Cgroup>, deltaUs: number): void {
    const counts = this.counts;
    // io_write and io_ops_write follow their read charts.
    counts[S_IO_WRITE] = counts[S_IO_READ];
    counts[S_OPS_WRITE] = counts[S_OPS_READ];
    for (const [i] of BLKIO_PAIRS) counts[i + 1] = counts[i];
    for (let i = 1; i < DETAILED.length; i++) counts[S_MEM_DETAILED + i] = counts[S_MEM_DETAILED];
    const charts = this.#charts;
    for (let i = 0; i < SERVICE_CHARTS.length; i++) {
      if (counts[i] === 0) continue;
      if (charts[i] === null) {
        const [id, title, units, family, prio] = SERVICE_CHARTS[i];
        const { chart } = defineChart(host, this.#origin, {
          id: `services.${id}`,
          title,
          units,
          family,
          context: `services.${id}`,
          chartType: "stacked",
          priority: PRIO_SYSTEMD + prio,
        }, []);
        charts[i] = { chart, dims: [] };
      }
      charts[i]!.chart.begin(deltaUs);
    }
    for (const cg of cgroups) {
      if (!cg.service || !cg.enabled || cg.pendingRenames > 0) continue;
      if (counts[S_CPU] && cg.cpuUpdated) this.#set(cg, S_CPU, cg.user + cg.system);
      if (counts[S_MEM] && cg.usageUpdated) this.#set(cg, S_MEM, cg.usage);
      if (counts[S_SWAP] && cg.swapUpdated) this.#set(cg, S_SWAP, cg.swap);
      if (counts[S_FAILCNT] && cg.failcntUpdated) this.#set(cg, S_FAILCNT, cg.failcnt);
      if (counts[S_IO_READ] && cg.ioBytesUpdated) {
        this.#set(cg, S_IO_READ, cg.readBytes);
        this.#set(cg, S_IO_WRITE, cg.writeBytes);
      }
      if (counts[S_OPS_READ] && cg.ioOpsUpdated) {
        this.#set(cg, S_OPS_READ, cg.readOps);
        this.#set(cg, S_OPS_WRITE, cg.writeOps);
      }
      if (counts[S_MEM_DETAILED] && cg.memStatUpdated) {
        for (let i = 0; i < DETAILED.length; i++) this.#set(cg, S_MEM_DETAILED + i, cg.mem[DETAILED[i]]);
      }
      for (const [i, b] of BLKIO_PAIRS) {
        const io = cg.blkio[b];
        if (!counts[i] || !io.updated) continue;
        this.#set(cg, i, io.read);
        this.#set(cg, i + 1, io.write);
      }
    }
    for (let i = 0; i < SERVICE_CHARTS.length; i++) {
      if (counts[i] !== 0) charts[i]!.chart.end();
    }
  }

  #set(cg: Cgroup, i: number, v: number): void {
    const c = this.#charts[i]!.chart;
    let d = cg.serviceDims[i];
    if (d === null) {
      const [, , , , , mul, div, algorithm] = SERVICE_CHARTS[i];
      d = c.defineDimension({
        id: cg.chartId,
        name: cg.title,
        algorithm,
        multiplier: mul,
        divisor: i === S_CPU ? this.#cpuDiv : div,
        hidden: false,
      });
      cg.serviceDims[i] = d;
      c.defined();
    }
    c.set(d, v);
  }
}
