/**
 * Linux collectors producing Netdata 1.37.1's charts (same ids, names, titles, units, families,
 * contexts, types, priorities, dimensions and `_collect_plugin` / `_collect_module` labels), and
 * the scheduler that runs them.
 *
 * One collector per Netdata module, named after it: /proc/stat (cpu.ts), /proc/uptime, /proc/loadavg,
 * /proc/meminfo (memory.ts), /proc/vmstat, /proc/pressure, /proc/interrupts and /proc/softirqs
 * (interrupts.ts), /proc/diskstats, /proc/net/dev, /proc/net/netstat (+ snmp, snmp6: net_netstat.ts),
 * /proc/net/wireless, /proc/net/sockstat(6) (sockstat.ts), /proc/net/softnet_stat (softnet.ts), /proc/net/stat/nf_conntrack
 * (conntrack.ts), entropy, ipc, /sys/block/zram, diskspace, idlejitter, timex (adjtimex(2) by FFI),
 * cgroups v1 and v2 (containers and systemd services),
 * python.d's sensors, plus the
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

export type { Collector, CollectorTiming } from "./collector.ts";
export { type CollectorsOptions, createCollectors } from "./create.ts";
export { Scheduler, type SchedulerOptions } from "./scheduler.ts";
export { processStats, type SelfStats } from "./self.ts";
export type { CollectorSwitches } from "./switches.ts";
