/**
 * Configuration: Netdata-compatible agent.conf (netdata.conf) and stream.conf, parsed with line
 * numbers, validated completely (every problem collected, none thrown) and resolved into one
 * frozen {@link AgentConfig}.
 *
 * Invariants:
 * - Precedence, lowest first: built-in defaults (`--role` picks some), files, command-line flags.
 * - Names match exactly, as in Netdata; values are verbatim (no quoting, no inline comments).
 * - Errors: unusable lines, bad values of keys we use, unknown keys in sections we use (with the
 *   nearest known key). Warnings: Netdata keys and sections we do not use, repeated keys.
 * - Nothing is read but the files of the given config directory; the defaults are built in.
 *
 * @example
 * ```ts
 * import { dumpConfig, formatProblem, loadConfig } from "./mod.ts";
 * const { config, problems } = await loadConfig({ configDir: "/etc/agent", role: "child", overrides: {} });
 * for (const p of problems) console.error(formatProblem(p));
 * if (problems.some((p) => p.severity === "error")) Deno.exit(2);
 * console.log(dumpConfig(config));
 * ```
 * @module
 */

export { type IniEntry, type IniFile, parseIni, type Section } from "./ini.ts";
export { dumpConfig, type DumpOptions } from "./dump.ts";
export {
  buildConfig,
  type BuildOptions,
  type ConfigSource,
  EMBEDDED_AGENT_CONF,
  EMBEDDED_EXPORTING_CONF,
  EMBEDDED_STREAM_CONF,
  loadConfig,
  type LoadOptions,
  type LoadResult,
} from "./load.ts";
export { type ConfigOverrides, OVERRIDE_FLAGS } from "./resolver.ts";
export { type ReadTlsOptions, tlsPath } from "./tls.ts";
export type { MemoryMode } from "../store/mod.ts";
export type {
  ConnectorType,
  ExportingConfig,
  ExportingDataSource,
  ExportingInstanceConfig,
} from "./exporting_types.ts";
export {
  addressPattern,
  bindTo,
  type BindToOptions,
  bool,
  duration,
  formatBind,
  int,
  type IntOptions,
  isUuid,
  nonEmpty,
  oneOf,
  type OneOfOptions,
  parseBool,
  parseDuration,
  parseSize,
  type RawValue,
  size,
  type SizeOptions,
  suggest,
  uuid,
  type UuidOptions,
  WEB_ACLS,
} from "./schema.ts";
export {
  type AgentConfig,
  type BindSpec,
  type ConfigProblem,
  type Destination,
  formatProblem,
  type HealthEnabled,
  type LogLevel,
  type ReceiverOptions,
  type ReceiverSection,
  type Role,
  type StreamSenderConfig,
  type WebAcl,
} from "./types.ts";
