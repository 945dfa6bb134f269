/**
 * The CPU limit of a container cgroup as Netdata 1.37.1 works it out: from cpuset.cpus and
 * cpu.cfs_quota_us / cpu.cfs_period_us (v1) or cpu.max (v2), read every tick; the `.cpu_limit`
 * chart and the `$cpu_limit` variable on `.cpu`. Kept apart from the other container charts.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { obsoleteChart } from "./_helper.ts";
import type { Cgroup } from "./cgroups_cgroup.ts";
import { type CgroupDefiner, put1 } from "./cgroups_define.ts";
import type { CgroupReader } from "./cgroups_read.ts";

/** Works out CPU limits and charts them. */
export class CpuLimits {
  readonly #d: CgroupDefiner;
  readonly #reader: CgroupReader;
  readonly #cpus: number;
  readonly #updateEvery: number;
  readonly #cpuDiv: number;

  /** `cpus`: the system's; `cpuDiv`: the divisor of the CPU counters (USER_HZ or microseconds). */
  constructor(
    definer: CgroupDefiner,
    reader: CgroupReader,
    opts: { cpus: number; updateEvery: number; cpuDiv: number },
  ) {
    this.#d = definer;
    this.#reader = reader;
    this.#cpus = opts.cpus;
    this.#updateEvery = opts.updateEvery;
    this.#cpuDiv = opts.cpuDiv;
  }

  /** update_cpu_limits() for v1: cpuset.cpus, cpu.cfs_period_us and cpu.cfs_quota_us, every tick. */
  v1(host: Host, cg: Cgroup, deltaUs: number): void {
    const r = this.#reader;
    if (cg.cpusetCpus !== null) {
      const n = r.readFile(cg.cpusetCpus);
      if (n < 0) cg.cpusetCpus = drop(cg.cpusetCpus);
      else {
        const count = cpusetCount(cg.cpusetCpus.bytes, n);
        if (count) cg.cpusetCount = count;
      }
    }
    if (cg.cfsPeriod !== null) {
      const v = r.readNumber(cg.cfsPeriod);
      if (v < 0) cg.cfsPeriod = drop(cg.cfsPeriod);
      else cg.cfsPeriodUs = v;
    }
    if (cg.cfsQuota !== null) {
      const v = r.readNumber(cg.cfsQuota);
      if (v < 0) cg.cfsQuota = drop(cg.cfsQuota);
      else cg.cfsQuotaUs = v; // "-1" (no quota) reads as 0, as Netdata's str2ull()
    }
    if (cg.cpusetCpus === null && cg.cfsPeriod === null && cg.cfsQuota === null) return;
    if (!cg.cpuLimitVar) {
      cg.cpuLimitVar = true; // Netdata creates the variable on the first round and sets it from the second
      return;
    }
    let value = 0;
    if (cg.cpusetCpus !== null || (cg.cfsPeriod !== null && cg.cfsQuota !== null)) {
      const quota = cg.cfsQuotaUs > 0 ? cg.cfsQuotaUs / cg.cfsPeriodUs : 0;
      value = quota > 0 && quota < cg.cpusetCount ? quota * 100 : cg.cpusetCount * 100;
    }
    this.#chart(host, cg, deltaUs, value);
  }

  /** update_cpu_limits2() for v2: cpu.max. */
  v2(host: Host, cg: Cgroup, deltaUs: number): void {
    const f = cg.cpuMax!;
    const n = this.#reader.readFile(f);
    if (n < 0) {
      cg.cpuMax = drop(f); // Netdata stops updating the limit
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
      cg.cpuLimitVar = true;
      return;
    }
    const quota = quotaUs > 0 ? quotaUs / period : 0;
    this.#chart(host, cg, deltaUs, quota > 0 && quota < cpus ? quota * 100 : cpus * 100);
  }

  /** The cpu_limit chart and `$cpu_limit` for a limit of `value` % (0: none, the variable is NaN). */
  #chart(host: Host, cg: Cgroup, deltaUs: number, value: number): void {
    const vars = cg.cpu!.chart.variables;
    if (!value) {
      // No limit (any more): the chart goes, the variable stays as NaN, as Netdata's.
      if (cg.cpuLimit !== null) {
        obsoleteChart(cg.cpuLimit.chart);
        cg.cpuLimit = null;
      }
      vars.set("cpu_limit", NaN);
      return;
    }
    const usage = (cg.user + cg.system) * 100;
    if (cg.cpuLimit === null) {
      cg.cpuLimit = this.#d.define(
        host,
        cg,
        "cpu_limit",
        "CPU Usage within the limits",
        "percentage",
        "cpu",
        "cpu_limit",
        "line",
        -1,
        [["used", null, "absolute", 1, this.#cpuDiv]],
      );
      cg.prevCpuUsage = usage;
    }
    const used = 100 * (usage - cg.prevCpuUsage) / (value * this.#updateEvery);
    put1(cg.cpuLimit, deltaUs, used > 0 ? Math.trunc(used) : 0);
    cg.prevCpuUsage = usage;
    vars.set("cpu_limit", value);
  }
}

/** Closes a limit file that failed to read: Netdata stops reading it. */
function drop(f: { close(): void }): null {
  f.close();
  return null;
}

/**
 * The number of CPUs in a cpuset list such as `0-3,6` counted Netdata's way: `a-b` counts
 * b - a + 1, and an empty list (just its newline) counts 1.
 */
export function cpusetCount(b: Uint8Array, n: number): number {
  let count = 0, p = 0;
  const num = () => {
    let v = 0;
    while (p < n && b[p] >= 48 && b[p] <= 57) v = v * 10 + b[p++] - 48;
    return v;
  };
  while (p < n) {
    const first = num();
    count++;
    if (b[p] === 44) { // ","
      p++;
      continue;
    }
    if (b[p] === 45) { // "-"
      p++;
      count += num() - first;
    }
    p++;
  }
  return count;
}
