/**
 * `GET /api/v1/charts` and `GET /api/v1/chart?chart=`, in Netdata's layout.
 * Objects keyed by chart or dimension id are written by hand so integer-like ids keep their order.
 * @module
 */

import type { Chart, Host } from "../../host/mod.ts";
import { formatFixed, htmlEscape, jsonEscape, jsonString } from "../format.ts";
import { hostVersion, jsonReply, type Reply, type RouteContext, textReply } from "../reply.ts";
import { labelLines, releaseChannel } from "./info.ts";

/** Netdata's rrdset2json() for one chart; adds its visible dimensions to `counts`. */
export function chartJson(chart: Chart, counts?: { dimensions: number }): string {
  const first = chart.retentionFirstSec();
  const last = chart.lastEntrySec();
  let out = "\t\t{\n" +
    `\t\t\t"id": ${jsonString(chart.id)},\n` +
    `\t\t\t"name": ${jsonString(chart.name)},\n` +
    `\t\t\t"type": ${jsonString(chart.type)},\n` +
    `\t\t\t"family": ${jsonString(chart.family)},\n` +
    `\t\t\t"context": ${jsonString(chart.context)},\n` +
    `\t\t\t"title": "${jsonEscape(chart.title)} (${jsonEscape(chart.name)})",\n` +
    `\t\t\t"priority": ${chart.priority},\n` +
    `\t\t\t"plugin": ${jsonString(chart.plugin)},\n` +
    `\t\t\t"module": ${jsonString(chart.module)},\n` +
    `\t\t\t"units": ${jsonString(chart.units)},\n` +
    `\t\t\t"data_url": "/api/v1/data?chart=${jsonEscape(chart.name)}",\n` +
    `\t\t\t"chart_type": ${jsonString(chart.chartType)},\n` +
    `\t\t\t"duration": ${last - first + chart.updateEvery},\n` +
    `\t\t\t"first_entry": ${first},\n` +
    `\t\t\t"last_entry": ${last},\n` +
    `\t\t\t"update_every": ${chart.updateEvery},\n` +
    `\t\t\t"dimensions": {\n`;
  let n = 0;
  for (const d of chart.dimensions) {
    if (d.hidden || d.obsolete) continue;
    out += (n === 0 ? "\t\t\t\t" : ",\n\t\t\t\t") + `${jsonString(d.id)}: { "name": ${jsonString(d.name)} }`;
    n++;
  }
  if (counts !== undefined) counts.dimensions += n;
  out += '\n\t\t\t},\n\t\t\t"chart_variables": {';
  let v = 0;
  for (const [k, value] of chart.variables) {
    out += (v++ === 0 ? "" : ",") + `\n\t\t${jsonString(k)}: ${formatFixed(value, 5)}`;
  }
  out += "\n\t\t\t}" +
    ',\n\t\t\t"green": null' +
    ',\n\t\t\t"red": null' +
    ',\n\t\t\t"alarms": {\n\n\t\t\t}' +
    ',\n\t\t\t"chart_labels": {\n' + labelLines(chart.labels, "\t\t\t\t") + "\n\t\t\t}" +
    ',\n\t\t\t"functions": {\n\t\t\t}' +
    "\n\t\t}";
  return out;
}

/** Handles `/api/v1/charts`. */
export function chartsRoute(ctx: RouteContext): Reply {
  const host: Host = ctx.host;
  const hosts = ctx.hosts.list();
  const history = host.memoryMode === "dbengine" ? 0 : Math.floor(host.historySec / host.updateEvery);
  let out = "{\n" +
    `\t"hostname": ${jsonString(host.hostname)}` +
    `,\n\t"version": ${jsonString(hostVersion(ctx, host))}` +
    `,\n\t"release_channel": ${jsonString(releaseChannel(ctx.version))}` +
    `,\n\t"os": ${jsonString(host.os)}` +
    `,\n\t"timezone": ${jsonString(host.timezone)}` +
    `,\n\t"update_every": ${host.updateEvery}` +
    `,\n\t"history": ${history}` +
    `,\n\t"memory_mode": ${jsonString(host.memoryMode)}` +
    `,\n\t"custom_info": ""` +
    `,\n\t"charts": {`;
  const counts = { dimensions: 0 };
  let c = 0;
  for (const chart of host.visibleCharts()) {
    out += (c++ === 0 ? "" : ",") + `\n\t\t${jsonString(chart.id)}: ` + chartJson(chart, counts);
  }
  out += "\n\t}" +
    `,\n\t"charts_count": ${c}` +
    `,\n\t"dimensions_count": ${counts.dimensions}` +
    `,\n\t"alarms_count": 0` +
    `,\n\t"rrd_memory_bytes": ${host.store.memoryBytes()}` +
    `,\n\t"hosts_count": ${hosts.length}` +
    `,\n\t"hosts": [`;
  const listed = hosts.length > 1 ? hosts : [host];
  out += listed.map((h, i) =>
    `${i > 0 ? "," : ""}\n\t\t{\n\t\t\t"hostname": ${jsonString(h.hostname)}\n\t\t}`
  )
    .join("");
  out += "\n\t]\n}\n";
  return jsonReply(out, true);
}

/** Finds `chart=` by id then name; an error reply when missing or unknown. */
export function findChart(ctx: RouteContext): Chart | Reply {
  const id = ctx.params.get("chart");
  if (id === undefined) return textReply(400, "No chart id is given at the request.");
  const chart = ctx.host.chart(id);
  if (chart === undefined) return textReply(404, "Chart is not found: " + htmlEscape(id));
  return chart;
}

/** Handles `/api/v1/chart`. */
export function chartRoute(ctx: RouteContext): Reply {
  const chart = findChart(ctx);
  if ("status" in chart) return chart;
  return jsonReply(chartJson(chart), true);
}
