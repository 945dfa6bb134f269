/**
 * The sending side's text, without sockets: a host's labels, a chart's definition and one
 * collection round, written exactly as a v1.37.1 child writes them (PROTOCOL.md §3).
 * @module
 */

import type { Chart, Host } from "../host/mod.ts";
import type { StoreReader } from "../store/mod.ts";
import { CAP_CLABELS, CAP_REPLICATION } from "./protocol.ts";

/** Netdata sanitises strings it stores; quotes inside a quoted word cannot be sent, so `"` becomes `'`. */
function q(value: string): string {
  let v = value;
  if (v.includes('"')) v = v.replaceAll('"', "'");
  if (v.includes("\n") || v.includes("\r")) v = v.replaceAll(/[\r\n]/g, " ");
  return `"${v}"`;
}

/** An integer as plain decimal (no exponent form, no fraction). */
export function formatCollected(v: number): string {
  if (Number.isSafeInteger(v)) return String(v);
  if (!Number.isFinite(v)) return "";
  return BigInt(Math.round(v)).toString();
}

/** `LABEL` lines and `OVERWRITE labels` for the host's labels. */
export function encodeHostLabels(host: Host): string {
  let s = "";
  for (const [name, l] of host.labels) s += `LABEL ${q(name)} = ${l.source} ${q(l.value)}\n`;
  return s + "OVERWRITE labels\n";
}

/** A double as a v1.37.1 child prints it (`%0.7f`; glibc writes NaN as `nan`). */
export function formatDouble(v: number): string {
  return Number.isFinite(v) ? v.toFixed(7) : "nan";
}

/** `VARIABLE HOST` lines for the host's custom variables. */
export function encodeHostVariables(host: Host): string {
  let s = "";
  for (const [name, v] of host.variables) s += `VARIABLE HOST ${name} = ${formatDouble(v)}\n`;
  return s;
}

/** `CLAIMED_ID` line. */
export function encodeClaimedId(host: Host): string {
  return `CLAIMED_ID ${host.machineGuid} ${host.claimId ?? "NULL"}\n`;
}

/**
 * A chart's definition: CHART, chart labels (with CLABELS), DIMENSIONs and, with REPLICATION,
 * CHART_DEFINITION_END with the chart's retention in `history` (the host's store by default).
 */
export function encodeChartDefinition(
  chart: Chart,
  caps: number,
  nowSec: number,
  history?: StoreReader,
): string {
  const dot = chart.id.indexOf(".");
  const type = chart.id.slice(0, dot);
  const namePart = chart.name === chart.id
    ? ""
    : chart.name.startsWith(type + ".")
    ? chart.name.slice(dot + 1)
    : chart.name;
  const options = [
    chart.obsolete ? "obsolete" : "",
    chart.detail ? "detail" : "",
    chart.storeFirst ? "store_first" : "",
    chart.hidden ? "hidden" : "",
  ].join(" ");
  let s = `CHART ${q(chart.id)} ${q(namePart)} ${q(chart.title)} ${q(chart.units)} ${q(chart.family)} ` +
    `${q(chart.context)} ${q(chart.chartType)} ${chart.priority} ${chart.updateEvery} ${q(options)} ` +
    `${q(chart.plugin)} ${q(chart.module)}\n`;
  if ((caps & CAP_CLABELS) !== 0 && chart.labels.size > 0) {
    for (const [name, l] of chart.labels) s += `CLABEL ${q(name)} ${q(l.value)} ${l.source}\n`;
    s += "CLABEL_COMMIT\n";
  }
  for (const d of chart.dimensions) {
    const dopts = [d.obsolete ? "obsolete" : "", d.hidden ? "hidden" : "", d.noreset ? "noreset" : ""].join(
      " ",
    );
    s += `DIMENSION ${q(d.id)} ${q(d.name)} ${q(d.algorithm)} ${d.multiplier} ${d.divisor} ${q(dopts)}\n`;
  }
  for (const [name, v] of chart.variables) s += `VARIABLE CHART ${name} = ${formatDouble(v)}\n`;
  if ((caps & CAP_REPLICATION) !== 0) {
    const last = chart.lastEntrySec(history) || nowSec;
    let first = chart.firstEntrySec(history) || last;
    if (first >= last) first = last - chart.updateEvery;
    s += `CHART_DEFINITION_END ${first} ${last} ${nowSec}\n`;
  }
  return s;
}

/** One collection round: BEGIN, a SET per dimension collected in it, END. */
export function encodeRound(chart: Chart, deltaUs: number): string {
  let s = `BEGIN ${q(chart.id)} ${deltaUs > 0 ? Math.round(deltaUs) : 0}\n`;
  const dims = chart.dimensions;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (d.updated) s += `SET ${q(d.id)} = ${formatCollected(d.collected)}\n`;
  }
  return s + "END\n";
}
