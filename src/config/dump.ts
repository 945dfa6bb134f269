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
  /** Which file to print: agent.conf, stream.conf, exporting.conf, or all one after the other (default). */
  file?: "agent" | "stream" | "exporting" | "all";
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
  if (which === "agent" || which === "all") {
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
    put("web", "timeout for first request", String(w.timeoutForFirstRequestSec));
    put("web", "disconnect idle clients after seconds", String(w.disconnectIdleClientsAfterSec));
    put("web", "max values per query", String(w.maxQueryValues));
    put("web", "max large answers at once", String(w.maxLargeAnswers));
    put("web", "enable gzip compression", yesNo(w.enableGzip));
    put("web", "gzip compression level", String(w.gzipLevel));

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
    const logs = config.logs;
    if (logs) {
      // Not set: the journal under systemd, else stderr, decided when the agent starts.
      if (logs.daemon !== "auto") put("logs", "daemon", logs.daemon);
      put("logs", "access", logs.access);
      put("logs", "health", logs.health);
      put("logs", "debug", logs.debug);
      put("logs", "facility", logs.facility);
      put("logs", "errors flood protection period", String(logs.floodPeriodSec));
      put("logs", "errors to trigger flood protection", String(logs.floodLines));
    }

    // Collector switches: only those a file set (every other one keeps the collector's default).
    const c = config.collectors;
    if (c !== undefined) {
      const section = (name: string, entries: [string, string][]) => {
        if (entries.length === 0) return;
        out.push("", `[${name}]`);
        for (const [k, v] of entries) line(k, v);
      };
      section("plugins", Object.entries(c.plugins).map(([k, v]) => [k, yesNo(v)]));
      section("plugin:proc", Object.entries(c.modules).map(([k, v]) => [k, yesNo(v)]));
      for (const [name, opts] of Object.entries(c.options)) {
        const settings = Object.entries(c.settings?.[name] ?? {}).map((
          [k, v],
        ): [string, string] => [k, String(v)]);
        section(name.startsWith("plugin:") ? name : `plugin:proc:${name}`, [
          ...Object.entries(opts),
          ...settings,
        ]);
      }
      for (const [name, opts] of Object.entries(c.settings ?? {})) {
        if (c.options[name] === undefined) {
          section(name, Object.entries(opts).map(([k, v]) => [k, String(v)]));
        }
      }
    }
  }
  if (which === "all") out.push("", "# ---------------- stream.conf ----------------");
  if (which === "stream" || which === "all") {
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
    put("stream", "enable compact rounds", yesNo(s.enableCompactRounds));
    put("stream", "ssl skip certificate verification", yesNo(s.sslSkipCertificateVerification));
    put("stream", "CApath", s.caPath);
    put("stream", "CAfile", s.caFile);
    for (const rs of config.receivers.values()) {
      out.push("", `[${rs.name}]`);
      for (const [k, v] of rs.values) line(k, v);
    }
  }
  if (which === "all") out.push("", "# ---------------- exporting.conf ----------------");
  if ((which === "exporting" || which === "all") && config.exporting) {
    const e = config.exporting;
    out.push("", "[exporting:global]");
    line("enabled", yesNo(e.enabled));
    for (const i of e.instances) {
      out.push("", `[${i.section}]`);
      line("enabled", yesNo(i.enabled));
      line("destination", i.destination);
      line("data source", i.dataSource);
      line("update every", String(i.updateEverySec));
      line("prefix", i.prefix);
      line("hostname", i.hostname);
      line("send names instead of ids", yesNo(i.sendNamesInsteadOfIds));
      line("send charts matching", i.sendChartsMatching);
      line("send hosts matching", i.sendHostsMatching);
      line("send configured labels", yesNo(i.sendConfiguredLabels));
      line("send automatic labels", yesNo(i.sendAutomaticLabels));
      line("send variables", yesNo(i.sendVariables));
      if (i.type === "prometheus_remote_write") line("remote write URL path", i.remoteWriteUrlPath);
      line("username", i.username);
      line("password", i.password);
      line("timeout ms", String(i.timeoutMs));
      line("buffer on failures", String(i.bufferOnFailures));
      line("queue disk space MB", String(i.queueDiskSpaceBytes / 1024 / 1024));
    }
  }
  return out.join("\n") + "\n";
}
