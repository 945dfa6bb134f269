/**
 * Health endpoints in Netdata 1.37.1's shapes: the alarms of the selected host,
 * its alarm log, counts and variables. A host whose health is off answers like Netdata's "no
 * alarms" (`status: false` makes dashboards stop polling).
 * @module
 */

import type { Chart } from "../../host/mod.ts";
import { formatFixed, jsonString } from "../format.ts";
import { jsonReply, type Reply, type RouteContext, textReply } from "../reply.ts";
import { lastStoredValue } from "../query/mod.ts";
import { findChart } from "./charts.ts";
import { type Alarm, statusName } from "../../health/mod.ts";
import { chartThresholds } from "../../health/variables.ts";
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

/** An ordered set of `"name": value` lines (the first value of a name wins, like a dictionary). */
function variableSet() {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (k: string, v: number) => {
    if (seen.has(k)) return;
    seen.add(k);
    out.push(variable(k, v));
  };
  return { out, add };
}

/** Each dimension variable of `d`: `[suffix, value]` for the value, `_raw` and `_last_collected_t`. */
function dimValues(ctx: RouteContext, d: Chart["dimensions"][number]): [string, number][] {
  return [
    ["", lastStoredValue(ctx.host.store, d.seriesId, ctx.state.scratch)],
    ["_raw", d.lastCollectedUs > 0 ? d.lastCollected : NaN],
    ["_last_collected_t", Math.floor(d.lastCollectedUs / 1_000_000)],
  ];
}

/** A chart's own variables (Netdata's rrdsetvar): name -> value, custom `VARIABLE CHART`s last. */
function setVars(c: Chart, alarms: readonly Alarm[]): [string, number][] {
  const { green, red } = chartThresholds(alarms);
  return [
    ["last_collected_t", Math.floor(c.lastCollectedUs / 1_000_000)],
    ["green", green],
    ["red", red],
    ["update_every", c.updateEvery],
    ...c.variables,
  ];
}

/**
 * Handles `/api/v1/alarm_variables?chart=`: the variables an alarm on the chart sees, in Netdata's
 * three scopes. Chart: its own variables, alarms and dimensions (`dim`, `dim_raw`,
 * `dim_last_collected_t` by id and name). Family: the same dimension names and `context.dim` of every
 * chart in the family, their `chart.var`, and their alarms. Host: custom host variables, and with
 * health on every chart's `chart.dim`, `chart.var` and `chart.alarm` (by chart id and name).
 */
export function alarmVariablesRoute(ctx: RouteContext): Reply {
  const chart = findChart(ctx);
  if ("status" in chart) return chart;
  const host = ctx.host;
  const hh = ctx.health?.of(host);
  const alarmsOf = (c: Chart) => hh?.byChart.get(c.id) ?? [];
  const local = variableSet();
  for (const [k, v] of setVars(chart, alarmsOf(chart))) local.add(k, v);
  for (const a of alarmsOf(chart)) local.add(a.name, a.value);
  for (const d of chart.dimensions) {
    for (const [suffix, v] of dimValues(ctx, d)) for (const n of [d.id, d.name]) local.add(n + suffix, v);
  }
  const family = variableSet();
  const hostSet = variableSet();
  for (const [k, v] of host.variables) hostSet.add(k, v);
  for (const c of host.charts.values()) {
    const inFamily = c.family === chart.family;
    if (!inFamily && hh === undefined) continue;
    const names = c.name === c.id ? [c.id] : [c.id, c.name];
    for (const d of c.dimensions) {
      for (const [suffix, v] of dimValues(ctx, d)) {
        for (const n of [d.id, d.name]) {
          if (inFamily) {
            family.add(n + suffix, v);
            family.add(`${c.context}.${n}${suffix}`, v);
          }
          if (hh !== undefined) { for (const cn of names) hostSet.add(`${cn}.${n}${suffix}`, v); }
        }
      }
    }
    for (const [k, v] of setVars(c, alarmsOf(c))) {
      for (const cn of names) {
        if (inFamily) family.add(`${cn}.${k}`, v);
        if (hh !== undefined) hostSet.add(`${cn}.${k}`, v);
      }
    }
    for (const a of alarmsOf(c)) {
      if (inFamily) family.add(a.name, a.value);
      for (const cn of names) hostSet.add(`${cn}.${a.name}`, a.value);
    }
  }
  const body = `{\n\t"chart": ${jsonString(chart.id)},\n\t"chart_name": ${jsonString(chart.name)},` +
    `\n\t"chart_context": ${jsonString(chart.context)},\n\t"chart_variables": {` + local.out.join(",") +
    `\n\t},\n\t"family": ${jsonString(chart.family)},\n\t"family_variables": {` + family.out.join(",") +
    `\n\t},\n\t"host": ${jsonString(host.hostname)},\n\t"host_variables": {` + hostSet.out.join(",") +
    "\n\t}\n}\n";
  return jsonReply(body, true);
}

/**
 * Handles `/api/v1/manage/health` (Netdata's health management API: silence or disable alarms by
 * selectors, `LIST`, `RESET`), authorized by the `X-Auth-Token` header.
 */
export function manageHealthRoute(ctx: RouteContext): Reply {
  const manage = ctx.health?.manage;
  if (manage === undefined) return textReply(403, "Auth Error\n");
  const r = manage.call(ctx.health, ctx.request.headers.get("X-Auth-Token") ?? undefined, ctx.params.pairs);
  return r.json ? jsonReply(r.body) : textReply(r.status, r.body);
}
