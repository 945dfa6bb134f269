/**
 * /proc/stat: system.cpu, cpu.cpuN, system.intr, system.ctxt, system.forks, system.processes,
 * as Netdata 1.37's proc_stat.c (without the optional cpufreq/cpuidle/throttling charts).
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import {
  defineChart,
  type DimSpec,
  obsoleteChart,
  type Origin,
  PLUGIN_PROC,
  setHostVariable,
} from "./_helper.ts";
import type { Collector } from "./collector.ts";
import { KeyTable, ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/stat";

// Netdata adds them in this order; stacked charts draw them so.
const CPU_DIMS: readonly DimSpec[] = [
  ["guest_nice", null, "percentage-of-incremental-row", 1, 1],
  ["guest", null, "percentage-of-incremental-row", 1, 1],
  ["steal", null, "percentage-of-incremental-row", 1, 1],
  ["softirq", null, "percentage-of-incremental-row", 1, 1],
  ["irq", null, "percentage-of-incremental-row", 1, 1],
  ["user", null, "percentage-of-incremental-row", 1, 1],
  ["system", null, "percentage-of-incremental-row", 1, 1],
  ["nice", null, "percentage-of-incremental-row", 1, 1],
  ["iowait", null, "percentage-of-incremental-row", 1, 1],
  ["idle", null, "percentage-of-incremental-row", 1, 1, true],
];

// Indexes into CPU_DIMS.
const GUEST_NICE = 0, GUEST = 1, STEAL = 2, SOFTIRQ = 3, IRQ = 4, USER = 5, SYSTEM = 6, NICE = 7, IOWAIT = 8;
const IDLE = 9;

const KEY_INTR = 0, KEY_CTXT = 1, KEY_PROCESSES = 2, KEY_RUNNING = 3, KEY_BLOCKED = 4;
const KEYS = new KeyTable(["intr", "ctxt", "processes", "procs_running", "procs_blocked"]);

interface CpuChart {
  chart: Chart;
  dims: Dimension[];
  seen: boolean;
}

interface Single {
  chart: Chart;
  dims: Dimension[];
}

/** Collects /proc/stat. */
export class CpuCollector implements Collector {
  readonly name = "proc:/proc/stat";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #file: ProcFile;
  readonly #scan = new Scanner();
  /** Index 0 is the total ("cpu"), n + 1 is "cpun". */
  readonly #cpus: (CpuChart | undefined)[] = [];
  #intr: Single | null = null;
  #ctxt: Single | null = null;
  #forks: Single | null = null;
  #processes: Single | null = null;

  /** @throws {Deno.errors.NotFound} when `procRoot`/stat cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#file = new ProcFile(opts.procRoot + "/stat", 16384);
  }

  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    const s = this.#scan;
    s.reset(this.#file.bytes, n);
    const buf = s.buf;
    const cpus = this.#cpus;
    for (let i = 0; i < cpus.length; i++) {
      const c = cpus[i];
      if (c !== undefined) c.seen = false;
    }
    let processes = 0, running = 0, blocked = 0;
    let coresFound = -1;

    for (; !s.done; s.nextLine()) {
      if (!s.word()) continue;
      const ws = s.ws, we = s.we;
      if (we - ws >= 3 && buf[ws] === 99 && buf[ws + 1] === 112 && buf[ws + 2] === 117) { // "cpu"
        if (s.wordsLeft() < 8) continue; // Netdata wants 9 words with the key
        let core = 0;
        if (we - ws > 3) {
          for (let p = ws + 3; p < we; p++) {
            const d = buf[p] - 48;
            if (d < 0 || d > 9) break;
            core = core * 10 + d;
          }
          core++;
          coresFound = core;
        }
        this.#collectCpu(host, deltaUs, core, ws, we);
        continue;
      }
      switch (KEYS.find(buf, ws, we)) {
        case KEY_INTR:
          this.#intr ??= this.#single(
            host,
            "system.intr",
            "CPU Interrupts",
            "interrupts/s",
            "interrupts",
            900,
            [
              ["interrupts", null, "incremental", 1, 1],
            ],
            true,
          );
          update1(this.#intr, deltaUs, s.uint());
          break;
        case KEY_CTXT:
          this.#ctxt ??= this.#single(
            host,
            "system.ctxt",
            "CPU Context Switches",
            "context switches/s",
            "processes",
            800,
            [
              ["switches", null, "incremental", 1, 1],
            ],
            false,
          );
          update1(this.#ctxt, deltaUs, s.uint());
          break;
        case KEY_PROCESSES:
          if (processes === 0) processes = s.uint();
          break;
        case KEY_RUNNING:
          if (running === 0) running = s.uint();
          break;
        case KEY_BLOCKED:
          if (blocked === 0) blocked = s.uint();
          break;
      }
    }

    this.#forks ??= this.#single(host, "system.forks", "Started Processes", "processes/s", "processes", 700, [
      ["started", null, "incremental", 1, 1],
    ], true);
    update1(this.#forks, deltaUs, processes);

    this.#processes ??= this.#single(
      host,
      "system.processes",
      "System Processes",
      "processes",
      "processes",
      600,
      [
        ["running", null, "absolute", 1, 1],
        ["blocked", null, "absolute", -1, 1],
      ],
      false,
    );
    const p = this.#processes;
    p.chart.begin(deltaUs);
    p.chart.set(p.dims[0], running);
    p.chart.set(p.dims[1], blocked);
    p.chart.end();

    for (let i = 0; i < cpus.length; i++) {
      const c = cpus[i];
      if (c !== undefined && !c.seen) obsoleteChart(c.chart);
    }
    // Netdata starts from the configured processor count; the last "cpuN" line wins.
    if (cpus[0] !== undefined && coresFound > 0) setHostVariable(host, "active_processors", coresFound);
  }

  close(): void {
    this.#file.close();
  }

  #collectCpu(host: Host, deltaUs: number, core: number, ws: number, we: number): void {
    const s = this.#scan;
    const user = s.uint(), nice = s.uint(), system = s.uint(), idle = s.uint(), iowait = s.uint();
    const irq = s.uint(), softirq = s.uint(), steal = s.uint(), guest = s.uint(), guestNice = s.uint();
    let c = this.#cpus[core];
    if (c === undefined || c.chart.obsolete) {
      const id = s.buf.subarray(ws, we);
      let name = "";
      for (let i = 0; i < id.length; i++) name += String.fromCharCode(id[i]);
      const def = core === 0
        ? {
          id: "system.cpu",
          title: "Total CPU utilization",
          units: "percentage",
          family: "cpu",
          context: "system.cpu",
          chartType: "stacked" as const,
          priority: 100,
        }
        : {
          id: "cpu." + name,
          title: "Core utilization",
          units: "percentage",
          family: "utilization",
          context: "cpu.cpu",
          chartType: "stacked" as const,
          priority: 1000 + core,
        };
      const { chart, dims } = defineChart(host, this.#origin, def, CPU_DIMS);
      c = { chart, dims, seen: false };
      while (this.#cpus.length <= core) this.#cpus.push(undefined);
      this.#cpus[core] = c;
    }
    c.seen = true;
    const chart = c.chart, d = c.dims;
    chart.begin(deltaUs);
    // The kernel counts guest time inside user (and guest_nice inside nice); Netdata subtracts it.
    chart.set(d[USER], user - guest);
    chart.set(d[NICE], nice - guestNice);
    chart.set(d[SYSTEM], system);
    chart.set(d[IDLE], idle);
    chart.set(d[IOWAIT], iowait);
    chart.set(d[IRQ], irq);
    chart.set(d[SOFTIRQ], softirq);
    chart.set(d[STEAL], steal);
    chart.set(d[GUEST], guest);
    chart.set(d[GUEST_NICE], guestNice);
    chart.end();
  }

  #single(
    host: Host,
    id: string,
    title: string,
    units: string,
    family: string,
    priority: number,
    dims: readonly DimSpec[],
    detail: boolean,
  ): Single {
    return defineChart(host, this.#origin, {
      id,
      title,
      units,
      family,
      context: id,
      chartType: "line",
      priority,
      detail,
    }, dims);
  }
}

function update1(c: Single, deltaUs: number, v: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], v);
  c.chart.end();
}
