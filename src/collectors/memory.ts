/**
 * /proc/meminfo: system.ram, mem.available, system.swap, mem.hwcorrupt, mem.committed,
 * mem.writeback, mem.kernel, mem.slab, mem.hugepages and mem.transparent_hugepages, with the
 * formulas and "auto" rules of Netdata 1.37's proc_meminfo.c (ZFS ARC is not subtracted: we do
 * not read /proc/spl).
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { AUTO, type ChartSpec, defineChart, type DimSpec, type Origin, PLUGIN_PROC, YES } from "./_helper.ts";
import type { Collector } from "./collector.ts";
import { KeyTable, ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/meminfo";

// The keys Netdata's ARL expects, in /proc/meminfo order.
const KEY_NAMES = [
  "MemTotal",
  "MemFree",
  "MemAvailable",
  "Buffers",
  "Cached",
  "SwapTotal",
  "SwapFree",
  "Dirty",
  "Writeback",
  "Shmem",
  "Slab",
  "SReclaimable",
  "SUnreclaim",
  "KernelStack",
  "PageTables",
  "NFS_Unstable",
  "Bounce",
  "WritebackTmp",
  "Committed_AS",
  "VmallocUsed",
  "Percpu",
  "HardwareCorrupted",
  "AnonHugePages",
  "ShmemHugePages",
  "HugePages_Total",
  "HugePages_Free",
  "HugePages_Rsvd",
  "HugePages_Surp",
  "Hugepagesize",
] as const;
const KEYS = new KeyTable(KEY_NAMES);
const K = Object.fromEntries(KEY_NAMES.map((k, i) => [k, i])) as Record<(typeof KEY_NAMES)[number], number>;

interface Group {
  chart: Chart;
  dims: Dimension[];
}

const MIB: readonly [number, number] = [1, 1024];

function mib(ids: readonly string[], name?: string): DimSpec[] {
  return ids.map((id) => [id, id === ids[0] && name ? name : null, "absolute", MIB[0], MIB[1]] as const);
}

/** Collects /proc/meminfo. */
export class MemoryCollector implements Collector {
  readonly name = "proc:/proc/meminfo";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #file: ProcFile;
  readonly #scan = new Scanner(":");
  /** Values in kB (pages for HugePages_*); like Netdata's statics they keep the last value seen. */
  readonly #v = new Float64Array(KEY_NAMES.length);
  readonly #found = new Uint8Array(KEY_NAMES.length);
  #firstRead = true;
  #doPercpu = false;
  #doSwap = AUTO;
  #doHwCorrupt = AUTO;
  #doHugepages = AUTO;
  #doThp = AUTO;
  #ram: Group | null = null;
  #available: Group | null = null;
  #swap: Group | null = null;
  #hwcorrupt: Group | null = null;
  #committed: Group | null = null;
  #writeback: Group | null = null;
  #kernel: Group | null = null;
  #slab: Group | null = null;
  #hugepages: Group | null = null;
  #thp: Group | null = null;

  /** @throws {Deno.errors.NotFound} when `procRoot`/meminfo cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#file = new ProcFile(opts.procRoot + "/meminfo", 8192);
  }

  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    const s = this.#scan;
    s.reset(this.#file.bytes, n);
    const v = this.#v, found = this.#found;
    for (; !s.done; s.nextLine()) {
      if (!s.word()) continue;
      const k = KEYS.find(s.buf, s.ws, s.we);
      if (k < 0) continue;
      if (!s.word()) continue; // Netdata skips lines with fewer than 2 words
      v[k] = s.wordUint();
      found[k] = 1;
    }
    if (this.#firstRead) {
      this.#doPercpu = found[K.Percpu] === 1;
      this.#firstRead = false;
    }

    // http://calimeroteknik.free.fr/blag/?article20/really-used-memory-on-gnu-linux
    const memCached = v[K.Cached] + v[K.SReclaimable] - v[K.Shmem];
    const memUsed = v[K.MemTotal] - v[K.MemFree] - memCached - v[K.Buffers];

    this.#ram ??= this.#define(host, {
      id: "system.ram",
      title: "System RAM",
      units: "MiB",
      family: "ram",
      context: "system.ram",
      chartType: "stacked",
      priority: 200,
    }, mib(["free", "used", "cached", "buffers"]));
    put(this.#ram, deltaUs, v[K.MemFree], memUsed, memCached, v[K.Buffers]);

    if (found[K.MemAvailable]) {
      this.#available ??= this.#define(host, {
        id: "mem.available",
        title: "Available RAM for applications",
        units: "MiB",
        family: "system",
        context: "mem.available",
        chartType: "area",
        priority: 1010,
      }, mib(["MemAvailable"], "avail"));
      put(this.#available, deltaUs, v[K.MemAvailable]);
    }

    const swapUsed = v[K.SwapTotal] - v[K.SwapFree];
    if (this.#doSwap === YES || (v[K.SwapTotal] || swapUsed || v[K.SwapFree])) {
      this.#doSwap = YES;
      this.#swap ??= this.#define(host, {
        id: "system.swap",
        title: "System Swap",
        units: "MiB",
        family: "swap",
        context: "system.swap",
        chartType: "stacked",
        priority: 201,
        detail: true,
      }, mib(["free", "used"]));
      put(this.#swap, deltaUs, v[K.SwapFree], swapUsed);
    }

    if (found[K.HardwareCorrupted] && (this.#doHwCorrupt === YES || v[K.HardwareCorrupted] > 0)) {
      this.#doHwCorrupt = YES;
      this.#hwcorrupt ??= this.#define(host, {
        id: "mem.hwcorrupt",
        title: "Corrupted Memory, detected by ECC",
        units: "MiB",
        family: "ecc",
        context: "mem.hwcorrupt",
        chartType: "line",
        priority: 1500,
        detail: true,
      }, mib(["HardwareCorrupted"]));
      put(this.#hwcorrupt, deltaUs, v[K.HardwareCorrupted]);
    }

    this.#committed ??= this.#define(host, {
      id: "mem.committed",
      title: "Committed (Allocated) Memory",
      units: "MiB",
      family: "system",
      context: "mem.committed",
      chartType: "area",
      priority: 1030,
      detail: true,
    }, mib(["Committed_AS"]));
    put(this.#committed, deltaUs, v[K.Committed_AS]);

    this.#writeback ??= this.#define(host, {
      id: "mem.writeback",
      title: "Writeback Memory",
      units: "MiB",
      family: "kernel",
      context: "mem.writeback",
      chartType: "line",
      priority: 1100,
      detail: true,
    }, mib(["Dirty", "Writeback", "FuseWriteback", "NfsWriteback", "Bounce"]));
    put(
      this.#writeback,
      deltaUs,
      v[K.Dirty],
      v[K.Writeback],
      v[K.WritebackTmp],
      v[K.NFS_Unstable],
      v[K.Bounce],
    );

    this.#kernel ??= this.#define(host, {
      id: "mem.kernel",
      title: "Memory Used by Kernel",
      units: "MiB",
      family: "kernel",
      context: "mem.kernel",
      chartType: "stacked",
      priority: 1101,
      detail: true,
    }, mib(["Slab", "KernelStack", "PageTables", "VmallocUsed", ...(this.#doPercpu ? ["Percpu"] : [])]));
    put(this.#kernel, deltaUs, v[K.Slab], v[K.KernelStack], v[K.PageTables], v[K.VmallocUsed], v[K.Percpu]);

    this.#slab ??= this.#define(host, {
      id: "mem.slab",
      title: "Reclaimable Kernel Memory",
      units: "MiB",
      family: "slab",
      context: "mem.slab",
      chartType: "stacked",
      priority: 1200,
      detail: true,
    }, mib(["reclaimable", "unreclaimable"]));
    put(this.#slab, deltaUs, v[K.SReclaimable], v[K.SUnreclaim]);

    if (this.#doHugepages === YES || (v[K.Hugepagesize] && v[K.HugePages_Total])) {
      this.#doHugepages = YES;
      // Multiplier is the page size in kB, fixed when the chart is created (as in Netdata).
      const ps = v[K.Hugepagesize];
      this.#hugepages ??= this.#define(host, {
        id: "mem.hugepages",
        title: "Dedicated HugePages Memory",
        units: "MiB",
        family: "hugepages",
        context: "mem.hugepages",
        chartType: "stacked",
        priority: 1251,
        detail: true,
      }, [
        ["free", null, "absolute", ps, 1024],
        ["used", null, "absolute", ps, 1024],
        ["surplus", null, "absolute", ps, 1024],
        ["reserved", null, "absolute", ps, 1024],
      ]);
      put(
        this.#hugepages,
        deltaUs,
        v[K.HugePages_Free],
        v[K.HugePages_Total] - v[K.HugePages_Free] - v[K.HugePages_Rsvd],
        v[K.HugePages_Surp],
        v[K.HugePages_Rsvd],
      );
    }

    if (this.#doThp === YES || (v[K.AnonHugePages] || v[K.ShmemHugePages])) {
      this.#doThp = YES;
      this.#thp ??= this.#define(host, {
        id: "mem.transparent_hugepages",
        title: "Transparent HugePages Memory",
        units: "MiB",
        family: "hugepages",
        context: "mem.transparent_hugepages",
        chartType: "stacked",
        priority: 1250,
        detail: true,
      }, mib(["anonymous", "shmem"]));
      put(this.#thp, deltaUs, v[K.AnonHugePages], v[K.ShmemHugePages]);
    }
  }

  close(): void {
    this.#file.close();
  }

  #define(host: Host, spec: ChartSpec, dims: readonly DimSpec[]): Group {
    return defineChart(host, this.#origin, spec, dims);
  }
}

/** One round: values in dimension order (extra values are ignored). */
function put(g: Group, deltaUs: number, a: number, b?: number, c?: number, d?: number, e?: number): void {
  const dims = g.dims, chart = g.chart;
  chart.begin(deltaUs);
  chart.set(dims[0], a);
  if (dims.length > 1) chart.set(dims[1], b!);
  if (dims.length > 2) chart.set(dims[2], c!);
  if (dims.length > 3) chart.set(dims[3], d!);
  if (dims.length > 4) chart.set(dims[4], e!);
  chart.end();
}
