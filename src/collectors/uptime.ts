/**
 * /proc/uptime: system.uptime, as Netdata 1.37's proc_uptime.c (milliseconds, divisor 1000).
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, PLUGIN_PROC } from "./_helper.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, Scanner } from "./proc_file.ts";

/** Collects /proc/uptime. */
export class UptimeCollector implements Collector {
  readonly name = "proc:/proc/uptime";
  readonly updateEvery: number;
  readonly #file: ProcFile;
  readonly #scan = new Scanner();
  #chart: Chart | null = null;
  #dim: Dimension | null = null;

  /** @throws {Deno.errors.NotFound} when `procRoot`/uptime cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.#file = new ProcFile(opts.procRoot + "/uptime", 128);
  }

  /** @throws {SyntaxError} when the file is empty. */
  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    const s = this.#scan;
    s.reset(this.#file.bytes, n);
    if (s.wordsLeft() < 1) throw new SyntaxError(`Cannot parse "${this.#file.path}": no words`);
    // Netdata prefers CLOCK_BOOTTIME in ms; /proc/uptime has 10 ms resolution, scaled exactly.
    const ms = s.fixed(3);
    if (this.#chart === null) {
      const { chart, dims } = defineChart(
        host,
        { plugin: PLUGIN_PROC, module: "/proc/uptime", updateEvery: this.updateEvery },
        {
          id: "system.uptime",
          title: "System Uptime",
          units: "seconds",
          family: "uptime",
          context: "system.uptime",
          chartType: "line",
          priority: 1000,
        },
        [["uptime", null, "absolute", 1, 1000]],
      );
      this.#chart = chart;
      this.#dim = dims[0];
    }
    const c = this.#chart;
    c.begin(deltaUs);
    c.set(this.#dim!, ms);
    c.end();
  }

  close(): void {
    this.#file.close();
  }
}
