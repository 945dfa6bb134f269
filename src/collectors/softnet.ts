/**
 * /proc/net/softnet_stat: system.softnet_stat and cpu.cpuN_softnet_stat (processed, dropped,
 * squeezed, received_rps, flow_limit_count: the columns the kernel has), as Netdata 1.37's
 * proc_net_softnet_stat.c. Values are 32-bit hexadecimal counters; the system total wraps at 32
 * bits like Netdata's.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, type DimSpec, NO, type Origin, PLUGIN_PROC, YES } from "./_helper.ts";
import { DEFAULTS, type EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/net/softnet_stat";
const MAX_LINES = 200;
const MAX_COLUMNS = 50;

/** The kernel's columns that Netdata charts, by position (net/core/net-procfs.c). */
const COLUMNS: readonly (readonly [number, string])[] = [
  [0, "processed"],
  [1, "dropped"],
  [2, "squeezed"],
  [9, "received_rps"],
  [10, "flow_limit_count"],
];

interface Live {
  chart: Chart;
  dims: Dimension[];
}

/** Collects /proc/net/softnet_stat. */
export class SoftnetCollector implements Collector {
  readonly name = "proc:/proc/net/softnet_stat";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #file: ProcFile;
  readonly #scan = new Scanner();
  readonly #perCore: boolean;
  /** Row 0: system totals; row l + 1: line l. Column j of COLUMNS. */
  #data = new Float64Array(0);
  /** Columns found in the first line (fixed at the first read, as Netdata's allocation). */
  #columns = -1;
  #system: Live | null = null;
  readonly #cores: Live[] = [];

  /** @throws {Deno.errors.NotFound} when `procRoot`/net/softnet_stat cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#perCore = (opts.enable ?? DEFAULTS)(MODULE, "softnet_stat per core", YES) !== NO;
    this.#file = new ProcFile(opts.procRoot + "/net/softnet_stat", 4096);
  }

  /** @throws {SyntaxError} when the file is empty. */
  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    const s = this.#scan;
    const buf = this.#file.bytes;
    s.reset(buf, n);
    if (this.#columns < 0) {
      const words = Math.min(s.wordsLeft(), MAX_COLUMNS);
      if (words === 0) throw new SyntaxError(`Cannot read "${this.#file.path}": no columns`);
      this.#columns = words;
    }
    const cols = this.#columns;
    const nc = COLUMNS.length;
    let lines = 0;
    for (let p = 0; p < n && lines < MAX_LINES; p++) if (buf[p] === 10) lines++;
    if ((lines + 1) * nc > this.#data.length) this.#data = new Float64Array((lines + 1) * nc);
    const data = this.#data;
    data.fill(0);
    let rows = 0;
    for (; !s.done && rows < MAX_LINES; s.nextLine()) {
      let j = 0;
      let w = 0;
      let any = false;
      while (w < cols && s.word()) {
        any = true;
        if (j < nc && COLUMNS[j][0] === w) {
          const v = hex32(buf, s.ws, s.we);
          data[j] = (data[j] + v) % 4294967296;
          data[(rows + 1) * nc + j] = v;
          j++;
        }
        w++;
      }
      if (any) rows++;
    }

    this.#system ??= this.#define(
      host,
      "system.softnet_stat",
      "System softnet_stat",
      "system.softnet_stat",
      955,
    );
    this.#put(this.#system, deltaUs, 0);
    if (!this.#perCore) return;
    for (let l = 0; l < rows; l++) {
      const c = this.#cores[l] ??= this.#define(
        host,
        `cpu.cpu${l}_softnet_stat`,
        "CPU softnet_stat",
        "cpu.softnet_stat",
        4101 + l,
      );
      this.#put(c, deltaUs, (l + 1) * nc);
    }
  }

  close(): void {
    this.#file.close();
  }

  #define(host: Host, id: string, title: string, context: string, priority: number): Live {
    const dims: DimSpec[] = COLUMNS.filter(([w]) => w < this.#columns).map(([, name]) =>
      [name, null, "incremental", 1, 1] as const
    );
    return defineChart(host, this.#origin, {
      id,
      title,
      units: "events/s",
      family: "softnet_stat",
      context,
      chartType: "line",
      priority,
    }, dims);
  }

  #put(live: Live, deltaUs: number, at: number): void {
    const { chart, dims } = live;
    chart.begin(deltaUs);
    for (let j = 0; j < dims.length; j++) chart.set(dims[j], this.#data[at + j]);
    chart.end();
  }
}

/** `strtoul(word, NULL, 16)` cut to 32 bits. */
function hex32(buf: Uint8Array, start: number, end: number): number {
  let v = 0;
  for (let p = start; p < end; p++) {
    const c = buf[p];
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) break;
    v = (v * 16 + d) % 4294967296;
  }
  return v;
}
