/**
 * The commands behind the CLI. Each returns the process exit code:
 * 0 ok, 1 runtime failure, 2 usage or config error.
 * @module
 */

import { createAgent } from "../agent.ts";
import { dumpConfig, formatProblem, loadConfig } from "../config/mod.ts";
import { EMBEDDED_RULES, loadRules } from "../health/mod.ts";
import type { AgentConfig, ConfigProblem } from "../config/types.ts";
import { getLogger, setupLogging } from "../util/log.ts";
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
function healthProblems(config: AgentConfig): ConfigProblem[] {
  if (!config.health.enabled) return [];
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
  const problems = [...loaded.problems, ...healthProblems(loaded.config)];
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

/** `agent run`: runs until SIGINT or SIGTERM. */
export async function run(opts: CommonOptions, io: Output = stdio): Promise<number> {
  const { config, problems } = await load(opts);
  const errors = countErrors(problems);
  if (errors > 0) {
    for (const p of problems) io.err(formatProblem(p));
    io.err(`Not starting: ${errors} configuration error${errors === 1 ? "" : "s"}`);
    return 2;
  }
  setupLogging({ level: config.global.logLevel });
  const log = getLogger(["agent", "main"]);
  for (const p of problems) log.warn(formatProblem(p));
  let agent: ReturnType<typeof createAgent> | undefined;
  try {
    // Building opens the data directory (machine GUID, dbengine): an unwritable one fails here.
    agent = createAgent(config);
    await agent.start();
  } catch (e) {
    log.error("Cannot start: {error}", { error: e instanceof Error ? e.message : String(e) });
    await agent?.stop().catch(() => {});
    return 1;
  }
  const stopped = Promise.withResolvers<string>();
  const onSignal = (sig: Deno.Signal) => () => stopped.resolve(sig);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, onSignal(s)] as const);
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  const sig = await stopped.promise;
  log.info("Stopping on {signal}", { signal: sig });
  for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  await agent.stop();
  return 0;
}
