/**
 * The health of one host (Netdata 1.37.1's per-host health thread, as a step function): attaches
 * the rules to the host's charts as they appear, runs the alarms that are due (lookup, calc,
 * warn/crit, status change, delay, repeat), keeps the alarm log and hands notifications to the
 * notifier. `run()` is synchronous and bounded by the alarms due; the scheduler calls it.
 * @module
 */

import { QueryScratch } from "../api/query/mod.ts";
import type { Chart, ChartObserver, Host } from "../host/mod.ts";
import {
  Alarm,
  type AlarmDefaults,
  type AlarmEntry,
  ENTRY_EXEC_RUN,
  ENTRY_IS_REPEATING,
  ENTRY_NO_CLEAR_NOTIFICATION,
  ENTRY_PROCESSED,
  ENTRY_RUN_ONCE,
  ENTRY_SILENCED,
} from "./alarm.ts";
import { STATUS } from "./expression.ts";
import { formatValueAndUnit } from "./format.ts";
import { AlarmLog } from "./log.ts";
import { type CompiledRule, compileRules, matchChart, ruleForHost } from "./attach.ts";
import { runLookup } from "./lookup.ts";
import { buildNotification, notificationContext, type Notifier } from "./notify.ts";
import type { Rule } from "./rules.ts";
import type { Silencers } from "./silencers.ts";
import { alarmVariables, type VariableScope } from "./variables.ts";

/** Settings shared by every host. */
export interface HostHealthOptions extends AlarmDefaults {
  maxLogEntries: number;
  runAtLeastEverySec: number;
  defaultExec: string;
  defaultRecipient: string;
  configDir: string;
  notifier: Notifier;
  /** Seconds to wait before the first evaluation (postpone on connect). */
  postponeSec: number;
  /** The agent's silencers (`/api/v1/manage/health`). */
  silencers?: Silencers;
}

/** Alarms, log and schedule of one host. */
export class HostHealth {
  readonly host: Host;
  readonly log: AlarmLog;
  readonly alarms: Alarm[] = [];
  readonly byChart = new Map<string, Alarm[]>();
  /** Epoch seconds before which nothing runs (postpone). */
  delayUpTo: number;
  nextRun = 0;
  #rules: CompiledRule[] = [];
  #opts: HostHealthOptions;
  #dirty = new Set<Chart>();
  #scratch = new QueryScratch();
  #observer: ChartObserver;

  /** `log`: the host's log from an earlier run (a child that reconnects keeps its log and alarm ids). */
  constructor(
    host: Host,
    rules: readonly Rule[],
    opts: HostHealthOptions & { nowSec: number; log?: AlarmLog },
  ) {
    this.host = host;
    this.#opts = opts;
    this.log = opts.log ?? new AlarmLog(opts.maxLogEntries, opts.nowSec);
    this.delayUpTo = opts.postponeSec > 0 ? opts.nowSec + opts.postponeSec : 0;
    this.#observer = { chartDefined: (c) => this.#dirty.add(c), roundDone() {} };
    host.observers.push(this.#observer);
    this.setRules(rules, opts.nowSec);
  }

  /** Replaces the rules (reload): every alarm is detached, then the charts are matched again. */
  setRules(rules: readonly Rule[], nowSec: number): void {
    this.detachAll(nowSec);
    // Alarms before templates: an alarm wins over a template of the same name (Netdata links them so).
    const mine = rules.filter((r) => ruleForHost(r, this.host));
    this.#rules = compileRules([
      ...mine.filter((r) => r.kind === "alarm"),
      ...mine.filter((r) => r.kind === "template"),
    ]);
    for (const c of this.host.charts.values()) this.#dirty.add(c);
  }

  /** Stops watching the host; its alarms are removed (logged as REMOVED). */
  close(nowSec: number): void {
    this.detachAll(nowSec);
    const i = this.host.observers.indexOf(this.#observer);
    if (i >= 0) this.host.observers.splice(i, 1);
  }

  /** Removes every alarm, logging REMOVED for those that were not. */
  detachAll(nowSec: number): void {
    for (const a of this.alarms) {
      // Netdata's unlink keeps the values (an obsolete chart's removal, in run(), clears them).
      if (a.status !== STATUS.REMOVED) {
        this.#entry(a, nowSec, a.oldValue, a.value, a.status, STATUS.REMOVED, 0, 0);
      }
    }
    this.alarms.length = 0;
    this.byChart.clear();
  }

  #alarmId(name: string, chart: string): number {
    const key = chart + "\u0000" + name;
    let id = this.log.alarmIds.get(key);
    if (id === undefined) {
      id = this.log.nextAlarmId++;
      this.log.alarmIds.set(key, id);
    }
    return id;
  }

  /** Attaches the rules matching `chart` that are not attached yet. */
  #attach(chart: Chart, nowSec: number): void {
    const list = this.byChart.get(chart.id) ?? [];
    const has = (name: string) => list.some((a) => a.name === name);
    const add = (rule: Rule, dimension?: string) => {
      const name = dimension !== undefined ? `${rule.name}_${dimension}` : rule.name;
      if (has(name)) return;
      const a = new Alarm(rule, chart, {
        id: this.#alarmId(name, chart.id),
        nowSec,
        defaults: this.#opts,
        dimension,
      });
      list.push(a);
      this.alarms.push(a);
      this.#entry(
        a,
        nowSec,
        a.oldValue,
        a.value,
        a.status,
        STATUS.UNINITIALIZED,
        0,
        a.repeating ? ENTRY_IS_REPEATING : 0,
      );
    };
    for (const m of matchChart(this.#rules, chart, this.host)) add(m.rule, m.dimension);
    if (list.length > 0) this.byChart.set(chart.id, list);
  }

  #entry(
    a: Alarm,
    now: number,
    oldValue: number,
    newValue: number,
    oldStatus: number,
    newStatus: number,
    delay: number,
    flags: number,
    expr = { source: "NOSOURCE", error: "NOERRMSG" },
  ): AlarmEntry {
    const units = a.units;
    const duration = now - a.lastStatusChange;
    const e: AlarmEntry = {
      uniqueId: this.log.takeId(),
      alarmId: a.id,
      alarmEventId: a.nextEventId++,
      when: now,
      name: a.name,
      chart: a.chart.id,
      context: a.chart.context,
      family: a.chart.family,
      classification: a.rule.classification,
      component: a.rule.component,
      type: a.rule.type,
      exec: a.rule.exec,
      recipient: a.rule.to,
      source: a.rule.source,
      units,
      info: a.info,
      duration,
      nonClearDuration: oldStatus === STATUS.WARNING || oldStatus === STATUS.CRITICAL ? duration : 0,
      oldValue,
      newValue,
      valueString: formatValueAndUnit(newValue, units),
      oldValueString: formatValueAndUnit(oldValue, units),
      oldStatus,
      newStatus,
      delay,
      delayUpToTimestamp: now + delay,
      flags,
      execRunTimestamp: 0,
      execCode: 0,
      updatedById: 0,
      updatesId: 0,
      lastRepeat: 0,
      exprSource: expr.source,
      exprError: expr.error,
    };
    this.log.add(e);
    return e;
  }

  #runnable(a: Alarm, now: number): boolean {
    const c = a.chart;
    if (a.nextUpdate > now || c.obsolete || c.lastCollectedUs === 0 || c.roundsDone < 2) return false;
    const ue = c.updateEvery;
    const first = c.firstEntrySec(), last = c.lastEntrySec();
    if (now + ue < first) return false;
    const l = a.rule.lookup;
    if (l !== undefined) {
      const needed = now + l.before + l.after;
      if (needed + ue < first || needed - ue > last) return false;
    }
    return true;
  }

  /** Attaches the rules of charts defined since the last call (cheap when none were). */
  attachPending(now: number): void {
    if (this.#dirty.size === 0) return;
    for (const c of this.#dirty) this.#attach(c, now);
    this.#dirty.clear();
  }

  /** Evaluates what is due at `now` (epoch seconds); returns how many alarms ran. */
  run(now: number): number {
    // Rules attach at once (the API lists them), even while evaluations are postponed.
    this.attachPending(now);
    if (this.delayUpTo > 0) {
      if (now < this.delayUpTo) {
        this.nextRun = Math.min(this.delayUpTo, now + 1);
        return 0;
      }
      this.delayUpTo = 0;
    }
    const scope: VariableScope = {
      host: this.host,
      alarmsByChart: this.byChart,
      chartsByFamily: this.#families(),
      nowSec: now,
    };
    let runnable = 0;
    let nextRun = now + this.#opts.runAtLeastEverySec;
    const silencers = this.#opts.silencers;
    for (const a of this.alarms) {
      const c = a.chart;
      if (silencers !== undefined) {
        const s = silencers.check(a, this.host.hostname);
        a.disabled = s.disabled;
        a.silenced = s.silenced;
        if (a.disabled) {
          a.runnable = false;
          continue;
        }
      }
      if (a.status !== STATUS.REMOVED && c.obsolete && now > c.lastCollectedUs / 1e6 + 60) {
        if (!a.repeating) {
          this.#entry(a, now, a.value, NaN, a.status, STATUS.REMOVED, 0, 0);
          a.oldStatus = a.status;
          a.status = STATUS.REMOVED;
          a.lastStatusChange = now;
          a.lastUpdated = now;
          a.value = NaN;
        }
      }
      a.runnable = this.#runnable(a, now);
      if (!a.runnable) {
        if (a.nextUpdate > now) nextRun = Math.min(nextRun, a.nextUpdate);
        continue;
      }
      runnable++;
      a.oldValue = a.value;
      a.problem = "";
      if (a.rule.lookup !== undefined) {
        const r = runLookup(this.host, c, {
          lookup: a.rule.lookup,
          nowSec: now,
          scratch: this.#scratch,
          ...(a.dimension !== undefined ? { dimensions: a.dimension } : {}),
        });
        a.value = r.value;
        a.dbAfter = r.after;
        a.dbBefore = r.before;
        a.problem = r.problem;
      }
      a.calculate(alarmVariables(a, scope));
    }
    for (const a of this.alarms) {
      if (!a.runnable) continue;
      const d = a.decide(alarmVariables(a, scope));
      if (d.status !== a.status) {
        const delay = a.delayFor(d.status, now);
        const flags = (a.rule.noClearNotification ? ENTRY_NO_CLEAR_NOTIFICATION : 0) |
          (a.repeating ? ENTRY_IS_REPEATING : 0) | (a.silenced ? ENTRY_SILENCED : 0);
        this.#entry(a, now, a.oldValue, a.value, a.status, d.status, delay, flags, {
          source: d.expr,
          error: d.error,
        });
        a.lastStatusChange = now;
        a.oldStatus = a.status;
        a.status = d.status;
      }
      a.lastUpdated = now;
      a.nextUpdate = now + a.updateEvery;
      nextRun = Math.min(nextRun, a.nextUpdate);
    }
    if (runnable > 0) this.#repeat(now);
    this.#notify(now);
    this.log.trim();
    this.nextRun = nextRun;
    return runnable;
  }

  #families(): Map<string, Chart[]> {
    const m = new Map<string, Chart[]>();
    for (const c of this.host.charts.values()) {
      const l = m.get(c.family);
      if (l === undefined) m.set(c.family, [c]);
      else l.push(c);
    }
    return m;
  }

  /** Netdata's repeat loop: raised alarms re-notify every `repeat` seconds, a CLEAR once. */
  #repeat(now: number): void {
    for (const a of this.alarms) {
      if (!a.repeating || a.delayUpToTimestamp > now) continue;
      let every = 0;
      if (a.status === STATUS.WARNING) {
        a.runOnce = false;
        every = a.warnRepeatEvery;
      } else if (a.status === STATUS.CRITICAL) {
        a.runOnce = false;
        every = a.critRepeatEvery;
      } else if (a.status === STATUS.CLEAR && !a.runOnce) {
        if (a.oldStatus === STATUS.CRITICAL || a.oldStatus === STATUS.WARNING) every = 1;
      }
      if (every <= 0 || a.lastRepeat + every > now) continue;
      a.lastRepeat = now;
      a.timesRepeat++;
      const flags = (a.rule.noClearNotification ? ENTRY_NO_CLEAR_NOTIFICATION : 0) | ENTRY_IS_REPEATING |
        (a.silenced ? ENTRY_SILENCED : 0) |
        (!a.runOnce && a.status === STATUS.CLEAR ? ENTRY_RUN_ONCE : 0);
      // A repeat is notified but not kept in the log, like Netdata.
      const e = this.#entry(a, now, a.oldValue, a.value, a.oldStatus, a.status, a.delayLast, flags);
      this.log.entries.pop();
      e.lastRepeat = now;
      a.runOnce = true;
      this.#execute(e, [e]);
    }
  }

  /** Netdata's health_alarm_log_process(): notify what is due. */
  #notify(now: number): void {
    for (const e of this.log.pending()) {
      if ((e.flags & ENTRY_IS_REPEATING) !== 0) continue;
      if (now >= e.delayUpToTimestamp) this.#execute(e, this.log.entries);
    }
  }

  /** Netdata's health_alarm_execute(): decides whether `e` is notified, and sends it. */
  #execute(e: AlarmEntry, history: AlarmEntry[]): void {
    e.flags |= ENTRY_PROCESSED;
    if (e.newStatus < STATUS.CLEAR) return;
    const noClear = (e.flags & ENTRY_NO_CLEAR_NOTIFICATION) !== 0;
    if (e.newStatus <= STATUS.CLEAR && noClear) return;
    if (!noClear) {
      const t = history === this.log.entries ? this.log.lastNotified(e) : undefined;
      if (t !== undefined) {
        if (t.newStatus === e.newStatus) return;
      } else if (e.newStatus === STATUS.CLEAR) {
        const runOnce = (e.flags & ENTRY_RUN_ONCE) !== 0;
        if (!runOnce || e.oldStatus < STATUS.RAISED) return;
      }
    }
    if ((e.flags & ENTRY_SILENCED) !== 0) return; // silenced through /api/v1/manage/health
    this.#opts.notifier.send(
      buildNotification(e, notificationContext(this.alarms, e, { ...this.#opts, host: this.host })),
    );
    e.flags |= ENTRY_EXEC_RUN;
    e.execRunTimestamp = e.when;
  }
}
