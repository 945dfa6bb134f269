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
import { KeyTable, ProcFile } from "./proc_file.ts";

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
  file: ProcFile;
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

  cpuStat: ProcFile | null = null;
  cpuMax: ProcFile | null = null;
  memStat: ProcFile | null = null;
  memCurrent: ProcFile | null = null;
  memMax: ProcFile | null = null;
  swapCurrent: ProcFile | null = null;
  swapMax: ProcFile | null = null;
  ioStat: ProcFile | null = null;
  readonly pressures: Pressure[] = [];

  cpuOn = NO;
  throttlingOn = NO;
  cpuUpdated = false;
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
  readonly mem = new Float64Array(MEM_KEYS.keys.length);
  usageOn = NO;
  usageUpdated = false;
  usage = 0;
  swapOn = NO;
  swapUpdated = false;
  swap = 0;

  ioBytesOn = NO;
  ioOpsOn = NO;
  ioDelay = 0;
  ioUpdated = false;
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
  /** Its dimensions on the services.* charts, by chart index (SERVICE_CHARTS). */
  readonly serviceDims: (Dimension | null)[] = [null, null, null, null, null, null, null];

  constructor(id: string) {
    this.id = id;
    this.intermediate = fixId(skipSlash(id));
    this.chartId = chartIdOf(id);
    this.title = fixName(skipSlash(id));
  }
}

/** Opens a cgroup file for re-reading; null when it does not exist. */
export function openFile(path: string): ProcFile | null {
  try {
    return new ProcFile(path, 512);
  } catch {
    return null;
  }
}

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
    ]
  ) {
    f?.close();
  }
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
    ]
  ) if (c !== null) out.push(c.chart);
  for (const p of cg.pressures) {
    for (const c of [p.someShare, p.someTime, p.fullShare, p.fullTime]) if (c !== null) out.push(c.chart);
  }
  return out;
}
