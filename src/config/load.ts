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
 * `buildConfig()` is the pure core (texts in); `loadConfig()` only reads the files around it.
 * @module
 */

import agentConfText from "../../conf/agent.conf" with { type: "text" };
import streamConfText from "../../conf/stream.conf" with { type: "text" };
import type { MemoryMode } from "../store/mod.ts";
import { type IniFile, parseIni } from "./ini.ts";
import {
  bindTo,
  bool,
  duration,
  formatBind,
  int,
  type IntOptions,
  isUuid,
  nonEmpty,
  oneOf,
  parseDuration,
  parseInteger,
  problem,
  type RawValue,
  size,
  suggest,
  uuid,
  WEB_ACLS,
  type Where,
} from "./schema.ts";
import type {
  AgentConfig,
  BindSpec,
  ConfigProblem,
  LogLevel,
  ReceiverSection,
  Role,
  StreamSenderConfig,
} from "./types.ts";

/** Command-line values that win over the files. Each is validated; problems name the flag. */
export interface ConfigOverrides {
  /** `--hostname`: `[global] hostname`. */
  hostname?: string;
  /** `--port`: `[web] default port`, and the port of every TCP `bind to` entry (0 picks a free port). */
  port?: number;
  /** `--bind`: `[web] bind to`, same syntax. */
  bind?: string;
  /** `--data-dir`: `[directories] lib`. */
  dataDir?: string;
  /** `--memory-mode`: `[db] mode`. */
  memoryMode?: MemoryMode;
  /** `--stream-to`: `[stream] destination`, and turns `[stream] enabled` on. */
  streamTo?: string;
  /** `--api-key`: `[stream] api key`. */
  apiKey?: string;
  /** `--log-level`: `[logs] level`. */
  logLevel?: LogLevel;
  /** `--proc-root`: where /proc is read from (Netdata: `[global] host access prefix` + "/proc"). */
  procRoot?: string;
  /** `--update-every`: `[db] update every`, in seconds. */
  updateEvery?: number;
}

/** The flag that sets each override, as named in problems. */
export const OVERRIDE_FLAGS: Readonly<Record<keyof ConfigOverrides, string>> = Object.freeze({
  hostname: "--hostname",
  port: "--port",
  bind: "--bind",
  dataDir: "--data-dir",
  memoryMode: "--memory-mode",
  streamTo: "--stream-to",
  apiKey: "--api-key",
  logLevel: "--log-level",
  procRoot: "--proc-root",
  updateEvery: "--update-every",
});

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
  /** Default of `[global] hostname`; `Deno.hostname()` when absent. */
  systemHostname?: string;
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

const ROLES: readonly Role[] = ["standalone", "child", "parent", "proxy"];
const MEMORY_MODES: readonly MemoryMode[] = ["ram", "dbengine", "none"];
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error"];
const WEB_MODES: readonly AgentConfig["web"]["mode"][] = ["static-threaded", "none"];

const ROLE_DEFAULTS: Record<Role, { memoryMode: MemoryMode; streamEnabled: boolean }> = {
  standalone: { memoryMode: "ram", streamEnabled: false },
  child: { memoryMode: "ram", streamEnabled: true },
  parent: { memoryMode: "dbengine", streamEnabled: false },
  proxy: { memoryMode: "dbengine", streamEnabled: true },
};

/** Splits a `|`-separated list (one line per table instead of one line per key). */
const words = (list: string): readonly string[] =>
  list.split("|").map((w) => w.trim()).filter((w) => w !== "");

// -----------------------------------------------------------------------------------------------
// What Netdata 1.37.1 reads in the netdata.conf sections that we use, gathered from its
// config_get*() and config_move() calls (plus the keys Debian's package adds). Our keys are read;
// Netdata's other keys are warnings; anything else in these sections is an error.

/** Keys of netdata.conf that the agent reads, by section; older names are in ALIASES below. */
const AGENT_KEYS: Record<string, readonly string[]> = {
  global: words(`hostname | host access prefix | update every | memory mode | history |
    gap when lost iterations above | bind socket to IP | bind to | port | default port |
    config directory | lib directory | cache directory | log directory | log level`),
  db: words(`update every | mode | retention | storage tiers | dbengine multihost disk space MB |
    gap when lost iterations above | enable replication | seconds to replicate | seconds per replication step`),
  web: words(`mode | default port | bind to | ssl key | ssl certificate | allow connections from |
    allow streaming from | accept a streaming request every seconds`),
  directories: words(`config | lib | cache | log`),
  logs: words(`level`),
};

/** Older names read when the current one is not set (Netdata's config_move() order). */
const ALIASES: Record<string, readonly (readonly [string, string])[]> = {
  "db/update every": [["global", "update every"]],
  "db/mode": [["global", "memory mode"]],
  "db/retention": [["global", "history"]],
  "db/gap when lost iterations above": [["global", "gap when lost iterations above"]],
  "web/default port": [["global", "port"], ["global", "default port"]],
  "web/bind to": [["global", "bind socket to IP"], ["global", "bind to"]],
  "directories/config": [["global", "config directory"]],
  "directories/lib": [["global", "lib directory"]],
  "directories/cache": [["global", "cache directory"]],
  "directories/log": [["global", "log directory"]],
  "logs/level": [["global", "log level"]],
};

/** Keys Netdata reads in those sections that the agent does not use. */
const NETDATA_UNUSED_KEYS: Record<string, readonly string[]> = {
  global: words(`OOM score | TZ environment variable | access log | cleanup obsolete charts after seconds |
    cleanup orphan hosts after seconds | dbengine disk space | dbengine extent pages |
    dbengine multihost disk space | dbengine page fetch retries | dbengine page fetch timeout | debug flags |
    debug log | delete obsolete charts files | delete orphan hosts files | disconnect idle web clients after seconds |
    enable metric correlations | enable web responses gzip compression | enable zero metrics | error log |
    errors flood protection period | errors to trigger flood protection | facility log |
    glibc malloc arena max for netdata | glibc malloc arena max for plugins | home directory |
    http port listen backlog | libuv worker threads | lock directory | memory deduplication (ksm) |
    metric correlations method | page cache size | page cache uses malloc | plugins directory | process nice level |
    process scheduling policy | process scheduling priority | pthread stack size |
    respect web browser do not track policy | run as user | stock config directory | timezone |
    web compression level | web compression strategy | web files directory | web files group | web files owner |
    web x-frame-options header`),
  db: words(`cleanup obsolete charts after secs | cleanup orphan hosts after secs | dbengine disk space MB |
    dbengine page cache size MB | dbengine page cache with malloc | dbengine page descriptors in file mapped memory |
    dbengine page fetch retries | dbengine page fetch timeout secs | dbengine pages per extent |
    delete obsolete charts files | delete orphan hosts files | enable zero metrics | memory deduplication (ksm) |
    page cache size | page cache with malloc | replication threads`),
  web: words(`allow badges by dns | allow badges from |
    allow connections by dns | allow dashboard by dns | allow dashboard from | allow management by dns |
    allow management from | allow netdata.conf by dns | allow netdata.conf from | allow streaming by dns |
    custom dashboard_info.js | des max window | disconnect idle clients after seconds | enable gzip compression |
    gzip compression level | gzip compression strategy | listen backlog | respect do not track policy |
    ses max window | timeout for first request | tls ciphers | tls version | web files group | web files owner |
    web server max sockets | web server threads | x-frame-options response header`),
  directories: words(
    `health config | home | lock | plugins | registry | stock config | stock health config | web`,
  ),
  logs: words(`access | debug | debug flags | error | errors flood protection period |
    errors to trigger flood protection | facility | health`),
};

/** `[db] dbengine tier N ...` keys, which Netdata builds from the tier number. */
const DB_TIER_KEY_RE =
  /^dbengine tier \d+ (page cache size MB|multihost disk space MB|update every iterations|backfill)$/;

/** Sections of netdata.conf that Netdata has and we do not use (no "did you mean" for these). */
const NETDATA_SECTIONS = new Set(
  words(`environment variables | host labels | sqlite | cloud | ml | health | registry | global statistics |
    plugins | statsd | stream | exporting:global | prometheus:exporter | backend`),
);

/** Keys of `[stream]` in stream.conf (all used). */
const STREAM_KEYS = words(
  `enabled | destination | api key | timeout seconds | default port | send charts matching |
  buffer size bytes | reconnect delay seconds | initial clock resync iterations | enable compression |
  ssl skip certificate verification | CApath | CAfile`,
);

type ReceiverCheck = (raw: RawValue, problems: ConfigProblem[]) => unknown;
const anyText: ReceiverCheck = () => undefined;
const entriesCheck: ReceiverCheck = (r, p) => int(r, p, { min: 5, max: 31536000, unit: "entries" });
const modeCheck: ReceiverCheck = (r, p) => oneOf(r, p, { values: MEMORY_MODES });
const healthCheck: ReceiverCheck = (r, p) => oneOf(r, p, { values: ["yes", "no", "auto", "on demand"] });
const postponeCheck: ReceiverCheck = (r, p) => duration(r, p, { min: 0, max: 86400 });
const apiKeyCheck: ReceiverCheck = (r, p) => uuid(r, p, { allowEmpty: true });

/** Keys of a receiver section (`[<API key>]` / `[<machine GUID>]`) that Netdata 1.37.1 reads, and their checks. */
const RECEIVER_KEYS: ReadonlyMap<string, ReceiverCheck> = new Map<string, ReceiverCheck>([
  ["type", (r, p) => oneOf(r, p, { values: ["api", "machine"] })],
  ["enabled", bool],
  ["allow from", anyText],
  ["update every", (r, p) => duration(r, p, { min: 1, max: 600 })],
  ["default history", entriesCheck],
  ["history", entriesCheck],
  ["default memory mode", modeCheck],
  ["memory mode", modeCheck],
  ["health enabled by default", healthCheck],
  ["health enabled", healthCheck],
  ["default postpone alarms on connect seconds", postponeCheck],
  ["postpone alarms on connect seconds", postponeCheck],
  ["default proxy enabled", bool],
  ["proxy enabled", bool],
  ["default proxy destination", anyText],
  ["proxy destination", anyText],
  ["default proxy api key", apiKeyCheck],
  ["proxy api key", apiKeyCheck],
  ["default proxy send charts matching", anyText],
  ["proxy send charts matching", anyText],
  ["enable compression", bool],
  ["enable replication", bool],
  ["seconds to replicate", (r, p) => duration(r, p, { min: 0, max: 31536000 })],
  ["seconds per replication step", (r, p) => duration(r, p, { min: 1, max: 86400 })],
]);

/** Receiver keys of later Netdata versions, accepted with a warning. */
const RECEIVER_UNUSED_KEYS = words(`multiple connections | host tags | is ephemeral node`);

/** Names of the template sections in the stock stream.conf. */
const RECEIVER_TEMPLATES = new Set(["API_KEY", "MACHINE_GUID"]);

// -----------------------------------------------------------------------------------------------

const q = (s: string): string => JSON.stringify(s);

const notUsedMessage = (section: string, key: string) =>
  `Ignoring ${q(key)} in [${section}]: the agent does not use this Netdata key`;

/** One parsed file plus which of its keys were read. */
class Doc {
  readonly ini: IniFile;
  readonly #sections = new Map<string, IniFile["sections"][number]>();
  readonly #used = new Set<string>();

  constructor(ini: IniFile) {
    this.ini = ini;
    for (const s of ini.sections) this.#sections.set(s.name, s);
  }

  /** The value of `[section] key`, marked as read; undefined when the file does not set it. */
  take(section: string, key: string): RawValue | undefined {
    const e = this.#sections.get(section)?.entries.get(key);
    if (!e) return undefined;
    this.#used.add(`${section}\0${key}`);
    return { value: e.value, file: this.ini.file, line: e.line, section, key };
  }

  isUsed(section: string, key: string): boolean {
    return this.#used.has(`${section}\0${key}`);
  }
}

/** A map whose contents cannot change after construction (Object.freeze does not stop Map.set). */
class FrozenMap<K, V> extends Map<K, V> {
  #frozen = false;
  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [k, v] of entries) super.set(k, v);
    this.#frozen = true;
    Object.freeze(this);
  }
  override set(key: K, value: V): this {
    if (this.#frozen) throw new TypeError("Cannot change a frozen configuration map");
    return super.set(key, value);
  }
  override delete(_key: K): boolean {
    throw new TypeError("Cannot change a frozen configuration map");
  }
  override clear(): void {
    throw new TypeError("Cannot change a frozen configuration map");
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  return Object.freeze(value);
}

/**
 * Resolves settings one by one: default < file < flag. Records where each effective value came
 * from (`sources`) and collects problems.
 */
class Resolver {
  readonly problems: ConfigProblem[] = [];
  readonly sources = new Map<string, string>();
  readonly overrides: ConfigOverrides;

  constructor(overrides: ConfigOverrides) {
    this.overrides = overrides;
  }

  /**
   * Reads `id` (`section/key`) from `doc`, then its older names (see ALIASES); a value that does
   * not parse leaves the default in place (its problem is recorded).
   */
  file<T>(doc: Doc, id: string, read: (raw: RawValue) => T | undefined, dflt: T, dfltSource = "default"): T {
    const raw = this.pick(doc, id);
    const v = raw ? read(raw) : undefined;
    if (raw && v !== undefined) {
      this.sources.set(id, `${raw.file}:${raw.line}`);
      return v;
    }
    this.sources.set(id, dfltSource);
    return dflt;
  }

  /** The raw value of `id` or of its first older name that is set; later ones are warned about. */
  pick(doc: Doc, id: string): RawValue | undefined {
    let found: RawValue | undefined;
    for (const [section, key] of [splitId(id), ...(ALIASES[id] ?? [])]) {
      const raw = doc.take(section, key);
      if (!raw) continue;
      if (!found) found = raw;
      else {
        const wins = `${q(found.key)} in [${found.section}] is also set and wins`;
        this.problems.push(problem("warning", raw, `Ignoring ${q(key)} in [${section}]: ${wins}`));
      }
    }
    return found;
  }

  /** Applies override `name` to `id`, checked as if written in that key, with the flag as its file. */
  flag<T>(name: keyof ConfigOverrides, id: string, read: (raw: RawValue) => T | undefined, current: T): T {
    const given = this.overrides[name];
    if (given === undefined) return current;
    const [section, key] = splitId(id);
    const v = read({ value: String(given), file: OVERRIDE_FLAGS[name], line: 0, section, key });
    if (v === undefined) return current;
    this.sources.set(id, OVERRIDE_FLAGS[name]);
    return v;
  }

  // Typed shorthands for the getters of schema.ts.
  text = (r: RawValue): string => r.value;
  bool = (r: RawValue): boolean | undefined => bool(r, this.problems);
  int = (opts: IntOptions) => (r: RawValue): number | undefined => int(r, this.problems, opts);
  seconds = (min: number, max: number) => (r: RawValue): number | undefined =>
    duration(r, this.problems, { min, max });
  oneOf = <T extends string>(values: readonly T[]) => (r: RawValue): T | undefined =>
    oneOf(r, this.problems, { values });
  nonEmpty = (what: string) => (r: RawValue): string | undefined => nonEmpty(r, this.problems, { what });
}

function splitId(id: string): [string, string] {
  const slash = id.indexOf("/");
  return [id.slice(0, slash), id.slice(slash + 1)];
}

/** The file and line of a `sources` entry (`file:line`); flags and defaults have line 0. */
function whereFrom(source: string, dflt: string): { file: string; line: number } {
  const m = /^(.*):(\d+)$/.exec(source);
  if (m) return { file: m[1], line: Number(m[2]) };
  return { file: source.startsWith("default") ? dflt : source, line: 0 };
}

// -----------------------------------------------------------------------------------------------
// One reader per part of the configuration.

function readGlobal(
  agent: Doc,
  r: Resolver,
  opts: { role: Role; systemHostname?: string },
): AgentConfig["global"] {
  const hostnameRaw = agent.take("global", "hostname");
  // Ask the system only when nothing else names the host (it needs --allow-sys).
  const defaultHostname = opts.systemHostname ??
    (hostnameRaw === undefined && r.overrides.hostname === undefined
      ? systemHostname(r.problems)
      : "localhost");
  const hostCheck = r.nonEmpty("a host name");
  const hostname = r.flag(
    "hostname",
    "global/hostname",
    hostCheck,
    r.file(agent, "global/hostname", hostCheck, defaultHostname),
  );

  const prefixToProc = (raw: RawValue) => raw.value.replace(/\/+$/, "") + "/proc";
  const procRoot = r.flag(
    "procRoot",
    "global/host access prefix",
    r.nonEmpty("a directory"),
    r.file(agent, "global/host access prefix", prefixToProc, "/proc"),
  );

  const updateEvery = r.flag(
    "updateEvery",
    "db/update every",
    r.int({ min: 1, max: 600, unit: "seconds" }),
    r.file(agent, "db/update every", r.seconds(1, 600), 1),
  );

  const roleMode = ROLE_DEFAULTS[opts.role].memoryMode;
  const memoryMode = r.flag(
    "memoryMode",
    "db/mode",
    r.oneOf(MEMORY_MODES),
    r.file(agent, "db/mode", r.oneOf(MEMORY_MODES), roleMode, roleSource(opts.role, roleMode !== "ram")),
  );

  const retentionEntries = r.file(
    agent,
    "db/retention",
    (raw) => readRetention(raw, updateEvery, r.problems),
    3600,
  );
  const gap = r.file(
    agent,
    "db/gap when lost iterations above",
    r.int({ min: 1, max: 3600, unit: "iterations" }),
    1,
  );
  const logLevel = r.flag(
    "logLevel",
    "logs/level",
    r.oneOf(LOG_LEVELS),
    r.file(agent, "logs/level", r.oneOf(LOG_LEVELS), "info"),
  );

  return {
    hostname,
    updateEvery,
    memoryMode,
    historySec: retentionEntries * updateEvery,
    gapWhenLostIterationsAbove: gap,
    logLevel,
    procRoot,
  };
}

/** `[db] retention`: entries (Netdata's unit); a duration with a unit is converted to entries. */
function readRetention(raw: RawValue, updateEvery: number, problems: ConfigProblem[]): number | undefined {
  if (parseInteger(raw.value) !== undefined) {
    return int(raw, problems, { min: 5, max: 31536000, unit: "entries" });
  }
  const sec = parseDuration(raw.value);
  if (sec === undefined) {
    problems.push(problem(
      "error",
      raw,
      `Cannot parse ${q(raw.key)} in [${raw.section}]: expected a number of entries like "3600" or ` +
        `a duration like "1h", got ${q(raw.value)}`,
    ));
    return undefined;
  }
  const entries = Math.ceil(sec / updateEvery);
  if (entries < 5 || entries > 31536000) {
    problems.push(problem(
      "error",
      raw,
      `Value of ${q(raw.key)} in [${raw.section}] is out of range: expected 5 to 31536000 entries ` +
        `(${updateEvery}s each), got ${q(raw.value)} (${entries} entries)`,
    ));
    return undefined;
  }
  return entries;
}

function readDb(agent: Doc, r: Resolver): AgentConfig["db"] {
  return {
    enableReplication: r.file(agent, "db/enable replication", r.bool, true),
    secondsToReplicate: r.file(agent, "db/seconds to replicate", r.seconds(0, 31536000), 86400),
    secondsPerReplicationStep: r.file(agent, "db/seconds per replication step", r.seconds(1, 86400), 600),
    dbengineMultihostDiskSpaceMB: r.file(
      agent,
      "db/dbengine multihost disk space MB",
      (raw) => size(raw, r.problems, { unit: "MiB", min: 64, max: 16777216 }),
      256,
    ),
    storageTiers: r.file(agent, "db/storage tiers", r.int({ min: 1, max: 5 }), 3),
  };
}

function readDirectories(agent: Doc, r: Resolver, configDir: string | undefined): AgentConfig["directories"] {
  const dir = r.nonEmpty("a directory");
  let config = r.file(
    agent,
    "directories/config",
    r.text,
    configDir ?? "",
    configDir !== undefined ? "--config" : "default",
  );
  if (configDir !== undefined && config !== configDir) {
    const raw = agent.take("directories", "config") ?? agent.take("global", "config directory");
    if (raw) {
      r.problems.push(problem(
        "warning",
        raw,
        `Ignoring ${q(raw.key)} in [${raw.section}]: the configuration is read from ${q(configDir)}`,
      ));
    }
    config = configDir;
    r.sources.set("directories/config", "--config");
  }
  return {
    config,
    lib: r.flag("dataDir", "directories/lib", dir, r.file(agent, "directories/lib", dir, "/var/lib/agent")),
    cache: r.file(agent, "directories/cache", dir, "/var/cache/agent"),
    log: r.file(agent, "directories/log", dir, "/var/log/agent"),
  };
}

function readWeb(agent: Doc, r: Resolver): AgentConfig["web"] {
  const mode = r.file(agent, "web/mode", r.oneOf(WEB_MODES), "static-threaded");
  const portCheck = r.int({ min: 0, max: 65535 });
  const defaultPort = r.flag(
    "port",
    "web/default port",
    portCheck,
    r.file(agent, "web/default port", portCheck, 19999),
  );
  const readBind = (raw: RawValue) => bindTo(raw, r.problems, { defaultPort });
  const everywhere: BindSpec[] = [{ host: "*", port: defaultPort, ssl: "none", acl: [...WEB_ACLS] }];
  let bindSpecs = r.flag("bind", "web/bind to", readBind, r.file(agent, "web/bind to", readBind, everywhere));
  if (r.sources.get("web/default port") === OVERRIDE_FLAGS.port) {
    // --port wins over ports written in the files, so a test can run any config on port 0.
    bindSpecs = bindSpecs.map((b) => b.unixPath === undefined ? { ...b, port: defaultPort } : b);
    if (r.sources.get("web/bind to") !== OVERRIDE_FLAGS.bind) {
      r.sources.set("web/bind to", OVERRIDE_FLAGS.port);
    }
  }
  const web: AgentConfig["web"] = {
    mode,
    bindTo: bindSpecs,
    sslKey: r.file(agent, "web/ssl key", r.text, ""),
    sslCertificate: r.file(agent, "web/ssl certificate", r.text, ""),
    allowConnectionsFrom: r.file(agent, "web/allow connections from", r.text, "localhost *"),
    allowStreamingFrom: r.file(agent, "web/allow streaming from", r.text, "*"),
    acceptStreamingEverySec: r.file(
      agent,
      "web/accept a streaming request every seconds",
      r.seconds(0, 86400),
      0,
    ),
    defaultPort,
  };
  checkWeb(web, r, agent.ini.file);
  return web;
}

/** Checks that go across keys: TLS needs both files, a web server needs an address. */
function checkWeb(web: AgentConfig["web"], r: Resolver, file: string): void {
  if ((web.sslKey === "") !== (web.sslCertificate === "")) {
    const setKey = web.sslKey === "" ? "ssl certificate" : "ssl key";
    r.problems.push(problem(
      "error",
      { ...whereFrom(r.sources.get(`web/${setKey}`)!, file), section: "web", key: setKey },
      `Cannot use TLS: "ssl key" and "ssl certificate" in [web] must both be set, missing ${
        q(web.sslKey === "" ? "ssl key" : "ssl certificate")
      }`,
    ));
  }
  const bindWhere = { ...whereFrom(r.sources.get("web/bind to")!, file), section: "web", key: "bind to" };
  const tls = web.bindTo.find((b) => b.ssl !== "none");
  if (tls && (web.sslKey === "" || web.sslCertificate === "")) {
    r.problems.push(problem(
      "error",
      bindWhere,
      `Cannot use ${q("^SSL=" + tls.ssl)} in "bind to": set "ssl key" and "ssl certificate" in [web]`,
    ));
  }
  if (web.mode !== "none" && web.bindTo.length === 0) {
    r.problems.push(problem(
      "error",
      bindWhere,
      `Cannot start the web server: "bind to" in [web] lists no address (set "mode = none" to turn it off)`,
    ));
  }
}

function readStreamSender(stream: Doc, r: Resolver, role: Role): StreamSenderConfig {
  const roleEnabled = ROLE_DEFAULTS[role].streamEnabled;
  let enabled = r.file(stream, "stream/enabled", r.bool, roleEnabled, roleSource(role, roleEnabled));
  const destination = r.flag(
    "streamTo",
    "stream/destination",
    r.nonEmpty('a destination like "parent:19999"'),
    r.file(stream, "stream/destination", r.text, ""),
  );
  if (r.sources.get("stream/destination") === OVERRIDE_FLAGS.streamTo) {
    enabled = true;
    r.sources.set("stream/enabled", OVERRIDE_FLAGS.streamTo);
  }
  const apiKey = r.flag(
    "apiKey",
    "stream/api key",
    (raw) => uuid(raw, r.problems),
    r.file(stream, "stream/api key", (raw) => uuid(raw, r.problems, { allowEmpty: true }), ""),
  );
  const sender: StreamSenderConfig = {
    enabled,
    destination,
    apiKey,
    timeoutSec: r.file(stream, "stream/timeout seconds", r.seconds(1, 86400), 600),
    defaultPort: r.file(stream, "stream/default port", r.int({ min: 1, max: 65535 }), 19999),
    sendChartsMatching: r.file(stream, "stream/send charts matching", r.text, "*"),
    bufferSizeBytes: r.file(
      stream,
      "stream/buffer size bytes",
      (raw) => size(raw, r.problems, { unit: "bytes", min: 65536, max: 1073741824 }),
      10485760,
    ),
    reconnectDelaySec: r.file(stream, "stream/reconnect delay seconds", r.seconds(1, 3600), 5),
    initialClockResyncIterations: r.file(
      stream,
      "stream/initial clock resync iterations",
      r.int({ min: 0, max: 3600 }),
      60,
    ),
    enableCompression: r.file(stream, "stream/enable compression", r.bool, true),
    sslSkipCertificateVerification: r.file(stream, "stream/ssl skip certificate verification", r.bool, false),
    caPath: r.file(stream, "stream/CApath", r.text, ""),
    caFile: r.file(stream, "stream/CAfile", r.text, ""),
  };
  const missing = [
    ...(sender.destination === "" ? ["destination"] : []),
    ...(sender.apiKey === "" ? ["api key"] : []),
  ];
  if (sender.enabled && missing.length > 0) {
    r.problems.push(problem(
      "error",
      { ...whereFrom(r.sources.get("stream/enabled")!, "--role"), section: "stream", key: "enabled" },
      `Cannot enable streaming: "destination" and "api key" in [stream] must both be set, missing ${
        missing.map(q).join(" and ")
      }`,
    ));
  }
  return sender;
}

function roleSource(role: Role, differsFromStandalone: boolean): string {
  return differsFromStandalone ? `default for --role ${role}` : "default";
}

function systemHostname(problems: ConfigProblem[]): string {
  try {
    return Deno.hostname();
  } catch (e) {
    problems.push(problem(
      "warning",
      { file: "", line: 0, section: "global", key: "hostname" },
      `Cannot read the system host name: ${(e as Error).message}; using "localhost"`,
    ));
    return "localhost";
  }
}

function readReceivers(ini: IniFile, problems: ConfigProblem[]): ReceiverSection[] {
  const out: ReceiverSection[] = [];
  for (const section of ini.sections) {
    if (section.name === "stream") continue;
    const values = new Map<string, string>();
    let type: ReceiverSection["type"] = "api";
    for (const e of section.entries.values()) {
      values.set(e.key, e.value);
      const raw: RawValue = {
        value: e.value,
        file: ini.file,
        line: e.line,
        section: section.name,
        key: e.key,
      };
      const check = RECEIVER_KEYS.get(e.key);
      if (check) {
        const v = check(raw, problems);
        if (e.key === "type" && v !== undefined) type = v as ReceiverSection["type"];
      } else if (e.key === "replication_step") {
        // The stock stream.conf of Netdata 1.37 documents this name, but Netdata never reads it.
        problems.push(problem(
          "warning",
          raw,
          `Ignoring "replication_step" in [${section.name}]: Netdata does not read this name either; ` +
            `use "seconds per replication step"`,
        ));
      } else if (RECEIVER_UNUSED_KEYS.includes(e.key)) {
        problems.push(problem("warning", raw, notUsedMessage(section.name, e.key)));
      } else {
        problems.push(unknownKey(raw, RECEIVER_KEYS.keys()));
      }
    }
    if (!isUuid(section.name) && !RECEIVER_TEMPLATES.has(section.name)) {
      problems.push(problem(
        "warning",
        { file: ini.file, line: section.line, section: section.name, key: "" },
        `Section [${section.name}] will never match a sender: receiver sections are named by an API key ` +
          `or a machine GUID, which are UUIDs`,
      ));
    }
    out.push(Object.freeze({
      name: section.name,
      type,
      values: new FrozenMap(values),
      file: ini.file,
      line: section.line,
    }));
  }
  return out;
}

function unknownKey(where: Where, known: Iterable<string>): ConfigProblem {
  const near = suggest(where.key, known);
  const hint = near ? `: did you mean ${q(near)}?` : "";
  return problem("error", where, `Unknown key ${q(where.key)} in [${where.section}]${hint}`);
}

/** Reports what no reader took: Netdata keys we do not use (warnings), unknown keys (errors), unused sections. */
function checkLeftovers(agent: Doc, stream: Doc, problems: ConfigProblem[]): void {
  const file = agent.ini.file;
  for (const section of agent.ini.sections) {
    const used = AGENT_KEYS[section.name];
    if (!used) {
      const trimmed = section.name.trim().toLowerCase();
      const near = trimmed in AGENT_KEYS
        ? trimmed
        : NETDATA_SECTIONS.has(section.name) || /[:./]/.test(section.name)
        ? undefined
        : suggest(section.name, Object.keys(AGENT_KEYS));
      problems.push(problem(
        "warning",
        { file, line: section.line, section: section.name, key: "" },
        `Ignoring section [${section.name}]: the agent does not use it${
          near ? ` (did you mean [${near}]?)` : ""
        }`,
      ));
      continue;
    }
    const unused = NETDATA_UNUSED_KEYS[section.name] ?? [];
    for (const e of section.entries.values()) {
      if (agent.isUsed(section.name, e.key)) continue;
      const where = { file, line: e.line, section: section.name, key: e.key };
      if (unused.includes(e.key) || (section.name === "db" && DB_TIER_KEY_RE.test(e.key))) {
        problems.push(problem("warning", where, notUsedMessage(section.name, e.key)));
      } else {
        problems.push(unknownKey(where, [...used, ...unused]));
      }
    }
  }
  for (const section of stream.ini.sections) {
    if (section.name !== "stream") continue;
    for (const e of section.entries.values()) {
      if (stream.isUsed("stream", e.key)) continue;
      problems.push(
        unknownKey({ file: stream.ini.file, line: e.line, section: "stream", key: e.key }, STREAM_KEYS),
      );
    }
  }
}

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
  r.problems.push(...agentIni.problems, ...streamIni.problems);
  const agent = new Doc(agentIni);
  const stream = new Doc(streamIni);

  const config: AgentConfig = {
    role,
    files: {
      ...(opts.agent ? { agent: opts.agent.file } : {}),
      ...(opts.stream ? { stream: opts.stream.file } : {}),
    },
    global: readGlobal(agent, r, { role, systemHostname: opts.systemHostname }),
    web: readWeb(agent, r),
    directories: readDirectories(agent, r, opts.configDir),
    db: readDb(agent, r),
    stream: readStreamSender(stream, r, role),
    receivers: new FrozenMap(readReceivers(streamIni, r.problems).map((rs) => [rs.name, rs] as const)),
    sources: new FrozenMap(r.sources),
  };
  checkLeftovers(agent, stream, r.problems);
  return { config: deepFreeze(config), problems: sortProblems(r.problems, [agentIni.file, streamIni.file]) };
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
 * `<configDir>/netdata.conf`) and `<configDir>/stream.conf`; a missing file (or no `configDir`)
 * means the built-in copy of conf/agent.conf or conf/stream.conf. Nothing else is read.
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
    }
  }
  const result = buildConfig({ ...opts, agent, stream });
  return { config: result.config, problems: [...result.problems, ...pre] };
}

// -----------------------------------------------------------------------------------------------

/** Options of {@link dumpConfig}. */
export interface DumpOptions {
  /** Which file to print: agent.conf, stream.conf, or both one after the other (default). */
  file?: "agent" | "stream" | "all";
}

const yesNo = (b: boolean): string => (b ? "yes" : "no");

/**
 * Prints the effective configuration in Netdata's INI form: every key with its effective value,
 * preceded by a `# default` / `# from --port` comment when no file set it. Each part reads back
 * (through {@link buildConfig}) to the same configuration. A `--proc-root` that does not end in
 * `/proc` has no netdata.conf key and is printed as a comment only.
 *
 * @example
 * ```ts
 * const { config } = buildConfig({ role: "parent", systemHostname: "n1" });
 * dumpConfig(config, { file: "agent" }); // ...[db] ... "# default for --role parent" / "mode = dbengine" ...
 * ```
 */
export function dumpConfig(config: AgentConfig, opts: DumpOptions = {}): string {
  const which = opts.file ?? "all";
  const out: string[] = [];
  const line = (key: string, value: string) => out.push(value === "" ? `\t${key} =` : `\t${key} = ${value}`);
  const put = (section: string, key: string, value: string) => {
    const src = config.sources?.get(`${section}/${key}`);
    if (src !== undefined && !/:\d+$/.test(src)) {
      out.push(`\t# ${src.startsWith("--") ? "from " + src : src}`);
    }
    line(key, value);
  };

  if (which === "all") out.push("# ---------------- agent.conf ----------------");
  if (which !== "stream") {
    const g = config.global;
    const d = config.db;
    const w = config.web;
    const dir = config.directories;
    out.push(`# The agent's effective configuration (role "${config.role}").`, "", "[global]");
    put("global", "hostname", g.hostname);
    if (g.procRoot.endsWith("/proc")) put("global", "host access prefix", g.procRoot.slice(0, -5));
    else out.push(`\t# /proc is read from ${q(g.procRoot)}, which no netdata.conf key can express`);

    out.push("", "[db]");
    put("db", "update every", String(g.updateEvery));
    put("db", "mode", g.memoryMode);
    put("db", "retention", String(Math.round(g.historySec / g.updateEvery)));
    put("db", "storage tiers", String(d.storageTiers ?? 3));
    put("db", "dbengine multihost disk space MB", String(d.dbengineMultihostDiskSpaceMB));
    put("db", "gap when lost iterations above", String(g.gapWhenLostIterationsAbove));
    put("db", "enable replication", yesNo(d.enableReplication));
    put("db", "seconds to replicate", String(d.secondsToReplicate));
    put("db", "seconds per replication step", String(d.secondsPerReplicationStep));

    out.push("", "[web]");
    put("web", "mode", w.mode);
    put("web", "default port", String(w.defaultPort ?? 19999));
    put("web", "bind to", w.bindTo.map(formatBind).join(" "));
    put("web", "ssl key", w.sslKey);
    put("web", "ssl certificate", w.sslCertificate);
    put("web", "allow connections from", w.allowConnectionsFrom);
    put("web", "allow streaming from", w.allowStreamingFrom);
    put("web", "accept a streaming request every seconds", String(w.acceptStreamingEverySec));

    out.push("", "[directories]");
    put("directories", "config", dir.config);
    put("directories", "lib", dir.lib);
    put("directories", "cache", dir.cache);
    put("directories", "log", dir.log);

    out.push("", "[logs]");
    put("logs", "level", g.logLevel);
  }
  if (which === "all") out.push("", "# ---------------- stream.conf ----------------");
  if (which !== "agent") {
    const s = config.stream;
    out.push("", "[stream]");
    put("stream", "enabled", yesNo(s.enabled));
    put("stream", "destination", s.destination);
    put("stream", "api key", s.apiKey);
    put("stream", "timeout seconds", String(s.timeoutSec));
    put("stream", "default port", String(s.defaultPort));
    put("stream", "send charts matching", s.sendChartsMatching);
    put("stream", "buffer size bytes", String(s.bufferSizeBytes));
    put("stream", "reconnect delay seconds", String(s.reconnectDelaySec));
    put("stream", "initial clock resync iterations", String(s.initialClockResyncIterations));
    put("stream", "enable compression", yesNo(s.enableCompression));
    put("stream", "ssl skip certificate verification", yesNo(s.sslSkipCertificateVerification));
    put("stream", "CApath", s.caPath);
    put("stream", "CAfile", s.caFile);
    for (const rs of config.receivers.values()) {
      out.push("", `[${rs.name}]`);
      for (const [k, v] of rs.values) line(k, v);
    }
  }
  return out.join("\n") + "\n";
}
