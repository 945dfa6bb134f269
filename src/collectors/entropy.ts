/**
 * /proc/sys/kernel/random/entropy_avail: system.entropy, as Netdata 1.37's
 * proc_sys_kernel_random_entropy_avail.c (the stock alarm `lowest_entropy` watches it).
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, type Origin, PLUGIN_PROC } from "./_helper.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/sys/kernel/random/entropy_avail";

/** Collects the kernel's available entropy. */
export class EntropyCollector implements Collector {
  readonly name = "proc:/proc/sys/kernel/random/entropy_avail";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #file: ProcFile;
  readonly #scan = new Scanner();
  #chart: Chart | null = null;
  #dim: Dimension | null = null;

  /** @throws {Deno.errors.NotFound} when the file cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#file = new ProcFile(opts.procRoot + "/sys/kernel/random/entropy_avail", 64);
  }

  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    this.#scan.reset(this.#file.bytes, n);
    const entropy = this.#scan.uint();
    if (this.#chart === null) {
      const { chart, dims } = defineChart(host, this.#origin, {
        id: "system.entropy",
        title: "Available Entropy",
        units: "entropy",
        family: "entropy",
        context: "system.entropy",
        chartType: "line",
        priority: 1000,
      }, [["entropy", null, "absolute", 1, 1]]);
      this.#chart = chart;
      this.#dim = dims[0];
    }
    this.#chart.begin(deltaUs);
    this.#chart.set(this.#dim!, entropy);
    this.#chart.end();
  }

  close(): void {
    this.#file.close();
  }
}
