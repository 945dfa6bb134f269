/**
 * cgroups v1: which files a cgroup has in the controllers' hierarchies (Netdata 1.37.1's
 * discovery_update_filenames() for v1; where the hierarchies are is cgroups_config.ts's) and the
 * per-tick readers of cpuacct.stat, cpuacct.usage_percpu,
 * cpu.stat, cpu.shares, memory.stat, memory.usage_in_bytes, memory.memsw.usage_in_bytes,
 * memory.failcnt and the blkio files. Kept apart from the v2 readers (cgroups_read.ts): the formats
 * differ, the record ({@link Cgroup}) and the charts are shared.
 * @module
 */

import { AUTO, NO, YES } from "./_helper.ts";
import {
  B_BYTES,
  B_OPS,
  type Blkio,
  BLKIO_FILES,
  type Cgroup,
  MEM_V1_KEYS,
  openFile as open,
  V_INACTIVE,
  V_SWAP,
} from "./cgroups_cgroup.ts";
import type { CgroupsSettings, CgroupsSwitches, V1Paths } from "./cgroups_config.ts";
import type { CgroupReader } from "./cgroups_read.ts";
import { KeyTable } from "./proc_file.ts";

/** Opens the v1 files of one cgroup that exist and are switched on (once each, as Netdata). */
export function openFilesV1(cg: Cgroup, b: V1Paths, sw: CgroupsSwitches): void {
  const id = cg.id === "/" ? "" : cg.id;
  const cpu = b.cpuacct + id, mem = b.memory + id, blk = b.blkio + id;
  if (sw.cpu !== NO && cg.cpuStat === null) {
    cg.cpuStat = open(cpu + "/cpuacct.stat");
    if (cg.cpuStat !== null) {
      cg.cpuOn = sw.cpu;
      // Netdata reads the limits from the cpuacct hierarchy (and cpuset's); a file that fails to
      // read is dropped at its first read.
      cg.cpusetCpus = open(b.cpuset + id + "/cpuset.cpus");
      cg.cfsPeriod = open(cpu + "/cpu.cfs_period_us");
      cg.cfsQuota = open(cpu + "/cpu.cfs_quota_us");
    }
  }
  if (sw.cpuPerCore !== NO && !cg.service && cg.cpuUsage === null) {
    cg.cpuUsage = open(cpu + "/cpuacct.usage_percpu");
    if (cg.cpuUsage !== null) cg.cpuUsageOn = sw.cpuPerCore;
  }
  if (sw.throttling !== NO && !cg.service && cg.throttleStat === null) {
    cg.throttleStat = open(cpu + "/cpu.stat");
    if (cg.throttleStat !== null) cg.throttlingOn = sw.throttling;
  }
  if (sw.shares !== NO && !cg.service && cg.cpuShares === null) {
    cg.cpuShares = open(cpu + "/cpu.shares");
    if (cg.cpuShares !== null) cg.sharesOn = sw.shares;
  }
  if (
    (sw.detailed !== NO || sw.usedMemory) && (sw.usedMemory || sw.servicesDetailed || !cg.service) &&
    cg.memStat === null
  ) {
    cg.memStat = open(mem + "/memory.stat");
    if (cg.memStat !== null) cg.memStatOn = sw.detailed === YES ? YES : AUTO;
  }
  if (sw.memory !== NO && cg.memCurrent === null) {
    cg.memCurrent = open(mem + "/memory.usage_in_bytes");
    if (cg.memCurrent !== null) {
      cg.usageOn = sw.memory;
      cg.memMax = open(mem + "/memory.limit_in_bytes");
    }
  }
  if (sw.swap !== NO && cg.swapCurrent === null) {
    cg.swapCurrent = open(mem + "/memory.memsw.usage_in_bytes");
    if (cg.swapCurrent !== null) {
      cg.swapOn = sw.swap;
      cg.swapMax = open(mem + "/memory.memsw.limit_in_bytes");
    }
  }
  if (sw.failcnt !== NO && cg.memFailcnt === null) {
    cg.memFailcnt = open(mem + "/memory.failcnt");
    if (cg.memFailcnt !== null) cg.failcntOn = sw.failcnt;
  }
  const blkioSw = [sw.ioBytes, sw.ioOps, sw.throttleBytes, sw.throttleOps, sw.queued, sw.merged];
  for (let i = 0; i < BLKIO_FILES.length; i++) {
    const io = cg.blkio[i];
    if (blkioSw[i] === NO || io.file !== null) continue;
    // The hierarchical `_recursive` file when the kernel has it, else the cgroup's own.
    io.file = open(`${blk}/${BLKIO_FILES[i]}_recursive`) ?? open(`${blk}/${BLKIO_FILES[i]}`);
    if (io.file !== null) io.on = blkioSw[i];
  }
}

const THROTTLE_KEYS = new KeyTable(["nr_periods", "nr_throttled", "throttled_time"]);
const CPUACCT_KEYS = new KeyTable(["user", "system"]);
const READ = new KeyTable(["Read", "Write"]);

/** Reads the v1 counters of one cgroup into its record, as Netdata's read_cgroup() for v1. */
export function readV1(cg: Cgroup, r: CgroupReader, set: CgroupsSettings): void {
  const s = r.scan;
  if (cg.cpuStat !== null) {
    const n = r.readFile(cg.cpuStat);
    cg.cpuUpdated = n >= 0;
    if (n >= 0) {
      s.reset(cg.cpuStat.bytes, n);
      while (!s.done) {
        if (s.word()) {
          const k = CPUACCT_KEYS.find(s.buf, s.ws, s.we);
          if (k === 0) cg.user = s.uint();
          else if (k === 1) cg.system = s.uint();
        }
        s.nextLine();
      }
      if (cg.cpuOn === AUTO && (cg.user || cg.system)) cg.cpuOn = YES;
    }
  }
  if (cg.cpuUsage !== null) readPerCpu(cg, r);
  if (cg.throttleStat !== null) {
    const n = r.readFile(cg.throttleStat);
    cg.throttleUpdated = n >= 0;
    if (n >= 0) {
      const lastPeriods = cg.nrPeriods, lastThrottled = cg.nrThrottled;
      s.reset(cg.throttleStat.bytes, n);
      while (!s.done) {
        if (s.word()) {
          const k = THROTTLE_KEYS.find(s.buf, s.ws, s.we);
          if (k === 0) cg.nrPeriods = s.uint();
          else if (k === 1) cg.nrThrottled = s.uint();
          else if (k === 2) cg.throttledNs = s.uint();
        }
        s.nextLine();
      }
      const dp = cg.nrPeriods >= lastPeriods ? cg.nrPeriods - lastPeriods : 0;
      const dt = cg.nrThrottled >= lastThrottled ? cg.nrThrottled - lastThrottled : 0;
      cg.throttledPerc = dp === 0 ? 0 : Math.trunc(dt / dp * 100);
      if (cg.throttlingOn === AUTO && (cg.nrPeriods || cg.nrThrottled || cg.throttledNs)) {
        cg.throttlingOn = YES;
      }
    }
  }
  if (cg.cpuShares !== null) {
    const v = r.readNumber(cg.cpuShares);
    cg.sharesUpdated = v >= 0;
    if (v >= 0) {
      cg.shares = v;
      if (cg.sharesOn === AUTO && v) cg.sharesOn = YES;
    }
  }
  readMemory(cg, r, set);
  for (let i = 0; i < cg.blkio.length; i++) {
    const io = cg.blkio[i];
    if (io.file !== null) readBlkio(io, r, set.recheckBlkio);
  }
  // What the services.* charts and the shared io charts read.
  const bytes = cg.blkio[B_BYTES], ops = cg.blkio[B_OPS];
  cg.ioBytesOn = bytes.on;
  cg.ioOpsOn = ops.on;
  cg.ioBytesUpdated = bytes.updated;
  cg.ioOpsUpdated = ops.updated;
  cg.readBytes = bytes.read;
  cg.writeBytes = bytes.write;
  cg.readOps = ops.read;
  cg.writeOps = ops.write;
}

/** cpuacct.usage_percpu: one line of nanoseconds per CPU (a trailing empty word is not a CPU). */
function readPerCpu(cg: Cgroup, r: CgroupReader): void {
  const f = cg.cpuUsage!;
  const n = r.readFile(f);
  cg.cpuUsageUpdated = n > 0;
  if (n <= 0) return;
  const s = r.scan;
  s.reset(f.bytes, n);
  const cpus = s.wordsLeft();
  if (cpus === 0) {
    cg.cpuUsageUpdated = false;
    return;
  }
  if (cpus !== cg.perCpu.length) cg.perCpu = new Float64Array(cpus);
  let total = 0;
  for (let i = 0; i < cpus; i++) total += cg.perCpu[i] = s.uint();
  if (cg.cpuUsageOn === AUTO && total) cg.cpuUsageOn = YES;
}

/** Netdata's cgroup_read_memory() for v1. */
function readMemory(cg: Cgroup, r: CgroupReader, set: CgroupsSettings): void {
  const s = r.scan;
  if (cg.memStat !== null) {
    if (cg.memStatOn === AUTO && cg.memStatDelay > 0) cg.memStatDelay--;
    else {
      const n = r.readFile(cg.memStat);
      cg.memStatUpdated = n >= 0;
      if (n >= 0) {
        const m = cg.mem;
        s.reset(cg.memStat.bytes, n);
        while (!s.done) {
          if (s.word()) {
            const k = MEM_V1_KEYS.find(s.buf, s.ws, s.we);
            if (k >= 0) {
              m[k] = s.uint();
              if (k === V_SWAP) cg.hasSwap = true;
              else if (k === 5) cg.hasDirty = true;
            }
          }
          s.nextLine();
        }
        if (cg.memStatOn === AUTO) {
          let any = false;
          for (let i = 0; i < MEM_V1_KEYS.keys.length; i++) if (m[i] !== 0) any = true;
          if (any) cg.memStatOn = YES;
          else cg.memStatDelay = set.recheckDetailed;
        }
      }
    }
  }
  const inactive = cg.mem[V_INACTIVE];
  if (cg.memCurrent !== null) {
    const v = r.readNumber(cg.memCurrent);
    cg.usageUpdated = v >= 0;
    if (v >= 0) {
      if (cg.usageOn === AUTO && v) cg.usageOn = YES;
      cg.usage = cg.memStatUpdated ? (v > inactive ? v - inactive : 0) : v;
    }
  }
  if (cg.swapCurrent !== null) {
    const v = r.readNumber(cg.swapCurrent);
    cg.swapUpdated = v >= 0;
    if (v >= 0) {
      if (cg.swapOn === AUTO && v) cg.swapOn = YES;
      // memsw counts memory and swap: the swap part is what exceeds the memory usage.
      const used = cg.usage + inactive;
      cg.swap = v > used ? v - used : 0;
    }
  }
  if (cg.memFailcnt !== null) {
    if (cg.failcntOn === AUTO && cg.failcntDelay > 0) {
      cg.failcntUpdated = false;
      cg.failcntDelay--;
    } else {
      const v = r.readNumber(cg.memFailcnt);
      cg.failcntUpdated = v >= 0;
      if (v >= 0) {
        cg.failcnt = v;
        if (cg.failcntOn === AUTO) {
          if (v) cg.failcntOn = YES;
          else cg.failcntDelay = set.recheckFailcnt;
        }
      }
    }
  }
}

/** Netdata's cgroup_read_blkio(): sums `Read` and `Write` lines; a zero file is re-read every N ticks. */
function readBlkio(io: Blkio, r: CgroupReader, recheck: number): void {
  if (io.on === AUTO && io.delay > 0) {
    io.delay--;
    return;
  }
  const n = r.readFile(io.file!);
  if (n < 0) {
    io.updated = false;
    return;
  }
  const s = r.scan;
  s.reset(io.file!.bytes, n);
  let rd = 0, wr = 0;
  while (!s.done) {
    if (s.word() && s.word()) {
      const k = READ.find(s.buf, s.ws, s.we);
      if (k === 0) rd += s.uint();
      else if (k === 1) wr += s.uint();
    }
    s.nextLine();
  }
  io.read = rd;
  io.write = wr;
  io.updated = true;
  if (io.on === AUTO) {
    if (rd || wr) io.on = YES;
    else io.delay = recheck;
  }
}
