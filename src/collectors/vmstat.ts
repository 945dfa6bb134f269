/**
 * /proc/vmstat: system.swapio, system.pgpgio, mem.pgfaults, mem.oom_kill and mem.numa, as Netdata
 * 1.37's proc_vmstat.c (mem.oom_kill whenever the kernel has the counter, mem.numa only with two
 * or more NUMA nodes and non-zero counters).
 * @module
 */

import type { Host } from "../host/mod.ts";
import { AUTO, NO, type Origin, pageSize, PLUGIN_PROC, YES } from "./_helper.ts";
import { CounterTable, DEFAULTS, type EnableLookup, KeyValueParser, type TableGroup } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/vmstat";

function groups(page: number): TableGroup[] {
  return [
    {
      section: MODULE,
      option: "swap i/o",
      charts: [{
        spec: {
          id: "system.swapio",
          title: "Swap I/O",
          units: "KiB/s",
          family: "swap",
          context: "system.swapio",
          chartType: "area",
          priority: 250,
        },
        dims: [
          ["pswpin", "in", null, "incremental", page, 1024],
          ["pswpout", "out", null, "incremental", -page, 1024],
        ],
      }],
    },
    {
      section: MODULE,
      option: "disk i/o",
      start: YES,
      charts: [{
        spec: {
          id: "system.pgpgio",
          title: "Memory Paged from/to disk",
          units: "KiB/s",
          family: "disk",
          context: "system.pgpgio",
          chartType: "area",
          priority: 151,
        },
        dims: [["pgpgin", "in", null, "incremental", 1, 1], ["pgpgout", "out", null, "incremental", -1, 1]],
      }],
    },
    {
      section: MODULE,
      option: "memory page faults",
      start: YES,
      charts: [{
        spec: {
          id: "mem.pgfaults",
          title: "Memory Page Faults",
          units: "faults/s",
          family: "system",
          context: "mem.pgfaults",
          chartType: "line",
          priority: 1040,
          detail: true,
        },
        dims: [["pgfault", "minor", null, "incremental", 1, 1], [
          "pgmajfault",
          "major",
          null,
          "incremental",
          -1,
          1,
        ]],
      }],
    },
    {
      section: MODULE,
      option: "out of memory kills",
      // config_get_boolean() turns Netdata's "auto" default into yes.
      start: YES,
      charts: [{
        spec: {
          id: "mem.oom_kill",
          title: "Out of Memory Kills",
          units: "kills/s",
          family: "system",
          context: "mem.oom_kill",
          chartType: "line",
          priority: 1020,
          detail: true,
        },
        dims: [["oom_kill", "kills", null, "incremental", 1, 1]],
      }],
    },
    {
      section: MODULE,
      option: "system-wide numa metric summary",
      charts: [{
        spec: {
          id: "mem.numa",
          title: "NUMA events",
          units: "events/s",
          family: "numa",
          context: "mem.numa",
          chartType: "line",
          priority: 1400,
          detail: true,
        },
        dims: [
          ["numa_local", "local", null, "incremental", 1, 1],
          ["numa_foreign", "foreign", null, "incremental", 1, 1],
          ["numa_interleave", "interleave", null, "incremental", 1, 1],
          ["numa_other", "other", null, "incremental", 1, 1],
          ["numa_pte_updates", "pte_updates", null, "incremental", 1, 1],
          ["numa_huge_pte_updates", "huge_pte_updates", null, "incremental", 1, 1],
          ["numa_hint_faults", "hint_faults", null, "incremental", 1, 1],
          ["numa_hint_faults_local", "hint_faults_local", null, "incremental", 1, 1],
          ["numa_pages_migrated", "pages_migrated", null, "incremental", 1, 1],
        ],
      }],
    },
  ];
}

/** Netdata's get_numa_node_count(): the `node<N>` directories of /sys/devices/system/node. */
function numaNodes(sysRoot: string): number {
  let n = 0;
  try {
    for (const e of Deno.readDirSync(sysRoot + "/devices/system/node")) {
      if (e.isDirectory && /^node\d+$/.test(e.name)) n++;
    }
  } catch { /* no NUMA information */ }
  return n;
}

/** Collects /proc/vmstat. */
export class VmstatCollector implements Collector {
  readonly name = "proc:/proc/vmstat";
  readonly updateEvery: number;
  readonly #file: ProcFile;
  readonly #table: CounterTable;
  readonly #parser: KeyValueParser;
  readonly #scan = new Scanner(":");

  /** @throws {Deno.errors.NotFound} when `procRoot`/vmstat cannot be opened. */
  constructor(opts: { procRoot: string; sysRoot?: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = opts.updateEvery;
    const origin: Origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#file = new ProcFile(opts.procRoot + "/vmstat", 8192);
    const enable = opts.enable ?? DEFAULTS;
    // Decided once at start, as Netdata does: no oom_kill counter (before Linux 4.13), no chart;
    // numa counters only matter on a machine with two or more nodes.
    const n = this.#file.read();
    const hasOomKill = /(^|\n)oom_kill /.test(new TextDecoder().decode(this.#file.bytes.subarray(0, n)));
    const nodes = numaNodes(opts.sysRoot ?? "/sys");
    this.#table = new CounterTable(origin, groups(pageSize(opts.procRoot)), {
      enable: (section, option, dflt) => {
        const v = enable(section, option, dflt);
        if (option === "out of memory kills" && !hasOomKill) return NO;
        if (option === "system-wide numa metric summary" && v === AUTO && nodes < 2) return NO;
        return v;
      },
    });
    this.#parser = new KeyValueParser(this.#table);
  }

  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    this.#parser.parse(this.#file.bytes, n, this.#scan, this.#table.values);
    this.#table.update(host, deltaUs);
  }

  close(): void {
    this.#file.close();
  }
}
