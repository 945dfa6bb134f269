/**
 * A host's alarm log (Netdata 1.37.1's health_log): every status change of every alarm, newest
 * last here, with unique ids that only grow (starting at the epoch second the host's health
 * started, like Netdata, so ids stay unique across restarts). Bounded: past `max` entries the
 * oldest are dropped down to two thirds of `max`, except entries whose notification is pending.
 * @module
 */

import { type AlarmEntry, ENTRY_EXEC_RUN, ENTRY_PROCESSED, ENTRY_UPDATED } from "./alarm.ts";
import { STATUS } from "./expression.ts";

const isRaised = (s: number) => s === STATUS.WARNING || s === STATUS.CRITICAL;

/** The alarm log of one host. */
export class AlarmLog {
  /** Oldest first. */
  readonly entries: AlarmEntry[] = [];
  max: number;
  nextLogId: number;
  /** Entries dropped by the bound since start. */
  dropped = 0;
  /** Alarm ids by `chart\0name`: an alarm keeps its id when it is attached again. */
  readonly alarmIds = new Map<string, number>();
  nextAlarmId: number;

  constructor(max: number, firstId: number) {
    this.max = max;
    this.nextLogId = firstId;
    this.nextAlarmId = firstId;
  }

  /** The id the next entry gets. */
  takeId(): number {
    return this.nextLogId++;
  }

  /** Netdata's `latest_alarm_log_unique_id`. */
  get latestUniqueId(): number {
    return this.nextLogId > 0 ? this.nextLogId - 1 : 0;
  }

  /**
   * Adds an entry; the previous entry of the same alarm, when not yet superseded, is marked
   * updated by it, and a raised-to-raised change carries its non-clear duration on.
   */
  add(e: AlarmEntry): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const t = this.entries[i];
      if (t.alarmId !== e.alarmId) continue;
      if ((t.flags & ENTRY_UPDATED) === 0 && t.updatedById === 0) {
        t.flags |= ENTRY_UPDATED;
        t.updatedById = e.uniqueId;
        e.updatesId = t.uniqueId;
        if (isRaised(t.newStatus) && isRaised(t.oldStatus)) e.nonClearDuration += t.nonClearDuration;
      }
      break;
    }
    this.entries.push(e);
  }

  /** The newest earlier entry of the same alarm whose notification ran, if any. */
  lastNotified(e: AlarmEntry): AlarmEntry | undefined {
    for (let i = this.entries.indexOf(e) - 1; i >= 0; i--) {
      const t = this.entries[i];
      if (t.alarmId === e.alarmId && (t.flags & ENTRY_EXEC_RUN) !== 0) return t;
    }
    return undefined;
  }

  /** Entries waiting for their notification decision (not processed, not superseded). */
  pending(): AlarmEntry[] {
    return this.entries.filter((e) => (e.flags & (ENTRY_PROCESSED | ENTRY_UPDATED)) === 0);
  }

  /** The log as JSON (for {@link AlarmLog.fromJSON}). */
  toJSON(): object {
    return {
      version: 1,
      nextLogId: this.nextLogId,
      nextAlarmId: this.nextAlarmId,
      alarmIds: [...this.alarmIds],
      entries: this.entries,
    };
  }

  /**
   * A log saved by {@link AlarmLog.toJSON}, keeping at most `max` entries; ids continue from the
   * saved ones (or from `nowSec`, when later).
   * @throws {TypeError} when `data` is not such a log
   */
  static fromJSON(data: unknown, max: number, nowSec: number): AlarmLog {
    const d = data as {
      version?: number;
      nextLogId?: number;
      nextAlarmId?: number;
      alarmIds?: [string, number][];
      entries?: AlarmEntry[];
    };
    if (
      d?.version !== 1 || !Number.isSafeInteger(d.nextLogId) || !Number.isSafeInteger(d.nextAlarmId) ||
      !Array.isArray(d.alarmIds) || !Array.isArray(d.entries)
    ) throw new TypeError("not a saved alarm log (version 1)");
    const log = new AlarmLog(max, Math.max(nowSec, d.nextLogId!));
    log.nextAlarmId = Math.max(nowSec, d.nextAlarmId!);
    for (const [k, v] of d.alarmIds) {
      if (typeof k === "string" && Number.isSafeInteger(v)) log.alarmIds.set(k, v);
    }
    for (const e of d.entries.slice(-max)) {
      if (typeof e?.uniqueId !== "number" || typeof e.name !== "string") continue;
      // JSON has no NaN: values saved as null come back as NaN.
      e.oldValue = e.oldValue ?? NaN;
      e.newValue = e.newValue ?? NaN;
      log.entries.push(e);
    }
    return log;
  }

  /** Drops the oldest entries past the bound (keeping pending ones); returns how many went. */
  trim(): number {
    if (this.entries.length <= this.max) return 0;
    const keep = Math.floor(this.max * 2 / 3);
    const cut = this.entries.length - keep;
    const kept: AlarmEntry[] = [];
    for (let i = 0; i < cut; i++) {
      const e = this.entries[i];
      if ((e.flags & (ENTRY_PROCESSED | ENTRY_UPDATED)) === 0) kept.push(e);
    }
    const removed = cut - kept.length;
    this.entries.splice(0, cut, ...kept);
    this.dropped += removed;
    return removed;
  }
}
