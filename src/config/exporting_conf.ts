/**
 * The exporting.conf reader: `[exporting:global]` and one `[TYPE:NAME]` section per connector
 * instance, with Netdata 1.37.1's meaning (exporting/read_config.c):
 *
 * - a key missing from an instance's section is taken from `[exporting:global]`, then the default
 *   (so `enabled = yes` there enables every instance that does not say otherwise);
 * - a section name is the connector type, `:`, and the instance name; the types are Netdata's
 *   (`graphite`, `graphite:plaintext`, `graphite:http`, `opentsdb`, `opentsdb:telnet`,
 *   `opentsdb:http`, `json`, `json:plaintext`, `json:http`, `prometheus_remote_write`), each also
 *   with `:https` for TLS;
 * - `[prometheus:exporter]` configures Netdata's scrape endpoint: its keys are warnings here
 *   (`/api/v1/allmetrics` takes them as URL parameters), like the kinesis, pubsub and mongodb
 *   connectors, which the agent does not have.
 *
 * Every instance section is checked, enabled or not; only enabled ones are kept.
 * @module
 */

import { destinations } from "./destination.ts";
import type {
  ConnectorType,
  ExportingConfig,
  ExportingDataSource,
  ExportingInstanceConfig,
} from "./exporting_types.ts";
import type { IniFile, Section } from "./ini.ts";
import { notUsedMessage, q, unknownKey } from "./resolver.ts";
import { bool, int, problem, type RawValue, suggest } from "./schema.ts";
import type { ConfigProblem, Destination } from "./types.ts";

/** The global section's name. */
export const EXPORTING_GLOBAL = "exporting:global";

/** Section type (as written, without `:https`) -> connector. */
const TYPES: Record<string, ConnectorType> = {
  "prometheus_remote_write": "prometheus_remote_write",
  "prometheus_remote_write:http": "prometheus_remote_write",
  "graphite": "graphite",
  "graphite:plaintext": "graphite",
  "graphite:http": "graphite:http",
  "opentsdb": "opentsdb",
  "opentsdb:telnet": "opentsdb",
  "opentsdb:http": "opentsdb:http",
  "json": "json",
  "json:plaintext": "json",
  "json:http": "json:http",
};

/** Netdata's connectors the agent does not have: their sections are warnings. */
const UNSUPPORTED_TYPES = [
  "kinesis",
  "kinesis:plaintext",
  "pubsub",
  "pubsub:plaintext",
  "mongodb",
  "mongodb:plaintext",
];

/** Netdata's default port per connector (remote write has none in Netdata: we use Prometheus'). */
const DEFAULT_PORT: Record<ConnectorType, number> = {
  "prometheus_remote_write": 9090,
  "graphite": 2003,
  "graphite:http": 2003,
  "opentsdb": 4242,
  "opentsdb:http": 4242,
  "json": 5448,
  "json:http": 5448,
};

const DATA_SOURCES: Record<string, ExportingDataSource> = {
  "raw": "as collected",
  "as collected": "as collected",
  "as-collected": "as collected",
  "as_collected": "as collected",
  "ascollected": "as collected",
  "average": "average",
  "sum": "sum",
  "volume": "sum",
};

/** Keys of an instance section (also accepted in `[exporting:global]` as defaults). */
export const EXPORTING_INSTANCE_KEYS = [
  "enabled",
  "destination",
  "data source",
  "update every",
  "prefix",
  "hostname",
  "send names instead of ids",
  "send charts matching",
  "send hosts matching",
  "send configured labels",
  "send automatic labels",
  "send variables",
  "remote write URL path",
  "username",
  "password",
  "timeout ms",
  "buffer on failures",
  "queue disk space MB",
] as const;

/** Netdata keys of connectors the agent does not have. */
const UNUSED_KEYS = [
  "stream name",
  "aws_access_key_id",
  "aws_secret_access_key",
  "credentials file",
  "project id",
  "topic id",
  "database",
  "collection",
];

/** Keys of Netdata's `[prometheus:exporter]`. */
const PROMETHEUS_EXPORTER_KEYS = [
  "data source",
  "send names instead of ids",
  "send configured labels",
  "send automatic labels",
  "send charts matching",
  "send hosts matching",
  "prefix",
  "update every",
  "send variables",
];

/** What the reader needs besides the file. */
export interface ExportingContext {
  /** `[global] hostname`: the default of `hostname`. */
  hostname: string;
}

/** Reads one key of an instance: its own section first, then `[exporting:global]`. */
class Lookup {
  constructor(readonly file: string, readonly own: Section, readonly global: Section | undefined) {}

  raw(key: string): RawValue | undefined {
    const e = this.own.entries.get(key);
    if (e) return { value: e.value, file: this.file, line: e.line, section: this.own.name, key };
    const g = this.global?.entries.get(key);
    if (g) return { value: g.value, file: this.file, line: g.line, section: EXPORTING_GLOBAL, key };
    return undefined;
  }
}

/** Splits `TYPE:NAME` at the last `:`, with `:https` (TLS) taken off the type. */
function splitSection(name: string): { type: string; instance: string; tls: boolean } {
  const colon = name.lastIndexOf(":");
  if (colon < 0) return { type: name, instance: "", tls: false };
  let type = name.slice(0, colon);
  const tls = type.endsWith(":https");
  if (tls) type = type.slice(0, -6) + (type === "prometheus_remote_write:https" ? "" : ":http");
  return { type, instance: name.slice(colon + 1), tls };
}

/** Parses a destination list; `:https` after an entry means TLS, like `:SSL`. */
function readDestinations(
  raw: RawValue,
  problems: ConfigProblem[],
  defaultPort: number,
  tls: boolean,
): Destination[] | undefined {
  return destinations(raw, problems, {
    defaultPort,
    https: true,
    tls,
    noUnix: "exporting connects over TCP",
  });
}

/**
 * Reads exporting.conf: every problem is collected (unknown sections and keys, bad values,
 * an enabled instance without a destination), never thrown.
 *
 * @example
 * ```ts
 * const ini = parseIni("[exporting:global]\n enabled = yes\n[graphite:g]\n destination = localhost\n", "exporting.conf");
 * const problems: ConfigProblem[] = [];
 * const cfg = readExporting(ini, problems, { hostname: "n1" });
 * cfg.instances[0].destinations[0].port; // 2003
 * ```
 */
export function readExporting(
  ini: IniFile,
  problems: ConfigProblem[],
  ctx: ExportingContext,
): ExportingConfig {
  const global = ini.sections.find((s) => s.name === EXPORTING_GLOBAL);
  const at = (s: Section, key: string) => ({
    file: ini.file,
    line: s.entries.get(key)?.line ?? s.line,
    section: s.name,
    key,
  });
  let enabled = false;
  if (global) {
    for (const e of global.entries.values()) {
      if (!(EXPORTING_INSTANCE_KEYS as readonly string[]).includes(e.key)) {
        problems.push(unknownKey(at(global, e.key), EXPORTING_INSTANCE_KEYS));
      }
    }
    const raw = global.entries.get("enabled");
    if (raw) enabled = bool({ ...at(global, "enabled"), value: raw.value }, problems) ?? false;
  }
  const instances: ExportingInstanceConfig[] = [];
  const seen = new Set<string>();
  for (const s of ini.sections) {
    if (s.name === EXPORTING_GLOBAL) continue;
    const where = { file: ini.file, line: s.line, section: s.name, key: "" };
    if (s.name === "prometheus:exporter") {
      for (const e of s.entries.values()) {
        problems.push(
          PROMETHEUS_EXPORTER_KEYS.includes(e.key)
            ? problem(
              "warning",
              at(s, e.key),
              `${notUsedMessage(s.name, e.key)} (pass it to /api/v1/allmetrics as a URL parameter)`,
            )
            : unknownKey(at(s, e.key), PROMETHEUS_EXPORTER_KEYS),
        );
      }
      continue;
    }
    const { type: typeText, instance: name, tls } = splitSection(s.name);
    if (UNSUPPORTED_TYPES.includes(typeText)) {
      problems.push(
        problem("warning", where, `Ignoring [${s.name}]: the agent has no ${q(typeText)} connector`),
      );
      continue;
    }
    const type = TYPES[typeText];
    if (type === undefined || name === "") {
      const near = suggest(typeText, Object.keys(TYPES));
      problems.push(problem(
        "error",
        where,
        name === "" && type !== undefined
          ? `Cannot read section [${s.name}]: expected "TYPE:NAME", the instance name is missing`
          : `Unknown connector type ${q(typeText)} in section [${s.name}]${
            near ? `: did you mean ${q(near)}?` : ""
          }`,
      ));
      continue;
    }
    if (seen.has(name)) {
      problems.push(
        problem("error", where, `Cannot use section [${s.name}]: instance name ${q(name)} is already used`),
      );
      continue;
    }
    seen.add(name);
    for (const e of s.entries.values()) {
      if (UNUSED_KEYS.includes(e.key)) {
        problems.push(problem("warning", at(s, e.key), notUsedMessage(s.name, e.key)));
      } else if (!(EXPORTING_INSTANCE_KEYS as readonly string[]).includes(e.key)) {
        problems.push(unknownKey(at(s, e.key), EXPORTING_INSTANCE_KEYS));
      }
    }
    const inst = readInstance(new Lookup(ini.file, s, global), problems, {
      ...ctx,
      type,
      name,
      tls,
      enabled,
    });
    if (inst.enabled) instances.push(inst);
  }
  return { enabled, instances };
}

/** Reads an instance's keys (with the global fallbacks) into its typed form. */
function readInstance(
  l: Lookup,
  problems: ConfigProblem[],
  o: ExportingContext & { type: ConnectorType; name: string; tls: boolean; enabled: boolean },
): ExportingInstanceConfig {
  const get = <T>(key: string, read: (raw: RawValue) => T | undefined, dflt: T): T => {
    const raw = l.raw(key);
    if (raw === undefined) return dflt;
    return read(raw) ?? dflt;
  };
  const yesNo = (raw: RawValue) => bool(raw, problems);
  const text = (raw: RawValue) => raw.value;
  const enabled = get("enabled", yesNo, o.enabled);
  const destRaw = l.raw("destination");
  const destinations = destRaw ? readDestinations(destRaw, problems, DEFAULT_PORT[o.type], o.tls) ?? [] : [];
  if (enabled && destRaw === undefined) {
    problems.push(problem(
      "error",
      { file: l.file, line: l.own.line, section: l.own.name, key: "destination" },
      `Cannot enable [${l.own.name}]: "destination" is not set`,
    ));
  } else if (enabled && destRaw && destRaw.value.trim() === "") {
    problems.push(problem("error", destRaw, `Cannot enable [${l.own.name}]: "destination" is empty`));
  }
  const path = get("remote write URL path", (raw) => {
    if (raw.value.startsWith("/")) return raw.value;
    problems.push(problem(
      "error",
      raw,
      `Cannot parse ${q(raw.key)} in [${raw.section}]: expected a path starting with "/", got ${
        q(raw.value)
      }`,
    ));
    return undefined;
  }, "/receive");
  return {
    section: l.own.name,
    type: o.type,
    name: o.name,
    enabled,
    destination: destRaw?.value ?? "",
    destinations,
    dataSource: get("data source", (raw) => {
      const v = DATA_SOURCES[raw.value];
      if (v === undefined) {
        problems.push(problem(
          "error",
          raw,
          `Cannot parse ${
            q(raw.key)
          } in [${raw.section}]: expected one of "as collected", "average", "sum", ` +
            `got ${q(raw.value)}`,
        ));
      }
      return v;
    }, "average"),
    updateEverySec: get(
      "update every",
      (raw) => int(raw, problems, { min: 1, max: 86400, unit: "seconds" }),
      10,
    ),
    prefix: get("prefix", text, "netdata"),
    hostname: get("hostname", text, o.hostname) || o.hostname,
    sendNamesInsteadOfIds: get("send names instead of ids", yesNo, true),
    sendChartsMatching: get("send charts matching", text, "*"),
    sendHostsMatching: get("send hosts matching", text, "localhost *"),
    sendConfiguredLabels: get("send configured labels", yesNo, true),
    sendAutomaticLabels: get("send automatic labels", yesNo, false),
    sendVariables: get("send variables", yesNo, true),
    remoteWriteUrlPath: path,
    username: get("username", text, ""),
    password: get("password", text, ""),
    timeoutMs: get("timeout ms", (raw) => int(raw, problems, { min: 100, max: 3600000, unit: "ms" }), 10000),
    bufferOnFailures: get(
      "buffer on failures",
      (raw) => int(raw, problems, { min: 1, max: 10000000, unit: "batches" }),
      10000,
    ),
    queueDiskSpaceBytes: get(
      "queue disk space MB",
      (raw) => int(raw, problems, { min: 1, max: 1048576, unit: "MiB" }),
      256,
    ) * 1024 * 1024,
    file: l.file,
    line: l.own.line,
  };
}
