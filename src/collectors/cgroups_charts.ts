/**
 * The per-container charts of the cgroups collector that v1 and v2 share (`cgroup_<name>.cpu`,
 * `.cpu_limit`, `.throttled`, `.mem`, `.writeback`, `.pgfaults`, `.mem_usage`, its limits, v2's
 * `.io` and `.serviced_ops`), with the `$cpu_limit`, `$memory_limit` and `$memory_and_swap_limit`
 * variables; then the v1-only charts (cgroups_v1_charts.ts) and v2's pressure (cgroups_pressure.ts).
 * The differences are Netdata 1.37.1's: v1 counts CPU in USER_HZ ticks, not microseconds, and names
 * other memory.stat fields.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { type Origin, YES } from "./_helper.ts";
import {
  type Cgroup,
  M_ANON,
  M_DIRTY,
  M_PGFAULT,
  M_PGMAJFAULT,
  M_WRITEBACK,
  MIB,
  V_CACHE,
  V_DIRTY,
  V_MAPPED,
  V_PGFAULT,
  V_PGMAJFAULT,
  V_RSS,
  V_RSS_HUGE,
  V_SWAP,
  V_WRITEBACK,
} from "./cgroups_cgroup.ts";
import { CpuLimits } from "./cgroups_cpu_limit.ts";
import { CgroupDefiner, mib, put1, put2 } from "./cgroups_define.ts";
import { PressureCharts } from "./cgroups_pressure.ts";
import type { CgroupReader } from "./cgroups_read.ts";
import { V1Charts } from "./cgroups_v1_charts.ts";

/** Netdata 1.37.1's page size for the pgfaults charts is sysconf(_SC_PAGESIZE); 4 KiB on x86_64 and a Pi. */
export const PAGE = 4096;

/** sysconf(_SC_CLK_TCK): the unit of cpuacct.stat (v1); 100 on Linux. */
export const USER_HZ = 100;

/** Options of {@link CgroupCharts}. */
export interface CgroupChartsOptions {
  /** CPUs of the system, and RAM in bytes (0 for unknown): they bound the limit charts. */
  cpus: number;
  ramTotal: number;
  updateEvery: number;
  /** "containers priority" (default 40000). */
  priority?: number;
  /** Whether the cgroups are v1's (default false: the unified hierarchy). */
  v1?: boolean;
}

/** Charts container cgroups; limit files are read through the collector's reader. */
export class CgroupCharts {
  readonly #d: CgroupDefiner;
  readonly #reader: CgroupReader;
  readonly #ramTotal: number;
  readonly #v1: boolean;
  /** The divisor of CPU counters: USER_HZ ticks (v1) or microseconds (v2). */
  readonly #cpuDiv: number;
  readonly #pressure: PressureCharts;
  readonly #v1Charts: V1Charts;
  readonly #cpuLimits: CpuLimits;

  constructor(origin: Origin, reader: CgroupReader, opts: CgroupChartsOptions) {
    this.#d = new CgroupDefiner(origin, opts.priority);
    this.#reader = reader;
    this.#ramTotal = opts.ramTotal;
    this.#v1 = opts.v1 ?? false;
    this.#cpuDiv = this.#v1 ? USER_HZ : 1000000;
    this.#pressure = new PressureCharts(this.#d, reader);
    this.#v1Charts = new V1Charts(this.#d);
    this.#cpuLimits = new CpuLimits(this.#d, reader, {
      cpus: opts.cpus,
      updateEvery: opts.updateEvery,
      cpuDiv: this.#cpuDiv,
    });
  }

  /** Defines (once) and updates the charts of one container cgroup. */
  chart(host: Host, cg: Cgroup, deltaUs: number): void {
    const d = this.#d;
    if (cg.cpuUpdated && cg.cpuOn === YES) {
      cg.cpu ??= d.define(
        host,
        cg,
        "cpu",
        "CPU Usage (100% = 1 core)",
        "percentage",
        "cpu",
        "cpu",
        "stacked",
        0,
        [
          ["user", null, "incremental", 100, this.#cpuDiv],
          ["system", null, "incremental", 100, this.#cpuDiv],
        ],
      );
      put2(cg.cpu, deltaUs, cg.user, cg.system);
      if (this.#v1) this.#cpuLimits.v1(host, cg, deltaUs);
      else if (cg.cpuMax !== null) this.#cpuLimits.v2(host, cg, deltaUs);
    }
    if (cg.throttleUpdated && cg.throttlingOn === YES) {
      // Netdata makes these two on their first round and fills them from the second.
      if (cg.throttled === null) {
        cg.throttled = d.define(
          host,
          cg,
          "throttled",
          "CPU Throttled Runnable Periods",
          "percentage",
          "cpu",
          "throttled",
          "line",
          10,
          [["throttled", null, "absolute", 1, 1]],
        );
      } else put1(cg.throttled, deltaUs, cg.throttledPerc);
      if (cg.throttledDuration === null) {
        cg.throttledDuration = d.define(
          host,
          cg,
          "throttled_duration",
          "CPU Throttled Time Duration",
          "ms",
          "cpu",
          "throttled_duration",
          "line",
          15,
          [["duration", null, "incremental", 1, 1000000]],
        );
      } else put1(cg.throttledDuration, deltaUs, cg.throttledNs);
    }
    if (this.#v1) this.#v1Charts.cpu(host, cg, deltaUs);
    if (cg.memStatUpdated && cg.memStatOn === YES) this.#memStat(host, cg, deltaUs);
    if (cg.usageUpdated && cg.usageOn === YES) {
      cg.memUsage ??= d.define(
        host,
        cg,
        "mem_usage",
        "Used Memory",
        "MiB",
        "mem",
        "mem_usage",
        "stacked",
        210,
        [
          ["ram", null, "absolute", 1, MIB],
          ["swap", null, "absolute", 1, MIB],
        ],
      );
      put2(cg.memUsage, deltaUs, cg.usage, cg.swap);
      this.#memLimit(host, cg, deltaUs);
    }
    if (this.#v1) {
      this.#v1Charts.failcntAndBlkio(host, cg, deltaUs);
      return;
    }
    if (cg.ioUpdated && cg.ioBytesOn === YES) {
      cg.io ??= d.define(host, cg, "io", "I/O Bandwidth (all disks)", "KiB/s", "disk", "io", "area", 1200, [
        ["read", null, "incremental", 1, 1024],
        ["write", null, "incremental", -1, 1024],
      ]);
      put2(cg.io, deltaUs, cg.readBytes, cg.writeBytes);
    }
    if (cg.ioUpdated && cg.ioOpsOn === YES) {
      cg.servicedOps ??= d.define(
        host,
        cg,
        "serviced_ops",
        "Serviced I/O Operations (all disks)",
        "operations/s",
        "disk",
        "serviced_ops",
        "line",
        1200,
        [
          ["read", null, "incremental", 1, 1],
          ["write", null, "incremental", -1, 1],
        ],
      );
      put2(cg.servicedOps, deltaUs, cg.readOps, cg.writeOps);
    }
    this.#pressure.chart(host, cg, deltaUs);
  }

  /** `.mem`, `.writeback`, (v1) `.mem_activity` and `.pgfaults` from memory.stat. */
  #memStat(host: Host, cg: Cgroup, deltaUs: number): void {
    const d = this.#d, m = cg.mem, v1 = this.#v1;
    if (cg.memChart === null) {
      const dims: [string, null, "absolute", number, number][] = [];
      const ids = v1
        ? ["cache", "rss", ...(cg.hasSwap ? ["swap"] : []), "rss_huge", "mapped_file"]
        : ["anon", "kernel_stack", "slab", "sock", "anon_thp", "file"];
      for (const id of ids) dims.push([id, null, "absolute", 1, MIB]);
      cg.memChart = d.define(host, cg, "mem", "Memory Usage", "MiB", "mem", "mem", "stacked", 220, dims);
    }
    const c = cg.memChart;
    c.chart.begin(deltaUs);
    if (v1) {
      let i = 0;
      c.chart.set(c.dims[i++], m[V_CACHE]);
      c.chart.set(c.dims[i++], m[V_RSS] > m[V_RSS_HUGE] ? m[V_RSS] - m[V_RSS_HUGE] : 0);
      if (c.dims.length === 5) c.chart.set(c.dims[i++], m[V_SWAP]);
      c.chart.set(c.dims[i++], m[V_RSS_HUGE]);
      c.chart.set(c.dims[i++], m[V_MAPPED]);
    } else {
      for (let i = 0; i < 6; i++) c.chart.set(c.dims[i], m[M_ANON + i]);
    }
    c.chart.end();
    if (cg.writeback === null) {
      const dims: [string, null, "absolute", number, number][] = cg.hasDirty
        ? [["dirty", null, "absolute", 1, MIB]]
        : [];
      dims.push(["writeback", null, "absolute", 1, MIB]);
      cg.writeback = d.define(
        host,
        cg,
        "writeback",
        "Writeback Memory",
        "MiB",
        "mem",
        "writeback",
        "area",
        300,
        dims,
      );
    }
    const w = cg.writeback;
    w.chart.begin(deltaUs);
    if (w.dims.length === 2) w.chart.set(w.dims[0], m[v1 ? V_DIRTY : M_DIRTY]);
    w.chart.set(w.dims[w.dims.length - 1], m[v1 ? V_WRITEBACK : M_WRITEBACK]);
    w.chart.end();
    if (v1) this.#v1Charts.memActivity(host, cg, deltaUs);
    cg.pgfaults ??= d.define(
      host,
      cg,
      "pgfaults",
      "Memory Page Faults",
      "MiB/s",
      "mem",
      "pgfaults",
      "line",
      500,
      [
        ["pgfault", null, "incremental", PAGE, MIB],
        ["pgmajfault", "swap", "incremental", -PAGE, MIB],
      ],
    );
    put2(
      cg.pgfaults,
      deltaUs,
      m[v1 ? V_PGFAULT : M_PGFAULT],
      m[v1 ? V_PGMAJFAULT : M_PGMAJFAULT],
    );
  }

  /** update_memory_limits(): `$memory_limit`, `$memory_and_swap_limit`, mem_usage_limit, mem_utilization. */
  #memLimit(host: Host, cg: Cgroup, deltaUs: number): void {
    const vars = cg.memUsage!.chart.variables;
    if (cg.memMax !== null) {
      const limit = this.#reader.readNumber(cg.memMax);
      if (limit < 0) cg.memMax = drop(cg.memMax);
      else {
        vars.set("memory_limit", mib(limit));
        const ram = this.#ramTotal;
        if (ram > 0) {
          const memoryLimit = limit < ram ? limit : ram;
          cg.memUsageLimit ??= this.#d.define(
            host,
            cg,
            "mem_usage_limit",
            "Used RAM within the limits",
            "MiB",
            "mem",
            "mem_usage_limit",
            "stacked",
            200,
            [
              ["available", null, "absolute", 1, MIB],
              ["used", null, "absolute", 1, MIB],
            ],
          );
          put2(cg.memUsageLimit, deltaUs, memoryLimit - cg.usage, cg.usage);
          cg.memUtilization ??= this.#d.define(
            host,
            cg,
            "mem_utilization",
            "Memory Utilization",
            "percentage",
            "mem",
            "mem_utilization",
            "area",
            199,
            [["utilization", null, "absolute", 1, 1]],
          );
          if (memoryLimit) put1(cg.memUtilization, deltaUs, Math.floor(cg.usage * 100 / memoryLimit));
        }
      }
    }
    if (cg.swapMax !== null) {
      const limit = this.#reader.readNumber(cg.swapMax);
      if (limit < 0) cg.swapMax = drop(cg.swapMax);
      else vars.set("memory_and_swap_limit", mib(limit));
    }
  }
}

/** Closes a limit file that failed to read: Netdata stops reading it. */
function drop(f: { close(): void }): null {
  f.close();
  return null;
}
