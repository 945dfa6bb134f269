/**
 * Turns agent.conf (Netdata's netdata.conf) and stream.conf into one frozen {@link AgentConfig}.
 *
 * Precedence, lowest first: built-in defaults (some picked by `--role`), the files, command-line
 * overrides. Older Netdata key names (`[global] memory mode`, `[global] bind socket to IP`, ...)
 * are read when the current name is not set, as Netdata 1.37 moves them.
 *
 * Every problem is collected, never thrown: a key we use with a bad value, an unknown key in a
 * section we use (with the nearest known key), and unusable lines are errors; keys and sections
 * that Netdata knows but we do not use are warnings, so a real Netdata config directory loads.
 *
 * `buildConfig()` is the pure core (texts in): it runs the readers of agent_conf.ts and
 * stream_conf.ts (tables in keys.ts) and freezes the result; `loadConfig()` only reads the files
 * around it. The printer is in dump.ts.
 * @module
 */

import agentConfText from "../../conf/agent.conf" with { type: "text" };
import streamConfText from "../../conf/stream.conf" with { type: "text" };
import exportingConfText from "../../conf/exporting.conf" with { type: "text" };
import {
  checkAgentLeftovers,
  readDb,
  readDirectories,
  readGlobal,
  readHealth,
  readWeb,
} from "./agent_conf.ts";
import { readCollectors } from "./collectors_conf.ts";
import { parseIni } from "./ini.ts";
import { ROLES } from "./keys.ts";
import { type ConfigOverrides, deepFreeze, Doc, FrozenMap, q, Resolver } from "./resolver.ts";
import { problem } from "./schema.ts";
import { readLogs } from "./logs_conf.ts";
import { readTls } from "./tls.ts";
import { readExporting } from "./exporting_conf.ts";
import { checkStreamLeftovers, readReceivers, readStreamSender } from "./stream_conf.ts";
import type { AgentConfig, ConfigProblem, Role } from "./types.ts";

/** Options of {@link loadConfig}. */
export interface LoadOptions {
  /** Directory holding agent.conf (or netdata.conf) and stream.conf; without it the built-in defaults apply. */
  configDir?: string;
  /** Picks defaults only: memory mode, and whether `[stream]` is enabled. */
  role: Role;
  /** Command-line values; undefined fields are not set. */
  overrides?: ConfigOverrides;
}

/** The text of one configuration file and the name to report it by. */
export interface ConfigSource {
  /** The whole file. */
  text: string;
  /** Path (or any name) used in problems and in `AgentConfig.files`. */
  file: string;
}

/** Options of {@link buildConfig}: {@link LoadOptions} plus the file texts. */
export interface BuildOptions extends LoadOptions {
  /** agent.conf; the built-in copy when absent. */
  agent?: ConfigSource;
  /** stream.conf; the built-in copy when absent. */
  stream?: ConfigSource;
  /** exporting.conf; the built-in copy when absent. */
  exporting?: ConfigSource;
  /** Default of `[global] hostname`; `Deno.hostname()` when absent. */
  systemHostname?: string;
  /**
   * Reads the TLS files of `[web] ssl key` and `ssl certificate` (throws when it cannot);
   * without it they are not read and `web.tls` stays unset. `loadConfig()` passes Deno's.
   */
  readFile?: (path: string) => string;
}

/** What {@link loadConfig} and {@link buildConfig} return. */
export interface LoadResult {
  /** Deeply frozen. Meaningful only when `problems` holds no error. */
  config: AgentConfig;
  /** Errors and warnings, in file and line order (command-line problems last). */
  problems: ConfigProblem[];
}

/** Name of the built-in agent.conf in problems. */
export const EMBEDDED_AGENT_CONF = "embedded:agent.conf";
/** Name of the built-in stream.conf in problems. */
export const EMBEDDED_STREAM_CONF = "embedded:stream.conf";
/** Name of the built-in exporting.conf in problems. */
export const EMBEDDED_EXPORTING_CONF = "embedded:exporting.conf";

/** Orders problems by file (agent, stream, then anything else) and line; line 0 (flags) last. */
function sortProblems(problems: ConfigProblem[], files: readonly string[]): ConfigProblem[] {
  const rank = (p: ConfigProblem) => {
    if (p.line === 0) return files.length + 1;
    const i = files.indexOf(p.file);
    return i < 0 ? files.length : i;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.p.line - b.p.line || a.i - b.i)
    .map(({ p }) => p);
}

/**
 * Builds the configuration from file texts: the pure core of {@link loadConfig}.
 *
 * @example
 * ```ts
 * const stream = "[stream]\n destination = parent:19999\n api key = 11111111-2222-3333-4444-555555555555\n";
 * const { config } = buildConfig({ role: "child", stream: { file: "stream.conf", text: stream }, systemHostname: "n1" });
 * config.stream.enabled; // true (--role child)
 * ```
 */
export function buildConfig(opts: BuildOptions): LoadResult {
  const r = new Resolver(opts.overrides ?? {});
  let role: Role = opts.role;
  if (!ROLES.includes(role)) {
    r.problems.push(problem(
      "error",
      { file: "--role", line: 0, section: "", key: "" },
      `Cannot use --role: expected one of ${ROLES.map(q).join(", ")}, got ${q(String(role))}`,
    ));
    role = "standalone";
  }

  const agentIni = parseIni(opts.agent?.text ?? agentConfText, opts.agent?.file ?? EMBEDDED_AGENT_CONF);
  const streamIni = parseIni(opts.stream?.text ?? streamConfText, opts.stream?.file ?? EMBEDDED_STREAM_CONF);
  const exportingIni = parseIni(
    opts.exporting?.text ?? exportingConfText,
    opts.exporting?.file ?? EMBEDDED_EXPORTING_CONF,
  );
  r.problems.push(...agentIni.problems, ...streamIni.problems, ...exportingIni.problems);
  const agent = new Doc(agentIni);
  const stream = new Doc(streamIni);

  const web = readWeb(agent, r);
  const tls = opts.readFile &&
    readTls(web, r, { readFile: opts.readFile, configDir: opts.configDir, file: agentIni.file });
  const sender = readStreamSender(stream, r, role);
  const receivers = readReceivers(streamIni, r.problems, { defaultPort: sender.defaultPort });
  const global = readGlobal(agent, r, { role, systemHostname: opts.systemHostname });
  const exporting = readExporting(exportingIni, r.problems, { hostname: global.hostname });
  const config: AgentConfig = {
    role,
    files: {
      ...(opts.agent ? { agent: opts.agent.file } : {}),
      ...(opts.stream ? { stream: opts.stream.file } : {}),
      ...(opts.exporting ? { exporting: opts.exporting.file } : {}),
    },
    global,
    web: tls ? { ...web, tls } : web,
    directories: readDirectories(agent, r, opts.configDir),
    logs: readLogs(agent, r),
    db: readDb(agent, r),
    health: readHealth(agent, r),
    stream: sender,
    exporting,
    receivers: new FrozenMap(receivers.map((rs) => [rs.name, rs] as const)),
    collectors: readCollectors(agent, r.problems),
    sources: new FrozenMap(r.sources),
  };
  checkAgentLeftovers(agent, r.problems);
  checkStreamLeftovers(stream, r.problems);
  return {
    config: deepFreeze(config),
    problems: sortProblems(r.problems, [agentIni.file, streamIni.file, exportingIni.file]),
  };
}

// -----------------------------------------------------------------------------------------------

async function readOptional(path: string, problems: ConfigProblem[]): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    const where = { file: path, line: 0, section: "", key: "" };
    problems.push(problem("error", where, `Cannot read configuration file: ${(e as Error).message}`));
    return undefined;
  }
}

/**
 * Loads the configuration: `<configDir>/agent.conf` (or, when it is missing, Netdata's
 * `<configDir>/netdata.conf`), `<configDir>/stream.conf` and `<configDir>/exporting.conf`; a
 * missing file (or no `configDir`) means the built-in copy of it from conf/. Nothing else is read.
 *
 * Never throws for bad configuration: check `problems` for errors (and print them with
 * `formatProblem()`); the config is usable only when there are none.
 *
 * @example
 * ```ts
 * const { config, problems } = await loadConfig({ configDir: "/etc/agent", role: "parent", overrides: { port: 0 } });
 * if (problems.some((p) => p.severity === "error")) Deno.exit(2);
 * ```
 */
export async function loadConfig(opts: LoadOptions): Promise<LoadResult> {
  const pre: ConfigProblem[] = [];
  let agent: ConfigSource | undefined;
  let stream: ConfigSource | undefined;
  let exporting: ConfigSource | undefined;
  const dir = opts.configDir;
  if (dir !== undefined) {
    const where = { file: dir, line: 0, section: "", key: "" };
    let isDir = false;
    try {
      isDir = (await Deno.stat(dir)).isDirectory;
      if (!isDir) {
        pre.push(problem("error", where, "Cannot read the config directory: it is not a directory"));
      }
    } catch (e) {
      pre.push(problem("error", where, `Cannot read the config directory: ${(e as Error).message}`));
    }
    if (isDir) {
      const base = dir.endsWith("/") ? dir : dir + "/";
      for (const name of ["agent.conf", "netdata.conf"]) {
        const text = await readOptional(base + name, pre);
        if (text !== undefined) {
          agent = { text, file: base + name };
          break;
        }
      }
      const text = await readOptional(base + "stream.conf", pre);
      if (text !== undefined) stream = { text, file: base + "stream.conf" };
      const exportingText = await readOptional(base + "exporting.conf", pre);
      if (exportingText !== undefined) exporting = { text: exportingText, file: base + "exporting.conf" };
    }
  }
  const result = buildConfig({ ...opts, agent, stream, exporting, readFile: Deno.readTextFileSync });
  return { config: result.config, problems: [...result.problems, ...pre] };
}
