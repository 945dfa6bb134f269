/**
 * The resolved, frozen configuration of one agent (what `loadConfig()` returns and every other
 * part reads). Field names follow Netdata's keys; units are in the names.
 * @module
 */

import type { MemoryMode } from "../store/mod.ts";

/** What `--role` picks defaults for. */
export type Role = "standalone" | "child" | "parent" | "proxy";

/** Log levels of `[logs] level` / `[global] log level`. */
export type LogLevel = "debug" | "info" | "warning" | "error";

/** One `[web] bind to` entry, e.g. `*:19999^SSL=optional`. */
export interface BindSpec {
  /** Address to listen on; `*` / `0.0.0.0` / `::` all mean every address. */
  host: string;
  port: number;
  /** TLS on this listener: none, optional (TLS and plain on one port) or force. */
  ssl: "none" | "optional" | "force";
}

/** `[stream]`: the sending side (streaming is implemented by issue #3). */
export interface StreamSenderConfig {
  enabled: boolean;
  /** Raw destination list as written (space/comma separated `host[:port][:SSL]`). */
  destination: string;
  apiKey: string;
  timeoutSec: number;
  defaultPort: number;
  sendChartsMatching: string;
  bufferSizeBytes: number;
  reconnectDelaySec: number;
  initialClockResyncIterations: number;
  enableCompression: boolean;
  sslSkipCertificateVerification: boolean;
  caPath: string;
  caFile: string;
}

/** One receiver section of stream.conf: `[<API key>]` (type api) or `[<machine GUID>]` (type machine). */
export interface ReceiverSection {
  name: string;
  type: "api" | "machine";
  /** Every key as written, lower-cased names, values unparsed; read with the getters in schema.ts. */
  values: ReadonlyMap<string, string>;
  /** Where the section starts, for messages. */
  file: string;
  line: number;
}

/** The effective configuration. */
export interface AgentConfig {
  role: Role;
  /** Files that were read (absent when the embedded defaults were used). */
  files: { agent?: string; stream?: string };
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
  web: {
    mode: "static-threaded" | "none";
    bindTo: BindSpec[];
    sslKey: string;
    sslCertificate: string;
    /** Simple pattern of client addresses allowed to connect at all. */
    allowConnectionsFrom: string;
    /** Simple pattern of client addresses allowed to stream in. */
    allowStreamingFrom: string;
  };
  directories: {
    config: string;
    /** Data directory (`lib` in Netdata): machine GUID, later the dbengine files. */
    lib: string;
    cache: string;
    log: string;
  };
  db: {
    enableReplication: boolean;
    secondsToReplicate: number;
    secondsPerReplicationStep: number;
    dbengineMultihostDiskSpaceMB: number;
  };
  stream: StreamSenderConfig;
  /** Receiver sections by name, in file order. */
  receivers: ReadonlyMap<string, ReceiverSection>;
}

/** A problem found while loading configuration. */
export interface ConfigProblem {
  severity: "error" | "warning";
  file: string;
  /** 1-based; 0 when the problem is not tied to a line (e.g. a command-line flag). */
  line: number;
  section: string;
  key: string;
  message: string;
}

/** Formats a problem as `file:line: [section] key: message`. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
  const sec = p.section ? `[${p.section}] ` : "";
  const key = p.key ? `${p.key}: ` : "";
  return `${where}: ${p.severity}: ${sec}${key}${p.message}`;
}
