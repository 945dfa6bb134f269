/**
 * /proc/pressure/{cpu,memory,io}: Netdata 1.37's proc_pressure.c charts, system.<res>_some_pressure
 * and _full_pressure (the 10/60/300 s averages, %) and their _stall_time (ms/s), every
 * max(update every, 2) s: Linux recomputes the averages every 2 s.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, NO, type Origin, PLUGIN_PROC, YES } from "./_helper.ts";
import { DEFAULTS, type EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/pressure";
/** Linux's PSI_FREQ. */
const MIN_PRESSURE_UPDATE_EVERY = 2;

/** Netdata's resources: file, family, title word and the priority its charts are placed after. */
const RESOURCES = [
  { name: "cpu", family: "cpu", title: "CPU", priority: 100 },
  { name: "memory", family: "ram", title: "Memory", priority: 200 },
  { name: "io", family: "disk", title: "I/O", priority: 150 },
] as const;

interface Pair {
  share: Chart;
  shareDims: Dimension[];
  time: Chart;
  timeDim: Dimension;
}

interface Resource {
  file: ProcFile;
  name: string;
  family: string;
  title: string;
  priority: number;
  doSome: boolean;
  doFull: boolean;
  some: Pair | null;
  full: Pair | null;
}

/** Collects /proc/pressure; a missing file (kernel without PSI) drops its resource only. */
export class PressureCollector implements Collector {
  readonly name = "proc:/proc/pressure";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #resources: Resource[] = [];
  readonly #scan = new Scanner("=");

  /** @throws {Error} when none of the three files can be opened and read (no PSI, or PSI off). */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = Math.max(opts.updateEvery, MIN_PRESSURE_UPDATE_EVERY);
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: this.updateEvery };
    const enable = opts.enable ?? DEFAULTS;
    let lastError: unknown = null;
    for (const r of RESOURCES) {
      let file: ProcFile;
      try {
        file = new ProcFile(`${opts.procRoot}/pressure/${r.name}`, 256);
      } catch (e) {
        lastError = e;
        continue;
      }
      try {
        // A kernel built with PSI off by default (Raspberry Pi OS without psi=1 on the command
        // line) has the files, but reading them fails with EOPNOTSUPP: no such resource.
        file.read();
      } catch (e) {
        file.close();
        lastError = e;
        continue;
      }
      this.#resources.push({
        file,
        ...r,
        doSome: enable(MODULE, `enable ${r.name} some pressure`, YES) !== NO,
        doFull: enable(MODULE, `enable ${r.name} full pressure`, YES) !== NO,
        some: null,
        full: null,
      });
    }
    if (this.#resources.length === 0) throw lastError;
  }

  collect(host: Host, deltaUs: number): void {
    const s = this.#scan;
    for (const r of this.#resources) {
      const n = r.file.read();
      s.reset(r.file.bytes, n);
      if (r.doSome && !s.done) {
        r.some ??= this.#define(host, r, true);
        this.#line(r.some, deltaUs);
      }
      // Netdata charts "full" when the file has a second line (kernels before 5.13 have none for cpu).
      if (r.doFull && s.nextLine()) {
        r.full ??= this.#define(host, r, false);
        this.#line(r.full, deltaUs);
      }
    }
  }

  close(): void {
    for (const r of this.#resources) r.file.close();
  }

  /** Reads `some|full avg10=A avg60=B avg300=C total=T` at the scanner's line into `p`. */
  #line(p: Pair, deltaUs: number): void {
    const s = this.#scan;
    s.skipWords(2);
    const a10 = s.decimal();
    s.word();
    const a60 = s.decimal();
    s.word();
    const a300 = s.decimal();
    s.word();
    const totalUs = s.uint();
    // (collected_number)(avg * 100): truncation of the double product, as in C.
    p.share.begin(deltaUs);
    p.share.set(p.shareDims[0], Math.trunc(a10 * 100));
    p.share.set(p.shareDims[1], Math.trunc(a60 * 100));
    p.share.set(p.shareDims[2], Math.trunc(a300 * 100));
    p.share.end();
    p.time.begin(deltaUs);
    p.time.set(p.timeDim, Math.floor(totalUs / 1000));
    p.time.end();
  }

  #define(host: Host, r: Resource, some: boolean): Pair {
    const kind = some ? "some" : "full";
    const share = defineChart(host, this.#origin, {
      id: `system.${r.name}_${kind}_pressure`,
      title: `${r.title} ${kind} pressure`,
      units: "percentage",
      family: r.family,
      context: `system.${r.name}_${kind}_pressure`,
      chartType: "line",
      priority: r.priority + (some ? 40 : 50),
    }, [
      [`${kind} 10`, null, "absolute", 1, 100],
      [`${kind} 60`, null, "absolute", 1, 100],
      [`${kind} 300`, null, "absolute", 1, 100],
    ]);
    const time = defineChart(host, this.#origin, {
      id: `system.${r.name}_${kind}_pressure_stall_time`,
      title: `${r.title} ${kind} pressure stall time`,
      units: "ms",
      family: r.family,
      context: `system.${r.name}_${kind}_pressure_stall_time`,
      chartType: "line",
      priority: r.priority + (some ? 45 : 55),
    }, [["time", null, "incremental", 1, 1]]);
    return { share: share.chart, shareDims: share.dims, time: time.chart, timeDim: time.dims[0] };
  }
}
