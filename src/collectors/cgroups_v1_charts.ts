/**
 * The container charts only cgroups v1 has, as Netdata 1.37.1 defines them: `.cpu_shares`,
 * `.cpu_per_core` (cpuacct.usage_percpu), `.mem_activity` (pgpgin/pgpgout), `.mem_failcnt`, and the
 * six blkio charts (`.io`, `.serviced_ops`, `.throttle_io`, `.throttle_serviced_ops`, `.queued_ops`,
 * `.merged_ops`).
 * @module
 */

import type { Host } from "../host/mod.ts";
import { type DimSpec, YES } from "./_helper.ts";
import { BLKIO_FILES, type Cgroup, MIB, V_PGPGIN, V_PGPGOUT } from "./cgroups_cgroup.ts";
import { type CgroupDefiner, put1, put2 } from "./cgroups_define.ts";

/** Netdata's page size (see cgroups_charts.ts PAGE). */
const PAGE = 4096;

/** The blkio charts by BLKIO_FILES index: id, title, units, chart type, priority, algorithm, divisor. */
const BLKIO_CHARTS = [
  ["io", "I/O Bandwidth (all disks)", "KiB/s", "area", 1200, "incremental", 1024],
  ["serviced_ops", "Serviced I/O Operations (all disks)", "operations/s", "line", 1200, "incremental", 1],
  ["throttle_io", "Throttle I/O Bandwidth (all disks)", "KiB/s", "area", 1200, "incremental", 1024],
  [
    "throttle_serviced_ops",
    "Throttle Serviced I/O Operations (all disks)",
    "operations/s",
    "line",
    1200,
    "incremental",
    1,
  ],
  ["queued_ops", "Queued I/O Operations (all disks)", "operations", "line", 2000, "absolute", 1],
  // Netdata divides merged operations by 1024 (as bandwidth), so do we.
  ["merged_ops", "Merged I/O Operations (all disks)", "operations/s", "line", 2100, "incremental", 1024],
] as const;

if (BLKIO_CHARTS.length !== BLKIO_FILES.length) throw new Error("BLKIO_CHARTS and BLKIO_FILES differ");

/** Charts the v1-only measures of container cgroups. */
export class V1Charts {
  readonly #d: CgroupDefiner;

  constructor(definer: CgroupDefiner) {
    this.#d = definer;
  }

  /** `.cpu_shares` and `.cpu_per_core`, after the cpu and throttling charts. */
  cpu(host: Host, cg: Cgroup, deltaUs: number): void {
    if (cg.sharesUpdated && cg.sharesOn === YES) {
      // Netdata makes it on its first round and fills it from the second.
      if (cg.sharesChart === null) {
        cg.sharesChart = this.#d.define(
          host,
          cg,
          "cpu_shares",
          "CPU Time Relative Share",
          "shares",
          "cpu",
          "cpu_shares",
          "line",
          20,
          [["shares", null, "absolute", 1, 1]],
        );
      } else put1(cg.sharesChart, deltaUs, cg.shares);
    }
    if (cg.cpuUsageUpdated && cg.cpuUsageOn === YES) {
      const per = cg.perCpu;
      if (cg.cpuPerCore === null) {
        const dims: DimSpec[] = [];
        for (let i = 0; i < per.length; i++) dims.push([`cpu${i}`, null, "incremental", 100, 1000000000]);
        cg.cpuPerCore = this.#d.define(
          host,
          cg,
          "cpu_per_core",
          "CPU Usage (100% = 1 core) Per Core",
          "percentage",
          "cpu",
          "cpu_per_core",
          "stacked",
          100,
          dims,
        );
      }
      const c = cg.cpuPerCore;
      c.chart.begin(deltaUs);
      const n = Math.min(per.length, c.dims.length);
      for (let i = 0; i < n; i++) c.chart.set(c.dims[i], per[i]);
      c.chart.end();
    }
  }

  /** `.mem_activity`, between `.writeback` and `.pgfaults`. */
  memActivity(host: Host, cg: Cgroup, deltaUs: number): void {
    cg.memActivity ??= this.#d.define(
      host,
      cg,
      "mem_activity",
      "Memory Activity",
      "MiB/s",
      "mem",
      "mem_activity",
      "line",
      400,
      [
        ["pgpgin", "in", "incremental", PAGE, MIB],
        ["pgpgout", "out", "incremental", -PAGE, MIB],
      ],
    );
    put2(cg.memActivity, deltaUs, cg.mem[V_PGPGIN], cg.mem[V_PGPGOUT]);
  }

  /** `.mem_failcnt` and the blkio charts, after `.mem_usage`. */
  failcntAndBlkio(host: Host, cg: Cgroup, deltaUs: number): void {
    if (cg.failcntUpdated && cg.failcntOn === YES) {
      cg.failcntChart ??= this.#d.define(
        host,
        cg,
        "mem_failcnt",
        "Memory Limit Failures",
        "count",
        "mem",
        "mem_failcnt",
        "line",
        250,
        [["failures", null, "incremental", 1, 1]],
      );
      put1(cg.failcntChart, deltaUs, cg.failcnt);
    }
    for (let i = 0; i < BLKIO_CHARTS.length; i++) {
      const io = cg.blkio[i];
      if (!io.updated || io.on !== YES) continue;
      let c = cg.blkioCharts[i];
      if (c === null) {
        const [id, title, units, type, prio, algorithm, div] = BLKIO_CHARTS[i];
        c = this.#d.define(host, cg, id, title, units, "disk", id, type, prio, [
          ["read", null, algorithm, 1, div],
          ["write", null, algorithm, -1, div],
        ]);
        cg.blkioCharts[i] = c;
      }
      put2(c, deltaUs, io.read, io.write);
    }
  }
}
