/**
 * The commands behind the CLI. Each returns the process exit code:
 * 0 ok, 1 runtime failure, 2 usage or config error.
 * @module
 */

import { createAgent } from "../agent.ts";
import { dumpConfig, formatProblem, loadConfig } from "../config/mod.ts";
import type { AgentConfig, ConfigProblem } from "../config/types.ts";
import { stderrIsJournal } from "../util/journal.ts";
import { SdNotify } from "../util/sd_notify.ts";
import { getLogger, type LogHandle, type LogTarget, setupLogging } from "../util/log.ts";
import type { CommonOptions } from "./args.ts";

/** Where commands print (injectable for tests). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Prints to stdout/stderr. */
export const stdio: Output = {
  out: (t) => console.log(t),
  err: (t) => console.error(t),
};

async function load(opts: CommonOptions): Promise<{ config: AgentConfig; problems: ConfigProblem[] }> {
  return await loadConfig({
    configDir: opts.config,
    role: opts.role,
    overrides: {
      hostname: opts.hostname,
      port: opts.port,
      bind: opts.bind,
      dataDir: opts.dataDir,
      memoryMode: opts.memoryMode,
      streamTo: opts.streamTo,
      apiKey: opts.apiKey,
      logLevel: opts.logLevel,
      procRoot: opts.procRoot,
      updateEvery: opts.updateEvery,
    },
  });
}

function countErrors(problems: ConfigProblem[]): number {
  return problems.filter((p) => p.severity === "error").length;
}

/** `agent keygen`: a new random API key. */
export function keygen(io: Output = stdio): number {
  io.out(crypto.randomUUID());
  return 0;
}

/** Problems of the health rule files `config` names, as warnings (a bad rule is skipped, never fatal). */
async function healthProblems(config: AgentConfig): Promise<ConfigProblem[]> {
  if (!config.health.enabled) return [];
  // Loaded here only: a running headless child never needs the rule parser.
  const { EMBEDDED_RULES, loadRules } = await import("../health/mod.ts");
  return loadRules({
    ...(config.directories.healthConfig ? { userDir: config.directories.healthConfig } : {}),
    ...(config.health.enableStockConfig && config.directories.stockHealthConfig
      ? { stockDir: config.directories.stockHealthConfig }
      : {}),
    embedded: config.health.enableStockConfig ? EMBEDDED_RULES : {},
  }).warnings.map((w) => ({
    severity: "warning" as const,
    file: w.file,
    line: w.line,
    section: "",
    key: "",
    message: `Health configuration: ${w.message}`,
  }));
}

/** `agent check-config`: validates only; prints every problem, the health rule files' too. */
export async function checkConfig(opts: CommonOptions, io: Output = stdio): Promise<number> {
  const loaded = await load(opts);
  const problems = [...loaded.problems, ...(await healthProblems(loaded.config))];
  for (const p of problems) io.err(formatProblem(p));
  const errors = countErrors(problems);
  const warnings = problems.length - errors;
  io.out(`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`);
  return errors > 0 ? 2 : 0;
}

/** `agent dump-config`: the effective configuration with defaults filled in. */
export async function dumpConfigCommand(opts: CommonOptions, io: Output = stdio): Promise<number> {
  const { config, problems } = await load(opts);
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    for (const p of errors) io.err(formatProblem(p));
    return 2;
  }
  io.out(dumpConfig(config));
  return 0;
}

/**
 * Where `[logs] daemon` sends the agent's log: `auto` is the journal when systemd connected stderr
 * to it (`JOURNAL_STREAM`), else stderr. A relative file is in `[directories] log`. `AGENT_JOURNAL_SOCKET` moves the journal's socket (tests
 * run a journald namespace).
 */
export function logTarget(config: AgentConfig, journalStream = stderrIsJournal()): LogTarget {
  const logs = config.logs;
  const v = logs?.daemon ?? "auto";
  const socket = Deno.env.get("AGENT_JOURNAL_SOCKET") || undefined;
  if (v === "journal" || (v === "auto" && journalStream)) return { kind: "journal", socket };
  if (v === "auto" || v === "stderr") return { kind: "stderr" };
  if (v === "none") return { kind: "none" };
  if (v === "syslog") return { kind: "syslog", facility: logs?.facility };
  return { kind: "file", path: v.startsWith("/") ? v : `${config.directories.log}/${v}` };
}

function startLogging(config: AgentConfig): LogHandle {
  const logs = config.logs;
  return setupLogging({
    level: config.global.logLevel,
    target: logTarget(config),
    flood: logs ? { periodSec: logs.floodPeriodSec, lines: logs.floodLines } : undefined,
  });
}

/** One clear line for what stopped the start: a taken port names the address. */
export function startError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /listen (EADDRINUSE|EACCES)[^\n]*?(\S+:\d+)\s*$/.exec(msg);
  if (!m) return msg;
  return m[1] === "EADDRINUSE"
    ? `cannot listen on ${m[2]}: the address is already in use (another agent or Netdata running?)`
    : `cannot listen on ${m[2]}: permission denied (ports below 1024 need privileges)`;
}

/** `agent run`: runs until SIGINT or SIGTERM. */
export async function run(opts: CommonOptions, io: Output = stdio): Promise<number> {
  const { config, problems } = await load(opts);
  const errors = countErrors(problems);
  if (errors > 0) {
    for (const p of problems) io.err(formatProblem(p));
    io.err(`Not starting: ${errors} configuration error${errors === 1 ? "" : "s"}`);
    return 2;
  }
  let logs: LogHandle;
  try {
    logs = startLogging(config);
  } catch (e) {
    io.err(`Cannot open the log: ${(e as Error).message}`);
    return 1;
  }
  const log = getLogger(["agent", "main"]);
  for (const p of problems) log.warn(formatProblem(p));
  let agent: ReturnType<typeof createAgent> | undefined;
  try {
    // Building opens the data directory (machine GUID, dbengine): an unwritable one fails here.
    agent = createAgent(config);
    await agent.start();
  } catch (e) {
    log.error("Cannot start: {error}", { error: startError(e) });
    await agent?.stop().catch(() => {});
    return 1;
  }
  const notify = new SdNotify();
  await notify.notify("READY=1", `STATUS=Running as ${config.role}`);
  const stopped = Promise.withResolvers<string>();
  const onSignal = (sig: Deno.Signal) => () => stopped.resolve(sig);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, onSignal(s)] as const);
  let reloading = Promise.resolve();
  const onHup = () => {
    // Only receiver sections change at a reload: the rest keeps the configuration it started with.
    reloading = reloading.then(() => reload(opts, { agent: agent!, started: config, logs, notify }));
  };
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  Deno.addSignalListener("SIGHUP", onHup);
  const sig = await stopped.promise;
  await notify.notify("STOPPING=1");
  log.info("Stopping on {signal}", { signal: sig });
  for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  Deno.removeSignalListener("SIGHUP", onHup);
  await reloading;
  await agent.stop();
  await notify.close();
  await logs.close();
  return 0;
}

/**
 * SIGHUP: reopens the log file (logrotate) and reloads the configuration; applies stream.conf
 * only when every file is valid, else logs each problem (file:line) and keeps what runs.
 */
async function reload(
  opts: CommonOptions,
  ctx: { agent: ReturnType<typeof createAgent>; started: AgentConfig; logs: LogHandle; notify: SdNotify },
): Promise<void> {
  const { agent, started, logs, notify } = ctx;
  logs.reopen();
  const log = getLogger(["agent", "main"]);
  await notify.notify("RELOADING=1");
  try {
    const { config, problems } = await load(opts);
    const errors = countErrors(problems);
    if (errors > 0) {
      for (const p of problems) if (p.severity === "error") log.error(formatProblem(p));
      log.error("Not reloading: {n} configuration errors; the running configuration stays", { n: errors });
      return;
    }
    const cut = agent.reload(config);
    const later = needRestart(started, config);
    if (later.length > 0) {
      log.warn("Changes to {parts} need a restart; only stream.conf's receiver sections were reloaded", {
        parts: later.join(", "),
      });
    }
    log.info("Reloaded stream.conf: {keys} sections, {cut} children disconnected", {
      keys: config.receivers.size,
      cut,
    });
  } catch (e) {
    log.error("Not reloading: {error}", { error: (e as Error).message });
  } finally {
    await notify.notify("READY=1");
  }
}

/** The parts of the configuration that differ and that a reload does not apply. */
export function needRestart(before: AgentConfig, after: AgentConfig): string[] {
  const parts: [string, (c: AgentConfig) => unknown][] = [
    ["[global]", (c) => c.global],
    ["[db]", (c) => c.db],
    ["[web]", (c) => c.web],
    ["[directories]", (c) => c.directories],
    ["[logs]", (c) => c.logs],
    ["stream.conf [stream]", (c) => c.stream],
    ["exporting.conf", (c) => c.exporting],
  ];
  return parts.filter(([, get]) => JSON.stringify(get(before)) !== JSON.stringify(get(after))).map(([n]) =>
    n
  );
}
