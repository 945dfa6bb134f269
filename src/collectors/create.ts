/**
 * The collector factory: every collector whose /proc file opens, then the agent's own statistics.
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Collector } from "./collector.ts";
import { CpuCollector } from "./cpu.ts";
import { DiskstatsCollector } from "./diskstats.ts";
import { LoadavgCollector } from "./loadavg.ts";
import { MemoryCollector } from "./memory.ts";
import { NetDevCollector } from "./net_dev.ts";
import { SelfCollector, type SelfStats } from "./self.ts";
import { UptimeCollector } from "./uptime.ts";

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
  const base = { procRoot, sysRoot, updateEvery };
  const makers: [string, () => Collector][] = [
    ["proc:/proc/stat", () => new CpuCollector(base)],
    ["proc:/proc/uptime", () => new UptimeCollector(base)],
    ["proc:/proc/loadavg", () => new LoadavgCollector(base)],
    ["proc:/proc/meminfo", () => new MemoryCollector(base)],
    ["proc:/proc/diskstats", () => new DiskstatsCollector(base)],
    ["proc:/proc/net/dev", () => new NetDevCollector(base)],
  ];
  const out: Collector[] = [];
  for (const [name, make] of makers) {
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
