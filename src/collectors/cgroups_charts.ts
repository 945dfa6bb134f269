/**
 * The per-container charts of the cgroups collector (`cgroup_<name>.cpu`, `.mem_usage`, `.io`,
 * pressure, ...), with the `$cpu_limit`, `$memory_limit` and `$memory_and_swap_limit` variables.
 * Kept apart from discovery and reading: this is Netdata 1.37.1's chart table for one cgroup.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { defineChart, type DimSpec, type Origin, YES } from "./_helper.ts";
import {
  type Cgroup,
  type ChartDims,
  M_ANON,
  M_DIRTY,
  M_PGFAULT,
  M_PGMAJFAULT,
  M_WRITEBACK,
  MIB,
  type Pressure,
  PRESSURES,
  U64_MAX,
} from "./cgroups_cgroup.ts";
import type { CgroupReader } from "./cgroups_read.ts";

/** NETDATA_CHART_PRIO_CGROUPS_CONTAINERS. */
const PRIO = 40000;

/** Netdata 1.37.1's page size for the pgfaults charts is sysconf(_SC_PAGESIZE); 4 KiB on x86_64 and a Pi. */
const PAGE = 4096;

/** Charts container cgroups; limit files are read through the collector's reader. */
export class CgroupCharts {
  readonly #origin: Origin;
  readonly #reader: CgroupReader;
  readonly #cpus: number;
  readonly #ramTotal: number;
  readonly #updateEvery: number;

  /** `cpus` and `ramTotal` (bytes, 0 for unknown) bound the limit charts. */
  constructor(
    origin: Origin,
    reader: CgroupReader,
    opts: { cpus: number; ramTotal: number; updateEvery: number },
  ) {
    this.#origin = origin;
    this.#reader = reader;
    this.#cpus = opts.cpus;
    this.#ramTotal = opts.ramTotal;
    this.#updateEvery = opts.updateEvery;
  }

  #define(
    host: Host,
    cg: Cgroup,
    id: string,
    title: string,
    units: string,
    family: string,
    context: string,
    chartType: "line" | "area" | "stacked",
    prio: number,
    dims: readonly DimSpec[],
  ): ChartDims {
    const { chart, dims: d } = defineChart(host, this.#origin, {
      id: `${cg.type}.${id}`,
      title,
      units,
      family,
      context: `cgroup.${context}`,
      chartType,
      priority: PRIO + prio,
    }, dims);
    return { chart, dims: d };
  }

  /** Defines (once) and updates the charts of one container cgroup. */
  chart(host: Host, cg: Cgroup, deltaUs: number): void {
    if (cg.cpuUpdated && cg.cpuOn === YES) {
      cg.cpu ??= this.#define(
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
          ["user", null, "incremental", 100, 1000000],
          ["system", null, "incremental", 100, 1000000],
        ],
      );
      put2(cg.cpu, deltaUs, cg.user, cg.system);
      if (cg.cpuMax !== null) this.#cpuLimit(host, cg, deltaUs);
    }
    if (cg.cpuUpdated && cg.throttlingOn === YES) {
      // Netdata makes these two on their first round and fills them from the second.
      if (cg.throttled === null) {
        cg.throttled = this.#define(
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
        cg.throttledDuration = this.#define(
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
    if (cg.memStatUpdated && cg.memStatOn === YES) {
      const m = cg.mem;
      if (cg.memChart === null) {
        cg.memChart = this.#define(host, cg, "mem", "Memory Usage", "MiB", "mem", "mem", "stacked", 220, [
          ["anon", null, "absolute", 1, MIB],
          ["kernel_stack", null, "absolute", 1, MIB],
          ["slab", null, "absolute", 1, MIB],
          ["sock", null, "absolute", 1, MIB],
          ["anon_thp", null, "absolute", 1, MIB],
          ["file", null, "absolute", 1, MIB],
        ]);
      }
      const c = cg.memChart;
      c.chart.begin(deltaUs);
      for (let i = 0; i < 6; i++) c.chart.set(c.dims[i], m[M_ANON + i]);
      c.chart.end();
      if (cg.writeback === null) {
        const dims: DimSpec[] = cg.hasDirty ? [["dirty", null, "absolute", 1, MIB]] : [];
        dims.push(["writeback", null, "absolute", 1, MIB]);
        cg.writeback = this.#define(
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
      if (w.dims.length === 2) w.chart.set(w.dims[0], m[M_DIRTY]);
      w.chart.set(w.dims[w.dims.length - 1], m[M_WRITEBACK]);
      w.chart.end();
      cg.pgfaults ??= this.#define(
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
      put2(cg.pgfaults, deltaUs, m[M_PGFAULT], m[M_PGMAJFAULT]);
    }
    if (cg.usageUpdated && cg.usageOn === YES) {
      cg.memUsage ??= this.#define(
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
    if (cg.ioUpdated && cg.ioBytesOn === YES) {
      cg.io ??= this.#define(
        host,
        cg,
        "io",
        "I/O Bandwidth (all disks)",
        "KiB/s",
        "disk",
        "io",
        "area",
        1200,
        [
          ["read", null, "incremental", 1, 1024],
          ["write", null, "incremental", -1, 1024],
        ],
      );
      put2(cg.io, deltaUs, cg.readBytes, cg.writeBytes);
    }
    if (cg.ioUpdated && cg.ioOpsOn === YES) {
      cg.servicedOps ??= this.#define(
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
    // Netdata charts pressure in the order cpu, memory, io.
    for (let k = 0; k < PRESSURES.length; k++) {
      for (const p of cg.pressures) if (p.kind === k) this.#pressure(host, cg, p, deltaUs);
    }
  }

  /** update_cpu_limits2() and the cpu_limit chart, `$cpu_limit` on `.cpu`. */
  #cpuLimit(host: Host, cg: Cgroup, deltaUs: number): void {
    const f = cg.cpuMax!;
    const n = this.#reader.readFile(f);
    if (n < 0) {
      cg.cpuMax = null; // Netdata stops updating the limit
      f.close();
      return;
    }
    const s = this.#reader.scan;
    s.reset(f.bytes, n);
    s.word();
    const isMax = s.we - s.ws === 3 && s.buf[s.ws] === 109 && s.buf[s.ws + 1] === 97 &&
      s.buf[s.ws + 2] === 120;
    const quotaRaw = isMax ? 0 : s.wordUint();
    const period = s.uint();
    const cpus = this.#cpus;
    const quotaUs = isMax ? period * cpus : quotaRaw;
    if (!cg.cpuLimitVar) {
      cg.cpuLimitVar = true; // Netdata creates the variable on the first round and sets it from the second
      return;
    }
    const quota = quotaUs > 0 ? quotaUs / period : 0;
    const value = quota > 0 && quota < cpus ? quota * 100 : cpus * 100;
    const usage = (cg.user + cg.system) * 100;
    if (value) {
      if (cg.cpuLimit === null) {
        cg.cpuLimit = this.#define(
          host,
          cg,
          "cpu_limit",
          "CPU Usage within the limits",
          "percentage",
          "cpu",
          "cpu_limit",
          "line",
          -1,
          [["used", null, "absolute", 1, 1000000]],
        );
        cg.prevCpuUsage = usage;
      }
      const used = 100 * (usage - cg.prevCpuUsage) / (value * this.#updateEvery);
      put1(cg.cpuLimit, deltaUs, used > 0 ? Math.trunc(used) : 0);
      cg.prevCpuUsage = usage;
      cg.cpu!.chart.variables.set("cpu_limit", value);
    }
  }

  /** update_memory_limits(): `$memory_limit`, `$memory_and_swap_limit`, mem_usage_limit, mem_utilization. */
  #memLimit(host: Host, cg: Cgroup, deltaUs: number): void {
    const vars = cg.memUsage!.chart.variables;
    if (cg.memMax !== null) {
      const limit = this.#reader.readNumber(cg.memMax);
      if (limit < 0) {
        cg.memMax.close();
        cg.memMax = null;
      } else {
        vars.set("memory_limit", mib(limit));
        const ram = this.#ramTotal;
        if (ram > 0) {
          const memoryLimit = limit < ram ? limit : ram;
          cg.memUsageLimit ??= this.#define(
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
          cg.memUtilization ??= this.#define(
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
      if (limit < 0) {
        cg.swapMax.close();
        cg.swapMax = null;
      } else vars.set("memory_and_swap_limit", mib(limit));
    }
  }

  /** cgroup2_read_pressure() and its charts. */
  #pressure(host: Host, cg: Cgroup, p: Pressure, deltaUs: number): void {
    const n = this.#reader.readFile(p.file);
    if (n < 0) return;
    const s = this.#reader.scan;
    s.reset(p.file.bytes, n);
    if (s.done) return;
    // `some avg10=A avg60=B avg300=C total=T` (and a `full` line on newer kernels); Netdata reads
    // the full total from the first line too.
    s.word();
    s.word();
    const s10 = s.decimal();
    s.word();
    const s60 = s.decimal();
    s.word();
    const s300 = s.decimal();
    s.word();
    const total = Math.floor(s.uint() / 1000);
    const hasFull = s.nextLine();
    const r = PRESSURES[p.kind];
    if (p.someOn) {
      p.someShare ??= this.#pressureShare(host, cg, r, "some", 0);
      p.someTime ??= this.#pressureTime(host, cg, r, "some", 20);
      put3(p.someShare, deltaUs, Math.trunc(s10 * 100), Math.trunc(s60 * 100), Math.trunc(s300 * 100));
      put1(p.someTime, deltaUs, total);
    }
    if (p.fullOn && hasFull) {
      s.word();
      s.word();
      const f10 = s.decimal();
      s.word();
      const f60 = s.decimal();
      s.word();
      const f300 = s.decimal();
      p.fullShare ??= this.#pressureShare(host, cg, r, "full", 40);
      p.fullTime ??= this.#pressureTime(host, cg, r, "full", 60);
      put3(p.fullShare, deltaUs, Math.trunc(f10 * 100), Math.trunc(f60 * 100), Math.trunc(f300 * 100));
      put1(p.fullTime, deltaUs, total);
    }
  }

  #pressureShare(host: Host, cg: Cgroup, r: (typeof PRESSURES)[number], kind: string, at: number): ChartDims {
    return this.#define(
      host,
      cg,
      `${r.share}_${kind}_pressure`,
      `${r.title} ${kind} pressure`,
      "percentage",
      r.family,
      `${r.ctx}_${kind}_pressure`,
      "line",
      r.prio + at,
      [
        [`${kind} 10`, null, "absolute", 1, 100],
        [`${kind} 60`, null, "absolute", 1, 100],
        [`${kind} 300`, null, "absolute", 1, 100],
      ],
    );
  }

  #pressureTime(host: Host, cg: Cgroup, r: (typeof PRESSURES)[number], kind: string, at: number): ChartDims {
    return this.#define(
      host,
      cg,
      `${r.time}_${kind}_pressure_stall_time`,
      `${r.title} ${kind} pressure stall time`,
      "ms",
      r.family,
      `${r.ctx}_${kind}_pressure_stall_time`,
      "line",
      r.prio + at,
      [
        ["time", null, "incremental", 1, 1],
      ],
    );
  }
}

/** A limit in whole MiB as Netdata's unsigned division gives it ("max" is 2^64 - 1, not 2^64). */
function mib(bytes: number): number {
  return bytes === U64_MAX ? 17592186044415 : Math.floor(bytes / MIB);
}

function put1(c: ChartDims, deltaUs: number, a: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.end();
}

function put2(c: ChartDims, deltaUs: number, a: number, b: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.set(c.dims[1], b);
  c.chart.end();
}

function put3(c: ChartDims, deltaUs: number, a: number, b: number, d: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.set(c.dims[1], b);
  c.chart.set(c.dims[2], d);
  c.chart.end();
}
