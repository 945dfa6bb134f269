/**
 * Health endpoints (`/api/v1/alarms`, `alarm_log`, `alarm_variables`, `alarm_count`, as Netdata 1.37.1 answers them). The agent has no health engine, so these give Netdata's
 * answers for "no alarms": `status: false` makes dashboard.js stop polling.
 * @module
 */

import type { Chart, Host } from "../../host/mod.ts";
import { formatFixed, jsonString } from "../format.ts";
import { jsonReply, type Reply, type RouteContext } from "../reply.ts";
import { lastStoredValue } from "../query/mod.ts";
import { findChart } from "./charts.ts";

/** Handles `/api/v1/alarms` (`?all` / `?active` change nothing without alarms). */
export function alarmsRoute(ctx: RouteContext): Reply {
  const now = Math.floor(ctx.nowMs / 1000);
  return jsonReply(
    `{\n\t"hostname": ${jsonString(ctx.host.hostname)},` +
      `\n\t"latest_alarm_log_unique_id": 0,` +
      `\n\t"status": false,` +
      `\n\t"now": ${now},` +
      `\n\t"alarms": {\n` +
      `\n\t}\n}\n`,
  );
}

/** Handles `/api/v1/alarms_values`. */
export function alarmsValuesRoute(ctx: RouteContext): Reply {
  return jsonReply(`{\n\t"hostname": ${jsonString(ctx.host.hostname)},\n\t"alarms": {\n\n\t}\n}\n`);
}

/** Handles `/api/v1/alarm_log` (cacheable, like Netdata). */
export function alarmLogRoute(_ctx: RouteContext): Reply {
  return jsonReply("[\n]\n", true);
}

/** Handles `/api/v1/alarm_count`. */
export function alarmCountRoute(_ctx: RouteContext): Reply {
  return jsonReply("[0]\n");
}

function variable(name: string, value: number): string {
  return `\n\t\t${jsonString(name)}: ${Number.isFinite(value) ? formatFixed(value, 5) : "null"}`;
}

/** The chart-level variables an alarm on `chart` could use (Netdata's rrdsetvar/rrddimvar). */
function chartVariables(ctx: RouteContext, chart: Chart): string[] {
  const host: Host = ctx.host;
  const store = host.store;
  const scratch = ctx.state.scratch;
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (k: string, v: number) => {
    if (seen.has(k)) return;
    seen.add(k);
    out.push(variable(k, v));
  };
  const lastCollected = Math.floor(chart.lastCollectedUs / 1_000_000);
  add("last_collected_t", lastCollected);
  add("green", NaN);
  add("red", NaN);
  add("update_every", chart.updateEvery);
  for (const [k, v] of chart.variables) add(k, v);
  for (const d of chart.dimensions) {
    const value = lastStoredValue(store, d.seriesId, scratch);
    const raw = d.lastCollectedUs > 0 ? d.lastCollected : NaN;
    const t = Math.floor(d.lastCollectedUs / 1_000_000);
    for (const [suffix, v] of [["", value], ["_raw", raw], ["_last_collected_t", t]] as const) {
      add(d.id + suffix, v);
      add(d.name + suffix, v);
    }
  }
  return out;
}

/** Handles `/api/v1/alarm_variables?chart=`. */
export function alarmVariablesRoute(ctx: RouteContext): Reply {
  const chart = findChart(ctx);
  if ("status" in chart) return chart;
  const host = ctx.host;
  const family: string[] = [];
  const seen = new Set<string>();
  const scratch = ctx.state.scratch;
  for (const c of host.charts.values()) {
    if (c.family !== chart.family) continue;
    for (const d of c.dimensions) {
      const v = lastStoredValue(host.store, d.seriesId, scratch);
      for (const k of [d.id, d.name, c.context + "." + d.id, c.context + "." + d.name]) {
        if (seen.has(k)) continue;
        seen.add(k);
        family.push(variable(k, v));
      }
    }
  }
  const hostVars: string[] = [];
  for (const [k, v] of host.variables) hostVars.push(variable(k, v));
  const body = `{\n\t"chart": ${jsonString(chart.id)},\n\t"chart_name": ${jsonString(chart.name)},` +
    `\n\t"chart_context": ${jsonString(chart.context)},\n\t"chart_variables": {` +
    chartVariables(ctx, chart).join(",") +
    `\n\t},\n\t"family": ${jsonString(chart.family)},\n\t"family_variables": {` + family.join(",") +
    `\n\t},\n\t"host": ${jsonString(host.hostname)},\n\t"host_variables": {` + hostVars.join(",") +
    "\n\t}\n}\n";
  return jsonReply(body, true);
}
