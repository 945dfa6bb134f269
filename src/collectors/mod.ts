/**
 * Linux collectors producing Netdata 1.37.1's charts (same ids, names, titles, units, families,
 * contexts, types, priorities, dimensions and `_collect_plugin` / `_collect_module` labels), and
 * the scheduler that runs them.
 *
 * One collector per /proc file: /proc/stat (cpu.ts), /proc/uptime (uptime.ts), /proc/loadavg
 * (loadavg.ts), /proc/meminfo (memory.ts), /proc/diskstats (diskstats.ts), /proc/net/dev
 * (net_dev.ts), plus the agent's own statistics (self.ts).
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
