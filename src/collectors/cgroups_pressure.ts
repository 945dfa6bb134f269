/**
 * The pressure charts of a cgroups v2 container (`cpu.pressure`, `memory.pressure`, `io.pressure`:
 * `<kind>_some_pressure`, `<kind>_full_pressure` and their stall times). Kept apart from the other
 * container charts: cgroups v1 has no pressure files.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { type Cgroup, type ChartDims, type Pressure, PRESSURES } from "./cgroups_cgroup.ts";
import { type CgroupDefiner, put1, put3 } from "./cgroups_define.ts";
import type { CgroupReader } from "./cgroups_read.ts";

/** Charts the pressure files of container cgroups. */
export class PressureCharts {
  readonly #d: CgroupDefiner;
  readonly #reader: CgroupReader;

  constructor(definer: CgroupDefiner, reader: CgroupReader) {
    this.#d = definer;
    this.#reader = reader;
  }

  /** Reads and charts every pressure file of `cg`, in Netdata's order: cpu, memory, io. */
  chart(host: Host, cg: Cgroup, deltaUs: number): void {
    for (let k = 0; k < PRESSURES.length; k++) {
      for (const p of cg.pressures) if (p.kind === k) this.#pressure(host, cg, p, deltaUs);
    }
  }

  /** cgroup2_read_pressure() and its charts. */
  #pressure(host: Host, cg: Cgroup, p: Pressure, deltaUs: number): void {
    const n = this.#reader.readFile(p.file);
    if (n < 0) return;
    const s = this.#reader.scan;
    s.reset(p.file.bytes, n);
    if (s.done) return;
    // `some avg10=A avg60=B avg300=C total=T` (and a `full` line on newer kernels); Netdata reads
    // the full total from the first line too.
    s.word();
    s.word();
    const s10 = s.decimal();
    s.word();
    const s60 = s.decimal();
    s.word();
    const s300 = s.decimal();
    s.word();
    const total = Math.floor(s.uint() / 1000);
    const hasFull = s.nextLine();
    const r = PRESSURES[p.kind];
    if (p.someOn) {
      p.someShare ??= this.#pressureShare(host, cg, r, "some", 0);
      p.someTime ??= this.#pressureTime(host, cg, r, "some", 20);
      put3(p.someShare, deltaUs, Math.trunc(s10 * 100), Math.trunc(s60 * 100), Math.trunc(s300 * 100));
      put1(p.someTime, deltaUs, total);
    }
    if (p.fullOn && hasFull) {
      s.word();
      s.word();
      const f10 = s.decimal();
      s.word();
      const f60 = s.decimal();
      s.word();
      const f300 = s.decimal();
      p.fullShare ??= this.#pressureShare(host, cg, r, "full", 40);
      p.fullTime ??= this.#pressureTime(host, cg, r, "full", 60);
      put3(p.fullShare, deltaUs, Math.trunc(f10 * 100), Math.trunc(f60 * 100), Math.trunc(f300 * 100));
      put1(p.fullTime, deltaUs, total);
    }
  }

  #pressureShare(host: Host, cg: Cgroup, r: (typeof PRESSURES)[number], kind: string, at: number): ChartDims {
    return this.#d.define(
      host,
      cg,
      `${r.share}_${kind}_pressure`,
      `${r.title} ${kind} pressure`,
      "percentage",
      r.family,
      `${r.ctx}_${kind}_pressure`,
      "line",
      r.prio + at,
      [
        [`${kind} 10`, null, "absolute", 1, 100],
        [`${kind} 60`, null, "absolute", 1, 100],
        [`${kind} 300`, null, "absolute", 1, 100],
      ],
    );
  }

  #pressureTime(host: Host, cg: Cgroup, r: (typeof PRESSURES)[number], kind: string, at: number): ChartDims {
    return this.#d.define(
      host,
      cg,
      `${r.time}_${kind}_pressure_stall_time`,
      `${r.title} ${kind} pressure stall time`,
      "ms",
      r.family,
      `${r.ctx}_${kind}_pressure_stall_time`,
      "line",
      r.prio + at,
      [
        ["time", null, "incremental", 1, 1],
      ],
    );
  }
}
