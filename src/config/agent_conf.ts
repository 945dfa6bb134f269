/**
 * The agent.conf (Netdata's netdata.conf) reader: `[global]`, `[db]`, `[web]`, `[directories]`
 * and `[logs]`, with Netdata's older key names, and the report of what no reader took.
 * @module
 */

import {
  AGENT_KEYS,
  DB_TIER_KEY_RE,
  LOG_LEVELS,
  MEMORY_MODES,
  NETDATA_SECTIONS,
  NETDATA_UNUSED_KEYS,
  ROLE_DEFAULTS,
  WEB_MODES,
} from "./keys.ts";
import {
  type Doc,
  notUsedMessage,
  OVERRIDE_FLAGS,
  q,
  type Resolver,
  roleSource,
  unknownKey,
  whereFrom,
} from "./resolver.ts";
import {
  bindTo,
  int,
  parseDuration,
  parseInteger,
  problem,
  type RawValue,
  size,
  suggest,
  WEB_ACLS,
} from "./schema.ts";
import type { AgentConfig, BindSpec, ConfigProblem, HealthConfig, Role } from "./types.ts";
import { isCollectorSection } from "./collectors_conf.ts";

/** Reads `[global]`, with `[db]` and `[logs]` keys that every part reads. */
export function readGlobal(
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

/** Reads `[db]`. */
export function readDb(agent: Doc, r: Resolver): AgentConfig["db"] {
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

/** Reads `[directories]`. */
export function readDirectories(
  agent: Doc,
  r: Resolver,
  configDir: string | undefined,
): AgentConfig["directories"] {
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
    healthConfig: r.file(
      agent,
      "directories/health config",
      r.text,
      config !== "" ? `${config}/health.d` : "",
    ),
    stockHealthConfig: r.file(agent, "directories/stock health config", r.text, ""),
  };
}

/** Reads `[health]`. */
export function readHealth(agent: Doc, r: Resolver): HealthConfig {
  const never = (raw: RawValue) => raw.value.trim() === "never" ? 0 : r.seconds(0, 31536000)(raw);
  return {
    enabled: r.file(agent, "health/enabled", r.bool, true),
    scriptToExecuteOnAlarm: r.file(agent, "health/script to execute on alarm", r.text, ""),
    runAtLeastEverySec: r.file(agent, "health/run at least every seconds", r.seconds(1, 3600), 10),
    maxLogEntries: r.file(
      agent,
      "health/in memory max health log entries",
      r.int({ min: 10, max: 1000000, unit: "entries" }),
      1000,
    ),
    defaultRepeatWarningSec: r.file(agent, "health/default repeat warning", never, 0),
    defaultRepeatCriticalSec: r.file(agent, "health/default repeat critical", never, 0),
    postponeHibernationSec: r.file(
      agent,
      "health/postpone alarms during hibernation for seconds",
      r.seconds(0, 86400),
      60,
    ),
    enableStockConfig: r.file(agent, "health/enable stock health configuration", r.bool, true),
    webhookUrl: r.file(agent, "health/webhook url", webhookUrl(r), ""),
    silencersFile: r.file(agent, "health/silencers file", r.text, ""),
  };
}

/** `webhook url`: an http(s) URL or empty. */
function webhookUrl(r: Resolver) {
  return (raw: RawValue): string | undefined => {
    const v = raw.value.trim();
    if (v === "") return "";
    try {
      const u = new URL(v);
      if (u.protocol === "http:" || u.protocol === "https:") return v;
    } catch {
      // reported below
    }
    r.problems.push(problem(
      "error",
      raw,
      `Cannot parse ${q(raw.key)} in [${raw.section}]: expected an http:// or https:// URL, got ${
        q(raw.value)
      }`,
    ));
    return undefined;
  };
}

/** Reads `[web]`. */
export function readWeb(agent: Doc, r: Resolver): AgentConfig["web"] {
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
    timeoutForFirstRequestSec: r.file(agent, "web/timeout for first request", r.seconds(1, 86400), 60),
    disconnectIdleClientsAfterSec: r.file(
      agent,
      "web/disconnect idle clients after seconds",
      r.seconds(1, 86400),
      60,
    ),
    maxQueryValues: r.file(
      agent,
      "web/max values per query",
      r.int({ min: 1000, max: 1_000_000_000 }),
      2_000_000,
    ),
    maxLargeAnswers: r.file(agent, "web/max large answers at once", r.int({ min: 1, max: 1000 }), 4),
    enableGzip: r.file(agent, "web/enable gzip compression", r.bool, true),
    gzipLevel: r.file(agent, "web/gzip compression level", r.int({ min: 1, max: 9 }), 3),
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

/** The system's host name, or "localhost" with a warning. */
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

/** Reports what no reader took in agent.conf: Netdata keys we do not use (warnings), unknown keys (errors), unused sections. */
export function checkAgentLeftovers(agent: Doc, problems: ConfigProblem[]): void {
  const file = agent.ini.file;
  for (const section of agent.ini.sections) {
    const used = AGENT_KEYS[section.name];
    if (!used && isCollectorSection(section.name)) continue; // reported by readCollectors()
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
}
