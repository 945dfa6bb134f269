/**
 * The per-tick readers of the cgroups collector: io.stat, cpu.stat, memory.stat, memory.current and
 * memory.swap.current of one cgroup into its {@link Cgroup} record, and the one-number files (limits).
 * Kept apart from discovery and charting: this is the parsing of the cgroup v2 file formats (and
 * which of them a cgroup has, {@link openFilesV2}).
 * @module
 */

import { AUTO, NO, YES } from "./_helper.ts";
import {
  type Cgroup,
  M_DIRTY,
  M_FILE,
  M_INACTIVE,
  MEM_KEYS,
  openFile as open,
  PRESSURES,
  U64_MAX,
} from "./cgroups_cgroup.ts";
import type { CgroupsSwitches } from "./cgroups_config.ts";
import type { CgroupFile } from "./cgroups_file.ts";
import { KeyTable, Scanner } from "./proc_file.ts";

const CPU_KEYS = new KeyTable(["user_usec", "system_usec", "nr_periods", "nr_throttled", "throttled_usec"]);

/** Reads cgroup files with one reused scanner; remembers a failed read as a walk wanted. */
export class CgroupReader {
  /** The scanner every read (here and in the chart code) reuses. */
  readonly scan = new Scanner("=|");
  /** Set when a file failed to read (the cgroup went away): the collector walks at the next tick. */
  walkSoon = false;
  /** "recheck zero blkio every iterations" and "recheck zero detailed memory every iterations". */
  readonly recheckBlkio: number;
  readonly recheckDetailed: number;

  constructor(
    opts: { recheckBlkio: number; recheckDetailed: number } = { recheckBlkio: 10, recheckDetailed: 10 },
  ) {
    this.recheckBlkio = opts.recheckBlkio;
    this.recheckDetailed = opts.recheckDetailed;
  }

  /** Reads `f` whole; -1 (and a walk at the next tick) when the cgroup is gone. */
  readFile(f: CgroupFile): number {
    try {
      return f.read();
    } catch {
      this.walkSoon = true;
      return -1;
    }
  }

  /** Reads the counters of one cgroup into its record; `*Updated` say which reads worked. */
  read(cg: Cgroup): void {
    const s = this.scan;
    if (cg.ioStat !== null && !(cg.ioBytesOn === AUTO && cg.ioOpsOn === AUTO && cg.ioDelay-- > 0)) {
      const n = this.readFile(cg.ioStat);
      cg.ioUpdated = n >= 0;
      if (n >= 0) {
        // `MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...`: words 2, 4, 6 and 8, summed over disks.
        let rb = 0, wb = 0, ro = 0, wo = 0;
        s.reset(cg.ioStat.bytes, n);
        while (!s.done) {
          if (s.word()) {
            s.word();
            rb += s.uint();
            s.word();
            wb += s.uint();
            s.word();
            ro += s.uint();
            s.word();
            wo += s.uint();
          }
          s.nextLine();
        }
        cg.readBytes = rb;
        cg.writeBytes = wb;
        cg.readOps = ro;
        cg.writeOps = wo;
        if (cg.ioBytesOn === AUTO && (rb || wb)) cg.ioBytesOn = YES;
        if (cg.ioOpsOn === AUTO && (ro || wo)) cg.ioOpsOn = YES;
        if (cg.ioBytesOn === AUTO && cg.ioOpsOn === AUTO) cg.ioDelay = this.recheckBlkio;
      }
      cg.ioBytesUpdated = cg.ioOpsUpdated = cg.ioUpdated;
    }
    if (cg.cpuStat !== null) {
      const n = this.readFile(cg.cpuStat);
      cg.cpuUpdated = cg.throttleUpdated = n >= 0;
      if (n >= 0) {
        const lastPeriods = cg.nrPeriods, lastThrottled = cg.nrThrottled;
        s.reset(cg.cpuStat.bytes, n);
        while (!s.done) {
          if (s.word()) {
            const k = CPU_KEYS.find(s.buf, s.ws, s.we);
            if (k >= 0) {
              const v = s.uint();
              if (k === 0) cg.user = v;
              else if (k === 1) cg.system = v;
              else if (k === 2) cg.nrPeriods = v;
              else if (k === 3) cg.nrThrottled = v;
              else cg.throttledNs = v * 1000;
            }
          }
          s.nextLine();
        }
        const dp = cg.nrPeriods >= lastPeriods ? cg.nrPeriods - lastPeriods : 0;
        const dt = cg.nrThrottled >= lastThrottled ? cg.nrThrottled - lastThrottled : 0;
        cg.throttledPerc = dp === 0 ? 0 : Math.trunc(dt / dp * 100);
        if (cg.cpuOn === AUTO && (cg.user || cg.system)) cg.cpuOn = YES;
      }
    }
    if (cg.memStat !== null && !(cg.memStatOn === AUTO && cg.memStatDelay-- > 0)) {
      const n = this.readFile(cg.memStat);
      cg.memStatUpdated = n >= 0;
      if (n >= 0) {
        const m = cg.mem;
        s.reset(cg.memStat.bytes, n);
        while (!s.done) {
          if (s.word()) {
            const k = MEM_KEYS.find(s.buf, s.ws, s.we);
            if (k >= 0) {
              m[k] = s.uint();
              if (k === M_DIRTY) cg.hasDirty = true;
            }
          }
          s.nextLine();
        }
        if (cg.memStatOn === AUTO) {
          // Netdata's test leaves "file" out.
          if (anyBut(m, M_FILE)) cg.memStatOn = YES;
          else cg.memStatDelay = this.recheckDetailed;
        }
      }
    }
    if (cg.memCurrent !== null) {
      const v = this.readNumber(cg.memCurrent);
      cg.usageUpdated = v >= 0;
      if (v >= 0) {
        cg.usage = v;
        if (cg.usageOn === AUTO && v) cg.usageOn = YES;
        if (cg.memStatUpdated) {
          const inactive = cg.mem[M_INACTIVE];
          cg.usage = v > inactive ? v - inactive : 0;
        }
      }
    }
    if (cg.swapCurrent !== null) {
      const v = this.readNumber(cg.swapCurrent);
      cg.swapUpdated = v >= 0;
      if (v >= 0) {
        cg.swap = v;
        if (cg.swapOn === AUTO && v) cg.swapOn = YES;
      }
    }
  }

  /** A file holding one number; "max" is 2^64 - 1; -1 when it cannot be read. */
  readNumber(f: CgroupFile): number {
    const n = this.readFile(f);
    if (n < 0) return -1;
    const b = f.bytes;
    if (n >= 3 && b[0] === 109 && b[1] === 97 && b[2] === 120) return U64_MAX;
    this.scan.reset(b, n);
    return this.scan.uint();
  }
}

function anyBut(m: Float64Array, skip: number): boolean {
  for (let i = 0; i < m.length; i++) if (i !== skip && m[i] !== 0) return true;
  return false;
}

/** Netdata's discovery_update_filenames() for the unified hierarchy under `root`: opens what exists. */
export function openFilesV2(cg: Cgroup, root: string, sw: CgroupsSwitches): void {
  const dir = root + (cg.id === "/" ? "" : cg.id);
  if ((sw.ioBytes !== NO || sw.ioOps !== NO) && cg.ioStat === null) {
    cg.ioStat = open(dir + "/io.stat");
    cg.ioBytesOn = sw.ioBytes;
    cg.ioOpsOn = sw.ioOps;
  }
  if ((sw.cpu !== NO || sw.throttling !== NO) && cg.cpuStat === null) {
    cg.cpuStat = open(dir + "/cpu.stat");
    if (cg.cpuStat !== null) {
      cg.cpuOn = sw.cpu;
      cg.throttlingOn = sw.throttling;
      cg.cpuMax = open(dir + "/cpu.max");
    }
  }
  // memory.stat: containers only (Netdata's "report used memory" is off for v2).
  if (sw.detailed !== NO && !cg.service && cg.memStat === null) {
    cg.memStat = open(dir + "/memory.stat");
    cg.memStatOn = sw.detailed === YES ? YES : AUTO;
  }
  if (sw.memory !== NO && cg.memCurrent === null) {
    cg.memCurrent = open(dir + "/memory.current");
    if (cg.memCurrent !== null) {
      cg.usageOn = sw.memory;
      cg.memMax = open(dir + "/memory.max");
    }
  }
  if (sw.swap !== NO && cg.swapCurrent === null) {
    cg.swapCurrent = open(dir + "/memory.swap.current");
    if (cg.swapCurrent !== null) {
      cg.swapOn = sw.swap;
      cg.swapMax = open(dir + "/memory.swap.max");
    }
  }
  if (cg.service) return; // no pressure charts for services
  for (let k = 0; k < PRESSURES.length; k++) {
    const someSw = sw.pressure[2 * k], fullSw = k === 0 ? someSw : sw.pressure[2 * k + 1];
    if ((someSw === NO && fullSw === NO) || cg.pressures.some((p) => p.kind === k)) continue;
    const file = open(`${dir}/${PRESSURES[k].file}`);
    if (file === null) continue;
    cg.pressures.push({
      file,
      kind: k,
      someOn: someSw !== NO,
      fullOn: fullSw !== NO,
      someShare: null,
      someTime: null,
      fullShare: null,
      fullTime: null,
    });
  }
}
