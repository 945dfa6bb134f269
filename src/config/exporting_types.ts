/**
 * The resolved exporting.conf (Netdata's exporting engine configuration): the global section and
 * one entry per connector instance, parsed and checked at load.
 * @module
 */

import type { Destination } from "./destination_type.ts";

/** The connectors we implement, by their canonical Netdata type name. */
export type ConnectorType =
  | "prometheus_remote_write"
  | "graphite"
  | "graphite:http"
  | "opentsdb"
  | "opentsdb:http"
  | "json"
  | "json:http";

/** `data source`: what a connector sends per dimension. */
export type ExportingDataSource = "as collected" | "average" | "sum";

/** One `[TYPE:NAME]` section of exporting.conf. */
export interface ExportingInstanceConfig {
  /** The section name as written, e.g. `prometheus_remote_write:vm`. */
  section: string;
  /** The connector, canonical (`graphite:plaintext` is `graphite`, `opentsdb:telnet` is `opentsdb`). */
  type: ConnectorType;
  /** The instance name (after the last `:`). */
  name: string;
  /** `enabled` (default: `[exporting:global] enabled`, as in Netdata). */
  enabled: boolean;
  /** `destination` as written. */
  destination: string;
  /** `destination`, parsed: tried in turn (failover), TLS for `:SSL`/`:https` entries or an `:https` type. */
  destinations: readonly Destination[];
  /** `data source`. */
  dataSource: ExportingDataSource;
  /** `update every`, seconds between two batches. */
  updateEverySec: number;
  /** `prefix` of metric names. */
  prefix: string;
  /** `hostname`: the name this agent's own host is exported under. */
  hostname: string;
  /** `send names instead of ids`. */
  sendNamesInsteadOfIds: boolean;
  /** `send charts matching`: a Netdata simple pattern of chart ids or names. */
  sendChartsMatching: string;
  /** `send hosts matching`: a simple pattern of hostnames (this agent is `localhost`). */
  sendHostsMatching: string;
  /** `send configured labels`. */
  sendConfiguredLabels: boolean;
  /** `send automatic labels`. */
  sendAutomaticLabels: boolean;
  /** `send variables` (prometheus_remote_write only). */
  sendVariables: boolean;
  /** `remote write URL path` (prometheus_remote_write only). */
  remoteWriteUrlPath: string;
  /** `username`: HTTP basic authentication, "" for none. */
  username: string;
  /** `password`. */
  password: string;
  /** `timeout ms`: of one connection attempt plus request. */
  timeoutMs: number;
  /** `buffer on failures`: batches the on-disk queue keeps at most (the oldest go first). */
  bufferOnFailures: number;
  /** `queue disk space MB` (ours): bytes the on-disk queue keeps at most. */
  queueDiskSpaceBytes: number;
  /** Where the section starts, for messages. */
  file: string;
  line: number;
}

/** exporting.conf. */
export interface ExportingConfig {
  /** `[exporting:global] enabled`: run the exporting engine at all. */
  enabled: boolean;
  /** Enabled instances, in file order (disabled ones are checked, then left out). */
  instances: readonly ExportingInstanceConfig[];
}
