/**
 * The one config printer: the effective configuration in Netdata's INI form, for
 * `agent dump-config` and the `/netdata.conf` endpoint.
 * @module
 */

import { q } from "./resolver.ts";
import { formatBind } from "./schema.ts";
import type { AgentConfig } from "./types.ts";

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
    put("directories", "health config", dir.healthConfig);
    put("directories", "stock health config", dir.stockHealthConfig);

    const h = config.health;
    out.push("", "[health]");
    put("health", "enabled", yesNo(h.enabled));
    put("health", "script to execute on alarm", h.scriptToExecuteOnAlarm);
    put("health", "run at least every seconds", String(h.runAtLeastEverySec));
    put("health", "in memory max health log entries", String(h.maxLogEntries));
    put(
      "health",
      "default repeat warning",
      h.defaultRepeatWarningSec ? String(h.defaultRepeatWarningSec) : "never",
    );
    put(
      "health",
      "default repeat critical",
      h.defaultRepeatCriticalSec ? String(h.defaultRepeatCriticalSec) : "never",
    );
    put("health", "postpone alarms during hibernation for seconds", String(h.postponeHibernationSec));
    put("health", "enable stock health configuration", yesNo(h.enableStockConfig));
    put("health", "webhook url", h.webhookUrl);
    put("health", "silencers file", h.silencersFile);

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
