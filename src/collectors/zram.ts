/**
 * /sys/block/zram*: mem.zram_usage, mem.zram_savings, mem.zram_ratio and mem.zram_efficiency per
 * zram device (the compressed swap of most Raspberry Pi images), from each device's mm_stat, as
 * Netdata 1.37's sys_block_zram.c. Devices are the block devices whose major number is zram's in
 * /proc/devices (Netdata walks /dev for the same); a device whose mm_stat stops reading has its
 * charts marked obsolete and is dropped.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, obsoleteChart, type Origin, PLUGIN_PROC } from "./_helper.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, readSmallFile, Scanner } from "./proc_file.ts";

const MODULE = "/sys/block/zram";
const MIB = 1024 * 1024;

interface Live {
  chart: Chart;
  dims: Dimension[];
}

interface Device {
  name: string;
  file: ProcFile;
  usage: Live | null;
  savings: Live | null;
  ratio: Live | null;
  efficiency: Live | null;
}

/** zram's major number from /proc/devices, or -1. */
function zramMajor(procRoot: string): number {
  let text: string;
  try {
    text = Deno.readTextFileSync(procRoot + "/devices");
  } catch {
    return -1;
  }
  const m = /^\s*(\d+)\s+zram\s*$/m.exec(text);
  return m && Number(m[1]) !== 0 ? Number(m[1]) : -1;
}

/** Collects every zram device. */
export class ZramCollector implements Collector {
  readonly name = "proc:/sys/block/zram";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #devices: Device[] = [];
  readonly #scan = new Scanner();
  readonly #v = new Float64Array(7);

  /** @throws {Deno.errors.NotFound} when the kernel has no zram, or no zram device exists. */
  constructor(opts: { procRoot: string; sysRoot?: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    const major = zramMajor(opts.procRoot);
    if (major < 0) throw new Deno.errors.NotFound(`No zram in "${opts.procRoot}/devices"`);
    const block = (opts.sysRoot ?? "/sys") + "/block";
    const names: string[] = [];
    try {
      for (const e of Deno.readDirSync(block)) names.push(e.name);
    } catch { /* no /sys/block */ }
    for (const name of names.sort()) {
      const dev = readSmallFile(`${block}/${name}/dev`);
      if (dev === null || Number.parseInt(dev, 10) !== major) continue;
      try {
        this.#devices.push({
          name,
          file: new ProcFile(`${block}/${name}/mm_stat`, 256),
          usage: null,
          savings: null,
          ratio: null,
          efficiency: null,
        });
      } catch { /* no mm_stat (kernel < 4.1) */ }
    }
    if (this.#devices.length === 0) throw new Deno.errors.NotFound(`No zram device under "${block}"`);
  }

  collect(host: Host, deltaUs: number): void {
    const s = this.#scan, v = this.#v;
    for (let i = 0; i < this.#devices.length; i++) {
      const d = this.#devices[i];
      let ok = false;
      try {
        s.reset(d.file.bytes, d.file.read());
        ok = s.wordsLeft() >= 7;
      } catch { /* the device went away */ }
      if (!ok) {
        this.#drop(i--);
        continue;
      }
      // orig_data_size compr_data_size mem_used_total mem_limit mem_used_max same_pages pages_compacted
      for (let k = 0; k < 7; k++) v[k] = s.uint();
      const orig = v[0], compr = v[1], used = v[2];
      this.#define(host, d);
      put(d.usage!, deltaUs, compr, used - compr);
      put(d.savings!, deltaUs, compr - orig, orig);
      put(d.ratio!, deltaUs, compr === 0 ? 1 : Math.floor(orig * 100 / compr));
      put(d.efficiency!, deltaUs, used === 0 ? 100 : Math.floor(compr * 1000000 / used));
    }
  }

  close(): void {
    for (const d of this.#devices) d.file.close();
  }

  #define(host: Host, d: Device): void {
    if (d.usage !== null) return;
    const chart = (kind: string, title: string, units: string, type: "area" | "line", prio: number) => ({
      id: `mem.zram_${kind}.${d.name}`,
      title,
      units,
      family: d.name,
      context: `mem.zram_${kind}`,
      chartType: type,
      priority: prio,
    });
    const labels: [string, string][] = [["device", d.name]];
    d.usage = defineChart(host, this.#origin, chart("usage", "ZRAM Memory Usage", "MiB", "area", 1600), [
      ["compressed", null, "absolute", 1, MIB],
      ["metadata", null, "absolute", 1, MIB],
    ], labels);
    d.savings = defineChart(
      host,
      this.#origin,
      chart("savings", "ZRAM Memory Savings", "MiB", "area", 1601),
      [
        ["savings", null, "absolute", 1, MIB],
        ["original", null, "absolute", 1, MIB],
      ],
      labels,
    );
    d.ratio = defineChart(
      host,
      this.#origin,
      chart("ratio", "ZRAM Compression Ratio (original to compressed)", "ratio", "line", 1602),
      [["ratio", null, "absolute", 1, 100]],
      labels,
    );
    d.efficiency = defineChart(
      host,
      this.#origin,
      chart("efficiency", "ZRAM Efficiency", "percentage", "line", 1603),
      [
        ["percent", null, "absolute", 1, 10000],
      ],
      labels,
    );
  }

  #drop(i: number): void {
    const d = this.#devices[i];
    d.file.close();
    for (const l of [d.usage, d.savings, d.ratio, d.efficiency]) obsoleteChart(l?.chart ?? null);
    this.#devices.splice(i, 1);
  }
}

function put(l: Live, deltaUs: number, a: number, b?: number): void {
  l.chart.begin(deltaUs);
  l.chart.set(l.dims[0], a);
  if (b !== undefined) l.chart.set(l.dims[1], b);
  l.chart.end();
}
