/**
 * The variables an alarm's expressions see, searched like Netdata 1.37.1's health_variable_lookup():
 * the alarm's own (`$this`, `$status`, `$now`, `$after`, `$before`, statuses), then the chart's
 * (`$last_collected_t`, `$update_every`, `$green`, `$red`, custom `VARIABLE CHART`s, each dimension
 * by id and name with `_raw` and `_last_collected_t`, the values of the chart's alarms), then the
 * family's (dimensions of every chart in the family, also as `context.dim`, alarms by name), then
 * the host's (custom `VARIABLE HOST`s, `chart.dim`, `chart.var` and `chart.alarm` by chart id or name).
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import type { Alarm } from "./alarm.ts";
import type { VariableLookup } from "./evaluate.ts";
import { STATUS } from "./expression.ts";

/** What the lookup needs besides the alarm. */
export interface VariableScope {
  host: Host;
  /** Alarms of the host, by chart id. */
  alarmsByChart: ReadonlyMap<string, readonly Alarm[]>;
  /** Charts of the host, by family. */
  chartsByFamily: ReadonlyMap<string, readonly Chart[]>;
  nowSec: number;
}

const sec = (us: number) => Math.floor(us / 1_000_000);

/** A dimension variable: value, `_raw` or `_last_collected_t`. */
function dimVariable(d: Dimension, suffix: string): number | undefined {
  if (suffix === "") return d.lastStored;
  if (suffix === "_raw") return d.lastCollectedUs > 0 ? d.lastCollected : NaN;
  if (suffix === "_last_collected_t") return sec(d.lastCollectedUs);
  return undefined;
}

function findDim(chart: Chart, name: string): number | undefined {
  for (const suffix of ["", "_raw", "_last_collected_t"]) {
    if (suffix !== "" && !name.endsWith(suffix)) continue;
    const base = suffix === "" ? name : name.slice(0, -suffix.length);
    for (const d of chart.dimensions) {
      if (d.id === base || d.name === base) return dimVariable(d, suffix);
    }
  }
  return undefined;
}

/** Chart-level variables (Netdata's rrdsetvar) and custom chart variables. */
function chartVariable(chart: Chart, name: string, green: number, red: number): number | undefined {
  switch (name) {
    case "last_collected_t":
      return sec(chart.lastCollectedUs);
    case "update_every":
      return chart.updateEvery;
    case "green":
      return green;
    case "red":
      return red;
  }
  return chart.variables.get(name);
}

/**
 * A chart's `$green` and `$red`: Netdata sets them from the first alarm linked to the chart that
 * has them.
 */
export function chartThresholds(alarms: readonly Alarm[] | undefined): { green: number; red: number } {
  let green = NaN, red = NaN;
  for (const a of alarms ?? []) {
    if (Number.isNaN(green) && !Number.isNaN(a.rule.green)) green = a.rule.green;
    if (Number.isNaN(red) && !Number.isNaN(a.rule.red)) red = a.rule.red;
  }
  return { green, red };
}

function alarmOn(scope: VariableScope, chart: Chart, name: string): number | undefined {
  for (const a of scope.alarmsByChart.get(chart.id) ?? []) if (a.name === name) return a.value;
  return undefined;
}

/** The variable lookup of `alarm`. */
export function alarmVariables(alarm: Alarm, scope: VariableScope): VariableLookup {
  const chart = alarm.chart;
  const host = scope.host;
  return (name: string): number | undefined => {
    switch (name) {
      case "this":
        return alarm.value;
      case "after":
        return alarm.dbAfter || NaN;
      case "before":
        return alarm.dbBefore || NaN;
      case "now":
        return scope.nowSec;
      case "status":
        return alarm.status;
      case "REMOVED":
      case "UNINITIALIZED":
      case "UNDEFINED":
      case "CLEAR":
      case "WARNING":
      case "CRITICAL":
        return STATUS[name];
    }
    // chart
    const thresholdsOf = (c: Chart) => chartThresholds(scope.alarmsByChart.get(c.id));
    const { green, red } = thresholdsOf(chart);
    let v = chartVariable(chart, name, green, red) ?? findDim(chart, name) ?? alarmOn(scope, chart, name);
    if (v !== undefined) return v;
    // family
    for (const c of scope.chartsByFamily.get(chart.family) ?? []) {
      v = findDim(c, name);
      if (v === undefined && name.startsWith(c.context + ".")) {
        v = findDim(c, name.slice(c.context.length + 1));
      }
      if (v === undefined) v = alarmOn(scope, c, name);
      for (const prefix of [c.id + ".", c.name + "."]) {
        if (v === undefined && name.startsWith(prefix)) {
          v = chartVariable(c, name.slice(prefix.length), thresholdsOf(c).green, thresholdsOf(c).red);
        }
      }
      if (v !== undefined) return v;
    }
    // host
    v = host.variables.get(name);
    if (v !== undefined) return v;
    for (let i = name.lastIndexOf("."); i > 0; i = name.lastIndexOf(".", i - 1)) {
      const c = host.chart(name.slice(0, i));
      if (c === undefined) continue;
      const rest = name.slice(i + 1);
      v = findDim(c, rest) ?? chartVariable(c, rest, thresholdsOf(c).green, thresholdsOf(c).red) ??
        alarmOn(scope, c, rest);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}
