/**
 * Linux collectors producing Netdata 1.37.1's charts (same ids, names, titles, units, families,
 * contexts, types, priorities, dimensions and `_collect_plugin` / `_collect_module` labels), and
 * the scheduler that runs them.
 *
 * One collector per Netdata module, named after it: /proc/stat (cpu.ts), /proc/uptime, /proc/loadavg,
 * /proc/meminfo (memory.ts), /proc/vmstat, /proc/pressure, /proc/interrupts and /proc/softirqs
 * (interrupts.ts), /proc/diskstats, /proc/net/dev, /proc/net/netstat (+ snmp, snmp6: net_netstat.ts),
 * /proc/net/wireless, /proc/net/sockstat(6) (sockstat.ts), /proc/net/softnet_stat (softnet.ts), /proc/net/stat/nf_conntrack
 * (conntrack.ts), entropy, ipc, /sys/block/zram, diskspace, idlejitter, python.d's sensors, plus the
 * agent's own statistics (self.ts). Table-driven counter files share _table.ts; netdata.conf's
 * switches reach them through switches.ts.
 *
 * Invariants:
 * - A collector opens its /proc file once (at construction) and re-reads it every tick into a
 *   reused buffer; parsing allocates nothing per value (strings only for new devices).
 * - Charts are defined on first use (or when a device first appears); a device that vanishes
 *   has its charts marked obsolete; raw values go through `begin()` / `set()` / `end()` and the
 *   host pipeline applies algorithm, multiplier and divisor.
 * - `collect()` throws on failure; the scheduler then leaves the round open so the slot is a gap.
 *
 * @example
 * ```ts
 * import { createStore } from "../store/mod.ts";
 * import { Host } from "../host/mod.ts";
 * import { createCollectors, Scheduler } from "./mod.ts";
 * const host = new Host({ hostname: "n1", machineGuid: crypto.randomUUID(), store: createStore({ mode: "ram", historySec: 3600 }),
 *   memoryMode: "ram", updateEvery: 1, historySec: 3600, isLocal: true });
 * const collectors = createCollectors({ procRoot: "/proc", updateEvery: 1 });
 * const scheduler = new Scheduler(host, collectors, { updateEverySec: 1 });
 * scheduler.start();
 * // ...
 * await scheduler.stop();
 * for (const c of collectors) c.close();
 * ```
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Host } from "../host/mod.ts";
import { CpuCollector } from "./cpu.ts";
import { DiskstatsCollector } from "./diskstats.ts";
import { LoadavgCollector } from "./loadavg.ts";
import { MemoryCollector } from "./memory.ts";
import { NetDevCollector } from "./net_dev.ts";
import { NetstatCollector } from "./net_netstat.ts";
import { SelfCollector, type SelfStats } from "./self.ts";
import { collectorOn, type CollectorSwitches, optionLookup } from "./switches.ts";
import { UptimeCollector } from "./uptime.ts";
import { PressureCollector } from "./pressure.ts";
import { VmstatCollector } from "./vmstat.ts";
import { WirelessCollector } from "./wireless.ts";
import { InterruptsCollector, SoftirqsCollector } from "./interrupts.ts";
import { Sockstat6Collector, SockstatCollector } from "./sockstat.ts";
import { SoftnetCollector } from "./softnet.ts";
import { EntropyCollector } from "./entropy.ts";
import { ConntrackCollector } from "./conntrack.ts";
import { IpcCollector } from "./ipc.ts";
import { ZramCollector } from "./zram.ts";
import { DiskspaceCollector } from "./diskspace.ts";
import { IdlejitterCollector } from "./idlejitter.ts";
import { SensorsCollector } from "./sensors.ts";

export { Scheduler, type SchedulerOptions } from "./scheduler.ts";
export { processStats, type SelfStats } from "./self.ts";
export type { CollectorSwitches } from "./switches.ts";

/** Busy time of one collector in the last tick, kept by the scheduler. */
export interface CollectorTiming {
  /** The collector's name. */
  readonly name: string;
  /** µs spent in its `collect()` during the last tick (0 when it was not due). */
  busyUs: number;
}

/** A source of charts, called by the scheduler. */
export interface Collector {
  /** What it reads, e.g. `"proc:/proc/stat"`. */
  readonly name: string;
  /** Seconds between its collections. */
  readonly updateEvery: number;
  /**
   * One round: defines its charts on first use (chart, dimensions, labels, `defined()`), then
   * `begin(deltaUs)`, `set()`, `end()` per chart. `deltaUs` is the µs since its previous
   * collection, or 0 when unknown (first run, or the previous run failed): a chart given 0
   * measures the time with the host clock.
   * @throws {Error} when the source cannot be read or parsed (the scheduler logs it and the
   * charts get a gap).
   */
  collect(host: Host, deltaUs: number): void;
  /** Releases open files. Idempotent. */
  close(): void;
  /** Optional: receives the scheduler's per-collector timings (the self collector charts them). */
  useTimings?(timings: readonly CollectorTiming[]): void;
}

/** Options for {@link createCollectors}. */
export interface CollectorsOptions {
  /** Where /proc is (default "/proc"); tests point it at fixtures. */
  procRoot?: string;
  /** Where /sys is; default: "sys" beside `procRoot` ("/sys" for "/proc"). */
  sysRoot?: string;
  /** Seconds between collections (Netdata's `update every`). */
  updateEvery: number;
  /** The agent's own resource usage; default: this process. */
  selfStats?: SelfStats;
  /** Whether to add the agent's own charts (default true). */
  self?: boolean;
  /** netdata.conf's `[plugins]`, `[plugin:proc]` and `[plugin:proc:*]` switches (default: all on, defaults). */
  switches?: CollectorSwitches;
}

/**
 * Creates every collector whose source can be opened; one that cannot is skipped and logged
 * (the others still run). The agent's own statistics come last, after the /proc collectors.
 */
export function createCollectors(opts: CollectorsOptions): Collector[] {
  const log = getLogger(["agent", "collectors"]);
  const procRoot = (opts.procRoot ?? "/proc").replace(/\/+$/, "") || "/";
  const sysRoot = opts.sysRoot ?? defaultSysRoot(procRoot);
  const updateEvery = opts.updateEvery;
  const base = { procRoot, sysRoot, updateEvery, enable: optionLookup(opts.switches) };
  const makers: [string, () => Collector][] = [
    ["proc:/proc/stat", () => new CpuCollector(base)],
    ["proc:/proc/uptime", () => new UptimeCollector(base)],
    ["proc:/proc/loadavg", () => new LoadavgCollector(base)],
    ["proc:/proc/meminfo", () => new MemoryCollector(base)],
    ["proc:/proc/diskstats", () => new DiskstatsCollector(base)],
    ["proc:/proc/net/dev", () => new NetDevCollector(base)],
    ["proc:/proc/net/netstat", () => new NetstatCollector(base)],
    ["proc:/proc/net/wireless", () => new WirelessCollector(base)],
    ["proc:/proc/pressure", () => new PressureCollector(base)],
    ["proc:/proc/vmstat", () => new VmstatCollector(base)],
    ["proc:/proc/interrupts", () => new InterruptsCollector(base)],
    ["proc:/proc/softirqs", () => new SoftirqsCollector(base)],
    ["proc:/proc/net/sockstat", () => new SockstatCollector(base)],
    ["proc:/proc/net/sockstat6", () => new Sockstat6Collector(base)],
    ["proc:/proc/net/softnet_stat", () => new SoftnetCollector(base)],
    ["proc:/proc/sys/kernel/random/entropy_avail", () => new EntropyCollector(base)],
    ["proc:/proc/net/stat/nf_conntrack", () => new ConntrackCollector(base)],
    ["proc:ipc", () => new IpcCollector(base)],
    ["proc:/sys/block/zram", () => new ZramCollector(base)],
    ["diskspace", () => new DiskspaceCollector(base)],
    ["idlejitter", () => new IdlejitterCollector(base)],
    ["python.d:sensors", () => new SensorsCollector(base)],
  ];
  const out: Collector[] = [];
  for (const [name, make] of makers) {
    if (!collectorOn(opts.switches, name)) {
      log.info("Collector {name} is off in netdata.conf", { name });
      continue;
    }
    try {
      out.push(make());
    } catch (err) {
      log.warn("Collector {name} disabled: {error}", {
        name,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  if (opts.self !== false) out.push(new SelfCollector({ updateEvery, stats: opts.selfStats }));
  return out;
}

function defaultSysRoot(procRoot: string): string {
  const slash = procRoot.lastIndexOf("/");
  return slash <= 0 ? "/sys" : procRoot.slice(0, slash) + "/sys";
}
