/**
 * Chart definition helpers shared by the collectors of this folder (private to it).
 * @module
 */

import type { Chart, ChartDef, Dimension, DimensionDef, Host } from "../host/mod.ts";

/** Netdata's name for the /proc collectors' plugin. */
export const PLUGIN_PROC = "proc.plugin";

/** RRDLABEL_SRC_AUTO. */
export const LABEL_AUTO = 1;

/** A chart definition without what every chart of one collector shares. */
export type ChartSpec = Pick<
  ChartDef,
  "id" | "title" | "units" | "family" | "context" | "chartType" | "priority" | "detail"
>;

/** Shorthand dimension: `[id, name, algorithm, multiplier, divisor, hidden?]`. */
export type DimSpec = readonly [
  id: string,
  name: string | null,
  algorithm: DimensionDef["algorithm"],
  multiplier: number,
  divisor: number,
  hidden?: boolean,
];

/** What is shared by the charts of one collector. */
export interface Origin {
  plugin: string;
  module: string;
  updateEvery: number;
}

/**
 * Defines (or re-defines, which also clears `obsolete`) a chart with its dimensions and labels:
 * `_collect_plugin` and `_collect_module` first, as Netdata's `rrdset_create()` does, then
 * `labels` in order. Returns the dimensions in the order given.
 */
export function defineChart(
  host: Host,
  origin: Origin,
  spec: ChartSpec,
  dims: readonly DimSpec[],
  labels: readonly (readonly [string, string])[] = [],
): { chart: Chart; dims: Dimension[] } {
  const def: ChartDef = {
    id: spec.id,
    title: spec.title,
    units: spec.units,
    family: spec.family,
    context: spec.context,
    chartType: spec.chartType,
    priority: spec.priority,
    updateEvery: origin.updateEvery,
    plugin: origin.plugin,
    module: origin.module,
    detail: spec.detail ?? false,
    obsolete: false,
  };
  const chart = host.defineChart(def);
  chart.labels.set("_collect_plugin", { value: origin.plugin, source: LABEL_AUTO });
  chart.labels.set("_collect_module", { value: origin.module || "[none]", source: LABEL_AUTO });
  for (const [k, v] of labels) chart.labels.set(k, { value: v === "" ? "[none]" : v, source: LABEL_AUTO });
  const out: Dimension[] = [];
  for (const [id, name, algorithm, multiplier, divisor, hidden] of dims) {
    out.push(
      chart.defineDimension({
        id,
        name: name ?? id,
        algorithm,
        multiplier,
        divisor,
        hidden: hidden ?? false,
      }),
    );
  }
  chart.defined();
  return { chart, dims: out };
}

/**
 * Sets a host variable (`$tcp_max_connections`, ...) and, when its value changed, tells the host's
 * observers, so that a stream sends it upstream at once (as Netdata's rrdvar_custom_host_variable_set()).
 */
export function setHostVariable(host: Host, name: string, value: number): void {
  if (host.variables.get(name) === value) return;
  host.variables.set(name, value);
  for (const o of host.observers) o.hostVariableChanged?.(name, value);
}

/** Marks a chart obsolete (its source vanished) and tells observers. */
export function obsoleteChart(chart: Chart | null): void {
  if (chart === null || chart.obsolete) return;
  chart.obsolete = true;
  chart.defined();
}

/** CONFIG_BOOLEAN_NO: the chart is off. */
export const NO = 0;
/** CONFIG_BOOLEAN_YES: the chart is on (an "auto" chart latches here once its values are non-zero). */
export const YES = 1;
/** CONFIG_BOOLEAN_AUTO: the chart starts when its values are first non-zero. */
export const AUTO = 2;

/**
 * The kernel's page size in bytes (Netdata's `sysconf(_SC_PAGESIZE)`), from the first
 * `KernelPageSize` of `<procRoot>/self/smaps`; 4096 when it cannot be read. Read once, at start.
 */
export function pageSize(procRoot: string): number {
  try {
    const f = Deno.openSync(procRoot + "/self/smaps");
    try {
      const buf = new Uint8Array(16384);
      const n = f.readSync(buf) ?? 0;
      const m = /KernelPageSize:\s+(\d+) kB/.exec(new TextDecoder().decode(buf.subarray(0, n)));
      if (m) return Number(m[1]) * 1024;
    } finally {
      f.close();
    }
  } catch { /* fall through */ }
  return 4096;
}
