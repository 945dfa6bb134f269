/**
 * One running alarm (Netdata's RRDCALC): a rule attached to one chart (for a `foreach` template, to
 * one dimension of it), its value and status, and the status machine of Netdata 1.37.1's
 * health_main(): warn and crit decide the status (crit over warn; a failed expression leaves its
 * half undefined), every change is an alarm log entry, `delay` postpones the notification of a
 * change (growing by `multiplier` up to `max` while changes keep coming), `repeat` re-notifies.
 * @module
 */

import type { Chart } from "../host/mod.ts";
import { evaluate, type VariableLookup } from "./evaluate.ts";
import { STATUS } from "./expression.ts";
import type { Rule } from "./rules.ts";

/** Netdata's status names by value. */
export function statusName(s: number): string {
  switch (s) {
    case STATUS.REMOVED:
      return "REMOVED";
    case STATUS.UNDEFINED:
      return "UNDEFINED";
    case STATUS.CLEAR:
      return "CLEAR";
    case STATUS.RAISED:
      return "RAISED";
    case STATUS.WARNING:
      return "WARNING";
    case STATUS.CRITICAL:
      return "CRITICAL";
    default:
      return "UNINITIALIZED";
  }
}

/** Alarm log entry flag (Netdata's HEALTH_ENTRY_FLAG_*): the notification decision was made. */
export const ENTRY_PROCESSED = 1 << 0;
/** A later entry of the same alarm superseded this one. */
export const ENTRY_UPDATED = 1 << 1;
/** The notification was sent. */
export const ENTRY_EXEC_RUN = 1 << 2;
/** The notification failed after its retries. */
export const ENTRY_EXEC_FAILED = 1 << 3;
/** Notifications were silenced (kept for Netdata's shape; the agent has no silencers yet). */
export const ENTRY_SILENCED = 1 << 4;
/** A repeat of a CLEAR that is sent once. */
export const ENTRY_RUN_ONCE = 1 << 5;
/** The rule has `options: no-clear-notification`. */
export const ENTRY_NO_CLEAR_NOTIFICATION = 1 << 6;
/** The alarm repeats its notifications (`repeat`). */
export const ENTRY_IS_REPEATING = 1 << 7;

/** One alarm log entry (Netdata's ALARM_ENTRY). */
export interface AlarmEntry {
  uniqueId: number;
  alarmId: number;
  alarmEventId: number;
  /** Epoch seconds. */
  when: number;
  name: string;
  chart: string;
  context: string;
  family: string;
  classification: string | undefined;
  component: string | undefined;
  type: string | undefined;
  exec: string | undefined;
  recipient: string | undefined;
  source: string;
  units: string;
  info: string;
  /** Seconds in the previous status. */
  duration: number;
  nonClearDuration: number;
  oldValue: number;
  newValue: number;
  /** formatValueAndUnit() of the values. */
  valueString: string;
  oldValueString: string;
  oldStatus: number;
  newStatus: number;
  delay: number;
  delayUpToTimestamp: number;
  flags: number;
  execRunTimestamp: number;
  execCode: number;
  updatedById: number;
  updatesId: number;
  lastRepeat: number;
  /** Expression and error text for the notification (Netdata's expr source / error_msg). */
  exprSource: string;
  exprError: string;
}

/** Health defaults of a host that an alarm needs. */
export interface AlarmDefaults {
  warnRepeatEvery: number;
  critRepeatEvery: number;
}

/** A rule attached to a chart. */
export class Alarm {
  readonly rule: Rule;
  readonly name: string;
  readonly chart: Chart;
  /** `foreach` dimension (the lookup reads only it), else undefined. */
  readonly dimension: string | undefined;
  id: number;
  nextEventId = 1;
  value = NaN;
  oldValue = NaN;
  status: number = STATUS.UNINITIALIZED;
  oldStatus: number = STATUS.UNINITIALIZED;
  lastStatusChange: number;
  lastUpdated = 0;
  nextUpdate = 0;
  updateEvery: number;
  delayUpCurrent = 0;
  delayDownCurrent = 0;
  delayLast = 0;
  delayUpToTimestamp = 0;
  lastRepeat = 0;
  timesRepeat = 0;
  runOnce = false;
  warnRepeatEvery: number;
  critRepeatEvery: number;
  dbAfter = 0;
  dbBefore = 0;
  /** Last problems (db_error, db_nan, calc/warn/crit errors), for logs and the notification. */
  problem = "";
  /** Whether the alarm was runnable in the current loop. */
  runnable = false;
  /** Set by the silencers (`/api/v1/manage/health`): not evaluated / not notified. */
  disabled = false;
  silenced = false;

  constructor(
    rule: Rule,
    chart: Chart,
    opts: { id: number; nowSec: number; defaults: AlarmDefaults; dimension?: string },
  ) {
    this.rule = rule;
    this.chart = chart;
    this.dimension = opts.dimension;
    this.name = opts.dimension !== undefined ? `${rule.name}_${opts.dimension}` : rule.name;
    this.id = opts.id;
    this.lastStatusChange = opts.nowSec;
    this.updateEvery = Math.max(rule.every, chart.updateEvery);
    this.warnRepeatEvery = rule.warnRepeatEvery ?? opts.defaults.warnRepeatEvery;
    this.critRepeatEvery = rule.critRepeatEvery ?? opts.defaults.critRepeatEvery;
  }

  /** Units: the rule's, else the chart's. */
  get units(): string {
    return this.rule.units ?? this.chart.units;
  }

  /**
   * `info` with Netdata's substitutions: a word `$family` becomes the chart's family and
   * `$label:KEY` the value of the chart's label KEY (words end at a space).
   */
  get info(): string {
    const text = this.rule.info;
    if (!text) return "";
    return text.replace(/\$[^ ]*/g, (w) => {
      if (w === "$family") return this.chart.family;
      if (w.startsWith("$label:")) return this.chart.labels.get(w.slice(7))?.value ?? w;
      return w;
    });
  }

  /** Whether notifications repeat (Netdata's rrdcalc_isrepeating()). */
  get repeating(): boolean {
    return this.warnRepeatEvery > 0 || this.critRepeatEvery > 0;
  }

  /** `key` of the alarms API: `chart.name`. */
  get key(): string {
    return `${this.chart.id}.${this.name}`;
  }

  /** Runs `calc` over the looked-up value (already in `value`); NaN on failure. */
  calculate(lookup: VariableLookup): void {
    const calc = this.rule.calc;
    if (calc === undefined) return;
    const r = evaluate(calc, lookup);
    if (r.error) this.problem = `calc: ${r.error}`;
    this.value = r.value;
  }

  /**
   * Evaluates warn and crit into a status: crit raised beats warn; a clear crit only clears when
   * warn said nothing; an expression that fails says nothing.
   */
  decide(lookup: VariableLookup): { status: number; expr: string; error: string } {
    let warning: number = STATUS.UNDEFINED;
    let critical: number = STATUS.UNDEFINED;
    let warnTrace = "", critTrace = "";
    if (this.rule.warn) {
      const r = evaluate(this.rule.warn, lookup);
      warnTrace = r.trace;
      if (r.error) this.problem = `warn: ${r.error}`;
      else warning = r.value ? STATUS.RAISED : STATUS.CLEAR;
    }
    if (this.rule.crit) {
      const r = evaluate(this.rule.crit, lookup);
      critTrace = r.trace;
      if (r.error) this.problem = `crit: ${r.error}`;
      else critical = r.value ? STATUS.RAISED : STATUS.CLEAR;
    }
    let status: number = STATUS.UNDEFINED;
    if (warning === STATUS.CLEAR) status = STATUS.CLEAR;
    else if (warning === STATUS.RAISED) status = STATUS.WARNING;
    if (critical === STATUS.CLEAR && status === STATUS.UNDEFINED) status = STATUS.CLEAR;
    else if (critical === STATUS.RAISED) status = STATUS.CRITICAL;
    // The notification shows the expression that decided (Netdata: crit for CRITICAL, else warn).
    const crit = status === STATUS.CRITICAL;
    const e = crit ? this.rule.crit : this.rule.warn;
    return { status, expr: e?.source ?? "NOSOURCE", error: e ? (crit ? critTrace : warnTrace) : "NOERRMSG" };
  }

  /** Advances the delay state for a status change at `now`; returns the delay of this change. */
  delayFor(newStatus: number, now: number): number {
    const d = this.rule.delay;
    if (now > this.delayUpToTimestamp) {
      this.delayUpCurrent = d.up;
      this.delayDownCurrent = d.down;
      this.delayLast = 0;
      this.delayUpToTimestamp = 0;
    } else {
      this.delayUpCurrent = Math.min(Math.trunc(this.delayUpCurrent * d.multiplier), d.max);
      this.delayDownCurrent = Math.min(Math.trunc(this.delayDownCurrent * d.multiplier), d.max);
    }
    const delay = newStatus > this.status ? this.delayUpCurrent : this.delayDownCurrent;
    this.delayLast = delay;
    this.delayUpToTimestamp = now + delay;
    return delay;
  }
}
