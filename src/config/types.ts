/**
 * The resolved, frozen configuration of one agent (what `loadConfig()` returns and every other
 * part reads). Field names follow Netdata's keys; units are in the names.
 * @module
 */

import type { MemoryMode } from "../store/mod.ts";
import type { SimplePattern } from "../util/patterns.ts";
import type { Destination } from "./destination_type.ts";
import type { ExportingConfig } from "./exporting_types.ts";

export type { Destination } from "./destination_type.ts";

/** What `--role` picks defaults for. */
export type Role = "standalone" | "child" | "parent" | "proxy";

/** Log levels of `[logs] level` / `[global] log level`. */
export type LogLevel = "debug" | "info" | "warning" | "error";

/** Netdata's access lists of a `bind to` entry (`*:19999=dashboard|streaming`). */
export type WebAcl = "dashboard" | "registry" | "badges" | "management" | "streaming" | "netdata.conf";

/** One `[web] bind to` entry, e.g. `*:19999^SSL=optional`. */
export interface BindSpec {
  /** Address to listen on; `*` / `0.0.0.0` / `::` all mean every address. */
  host: string;
  /** TCP port; 0 picks a free port. */
  port: number;
  /** TLS on this listener: none, optional (TLS and plain on one port) or force. */
  ssl: "none" | "optional" | "force";
  /**
   * What the listener serves (`=dashboard|streaming`); every ACL when the entry names none.
   * Always set by `loadConfig()`.
   */
  acl?: readonly WebAcl[];
  /**
   * Set for a `unix:/path` entry: listen on this unix socket (then `host` is the path and `port`
   * is 0).
   */
  unixPath?: string;
}

/** `[stream]`: the sending side (streaming is implemented by issue #3). */
export interface StreamSenderConfig {
  /** `enabled`: send this node's metrics to a parent. */
  enabled: boolean;
  /** `destination` as written (space/comma separated `[PROTOCOL:]HOST[%INTERFACE][:PORT][:SSL]`). */
  destination: string;
  /** `destination`, parsed at load: the parents to try, in order (empty when not set). */
  destinations: readonly Destination[];
  /** `api key`: a UUID, or "" when not set. */
  apiKey: string;
  /** `timeout seconds`. */
  timeoutSec: number;
  /** `default port` of destinations that name none. */
  defaultPort: number;
  /** `send charts matching`: a Netdata simple pattern. */
  sendChartsMatching: string;
  /** `buffer size bytes`. */
  bufferSizeBytes: number;
  /** `reconnect delay seconds`. */
  reconnectDelaySec: number;
  /** `initial clock resync iterations`. */
  initialClockResyncIterations: number;
  /** `enable compression`. */
  enableCompression: boolean;
  /** `enable compact rounds` (ours): offer and grant COMPACT between our agents (stream/PROTOCOL.md §13.2). */
  enableCompactRounds: boolean;
  /** `ssl skip certificate verification`. */
  sslSkipCertificateVerification: boolean;
  /** `CApath`: directory of trusted CAs, "" for the system's. */
  caPath: string;
  /** `CAfile`: PEM file of trusted CAs, "" for none. */
  caFile: string;
}

/** Health checks of a receiver section (`health enabled`). */
export type HealthEnabled = "yes" | "no" | "auto" | "on demand";

/**
 * The settings a receiver section can give a sender's connection, parsed at load; each is
 * undefined when the section does not set it (then the next place applies, see stream/policy.ts).
 */
export interface ReceiverOptions {
  /** `history`: points kept per metric. */
  historyEntries?: number;
  /** `memory mode`. */
  memoryMode?: MemoryMode;
  /** `health enabled` (`health enabled by default` in an API key's section). */
  healthEnabled?: HealthEnabled;
  /** `postpone alarms on connect seconds`. */
  postponeAlarmsOnConnectSec?: number;
  /** `proxy enabled`. */
  proxyEnabled?: boolean;
  /** `proxy destination`, parsed (an empty value is an empty list). */
  proxyDestinations?: readonly Destination[];
  /** `proxy api key`: a UUID, or "". */
  proxyApiKey?: string;
  /** `proxy send charts matching`: a Netdata simple pattern. */
  proxySendChartsMatching?: string;
  /** `enable compression`. */
  enableCompression?: boolean;
  /** `enable replication`. */
  enableReplication?: boolean;
  /** `seconds to replicate`. */
  secondsToReplicate?: number;
  /** `seconds per replication step`. */
  secondsPerReplicationStep?: number;
}

/** One receiver section of stream.conf: `[<API key>]` (type api) or `[<machine GUID>]` (type machine). */
export interface ReceiverSection {
  /** The section name: an API key or a machine GUID. */
  name: string;
  /** `type` (default "api"). */
  type: "api" | "machine";
  /** `enabled`; undefined when not set (an API key is then off, a machine GUID on). */
  enabled?: boolean;
  /** `allow from`, compiled (`*` when not set): which client addresses may use this section. */
  allowFrom: SimplePattern;
  /** `update every` in seconds, overriding the sender's. */
  updateEvery?: number;
  /** Keys under their plain names (`memory mode`, `proxy destination`, `enable replication`, ...). */
  own: ReceiverOptions;
  /** Keys under their `default …` names (`default memory mode`, ...): an API key's defaults for its senders. */
  defaults: ReceiverOptions;
  /** Every key as written (names match exactly, as in Netdata), for dump-config. */
  values: ReadonlyMap<string, string>;
  /** Where the section starts, for messages. */
  file: string;
  /** 1-based line of the section header. */
  line: number;
}

/** A collector option's value in netdata.conf (Netdata's CONFIG_BOOLEAN_YES / _NO / _AUTO). */
export type CollectorSwitch = "yes" | "no" | "auto";

/** The effective configuration. */
export interface AgentConfig {
  /** The `--role` given. */
  role: Role;
  /** Files that were read (absent when the embedded defaults were used). */
  files: { agent?: string; stream?: string; exporting?: string };
  /** `[global]`, plus `[db]` and `[logs]` keys that every part reads. */
  global: {
    hostname: string;
    /** Seconds between collections. */
    updateEvery: number;
    memoryMode: MemoryMode;
    /** Seconds of history each metric keeps in `ram` mode (Netdata: `history` / `[db] retention`). */
    historySec: number;
    /** Netdata's `[db] gap when lost iterations above`. */
    gapWhenLostIterationsAbove: number;
    logLevel: LogLevel;
    /** Where /proc is read from (tests point it at fixtures). */
    procRoot: string;
  };
  /** `[web]`. */
  web: {
    mode: "static-threaded" | "none";
    bindTo: BindSpec[];
    /** `ssl key`: path of the PEM private key, "" when not set. */
    sslKey: string;
    /** `ssl certificate`: path of the PEM certificate (chain), "" when not set. */
    sslCertificate: string;
    /** The PEM texts of `ssl key` and `ssl certificate`, read and checked at load; absent when unset. */
    tls?: { key: string; certificate: string };
    /** Simple pattern of client addresses allowed to connect at all. */
    allowConnectionsFrom: string;
    /** Simple pattern of client addresses allowed to stream in. */
    allowStreamingFrom: string;
    /** Netdata's rate limit: at most one STREAM request per this many seconds (0 = off). */
    acceptStreamingEverySec: number;
    /** A connection's first request (HTTP head or STREAM request) must be complete this soon. */
    timeoutForFirstRequestSec: number;
    /** An idle HTTP connection is closed after this many seconds. */
    disconnectIdleClientsAfterSec: number;
    /** Our own: the most values (rows × dimensions) one data or badge query may compute; more is a 400. */
    maxQueryValues: number;
    /** Our own: how many large answers may be computed or sent at once; more get a 503 with Retry-After. */
    maxLargeAnswers: number;
    /** `enable gzip compression`: answers are gzipped for clients that accept gzip. */
    enableGzip: boolean;
    /** `gzip compression level`: 1 (fastest) to 9 (smallest). */
    gzipLevel: number;
    /** `[web] default port`: the port of `bind to` entries that name none. Always set by `loadConfig()`. */
    defaultPort?: number;
  };
  /** `[directories]`. */
  directories: {
    config: string;
    /** Data directory (`lib` in Netdata): machine GUID, later the dbengine files. */
    lib: string;
    cache: string;
    log: string;
    /** `health config`: user rule files (Netdata's /etc/netdata/health.d); "" for none. */
    healthConfig: string;
    /** `stock health config`: shipped rule files; "" for the rules built into the agent. */
    stockHealthConfig: string;
  };
  /**
   * `[logs]`: each output is `"journal"`, `"syslog"`, `"stderr"`, `"none"` or an absolute file
   * path; `daemon` is `"auto"` when not set (the journal when stderr already is, else stderr).
   * Always set by `loadConfig()`.
   */
  logs?: {
    daemon: string;
    access: string;
    health: string;
    debug: string;
    facility: string;
    floodPeriodSec: number;
    floodLines: number;
  };
  /** `[health]`. */
  health: HealthConfig;
  /** `[db]`. */
  db: {
    enableReplication: boolean;
    secondsToReplicate: number;
    secondsPerReplicationStep: number;
    dbengineMultihostDiskSpaceMB: number;
    /** `[db] storage tiers` (1 to 5). Always set by `loadConfig()`. */
    storageTiers?: number;
  };
  /** stream.conf `[stream]`. */
  stream: StreamSenderConfig;
  /** exporting.conf. Always set by `loadConfig()`. */
  exporting?: ExportingConfig;
  /** Receiver sections by name, in file order. */
  receivers: ReadonlyMap<string, ReceiverSection>;
  /**
   * netdata.conf's collector switches that a file sets: `[plugins] <plugin>`, `[plugin:proc] <module>`
   * and `[plugin:proc:<section>] <option>` (section without the `plugin:proc:` prefix), plus
   * `[plugin:timex]` and `[plugin:cgroups]` options (section kept whole).
   */
  collectors?: {
    plugins: Readonly<Record<string, boolean>>;
    modules: Readonly<Record<string, boolean>>;
    options: Readonly<Record<string, Readonly<Record<string, CollectorSwitch>>>>;
    /** `[plugin:cgroups]` numbers, patterns and paths (CGROUPS_SETTING_KEYS), checked, by section. */
    settings?: Readonly<Record<string, Readonly<Record<string, string | number>>>>;
  };
  /**
   * Where each effective value came from, by `section/key` (canonical Netdata names, e.g.
   * `db/mode`): `file:line`, `default`, `default for --role parent`, or a flag such as `--port`.
   * Set by `loadConfig()`; `dumpConfig()` prints it.
   */
  sources?: ReadonlyMap<string, string>;
}

/** `[health]` of agent.conf / netdata.conf. */
export interface HealthConfig {
  /** `enabled`: run alarms for this node and, by default, for its children. */
  enabled: boolean;
  /** `script to execute on alarm`: run with Netdata's 29 arguments; "" for none. */
  scriptToExecuteOnAlarm: string;
  /** `run at least every seconds`. */
  runAtLeastEverySec: number;
  /** `in memory max health log entries` per host. */
  maxLogEntries: number;
  /** `default repeat warning` / `default repeat critical`, seconds (0 = never). */
  defaultRepeatWarningSec: number;
  defaultRepeatCriticalSec: number;
  /** `postpone alarms during hibernation for seconds`. */
  postponeHibernationSec: number;
  /** `enable stock health configuration`: load the stock rules (else only `health config`). */
  enableStockConfig: boolean;
  /** `webhook url` (the agent's own): POST each notification as JSON there; "" for none. */
  webhookUrl: string;
  /** `silencers file`: where /api/v1/manage/health keeps its silencers; "" for `<lib>/health.silencers.json`. */
  silencersFile: string;
}

/** A problem found while loading configuration. */
export interface ConfigProblem {
  /** Errors stop the agent (exit 2); warnings are logged. */
  severity: "error" | "warning";
  /** File path, `embedded:<name>`, or the command-line flag at fault (e.g. `--port`). */
  file: string;
  /** 1-based; 0 when the problem is not tied to a line (e.g. a command-line flag). */
  line: number;
  /** Section name without brackets, "" when none. */
  section: string;
  /** Key name, "" when the problem is not about one key. */
  key: string;
  /** Sentence-case text without a trailing period. */
  message: string;
}

/** Formats a problem as `file:line: [section] key: message`. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
  const sec = p.section ? `[${p.section}] ` : "";
  const key = p.key ? `${p.key}: ` : "";
  return `${where}: ${p.severity}: ${sec}${key}${p.message}`;
}
