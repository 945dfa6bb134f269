/**
 * Health endpoints (API reference §7) in Netdata 1.37.1's shapes: the alarms of the selected host,
 * its alarm log, counts and variables. A host whose health is off answers like Netdata's "no
 * alarms" (`status: false` makes dashboards stop polling).
 * @module
 */

import type { Chart, Host } from "../../host/mod.ts";
import { formatFixed, jsonString } from "../format.ts";
import { jsonReply, type Reply, type RouteContext } from "../reply.ts";
import { lastStoredValue } from "../query/mod.ts";
import { findChart } from "./charts.ts";
import { type Alarm, statusName } from "../../health/mod.ts";
import { alarmJson, alarmValueJson, entryJson, listed } from "./alarms_json.ts";

const DEFAULT_RECIPIENT = "root";

function defaults(ctx: RouteContext) {
  return {
    exec: ctx.config.health.scriptToExecuteOnAlarm,
    recipient: DEFAULT_RECIPIENT,
    configDir: ctx.config.directories.config || "/etc/agent",
  };
}

/** `?all` (every alarm) or `?active` (raised only, the default), as Netdata's alarms_select. */
function selectAll(ctx: RouteContext): boolean {
  let all = false;
  for (const token of ctx.params.tokens) {
    if (token === "all") all = true;
    else if (token === "active") all = false;
  }
  return all;
}

function shown(a: Alarm, all: boolean): boolean {
  return listed(a) && (all || a.status === STATUS_WARNING || a.status === STATUS_CRITICAL);
}

const STATUS_WARNING = 3;
const STATUS_CRITICAL = 4;

/** Handles `/api/v1/alarms` (`?all` lists every alarm, else only raised ones). */
export function alarmsRoute(ctx: RouteContext): Reply {
  const now = Math.floor(ctx.nowMs / 1000);
  const hh = ctx.health?.of(ctx.host);
  const all = selectAll(ctx);
  const items = hh ? hh.alarms.filter((a) => shown(a, all)).map((a) => alarmJson(a, defaults(ctx))) : [];
  return jsonReply(
    `{\n\t"hostname": ${jsonString(ctx.host.hostname)},` +
      `\n\t"latest_alarm_log_unique_id": ${hh?.log.latestUniqueId ?? 0},` +
      `\n\t"status": ${hh ? "true" : "false"},` +
      `\n\t"now": ${now},` +
      `\n\t"alarms": {\n` + items.join(",\n") +
      `\n\t}\n}\n`,
  );
}

/** Handles `/api/v1/alarms_values`. */
export function alarmsValuesRoute(ctx: RouteContext): Reply {
  const hh = ctx.health?.of(ctx.host);
  const all = selectAll(ctx);
  const items = hh ? hh.alarms.filter((a) => shown(a, all)).map(alarmValueJson) : [];
  return jsonReply(
    `{\n\t"hostname": ${jsonString(ctx.host.hostname)},\n\t"alarms": {\n` + items.join(",\n") + `\n\t}\n}\n`,
  );
}

/** Handles `/api/v1/alarm_log?after=UNIQUE_ID&chart=ID`, newest first (cacheable, like Netdata). */
export function alarmLogRoute(ctx: RouteContext): Reply {
  const log = ctx.health?.logOf(ctx.host);
  if (log === undefined) return jsonReply("[\n]\n", true);
  const afterText = ctx.params.get("after");
  const after = afterText ? Math.max(0, Math.trunc(Number.parseInt(afterText, 10)) || 0) : 0;
  const chart = ctx.params.get("chart");
  const entries = log.entries;
  const out: string[] = [];
  for (let i = entries.length - 1; i >= 0 && out.length < log.max; i--) {
    const e = entries[i];
    if (e.uniqueId > after && (!chart || e.chart === chart)) out.push(entryJson(ctx.host, e, defaults(ctx)));
  }
  return jsonReply("[" + out.join(",") + "\n]\n", true);
}

/** Handles `/api/v1/alarm_count?status=&context=`: raised (WARNING or CRITICAL) by default. */
export function alarmCountRoute(ctx: RouteContext): Reply {
  const hh = ctx.health?.of(ctx.host);
  let status = "RAISED";
  const contexts: string[] = [];
  for (const [name, v] of ctx.params.pairs) {
    if (v === "") continue;
    if (name === "status") {
      const u = v.toUpperCase();
      if (["CRITICAL", "WARNING", "UNINITIALIZED", "UNDEFINED", "REMOVED", "CLEAR"].includes(u)) status = u;
    } else if (name === "context" || name === "ctx") contexts.push(...v.split(/[, |]/).filter((x) => x));
  }
  const counts = (a: Alarm) =>
    listed(a) && (status === "RAISED" ? a.status >= STATUS_WARNING : statusName(a.status) === status);
  let n = 0;
  // Netdata counts once per context token given, or over every alarm without one.
  if (contexts.length === 0) { for (const a of hh?.alarms ?? []) n += counts(a) ? 1 : 0; }
  for (const c of contexts) for (const a of hh?.alarms ?? []) n += a.chart.context === c && counts(a) ? 1 : 0;
  return jsonReply(`[${n}]\n`);
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
  for (const a of ctx.health?.of(host)?.byChart.get(chart.id) ?? []) add(a.name, a.value);
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
  const hh = ctx.health?.of(host);
  for (const c of host.charts.values()) {
    if (c.family !== chart.family) continue;
    for (const a of hh?.byChart.get(c.id) ?? []) {
      if (seen.has(a.name)) continue;
      seen.add(a.name);
      family.push(variable(a.name, a.value));
    }
  }
  const hostVars: string[] = [];
  const hostSeen = new Set<string>();
  const addHost = (k: string, v: number) => {
    if (hostSeen.has(k)) return;
    hostSeen.add(k);
    hostVars.push(variable(k, v));
  };
  for (const [k, v] of host.variables) addHost(k, v);
  // Netdata's rrddimvar host entries: CHART.DIM by chart id and name, dimension id and name.
  if (hh !== undefined) {
    for (const c of host.charts.values()) {
      for (const d of c.dimensions) {
        const v = d.lastStored;
        for (const ch of [c.id, c.name]) for (const dn of [d.id, d.name]) addHost(`${ch}.${dn}`, v);
      }
    }
  }
  for (const a of hh?.alarms ?? []) {
    hostVars.push(variable(`${a.chart.id}.${a.name}`, a.value));
    if (a.chart.name !== a.chart.id) hostVars.push(variable(`${a.chart.name}.${a.name}`, a.value));
  }
  const body = `{\n\t"chart": ${jsonString(chart.id)},\n\t"chart_name": ${jsonString(chart.name)},` +
    `\n\t"chart_context": ${jsonString(chart.context)},\n\t"chart_variables": {` +
    chartVariables(ctx, chart).join(",") +
    `\n\t},\n\t"family": ${jsonString(chart.family)},\n\t"family_variables": {` + family.join(",") +
    `\n\t},\n\t"host": ${jsonString(host.hostname)},\n\t"host_variables": {` + hostVars.join(",") +
    "\n\t}\n}\n";
  return jsonReply(body, true);
}
