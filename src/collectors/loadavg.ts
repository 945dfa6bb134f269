/**
 * /proc/loadavg: system.load (every max(update every, 5) seconds: Linux recomputes it every 5 s)
 * and system.active_processes (every update every), as Netdata 1.37's proc_loadavg.c.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, type Origin, PLUGIN_PROC } from "./_helper.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, readSmallFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/loadavg";
/** Linux calculates the load average once every 5 seconds. */
const MIN_LOADAVG_UPDATE_EVERY = 5;

/**
 * Collects /proc/loadavg. The collector runs every `updateEvery` (system.active_processes has
 * Netdata's `update every`); system.load keeps its own countdown, like Netdata's
 * `next_loadavg_dt`, and is updated every max(updateEvery, 5) seconds.
 */
export class LoadavgCollector implements Collector {
  readonly name = "proc:/proc/loadavg";
  readonly updateEvery: number;
  /** Seconds between system.load updates. */
  readonly loadUpdateEvery: number;
  readonly #origin: Origin;
  readonly #file: ProcFile;
  readonly #scan = new Scanner(",:|/");
  readonly #pidMax: number;
  #load: Chart | null = null;
  #loadDims: Dimension[] = [];
  #active: Chart | null = null;
  #activeDim: Dimension | null = null;
  /** µs until system.load is due (Netdata's next_loadavg_dt). */
  #nextLoadUs = 0;
  /** µs since system.load was last collected (the BEGIN delta of its next round); -1 unknown. */
  #loadDeltaUs = 0;

  /** @throws {Deno.errors.NotFound} when `procRoot`/loadavg cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.loadUpdateEvery = Math.max(opts.updateEvery, MIN_LOADAVG_UPDATE_EVERY);
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#file = new ProcFile(opts.procRoot + "/loadavg", 128);
    // Read once, like Netdata's get_system_pid_max().
    const pm = readSmallFile(opts.procRoot + "/sys/kernel/pid_max");
    this.#pidMax = pm === null ? 0 : Number.parseInt(pm, 10) || 0;
  }

  /** @throws {SyntaxError} when the file has fewer than 6 words. */
  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    const s = this.#scan;
    s.reset(this.#file.bytes, n);
    if (s.wordsLeft() < 6) throw new SyntaxError(`Cannot parse "${this.#file.path}": fewer than 6 words`);
    const load1 = s.decimal(), load5 = s.decimal(), load15 = s.decimal();
    s.word(); // running
    const active = s.uint();

    // An unknown delta (after a failure) leaves the load chart's own delta unknown too.
    this.#loadDeltaUs = deltaUs === 0 || this.#loadDeltaUs < 0 ? -1 : this.#loadDeltaUs + deltaUs;
    // Netdata tests `next <= dt`; half a tick of slack keeps timer jitter from turning 5 s into 6 s.
    if (this.#nextLoadUs <= deltaUs + this.updateEvery * 500_000) {
      if (this.#load === null) {
        const { chart, dims } = defineChart(
          host,
          { ...this.#origin, updateEvery: this.loadUpdateEvery },
          {
            id: "system.load",
            title: "System Load Average",
            units: "load",
            family: "load",
            context: "system.load",
            chartType: "line",
            priority: 100,
          },
          [["load1", null, "absolute", 1, 1000], ["load5", null, "absolute", 1, 1000], [
            "load15",
            null,
            "absolute",
            1,
            1000,
          ]],
        );
        this.#load = chart;
        this.#loadDims = dims;
        this.#loadDeltaUs = 0;
      }
      const c = this.#load, d = this.#loadDims;
      c.begin(this.#loadDeltaUs < 0 ? 0 : this.#loadDeltaUs);
      // (collected_number)(load * 1000): truncation of the double product, as in C.
      c.set(d[0], Math.trunc(load1 * 1000));
      c.set(d[1], Math.trunc(load5 * 1000));
      c.set(d[2], Math.trunc(load15 * 1000));
      c.end();
      this.#loadDeltaUs = 0;
      this.#nextLoadUs = this.loadUpdateEvery * 1_000_000;
    } else {
      this.#nextLoadUs -= deltaUs;
    }

    if (this.#active === null) {
      const { chart, dims } = defineChart(host, this.#origin, {
        id: "system.active_processes",
        title: "System Active Processes",
        units: "processes",
        family: "processes",
        context: "system.active_processes",
        chartType: "line",
        priority: 750,
      }, [["active", null, "absolute", 1, 1]]);
      this.#active = chart;
      this.#activeDim = dims[0];
    }
    const a = this.#active;
    a.variables.set("pidmax", this.#pidMax);
    a.begin(deltaUs);
    a.set(this.#activeDim!, active);
    a.end();
  }

  close(): void {
    this.#file.close();
  }
}
