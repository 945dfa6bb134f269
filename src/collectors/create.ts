/**
 * The collector factory: every collector whose source opens and that netdata.conf leaves on, then the
 * agent's own statistics.
 * @module
 */

import type { Collector } from "./collector.ts";
import { getLogger } from "@logtape/logtape";
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
import { TimexCollector } from "./timex.ts";
import { CgroupsCollector } from "./cgroups.ts";

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
    ["timex", () => new TimexCollector(base)],
    [
      "cgroups",
      () => new CgroupsCollector({ ...base, settings: opts.switches?.settings?.["plugin:cgroups"] }),
    ],
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
      // A source this machine does not have (no wireless, no sensors) is normal: said at info, as
      // Netdata's modules stay quiet; anything else is a warning.
      const level = err instanceof Deno.errors.NotFound ? "info" : "warn";
      log[level]("Collector {name} disabled: {error}", {
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
