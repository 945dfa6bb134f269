/**
 * The JSON of alarms and alarm log entries in Netdata 1.37.1's shapes (health/health_json.c):
 * same keys, order, tabs and number formats, so its dashboards and API clients read ours.
 * @module
 */

import type { Alarm } from "../../health/mod.ts";
import { statusName } from "../../health/mod.ts";
import { formatValueAndUnit } from "../../health/format.ts";
import { lookupFlags } from "../../health/lookup.ts";
import { editCommand } from "../../health/notify.ts";
import {
  type AlarmEntry,
  ENTRY_EXEC_FAILED,
  ENTRY_NO_CLEAR_NOTIFICATION,
  ENTRY_PROCESSED,
  ENTRY_SILENCED,
  ENTRY_UPDATED,
} from "../../health/alarm.ts";
import type { Host } from "../../host/mod.ts";
import { formatNumber, htmlEscape, jsonEscape } from "../format.ts";
import { optionsToString } from "../query/mod.ts";

/** Netdata's buffer_rrd_value(): `null` for NaN/inf. */
const value = (n: number) => formatNumber(n);
/** A string field printed with `%s` (Netdata does not escape these; we keep JSON valid). */
const s = (v: string | undefined) => jsonEscape(v ?? "");
/** health_string2json(): html-escaped, `null` when empty. */
const str2json = (prefix: string, label: string, v: string | undefined, suffix: string) =>
  v ? `${prefix}"${label}":"${jsonEscape(htmlEscape(v))}"${suffix}` : `${prefix}"${label}":null${suffix}`;

/** Whether the API lists an alarm at all (its chart was collected and is not obsolete). */
export function listed(a: Alarm): boolean {
  return a.chart.lastCollectedUs > 0 && !a.chart.obsolete && a.chart.dimensions.length > 0;
}

/** One alarm as in `/api/v1/alarms` (health_rrdcalc2json_nolock). */
export function alarmJson(a: Alarm, defaults: { exec: string; recipient: string }): string {
  const r = a.rule;
  const d = r.delay;
  let out = `\t\t"${s(a.key)}": {\n` +
    `\t\t\t"id": ${a.id},\n` +
    `\t\t\t"config_hash_id": "${configHash(a)}",\n` +
    `\t\t\t"name": "${s(a.name)}",\n` +
    `\t\t\t"chart": "${s(a.chart.id)}",\n` +
    `\t\t\t"family": "${s(a.chart.family)}",\n` +
    `\t\t\t"class": "${s(r.classification ?? "Unknown")}",\n` +
    `\t\t\t"component": "${s(r.component ?? "Unknown")}",\n` +
    `\t\t\t"type": "${s(r.type ?? "Unknown")}",\n` +
    `\t\t\t"active": true,\n` +
    `\t\t\t"disabled": ${a.disabled},\n` +
    `\t\t\t"silenced": ${a.silenced},\n` +
    `\t\t\t"exec": "${s(r.exec ?? defaults.exec)}",\n` +
    `\t\t\t"recipient": "${s(r.to ?? defaults.recipient)}",\n` +
    `\t\t\t"source": "${s(r.source)}",\n` +
    `\t\t\t"units": "${s(a.units)}",\n` +
    `\t\t\t"info": "${s(a.info)}",\n` +
    `\t\t\t"status": "${statusName(a.status)}",\n` +
    `\t\t\t"last_status_change": ${a.lastStatusChange},\n` +
    `\t\t\t"last_updated": ${a.lastUpdated},\n` +
    `\t\t\t"next_update": ${a.nextUpdate},\n` +
    `\t\t\t"update_every": ${a.updateEvery},\n` +
    `\t\t\t"delay_up_duration": ${d.up},\n` +
    `\t\t\t"delay_down_duration": ${d.down},\n` +
    `\t\t\t"delay_max_duration": ${d.max},\n` +
    `\t\t\t"delay_multiplier": ${d.multiplier.toFixed(6)},\n` +
    `\t\t\t"delay": ${a.delayLast},\n` +
    `\t\t\t"delay_up_to_timestamp": ${a.delayUpToTimestamp},\n` +
    `\t\t\t"warn_repeat_every": "${a.warnRepeatEvery}",\n` +
    `\t\t\t"crit_repeat_every": "${a.critRepeatEvery}",\n` +
    `\t\t\t"value_string": "${s(formatValueAndUnit(a.value, a.units))}",\n` +
    `\t\t\t"last_repeat": "${a.lastRepeat}",\n` +
    `\t\t\t"times_repeat": ${a.timesRepeat},\n`;
  if (r.noClearNotification) out += `\t\t\t"no_clear_notification": true,\n`;
  const l = r.lookup;
  if (l !== undefined) {
    const dims = a.dimension ?? l.dimensions;
    if (dims) out += str2json("\t\t\t", "lookup_dimensions", dims, ",\n");
    out += `\t\t\t"db_after": ${a.dbAfter},\n\t\t\t"db_before": ${a.dbBefore},\n` +
      `\t\t\t"lookup_method": "${l.group}",\n\t\t\t"lookup_after": ${l.after},\n` +
      `\t\t\t"lookup_before": ${l.before},\n\t\t\t"lookup_options": "${
        optionsToString(lookupFlags(l.options))
      }",\n`;
  }
  for (const [k, e] of [["calc", r.calc], ["warn", r.warn], ["crit", r.crit]] as const) {
    if (e === undefined) continue;
    out += str2json("\t\t\t", k, e.source, ",\n") + str2json("\t\t\t", `${k}_parsed`, e.parsedAs, ",\n");
  }
  return out +
    `\t\t\t"green":${value(r.green)},\n\t\t\t"red":${value(r.red)},\n\t\t\t"value":${value(a.value)}\n\t\t}`;
}

/** One alarm as in `/api/v1/alarms_values`. */
export function alarmValueJson(a: Alarm): string {
  return `\t\t"${s(a.key)}": {\n\t\t\t"id": ${a.id},\n\t\t\t"value":${value(a.value)},\n` +
    `\t\t\t"last_updated":${a.lastUpdated},\n\t\t\t"status": "${statusName(a.status)}"\n\t\t}`;
}

/** A stable pseudo config hash of a rule (Netdata hashes the config; we hash its text). */
function configHash(a: Alarm): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  const text = JSON.stringify(a.rule.text) + a.rule.name;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ text.charCodeAt(i), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0")).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20, 32)
  }`;
}

/** One log entry as in `/api/v1/alarm_log` (health_alarm_entry2json_nolock). */
export function entryJson(
  host: Host,
  e: AlarmEntry,
  o: { exec: string; recipient: string; configDir: string },
): string {
  const f = (flag: number) => (e.flags & flag) !== 0 ? "true" : "false";
  let out = `\n\t{\n` +
    `\t\t"hostname": "${s(host.hostname)}",\n` +
    `\t\t"utc_offset": ${host.utcOffset},\n` +
    `\t\t"timezone": "${s(host.abbrevTimezone)}",\n` +
    `\t\t"unique_id": ${e.uniqueId},\n` +
    `\t\t"alarm_id": ${e.alarmId},\n` +
    `\t\t"alarm_event_id": ${e.alarmEventId},\n` +
    `\t\t"config_hash_id": "00000000-0000-0000-0000-000000000000",\n` +
    `\t\t"name": "${s(e.name)}",\n` +
    `\t\t"chart": "${s(e.chart)}",\n` +
    `\t\t"context": "${s(e.context)}",\n` +
    `\t\t"family": "${s(e.family)}",\n` +
    `\t\t"class": "${s(e.classification ?? "Unknown")}",\n` +
    `\t\t"component": "${s(e.component ?? "Unknown")}",\n` +
    `\t\t"type": "${s(e.type ?? "Unknown")}",\n` +
    `\t\t"processed": ${f(ENTRY_PROCESSED)},\n` +
    `\t\t"updated": ${f(ENTRY_UPDATED)},\n` +
    `\t\t"exec_run": ${e.execRunTimestamp},\n` +
    `\t\t"exec_failed": ${f(ENTRY_EXEC_FAILED)},\n` +
    `\t\t"exec": "${s(e.exec ?? o.exec)}",\n` +
    `\t\t"recipient": "${s(e.recipient ?? o.recipient)}",\n` +
    `\t\t"exec_code": ${e.execCode},\n` +
    `\t\t"source": "${s(e.source)}",\n` +
    `\t\t"command": "${s(editCommand(e.source, o.configDir, host.hostname))}",\n` +
    `\t\t"units": "${s(e.units)}",\n` +
    `\t\t"when": ${e.when},\n` +
    `\t\t"duration": ${e.duration},\n` +
    `\t\t"non_clear_duration": ${e.nonClearDuration},\n` +
    `\t\t"status": "${statusName(e.newStatus)}",\n` +
    `\t\t"old_status": "${statusName(e.oldStatus)}",\n` +
    `\t\t"delay": ${e.delay},\n` +
    `\t\t"delay_up_to_timestamp": ${e.delayUpToTimestamp},\n` +
    `\t\t"updated_by_id": ${e.updatedById},\n` +
    `\t\t"updates_id": ${e.updatesId},\n` +
    `\t\t"value_string": "${s(e.valueString)}",\n` +
    `\t\t"old_value_string": "${s(e.oldValueString)}",\n` +
    `\t\t"last_repeat": "${e.lastRepeat}",\n` +
    `\t\t"silenced": "${f(ENTRY_SILENCED)}",\n`;
  out += str2json("\t\t", "info", e.info, ",\n");
  if ((e.flags & ENTRY_NO_CLEAR_NOTIFICATION) !== 0) out += `\t\t"no_clear_notification": true,\n`;
  return out + `\t\t"value":${value(e.newValue)},\n\t\t"old_value":${value(e.oldValue)}\n\t}`;
}
