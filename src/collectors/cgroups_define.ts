/**
 * How the cgroups collector defines and fills one cgroup's charts: `cgroup_<name>.<id>` with context
 * `cgroup.<context>` at "containers priority" + an offset, and the one-, two- and three-dimension
 * updates every chart of it uses. Shared by the chart modules (cgroups_charts.ts, cgroups_v1_charts.ts,
 * cgroups_pressure.ts) so that each holds only its table.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { defineChart, type DimSpec, type Origin } from "./_helper.ts";
import { type Cgroup, type ChartDims, MIB, U64_MAX } from "./cgroups_cgroup.ts";

/** NETDATA_CHART_PRIO_CGROUPS_CONTAINERS, Netdata's default "containers priority". */
export const PRIO_CONTAINERS = 40000;

/** Defines the charts of container cgroups. */
export class CgroupDefiner {
  readonly #origin: Origin;
  readonly #priority: number;

  /** `priority` is "containers priority"; each chart adds its offset to it. */
  constructor(origin: Origin, priority = PRIO_CONTAINERS) {
    this.#origin = origin;
    this.#priority = priority;
  }

  /** Defines `cgroup_<name>.<id>` (context `cgroup.<context>`) with its dimensions. */
  define(
    host: Host,
    cg: Cgroup,
    id: string,
    title: string,
    units: string,
    family: string,
    context: string,
    chartType: "line" | "area" | "stacked",
    prio: number,
    dims: readonly DimSpec[],
  ): ChartDims {
    const { chart, dims: d } = defineChart(host, this.#origin, {
      id: `${cg.type}.${id}`,
      title,
      units,
      family,
      context: `cgroup.${context}`,
      chartType,
      priority: this.#priority + prio,
    }, dims);
    return { chart, dims: d };
  }
}

/** A limit in whole MiB as Netdata's unsigned division gives it ("max" is 2^64 - 1, not 2^64). */
export function mib(bytes: number): number {
  return bytes === U64_MAX ? 17592186044415 : Math.floor(bytes / MIB);
}

/** One collection of a one-dimension chart. */
export function put1(c: ChartDims, deltaUs: number, a: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.end();
}

/** One collection of a two-dimension chart. */
export function put2(c: ChartDims, deltaUs: number, a: number, b: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.set(c.dims[1], b);
  c.chart.end();
}

/** One collection of a three-dimension chart. */
export function put3(c: ChartDims, deltaUs: number, a: number, b: number, d: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.set(c.dims[1], b);
  c.chart.set(c.dims[2], d);
  c.chart.end();
}
