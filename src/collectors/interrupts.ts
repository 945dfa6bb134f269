/**
 * /proc/interrupts and /proc/softirqs: system.interrupts / system.softirqs (one dimension per
 * interrupt with a non-zero total) and cpu.cpuN_interrupts / cpu.cpuN_softirqs (per core, a
 * dimension once its count on that core is non-zero), as Netdata 1.37's proc_interrupts.c and
 * proc_softirqs.c. A numbered interrupt is named `<device>_<number>` after the line's last word.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { AUTO, defineChart, NO, type Origin, PLUGIN_PROC, YES } from "./_helper.ts";
import { DEFAULTS, type EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { bytesEqual, latin1, ProcFile, Scanner } from "./proc_file.ts";

/** Netdata's MAX_INTERRUPT_NAME. */
const MAX_NAME = 50;

interface Kind {
  file: string;
  word: string;
  systemTitle: string;
  systemPriority: number;
  coreTitle: string;
  corePriority: number;
  /** Whether a numbered line is named after its device (interrupts only). */
  deviceNames: boolean;
  /** Whether a core's chart waits for a non-zero count (softirqs only). */
  lazyCores: boolean;
}

const INTERRUPTS: Kind = {
  file: "interrupts",
  word: "interrupts",
  systemTitle: "System interrupts",
  systemPriority: 1000,
  coreTitle: "CPU Interrupts",
  corePriority: 1100,
  deviceNames: true,
  lazyCores: false,
};

const SOFTIRQS: Kind = {
  file: "softirqs",
  word: "softirqs",
  systemTitle: "System softirqs",
  systemPriority: 950,
  coreTitle: "CPU softirqs",
  corePriority: 3000,
  deviceNames: false,
  lazyCores: true,
};

/** One line of the file, as last seen at its position. */
class Irq {
  id = "";
  name = "";
  idBytes = new Uint8Array(0);
  deviceBytes = new Uint8Array(0);
  used = false;
  total = 0;
  readonly values: Float64Array;
  sysDim: Dimension | null = null;
  readonly coreDims: (Dimension | null)[];

  constructor(cpus: number) {
    this.values = new Float64Array(cpus);
    this.coreDims = new Array<Dimension | null>(cpus).fill(null);
  }
}

/** Netdata's name of a numbered interrupt: `<last word>_<id>`, cut to 50 characters. */
export function interruptName(device: string, id: string): string {
  const d = device.slice(0, MAX_NAME);
  if (d.length + 1 + id.length <= MAX_NAME) return `${d}_${id}`;
  return `${d.slice(0, MAX_NAME - id.length - 1)}_${id}`;
}

class PerCpuIrqCollector implements Collector {
  readonly name: string;
  readonly updateEvery: number;
  readonly #kind: Kind;
  readonly #origin: Origin;
  readonly #file: ProcFile;
  readonly #scan = new Scanner(":");
  readonly #perCore: number;
  #cpus = -1;
  #irqs: Irq[] = [];
  #system: Chart | null = null;
  #cores: (Chart | null)[] = [];

  constructor(kind: Kind, opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.#kind = kind;
    const module = `/proc/${kind.file}`;
    this.name = `proc:${module}`;
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module, updateEvery: opts.updateEvery };
    this.#perCore = (opts.enable ?? DEFAULTS)(module, "interrupts per core", AUTO);
    this.#file = new ProcFile(`${opts.procRoot}/${kind.file}`, 16384);
  }

  /** @throws {SyntaxError} when the header names no CPU. */
  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    const s = this.#scan;
    const buf = this.#file.bytes;
    s.reset(buf, n);
    if (this.#cpus < 0) {
      let cpus = 0;
      while (s.word()) {
        if (s.we - s.ws >= 3 && buf[s.ws] === 67 && buf[s.ws + 1] === 80 && buf[s.ws + 2] === 85) cpus++;
      }
      if (cpus === 0) throw new SyntaxError(`Cannot find the number of CPUs in "${this.#file.path}"`);
      this.#cpus = cpus;
      s.reset(buf, n);
    }
    const cpus = this.#cpus;
    // Records by line position; a changed line count starts over (as Netdata does).
    let lines = 0;
    for (let p = 0; p < n; p++) if (buf[p] === 10) lines++;
    if (n > 0 && buf[n - 1] !== 10) lines++;
    if (lines !== this.#irqs.length) {
      this.#irqs = [];
      for (let i = 0; i < lines; i++) this.#irqs.push(new Irq(cpus));
    }
    const irqs = this.#irqs;
    s.nextLine(); // the header
    for (let l = 1; l < lines; l++, s.nextLine()) {
      const irq = irqs[l];
      irq.used = false;
      irq.total = 0;
      if (!s.word()) continue;
      const idStart = s.ws, idEnd = s.we;
      const rest = s.wordsLeft();
      let changed = !bytesEqual(buf, idStart, idEnd, irq.idBytes);
      if (changed) {
        irq.idBytes = buf.slice(idStart, idEnd);
        irq.id = latin1(buf, idStart, idEnd);
      }
      let total = 0;
      for (let c = 0; c < cpus; c++) {
        const v = c < rest ? s.uint() : 0;
        irq.values[c] = v;
        total += v;
      }
      irq.total = total;
      const c0 = buf[idStart];
      if (this.#kind.deviceNames && c0 >= 48 && c0 <= 57 && cpus + 1 < rest) {
        s.skipWords(rest - cpus - 1);
        s.word();
        if (changed || !bytesEqual(buf, s.ws, s.we, irq.deviceBytes)) {
          irq.deviceBytes = buf.slice(s.ws, s.we);
          irq.name = interruptName(s.wordString(), irq.id);
          changed = true;
        }
      } else if (changed) {
        irq.deviceBytes = new Uint8Array(0);
        irq.name = irq.id.slice(0, MAX_NAME);
      }
      if (changed) {
        irq.sysDim = null;
        irq.coreDims.fill(null);
      }
      irq.used = true;
    }

    const k = this.#kind;
    this.#system ??= defineChart(host, this.#origin, {
      id: `system.${k.word}`,
      title: k.systemTitle,
      units: `${k.word}/s`,
      family: k.word,
      context: `system.${k.word}`,
      chartType: "stacked",
      priority: k.systemPriority,
    }, []).chart;
    const sys = this.#system;
    let added = false;
    for (const irq of irqs) {
      if (!irq.used || irq.total === 0 || irq.sysDim !== null) continue;
      irq.sysDim = sys.defineDimension({
        id: irq.id,
        name: irq.name,
        algorithm: "incremental",
        multiplier: 1,
        divisor: 1,
      });
      added = true;
    }
    if (added) sys.defined();
    sys.begin(deltaUs);
    for (const irq of irqs) if (irq.used && irq.total !== 0) sys.set(irq.sysDim!, irq.total);
    sys.end();

    if (this.#perCore === NO) return;
    while (this.#cores.length < cpus) this.#cores.push(null);
    for (let c = 0; c < cpus; c++) {
      let chart = this.#cores[c];
      if (chart === null) {
        if (k.lazyCores) {
          let sum = 0;
          for (const irq of irqs) if (irq.used) sum += irq.values[c];
          if (sum === 0) continue;
        }
        chart = defineChart(
          host,
          this.#origin,
          {
            id: `cpu.cpu${c}_${k.word}`,
            title: k.coreTitle,
            units: `${k.word}/s`,
            family: k.word,
            context: `cpu.${k.word}`,
            chartType: "stacked",
            priority: k.corePriority + c,
          },
          [],
          [["cpu", `cpu${c}`]],
        ).chart;
        this.#cores[c] = chart;
      }
      added = false;
      for (const irq of irqs) {
        if (!irq.used || irq.coreDims[c] !== null || (this.#perCore !== YES && irq.values[c] === 0)) continue;
        irq.coreDims[c] = chart.defineDimension({
          id: irq.id,
          name: irq.name,
          algorithm: "incremental",
          multiplier: 1,
          divisor: 1,
        });
        added = true;
      }
      if (added) chart.defined();
      chart.begin(deltaUs);
      for (const irq of irqs) {
        if (irq.used && (this.#perCore === YES || irq.values[c] !== 0)) {
          chart.set(irq.coreDims[c]!, irq.values[c]);
        }
      }
      chart.end();
    }
  }

  close(): void {
    this.#file.close();
  }
}

/** Collects /proc/interrupts. */
export class InterruptsCollector extends PerCpuIrqCollector {
  /** @throws {Deno.errors.NotFound} when `procRoot`/interrupts cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    super(INTERRUPTS, opts);
  }
}

/** Collects /proc/softirqs. */
export class SoftirqsCollector extends PerCpuIrqCollector {
  /** @throws {Deno.errors.NotFound} when `procRoot`/softirqs cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    super(SOFTIRQS, opts);
  }
}
