/**
 * The health engine of one agent: one {@link HostHealth} per host whose health is on (this agent
 * with `[health] enabled`, each child by stream.conf's `health enabled`: `yes`, `no`, or `auto` =
 * while connected), one timer for all of them. Each tick runs the hosts that are due, yielding to
 * the event loop between hosts once a slice of time is used, so ingestion never waits long.
 * @module
 */

import type { ReceiverSection } from "../config/types.ts";
import type { Host, Hosts } from "../host/mod.ts";
import { getLogger } from "../util/log.ts";
import { HostHealth, type HostHealthOptions } from "./host_health.ts";
import { AlarmLog } from "./log.ts";
import type { Notifier } from "./notify.ts";
import { type ManageReply, Silencers } from "./silencers.ts";
import type { Rule } from "./rules.ts";

/** How a child's health runs (stream.conf). */
export interface HostHealthPolicy {
  mode: "yes" | "no" | "auto" | "on demand";
  /** `postpone alarms on connect seconds`. */
  postponeSec: number;
}

/** Netdata's stream.conf defaults: `auto`, 60 s. */
export const DEFAULT_CHILD_POLICY: HostHealthPolicy = { mode: "auto", postponeSec: 60 };

/**
 * The health policy of a child from stream.conf: its `[<machine GUID>]` section's plain keys over
 * the `default …` keys of the API key's section.
 */
export function childHealthPolicy(
  receivers: ReadonlyMap<string, ReceiverSection>,
  o: { apiKey: string; machineGuid: string; healthEnabled?: boolean },
): HostHealthPolicy {
  const { apiKey, machineGuid, healthEnabled = true } = o;
  const guid = receivers.get(machineGuid)?.own;
  const key = receivers.get(apiKey)?.defaults;
  return {
    // Netdata: a child's default follows `[health] enabled` (auto when on).
    mode: guid?.healthEnabled ?? key?.healthEnabled ?? (healthEnabled ? DEFAULT_CHILD_POLICY.mode : "no"),
    postponeSec: guid?.postponeAlarmsOnConnectSec ?? key?.postponeAlarmsOnConnectSec ??
      DEFAULT_CHILD_POLICY.postponeSec,
  };
}

/** What builds the engine. */
export interface HealthOptions
  extends Omit<HostHealthOptions, "notifier" | "postponeSec" | "warnRepeatEvery" | "critRepeatEvery"> {
  hosts: Hosts;
  rules: readonly Rule[];
  /** `[health] enabled`: this agent's own health. */
  localEnabled: boolean;
  defaultRepeatWarningSec: number;
  defaultRepeatCriticalSec: number;
  notifier: Notifier;
  /** Wall clock, epoch seconds. */
  nowSec?: () => number;
  /** Timer period (default 1000 ms; tests use less). */
  tickMs?: number;
  /** Work per slice before yielding to the event loop (default 10 ms). */
  sliceMs?: number;
  /**
   * Where each host's alarm log is kept across restarts (`<dir>/<machine GUID>.json`, written
   * when it changed, at most every 10 s, and at stop); none when absent.
   */
  stateDir?: string;
  /**
   * `[health] silencers file`: where `/api/v1/manage/health` keeps its silencers (read at start);
   * none when absent (silencers then live until the agent stops).
   */
  silencersFile?: string;
  /** The file holding the `X-Auth-Token` of `/api/v1/manage/health` (created with a random UUID). */
  apiKeyFile?: string;
  /**
   * `[health] postpone alarms during hibernation for seconds`: when the wall clock moved more than
   * twice as far as the monotonic clock since the last tick (the system was suspended), every
   * host waits this long. 0 or absent: off.
   */
  postponeHibernationSec?: number;
}

/** Runs health for every host of an agent. */
export class Health {
  readonly #opts: HealthOptions;
  #rules: readonly Rule[];
  readonly #byHost = new Map<Host, HostHealth>();
  readonly #policies = new Map<Host, HostHealthPolicy>();
  /** Logs of hosts whose health stopped (a disconnected child), kept for the API and a reconnect. */
  readonly #logs = new Map<Host, AlarmLog>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #lastWallMs = 0;
  /** `nextLogId` of each log when it was last saved. */
  readonly #saved = new Map<AlarmLog, number>();
  #lastSaveMs = 0;
  #lastMonoMs = 0;
  /** The silencers of `/api/v1/manage/health`, for every host. */
  readonly silencers: Silencers;
  #apiSecret: string | undefined;
  /** Ticks run and the longest one (ms), for /api/v1/info and the bench. */
  readonly stats = { ticks: 0, alarmsRun: 0, maxTickMs: 0, lastTickMs: 0 };

  constructor(opts: HealthOptions) {
    this.#opts = opts;
    this.#rules = opts.rules;
    this.silencers = new Silencers();
    if (opts.silencersFile) {
      try {
        this.silencers = Silencers.parse(Deno.readTextFileSync(opts.silencersFile));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) {
          getLogger(["agent", "health"]).warn("Cannot read the silencers file {file}: {error}", {
            file: opts.silencersFile,
            error: String(e),
          });
        }
      }
    }
  }

  /** The management API key: read from `apiKeyFile`, created with a random UUID when missing. */
  #secret(): string | undefined {
    const file = this.#opts.apiKeyFile;
    if (this.#apiSecret !== undefined || file === undefined) return this.#apiSecret;
    try {
      this.#apiSecret = Deno.readTextFileSync(file).trim();
    } catch {
      this.#apiSecret = crypto.randomUUID();
      try {
        Deno.writeTextFileSync(file, this.#apiSecret + "\n", { mode: 0o600 });
      } catch (e) {
        getLogger(["agent", "health"]).warn("Cannot save the management API key to {file}: {error}", {
          file,
          error: String(e),
        });
      }
    }
    return this.#apiSecret;
  }

  /**
   * Netdata's `/api/v1/manage/health`: `token` (the `X-Auth-Token` header) must be the management
   * API key; `params` are the query's `name=value` pairs in order.
   */
  manage(token: string | undefined, params: readonly (readonly [string, string])[]): ManageReply {
    const secret = this.#secret();
    if (!token || secret === undefined || token !== secret) {
      return { status: 403, json: false, body: "Auth Error\n" };
    }
    const r = this.silencers.command(params);
    if (r.changed && this.#opts.silencersFile) {
      try {
        Deno.writeTextFileSync(this.#opts.silencersFile, this.silencers.toJSON());
        getLogger(["agent", "health"]).info("Silencer changes written to {file}", {
          file: this.#opts.silencersFile,
        });
      } catch (e) {
        getLogger(["agent", "health"]).warn("Silencer changes could not be written to {file}: {error}", {
          file: this.#opts.silencersFile,
          error: String(e),
        });
      }
    }
    return { status: r.status, json: r.json, body: r.body };
  }

  #now(): number {
    return this.#opts.nowSec?.() ?? Math.floor(Date.now() / 1000);
  }

  /** The rules in force. */
  get rules(): readonly Rule[] {
    return this.#rules;
  }

  /** The health of `host`, when it runs. */
  of(host: Host): HostHealth | undefined {
    return this.#byHost.get(host);
  }

  /** The alarm log of `host`: its running health's, or the one kept since its health stopped. */
  logOf(host: Host): AlarmLog | undefined {
    return this.#byHost.get(host)?.log ?? this.#logs.get(host);
  }

  /** Sets how a child's health runs (called when it connects). */
  setPolicy(host: Host, policy: HostHealthPolicy): void {
    this.#policies.set(host, policy);
  }

  #enabled(host: Host): boolean {
    // Like Netdata, a host that stores nothing has no health (its lookups would have no data).
    if (host.memoryMode === "none") return false;
    if (host.isLocal) return this.#opts.localEnabled;
    const p = this.#policies.get(host) ?? DEFAULT_CHILD_POLICY;
    // Netdata reads "on demand" as "auto".
    return p.mode === "yes" || ((p.mode === "auto" || p.mode === "on demand") && host.state.reachable);
  }

  /** Starts or stops the health of hosts whose state changed. */
  sync(now = this.#now()): void {
    const log = getLogger(["agent", "health"]);
    for (const host of this.#opts.hosts.list()) {
      const on = this.#enabled(host);
      const hh = this.#byHost.get(host);
      if (on && hh === undefined) {
        const postponeSec = host.isLocal ? 0 : (this.#policies.get(host) ?? DEFAULT_CHILD_POLICY).postponeSec;
        this.#byHost.set(
          host,
          new HostHealth(host, this.#rules, {
            ...this.#opts,
            warnRepeatEvery: this.#opts.defaultRepeatWarningSec,
            critRepeatEvery: this.#opts.defaultRepeatCriticalSec,
            postponeSec,
            nowSec: now,
            silencers: this.silencers,
            ...(this.#logs.has(host) || this.#opts.stateDir
              ? { log: this.#logs.get(host) ?? this.#loadLog(host, now) }
              : {}),
          }),
        );
        this.#logs.delete(host);
        log.info("Health started for host {host} ({rules} rules, postponed {postpone}s)", {
          host: host.hostname,
          rules: this.#rules.length,
          postpone: postponeSec,
        });
      } else if (!on && hh !== undefined) {
        hh.close(now);
        this.#byHost.delete(host);
        this.#logs.set(host, hh.log);
        log.info("Health stopped for host {host}", { host: host.hostname });
      }
    }
  }

  #logFile(host: Host): string {
    return `${this.#opts.stateDir}/${host.machineGuid}.json`;
  }

  /** The saved log of `host`, or a new one (a damaged file is logged and set aside). */
  #loadLog(host: Host, now: number): AlarmLog {
    const file = this.#logFile(host);
    try {
      const log = AlarmLog.fromJSON(JSON.parse(Deno.readTextFileSync(file)), this.#opts.maxLogEntries, now);
      this.#saved.set(log, log.nextLogId);
      return log;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        getLogger(["agent", "health"]).warn("Cannot load the alarm log of host {host} from {file}: {error}", {
          host: host.hostname,
          file,
          error: String(e),
        });
      }
      return new AlarmLog(this.#opts.maxLogEntries, now);
    }
  }

  /**
   * Saves the logs that changed (all of them with `force`), yielding to the event loop between
   * files after `sliceMs` of work so that ingestion does not wait for the disk.
   */
  async saveLogs(force = false): Promise<void> {
    let slice = performance.now();
    if (!this.#opts.stateDir) return;
    const logs = new Map<Host, AlarmLog>(this.#logs);
    for (const [host, hh] of this.#byHost) logs.set(host, hh.log);
    for (const [host, log] of logs) {
      if (!force && this.#saved.get(log) === log.nextLogId) continue;
      const file = this.#logFile(host);
      try {
        Deno.mkdirSync(this.#opts.stateDir, { recursive: true });
        Deno.writeTextFileSync(file + ".tmp", JSON.stringify(log));
        Deno.renameSync(file + ".tmp", file);
        this.#saved.set(log, log.nextLogId);
      } catch (e) {
        getLogger(["agent", "health"]).warn("Cannot save the alarm log of host {host} to {file}: {error}", {
          host: host.hostname,
          file,
          error: String(e),
        });
      }
      if (performance.now() - slice > (this.#opts.sliceMs ?? 10)) {
        await new Promise((r) => setTimeout(r, 0));
        slice = performance.now();
      }
    }
  }

  /** Replaces the rules of every host (SIGUSR2); returns what changed, by source. */
  reload(rules: readonly Rule[]): { added: number; removed: number; changed: number } {
    const key = (r: Rule) => `${r.kind}:${r.name}:${r.on}:${r.families ?? ""}`;
    const sig = (r: Rule) => JSON.stringify(r.text) + r.source;
    const before = new Map(this.#rules.map((r) => [key(r), sig(r)]));
    const after = new Map(rules.map((r) => [key(r), sig(r)]));
    let added = 0, removed = 0, changed = 0;
    for (const [k, s] of after) {
      if (!before.has(k)) added++;
      else if (before.get(k) !== s) changed++;
    }
    for (const k of before.keys()) if (!after.has(k)) removed++;
    this.#rules = rules;
    const now = this.#now();
    for (const hh of this.#byHost.values()) hh.setRules(rules, now);
    return { added, removed, changed };
  }

  /** Netdata's check_if_resumed_from_suspension(): the wall clock ran ahead of the monotonic one. */
  #resumed(): boolean {
    const wall = Date.now(), mono = performance.now();
    const resumed = this.#lastMonoMs > 0 && wall - this.#lastWallMs > 2 * (mono - this.#lastMonoMs) &&
      wall - this.#lastWallMs > 2000;
    this.#lastWallMs = wall;
    this.#lastMonoMs = mono;
    return resumed;
  }

  /** Runs every host that is due; yields between hosts after `sliceMs` of work. */
  async tick(): Promise<void> {
    const t0 = performance.now();
    const now = this.#now();
    this.sync(now);
    const hibernation = this.#opts.postponeHibernationSec ?? 0;
    if (hibernation > 0 && this.#resumed()) {
      getLogger(["agent", "health"]).info(
        "Postponing alarm checks for {seconds} seconds: the system seems to have resumed from suspension",
        { seconds: hibernation },
      );
      for (const hh of this.#byHost.values()) hh.delayUpTo = now + hibernation;
    }
    let slice = performance.now();
    const log = getLogger(["agent", "health"]);
    for (const hh of [...this.#byHost.values()]) {
      if (hh.nextRun > now) {
        // New charts get their alarms at once (listed by the API); they run on the schedule.
        hh.attachPending(now);
        continue;
      }
      try {
        this.stats.alarmsRun += hh.run(now);
      } catch (e) {
        log.error("Health of host {host} failed: {error}", { host: hh.host.hostname, error: String(e) });
        hh.nextRun = now + 1;
      }
      if (performance.now() - slice > (this.#opts.sliceMs ?? 10)) {
        await new Promise((r) => setTimeout(r, 0));
        slice = performance.now();
      }
    }
    if (Date.now() - this.#lastSaveMs >= 10_000) {
      this.#lastSaveMs = Date.now();
      await this.saveLogs();
    }
    const ms = performance.now() - t0;
    this.stats.ticks++;
    this.stats.lastTickMs = ms;
    if (ms > this.stats.maxTickMs) this.stats.maxTickMs = ms;
  }

  /** Starts the timer. */
  start(): void {
    this.#stopped = false;
    const loop = () => {
      if (this.#stopped) return;
      this.#running = this.tick().finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#timer = setTimeout(loop, this.#opts.tickMs ?? 1000);
      });
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Stops the timer and waits for pending notifications. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#running) await this.#running;
    await this.#opts.notifier.close();
    await this.saveLogs(true);
  }
}
