/**
 * Notifications: the 29 positional arguments Netdata 1.37.1 passes to `script to execute on alarm`
 * (health.c prepare_command(), in the same order, so Debian's alarm-notify.sh works unchanged), the
 * script runner (one process at a time per agent, failures retried with backoff and logged), and a
 * built-in webhook that POSTs the same fields as JSON, for hosts without bash.
 * @module
 */

import { getLogger } from "../util/log.ts";
import { type Alarm, type AlarmEntry, ENTRY_EXEC_FAILED, statusName } from "./alarm.ts";
import { STATUS } from "./expression.ts";
import type { Host } from "../host/mod.ts";

/** The names of the 29 arguments, in order (for the webhook's JSON and the docs). */
export const ARGUMENT_NAMES = [
  "recipient",
  "host",
  "unique_id",
  "alarm_id",
  "event_id",
  "when",
  "name",
  "chart",
  "family",
  "status",
  "old_status",
  "value",
  "old_value",
  "src",
  "duration",
  "non_clear_duration",
  "units",
  "info",
  "value_string",
  "old_value_string",
  "calc_expression",
  "calc_param_values",
  "total_warnings",
  "total_critical",
  "total_warn_alarms",
  "total_crit_alarms",
  "classification",
  "edit_command",
  "child_machine_guid",
] as const; // deno-fmt-ignore

/** What the engine knows about the host when it notifies. */
export interface NotificationContext {
  /** Netdata's registry hostname (the host's name). */
  hostname: string;
  /** The child's machine GUID, "" for this agent itself. */
  childMachineGuid: string;
  /** Directory shown in the edit command (Netdata's user config dir). */
  configDir: string;
  /** Other raised alarms of the host as `name=last_status_change`, newest first (at most 15 in all). */
  warnAlarms: string[];
  critAlarms: string[];
  nWarn: number;
  nCrit: number;
  /** Default exec and recipient when the rule has none. */
  defaultExec: string;
  defaultRecipient: string;
}

/**
 * The host's other raised alarms for `e`'s notification (Netdata's health_alarm_execute()): counts,
 * and `name=last_status_change` of at most 15, newest change first; `e`'s own alarm is left out
 * when `e` is its latest event.
 */
export function notificationContext(
  alarms: readonly Alarm[],
  e: AlarmEntry,
  o: { host: Host; configDir: string; defaultExec: string; defaultRecipient: string },
): NotificationContext {
  const host = o.host;
  const raised = alarms
    .filter((a) =>
      (a.status === STATUS.WARNING || a.status === STATUS.CRITICAL) && a.chart.lastCollectedUs > 0 &&
      !(a.id === e.alarmId && a.nextEventId - 1 === e.alarmEventId)
    )
    .sort((x, y) => y.lastStatusChange - x.lastStatusChange);
  const shown = raised.slice(0, 15);
  const fmt = (a: Alarm) => `${a.name}=${a.lastStatusChange}`;
  return {
    hostname: host.hostname,
    childMachineGuid: host.isLocal ? "" : host.machineGuid,
    configDir: o.configDir,
    warnAlarms: shown.filter((a) => a.status === STATUS.WARNING).map(fmt),
    critAlarms: shown.filter((a) => a.status === STATUS.CRITICAL).map(fmt),
    nWarn: raised.filter((a) => a.status === STATUS.WARNING).length,
    nCrit: raised.filter((a) => a.status === STATUS.CRITICAL).length,
    defaultExec: o.defaultExec,
    defaultRecipient: o.defaultRecipient,
  };
}

/** One notification to send. */
export interface Notification {
  entry: AlarmEntry;
  exec: string;
  /** The 29 arguments after the script path. */
  args: string[];
}

/** printf's `%0.0f`. */
function fixed0(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  return n.toFixed(0);
}

/** Netdata's sanitize_command_argument_string() minus the shell quoting: no leading dashes. */
function sanitize(s: string): string {
  return s.replace(/^-+/, "");
}

/** Netdata's health_edit_command_from_source(): `sudo DIR/edit-config health.d/FILE=LINE=HOST`. */
export function editCommand(source: string, configDir: string, hostname: string): string {
  const at = source.indexOf("@");
  const slash = source.lastIndexOf("/");
  if (at < 0 || slash < 0) return "";
  return `sudo ${configDir}/edit-config health.d/${source.slice(slash + 1)}=${
    source.slice(0, at)
  }=${hostname}`;
}

/** Builds the notification of `e` as Netdata's health_alarm_execute() does. */
export function buildNotification(e: AlarmEntry, ctx: NotificationContext): Notification {
  const args = [
    e.recipient ?? ctx.defaultRecipient,
    ctx.hostname,
    String(e.uniqueId),
    String(e.alarmId),
    String(e.alarmEventId),
    String(e.when),
    e.name,
    e.chart || "NOCHART",
    e.family || "NOFAMILY",
    statusName(e.newStatus),
    statusName(e.oldStatus),
    fixed0(e.newValue),
    fixed0(e.oldValue),
    e.source || "UNKNOWN",
    String(e.duration),
    String(e.nonClearDuration),
    e.units,
    e.info,
    e.valueString,
    e.oldValueString,
    e.exprSource,
    e.exprError,
    String(ctx.nWarn),
    String(ctx.nCrit),
    ctx.warnAlarms.join(","),
    ctx.critAlarms.join(","),
    e.classification ?? "Unknown",
    e.source ? editCommand(e.source, ctx.configDir, ctx.hostname) : "UNKNOWN=0=UNKNOWN",
    ctx.childMachineGuid,
  ].map(sanitize);
  return { entry: e, exec: e.exec ?? ctx.defaultExec, args };
}

/** Sends notifications; `send()` never throws and never blocks the caller. */
export interface Notifier {
  send(n: Notification): void;
  /** Waits for what is queued (retries included), then stops. */
  close(): Promise<void>;
}

/** Options of {@link QueueNotifier}. */
export interface QueueOptions {
  /** Attempts per notification (first try included). */
  attempts?: number;
  /** Wait before the first retry, doubled for each next one. */
  retryMs?: number;
  /** Called when a notification is given up (for counters). */
  onFailed?: (n: Notification, error: string) => void;
  /** Notifications delivered at once (default 4); one alarm's notifications stay in order. */
  concurrency?: number;
}

/**
 * A queue that delivers notifications through `deliver`, a few at once (each alarm's in order),
 * retrying failures.
 */
export class QueueNotifier implements Notifier {
  #queue: Notification[] = [];
  /** Workers running, and the alarms whose notification is being delivered. */
  #workers = new Set<Promise<void>>();
  #inFlight = new Set<number>();
  #deliver: (n: Notification) => Promise<void>;
  #opts: Required<Omit<QueueOptions, "onFailed">> & QueueOptions;
  #what: string;
  #closed = false;

  constructor(what: string, deliver: (n: Notification) => Promise<void>, opts: QueueOptions = {}) {
    this.#what = what;
    this.#deliver = deliver;
    this.#opts = { attempts: 3, retryMs: 1000, concurrency: 4, ...opts };
  }

  send(n: Notification): void {
    if (this.#closed) return;
    this.#queue.push(n);
    if (this.#workers.size < this.#opts.concurrency) {
      const w: Promise<void> = this.#work().finally(() => this.#workers.delete(w));
      this.#workers.add(w);
    }
  }

  /** The oldest queued notification of an alarm that has none in flight (keeps each alarm's order). */
  #next(): Notification | undefined {
    const i = this.#queue.findIndex((n) => !this.#inFlight.has(n.entry.alarmId));
    return i < 0 ? undefined : this.#queue.splice(i, 1)[0];
  }

  async #work(): Promise<void> {
    for (let n = this.#next(); n !== undefined; n = this.#next()) {
      this.#inFlight.add(n.entry.alarmId);
      try {
        await this.#one(n);
      } finally {
        this.#inFlight.delete(n.entry.alarmId);
      }
    }
  }

  async #one(n: Notification): Promise<void> {
    const log = getLogger(["agent", "health"]);
    let error = "";
    for (let attempt = 1; attempt <= this.#opts.attempts; attempt++) {
      try {
        await this.#deliver(n);
        n.entry.execCode = 0;
        error = "";
        break;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        n.entry.execCode = (e as { code?: number }).code ?? 1;
        const last = attempt === this.#opts.attempts;
        log.warn(
          "Notification {what} of alarm {alarm} on {chart} ({status}) failed (attempt {attempt} of {attempts}){retry}: {error}",
          {
            what: this.#what,
            alarm: n.entry.name,
            chart: n.entry.chart,
            status: statusName(n.entry.newStatus),
            attempt,
            attempts: this.#opts.attempts,
            retry: last ? ", giving up" : ", retrying",
            error,
          },
        );
        if (!last) await new Promise((r) => setTimeout(r, this.#opts.retryMs * 2 ** (attempt - 1)));
      }
    }
    n.entry.execRunTimestamp = Math.floor(Date.now() / 1000);
    if (error) {
      n.entry.flags |= ENTRY_EXEC_FAILED;
      this.#opts.onFailed?.(n, error);
    }
  }

  async close(): Promise<void> {
    while (this.#workers.size > 0) await Promise.all([...this.#workers]);
    this.#closed = true;
  }
}

/**
 * A runner of `exec` with the 29 arguments (a non-zero exit is a failure), with `env` added to the
 * environment: Netdata sets `NETDATA_USER_CONFIG_DIR`, `NETDATA_CACHE_DIR`... that alarm-notify.sh
 * reads its `health_alarm_notify.conf` and keeps its state by.
 */
export function scriptRunner(env: Record<string, string> = {}): (n: Notification) => Promise<void> {
  return (n) => runScript(n, env);
}

/** How long a notification script may run before it is killed (and the attempt fails). */
const SCRIPT_TIMEOUT_MS = 300_000;

/** Runs `exec` with the 29 arguments; a non-zero exit (or five minutes without one) is a failure. */
export async function runScript(n: Notification, env: Record<string, string> = {}): Promise<void> {
  const out = await new Deno.Command(n.exec, {
    args: n.args,
    env,
    signal: AbortSignal.timeout(SCRIPT_TIMEOUT_MS),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const err = new Error(
      `"${n.exec}" exited with code ${out.code}: ${
        new TextDecoder().decode(out.stderr).trim().slice(0, 300)
      }`,
    );
    (err as Error & { code: number }).code = out.code;
    throw err;
  }
}

/** POSTs the notification as JSON (the argument names as keys) to `url`; non-2xx is a failure. */
export function webhook(url: string, timeoutMs = 10_000): (n: Notification) => Promise<void> {
  return async (n) => {
    const body: Record<string, string> = {};
    ARGUMENT_NAMES.forEach((k, i) => body[k] = n.args[i]);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`POST ${url} answered ${res.status}`);
  };
}

/** Sends to every notifier. */
export function fanOut(notifiers: Notifier[]): Notifier {
  return {
    send: (n) => notifiers.forEach((x) => x.send(n)),
    close: async () => {
      await Promise.all(notifiers.map((x) => x.close()));
    },
  };
}
