/**
 * Health: Netdata 1.37.1's alarms for this agent and every child streamed into it. Rules in
 * health.d syntax (rules.ts, rule_values.ts, expression.ts; evaluated by evaluate.ts against
 * variables.ts, lookups by lookup.ts) are loaded from `[directories] health config` over
 * `stock health config` or the rules built into the agent (load.ts, conf/health.d/), attached to
 * charts as they appear (attach.ts decides where, host_health.ts runs them), evaluated on one
 * timer for all hosts (engine.ts), logged per host (log.ts, saved in `<lib>/health/`) and
 * notified through `script to execute on alarm`
 * and/or a webhook (notify.ts); `/api/v1/manage/health` silences or disables alarms (silencers.ts);
 * format.ts prints values with their units like Netdata.
 *
 * Invariants:
 * - Health never blocks ingestion: evaluation is synchronous per host and the engine yields to the
 *   event loop between hosts after a slice of work; notifications run outside the evaluation.
 * - A rule that cannot be parsed is a warning with file:line and is skipped; nothing else is.
 * - Alarm log unique ids only grow (they start at the epoch second the host's health started); a
 *   child's log and alarm ids outlive its disconnections.
 * - A host with `[db] mode = none` has no health, like Netdata.
 *
 * @example
 * ```ts
 * const health = createHealth(config, hosts);
 * health.start();
 * // later: health.of(host)?.alarms, health.reload(loadHealthRules(config).rules)
 * await health.stop();
 * ```
 * @module
 */

import cpuRules from "../../conf/health.d/cpu.conf" with { type: "text" };
import diskRules from "../../conf/health.d/disk.conf" with { type: "text" };
import loadRules_ from "../../conf/health.d/load.conf" with { type: "text" };
import netRules from "../../conf/health.d/net.conf" with { type: "text" };
import ramRules from "../../conf/health.d/ram.conf" with { type: "text" };
import type { AgentConfig } from "../config/types.ts";
import type { Hosts } from "../host/mod.ts";
import { getLogger } from "../util/log.ts";
import { Health } from "./engine.ts";
import { type LoadedRules, loadRules } from "./load.ts";
import { fanOut, type Notifier, QueueNotifier, scriptRunner, webhook } from "./notify.ts";

export { type Alarm, statusName } from "./alarm.ts";
export { childHealthPolicy, Health, type HealthOptions, type HostHealthPolicy } from "./engine.ts";
export type { HostHealth } from "./host_health.ts";
export { type LoadedRules, loadRules } from "./load.ts";
export { type Notification, type Notifier, QueueNotifier } from "./notify.ts";
export { type ManageReply, Silencers } from "./silencers.ts";
export type { Rule } from "./rules.ts";

/** The rules built into the agent, by file name. */
export const EMBEDDED_RULES: Readonly<Record<string, string>> = {
  "cpu.conf": cpuRules,
  "disk.conf": diskRules,
  "load.conf": loadRules_,
  "net.conf": netRules,
  "ram.conf": ramRules,
};

/** Loads the rules `config` names, logging every warning with its file:line. */
export function loadHealthRules(config: AgentConfig): LoadedRules {
  const d = config.directories;
  const h = config.health;
  const stock = h.enableStockConfig ? (d.stockHealthConfig || undefined) : undefined;
  const loaded = loadRules({
    ...(d.healthConfig ? { userDir: d.healthConfig } : {}),
    ...(stock !== undefined ? { stockDir: stock } : {}),
    embedded: h.enableStockConfig ? EMBEDDED_RULES : {},
  });
  const log = getLogger(["agent", "health"]);
  for (const w of loaded.warnings) {
    log.warn("{file}:{line}: health configuration: {message}", {
      file: w.file,
      line: w.line,
      message: w.message,
    });
  }
  return loaded;
}

/**
 * The environment Netdata gives its notification script, from our directories: alarm-notify.sh
 * reads `health_alarm_notify.conf` from `NETDATA_USER_CONFIG_DIR` (after the stock one in
 * `NETDATA_STOCK_CONFIG_DIR`) and keeps per-recipient state in `NETDATA_CACHE_DIR`.
 */
export function scriptEnv(config: AgentConfig): Record<string, string> {
  const d = config.directories;
  const env: Record<string, string> = {
    NETDATA_CACHE_DIR: d.cache,
    NETDATA_LIB_DIR: d.lib,
    NETDATA_LOG_DIR: d.log,
    NETDATA_UPDATE_EVERY: String(config.global.updateEvery),
  };
  if (d.config) env.NETDATA_USER_CONFIG_DIR = d.config;
  // Netdata's stock health.d sits in its stock config dir, beside the stock health_alarm_notify.conf.
  if (d.stockHealthConfig.endsWith("/health.d")) {
    env.NETDATA_STOCK_CONFIG_DIR = d.stockHealthConfig.slice(0, -9);
  }
  return env;
}

/** The notifiers `[health]` asks for (script, webhook), or one that drops nothing silently. */
export function createNotifier(config: AgentConfig): Notifier {
  const h = config.health;
  const list: Notifier[] = [];
  if (h.scriptToExecuteOnAlarm) list.push(new QueueNotifier("script", scriptRunner(scriptEnv(config))));
  if (h.webhookUrl) list.push(new QueueNotifier("webhook", webhook(h.webhookUrl)));
  return fanOut(list);
}

/** Options of {@link createHealth} (tests). */
export interface CreateHealthOptions {
  notifier?: Notifier;
  nowSec?: () => number;
  tickMs?: number;
}

/** Builds the health engine of an agent from its config. */
export function createHealth(config: AgentConfig, hosts: Hosts, opts: CreateHealthOptions = {}): Health {
  const h = config.health;
  const rules = loadHealthRules(config);
  getLogger(["agent", "health"]).info(
    "Health loaded {rules} rules from {files} files ({warnings} warnings)",
    {
      rules: rules.rules.length,
      files: rules.files.length,
      warnings: rules.warnings.length,
    },
  );
  return new Health({
    hosts,
    rules: rules.rules,
    localEnabled: h.enabled,
    maxLogEntries: h.maxLogEntries,
    runAtLeastEverySec: h.runAtLeastEverySec,
    defaultRepeatWarningSec: h.defaultRepeatWarningSec,
    defaultRepeatCriticalSec: h.defaultRepeatCriticalSec,
    postponeHibernationSec: h.postponeHibernationSec,
    stateDir: `${config.directories.lib}/health`,
    silencersFile: h.silencersFile || `${config.directories.lib}/health.silencers.json`,
    apiKeyFile: `${config.directories.lib}/netdata.api.key`,
    defaultExec: h.scriptToExecuteOnAlarm,
    defaultRecipient: "root",
    configDir: config.directories.config || "/etc/agent",
    notifier: opts.notifier ?? createNotifier(config),
    ...(opts.nowSec ? { nowSec: opts.nowSec } : {}),
    ...(opts.tickMs ? { tickMs: opts.tickMs } : {}),
  });
}
