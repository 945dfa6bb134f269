/**
 * The record of one cgroup directory that the cgroups collector keeps between ticks (its open files,
 * last values, on/off states and charts), with the pressure-file table and the memory.stat keys it
 * is sized by. Kept apart so that the readers, the chart code and the collector share one shape
 * without importing each other.
 * @module
 */

import type { Chart, Dimension } from "../host/mod.ts";
import { NO } from "./_helper.ts";
import { chartIdOf, fixId, fixName, skipSlash } from "./cgroups_naming.ts";
import { CgroupFile } from "./cgroups_file.ts";
import { KeyTable } from "./proc_file.ts";

/** Bytes in a MiB. */
export const MIB = 1048576;

/** "max": UINT64_MAX (2^64 as a double). */
export const U64_MAX = 18446744073709551615;

/** One chart and its dimensions. */
export interface ChartDims {
  chart: Chart;
  dims: Dimension[];
}

/** A pressure file (cpu, memory or io) of one cgroup. */
export interface Pressure {
  file: CgroupFile;
  /** Index in PRESSURES. */
  kind: number;
  someOn: boolean;
  fullOn: boolean;
  someShare: ChartDims | null;
  someTime: ChartDims | null;
  fullShare: ChartDims | null;
  fullTime: ChartDims | null;
}

/** Netdata's pressure charts per cgroup: file, chart id words, family, title word, context word, priority. */
export const PRESSURES = [
  { file: "cpu.pressure", share: "cpu", time: "cpu", family: "cpu", title: "CPU", ctx: "cpu", prio: 2200 },
  {
    file: "memory.pressure",
    share: "mem",
    time: "memory",
    family: "mem",
    title: "Memory",
    ctx: "memory",
    prio: 2300,
  },
  { file: "io.pressure", share: "io", time: "io", family: "disk", title: "I/O", ctx: "io", prio: 2400 },
] as const;

/** The memory.stat keys read, in the order of {@link Cgroup.mem}. */
export const MEM_KEYS = new KeyTable([
  "anon",
  "kernel_stack",
  "slab",
  "sock",
  "anon_thp",
  "file",
  "file_writeback",
  "file_dirty",
  "pgfault",
  "pgmajfault",
  "inactive_file",
]);
/** Indices in {@link MEM_KEYS}. */
export const M_ANON = 0,
  M_FILE = 5,
  M_WRITEBACK = 6,
  M_DIRTY = 7,
  M_PGFAULT = 8,
  M_PGMAJFAULT = 9,
  M_INACTIVE = 10;

/** The cgroups v1 memory.stat keys read (hierarchical totals), in the order of {@link Cgroup.mem}. */
export const MEM_V1_KEYS = new KeyTable([
  "total_cache",
  "total_rss",
  "total_rss_huge",
  "total_mapped_file",
  "total_writeback",
  "total_dirty",
  "total_swap",
  "total_pgpgin",
  "total_pgpgout",
  "total_pgfault",
  "total_pgmajfault",
  "total_inactive_file",
]);
/** Indices in {@link MEM_V1_KEYS}. */
export const V_CACHE = 0,
  V_RSS = 1,
  V_RSS_HUGE = 2,
  V_MAPPED = 3,
  V_WRITEBACK = 4,
  V_DIRTY = 5,
  V_SWAP = 6,
  V_PGPGIN = 7,
  V_PGPGOUT = 8,
  V_PGFAULT = 9,
  V_PGMAJFAULT = 10,
  V_INACTIVE = 11;

/** The cgroups v1 blkio files, in the order of {@link Cgroup.blkio}. */
export const BLKIO_FILES = [
  "blkio.io_service_bytes",
  "blkio.io_serviced",
  "blkio.throttle.io_service_bytes",
  "blkio.throttle.io_serviced",
  "blkio.io_queued",
  "blkio.io_merged",
] as const;
/** Indices in {@link BLKIO_FILES}. */
export const B_BYTES = 0, B_OPS = 1, B_THROTTLE_BYTES = 2, B_THROTTLE_OPS = 3, B_QUEUED = 4, B_MERGED = 5;

/** One cgroups v1 blkio file: `MAJ:MIN Read N` / `MAJ:MIN Write N` lines summed over the disks. */
export class Blkio {
  file: CgroupFile | null = null;
  on = NO;
  delay = 0;
  updated = false;
  read = 0;
  write = 0;
}

/** One cgroup directory. Every field is set here, so all cgroups share one shape. */
export class Cgroup {
  readonly id: string;
  /** Its path as a chart id, before renaming (cgroup-name.sh's second argument). */
  readonly intermediate: string;
  chartId: string;
  title: string;
  service = false;
  enabled = false;
  available = true;
  processed = false;
  firstTime = true;
  pendingRenames = 0;
  dockerId: string | null = null;
  /** The chart type, `cgroup_<chartId>`. */
  type = "";

  cpuStat: CgroupFile | null = null;
  cpuMax: CgroupFile | null = null;
  memStat: CgroupFile | null = null;
  memCurrent: CgroupFile | null = null;
  memMax: CgroupFile | null = null;
  swapCurrent: CgroupFile | null = null;
  swapMax: CgroupFile | null = null;
  ioStat: CgroupFile | null = null;
  readonly pressures: Pressure[] = [];
  /** cgroups v1 only: cpu.stat (throttling), cpuacct.usage_percpu, cpu.shares, the limits, failcnt. */
  throttleStat: CgroupFile | null = null;
  cpuUsage: CgroupFile | null = null;
  cpuShares: CgroupFile | null = null;
  cfsPeriod: CgroupFile | null = null;
  cfsQuota: CgroupFile | null = null;
  cpusetCpus: CgroupFile | null = null;
  memFailcnt: CgroupFile | null = null;
  readonly blkio: Blkio[] = BLKIO_FILES.map(() => new Blkio());

  cpuOn = NO;
  throttlingOn = NO;
  cpuUpdated = false;
  throttleUpdated = false;
  cpuUsageOn = NO;
  cpuUsageUpdated = false;
  /** cpuacct.usage_percpu, ns per CPU (v1). */
  perCpu = new Float64Array(0);
  sharesOn = NO;
  sharesUpdated = false;
  shares = 0;
  /** v1 cpu limits as Netdata keeps them: CPUs in cpuset.cpus, cpu.cfs_period_us, cpu.cfs_quota_us. */
  cpusetCount = 0;
  cfsPeriodUs = 0;
  cfsQuotaUs = 0;
  user = 0;
  system = 0;
  nrPeriods = 0;
  nrThrottled = 0;
  throttledNs = 0;
  throttledPerc = 0;
  /** (user + system) × 100 at the previous cpu_limit round. */
  prevCpuUsage = 0;
  cpuLimitVar = false;

  memStatOn = NO;
  memStatDelay = 0;
  memStatUpdated = false;
  hasDirty = false;
  /** v1: memory.stat has total_swap (a `swap` dimension on `.mem`). */
  hasSwap = false;
  /** memory.stat values by {@link MEM_KEYS} (v2) or {@link MEM_V1_KEYS} (v1). */
  readonly mem = new Float64Array(MEM_V1_KEYS.keys.length);
  usageOn = NO;
  usageUpdated = false;
  usage = 0;
  swapOn = NO;
  swapUpdated = false;
  swap = 0;
  failcntOn = NO;
  failcntUpdated = false;
  failcntDelay = 0;
  failcnt = 0;

  ioBytesOn = NO;
  ioOpsOn = NO;
  ioDelay = 0;
  ioUpdated = false;
  /** Whether the bytes (io_service_bytes) and operations (io_serviced) reads worked this tick. */
  ioBytesUpdated = false;
  ioOpsUpdated = false;
  readBytes = 0;
  writeBytes = 0;
  readOps = 0;
  writeOps = 0;

  cpu: ChartDims | null = null;
  cpuLimit: ChartDims | null = null;
  throttled: ChartDims | null = null;
  throttledDuration: ChartDims | null = null;
  memChart: ChartDims | null = null;
  writeback: ChartDims | null = null;
  pgfaults: ChartDims | null = null;
  memUsage: ChartDims | null = null;
  memUsageLimit: ChartDims | null = null;
  memUtilization: ChartDims | null = null;
  io: ChartDims | null = null;
  servicedOps: ChartDims | null = null;
  cpuPerCore: ChartDims | null = null;
  sharesChart: ChartDims | null = null;
  memActivity: ChartDims | null = null;
  failcntChart: ChartDims | null = null;
  /** v1 blkio charts by {@link BLKIO_FILES} index (`io` and `serviced_ops` are the first two). */
  readonly blkioCharts: (ChartDims | null)[] = BLKIO_FILES.map(() => null);
  /** Its dimensions on the services.* charts, by chart index (SERVICE_CHARTS). */
  readonly serviceDims: (Dimension | null)[] = new Array(24).fill(null);

  constructor(id: string) {
    this.id = id;
    this.intermediate = fixId(skipSlash(id));
    this.chartId = chartIdOf(id);
    this.title = fixName(skipSlash(id));
  }
}

/** Opens a cgroup file for re-reading; null when it does not exist. */
export function openFile(path: string): CgroupFile | null {
  try {
    return new CgroupFile(path);
  } catch {
    return null;
  }
}

/** Closes every file of a cgroup (it went away, or the collector closes). */
export function closeFiles(cg: Cgroup): void {
  for (
    const f of [
      cg.cpuStat,
      cg.cpuMax,
      cg.memStat,
      cg.memCurrent,
      cg.memMax,
      cg.swapCurrent,
      cg.swapMax,
      cg.ioStat,
      cg.throttleStat,
      cg.cpuUsage,
      cg.cpuShares,
      cg.cfsPeriod,
      cg.cfsQuota,
      cg.cpusetCpus,
      cg.memFailcnt,
    ]
  ) {
    f?.close();
  }
  for (const b of cg.blkio) b.file?.close();
  for (const p of cg.pressures) p.file.close();
}

/** Every chart a cgroup has defined. */
export function chartsOf(cg: Cgroup): Chart[] {
  const out: Chart[] = [];
  for (
    const c of [
      cg.cpu,
      cg.cpuLimit,
      cg.throttled,
      cg.throttledDuration,
      cg.memChart,
      cg.writeback,
      cg.pgfaults,
      cg.memUsage,
      cg.memUsageLimit,
      cg.memUtilization,
      cg.io,
      cg.servicedOps,
      cg.cpuPerCore,
      cg.sharesChart,
      cg.memActivity,
      cg.failcntChart,
      ...cg.blkioCharts,
    ]
  ) if (c !== null) out.push(c.chart);
  for (const p of cg.pressures) {
    for (const c of [p.someShare, p.someTime, p.fullShare, p.fullTime]) if (c !== null) out.push(c.chart);
  }
  return out;
}
