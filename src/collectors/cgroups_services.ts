/**
 * The `services.*` charts of the cgroups collector: one chart per measure, one dimension per systemd
 * service. Kept apart because, unlike the per-container charts, these gather every service cgroup.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { defineChart, type Origin } from "./_helper.ts";
import { type Cgroup, type ChartDims, MIB } from "./cgroups_cgroup.ts";

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
] as const;
/** Indices in SERVICE_CHARTS (and {@link ServiceCharts.counts}). */
export const S_CPU = 0, S_MEM = 1, S_SWAP = 2, S_IO_READ = 3, S_IO_WRITE = 4, S_OPS_READ = 5, S_OPS_WRITE = 6;

/** Charts systemd services. */
export class ServiceCharts {
  /** How many services have each chart on this tick; the collector fills it before {@link chart}. */
  readonly counts = new Int32Array(SERVICE_CHARTS.length);
  readonly #origin: Origin;
  readonly #charts: (ChartDims | null)[] = SERVICE_CHARTS.map(() => null);

  constructor(origin: Origin) {
    this.#origin = origin;
  }

  /** update_systemd_services_charts(): one dimension per service on each services.* chart. */
  chart(host: Host, cgroups: Iterable<Cgroup>, deltaUs: number): void {
    const counts = this.counts;
    // io_write and io_ops_write follow their read charts.
    counts[S_IO_WRITE] = counts[S_IO_READ];
    counts[S_OPS_WRITE] = counts[S_OPS_READ];
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
      if (counts[S_IO_READ] && cg.ioUpdated) {
        this.#set(cg, S_IO_READ, cg.readBytes);
        this.#set(cg, S_IO_WRITE, cg.writeBytes);
      }
      if (counts[S_OPS_READ] && cg.ioUpdated) {
        this.#set(cg, S_OPS_READ, cg.readOps);
        this.#set(cg, S_OPS_WRITE, cg.writeOps);
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
        divisor: div,
        hidden: false,
      });
      cg.serviceDims[i] = d;
      c.defined();
    }
    c.set(d, v);
  }
}
