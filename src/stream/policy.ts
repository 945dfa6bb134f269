/**
 * What stream.conf says about one incoming connection: the `[<API key>]` section's `default …`
 * options, overridden by the `[<machine GUID>]` section's plain ones (streaming reference §12).
 * Values were validated by the config loader; here they are only read.
 * @module
 */

import type { AgentConfig, ReceiverSection } from "../config/types.ts";
import { parseBool, parseDuration } from "../config/schema.ts";
import type { MemoryMode } from "../store/mod.ts";

/** The settings that apply to one child's connection. */
export interface ReceiverPolicy {
  /** `[<key>]`: present, `type = api`, `enabled = yes` (default no), `allow from` (default `*`). */
  key: { found: boolean; isApi: boolean; enabled: boolean; allowFrom: string };
  /** `[<guid>]`: `type = machine`, `enabled` (default yes), `allow from`. */
  machine: { isMachine: boolean; enabled: boolean; allowFrom: string };
  memoryMode: MemoryMode;
  historySec: number;
  /** `[<guid>] update every`, overriding the child's. */
  updateEvery: number | undefined;
  enableReplication: boolean;
  secondsToReplicate: number;
  secondsPerReplicationStep: number;
  proxy: { enabled: boolean; destination: string; apiKey: string; sendChartsMatching: string };
}

const MODES = new Set(["none", "ram", "dbengine"]);

function get(section: ReceiverSection | undefined, name: string): string | undefined {
  return section?.values.get(name);
}

/** Resolves the policy for `apiKey` and `machineGuid` (GUID section first, then the key's defaults). */
export function receiverPolicy(config: AgentConfig, apiKey: string, machineGuid: string): ReceiverPolicy {
  const keySec = config.receivers.get(apiKey);
  const guidSec = config.receivers.get(machineGuid);
  const pick = (name: string): string | undefined => get(guidSec, name) ?? get(keySec, `default ${name}`);
  const bool = (
    text: string | undefined,
    dflt: boolean,
  ) => (text === undefined ? dflt : parseBool(text) ?? dflt);
  const secs = (
    text: string | undefined,
    dflt: number,
  ) => (text === undefined ? dflt : parseDuration(text) ?? dflt);

  const mode = pick("memory mode");
  const memoryMode = mode !== undefined && MODES.has(mode) ? mode as MemoryMode : config.global.memoryMode;
  const history = pick("history");
  const ue = get(guidSec, "update every");
  const stream = config.stream;
  return {
    key: {
      found: keySec !== undefined,
      isApi: (get(keySec, "type") ?? "api") === "api",
      enabled: bool(get(keySec, "enabled"), false),
      allowFrom: get(keySec, "allow from") ?? "*",
    },
    machine: {
      isMachine: (get(guidSec, "type") ?? "machine") === "machine",
      enabled: bool(get(guidSec, "enabled"), true),
      allowFrom: get(guidSec, "allow from") ?? "*",
    },
    memoryMode,
    // `history` counts entries; with update every 1 that is seconds.
    historySec: history !== undefined
      ? Math.max(5, secs(history, config.global.historySec))
      : config.global.historySec,
    updateEvery: ue !== undefined ? secs(ue, 0) || undefined : undefined,
    enableReplication: bool(
      pick("enable replication") ?? get(keySec, "enable replication"),
      config.db.enableReplication,
    ),
    secondsToReplicate: secs(
      pick("seconds to replicate") ?? get(keySec, "seconds to replicate"),
      config.db.secondsToReplicate,
    ),
    secondsPerReplicationStep: secs(
      pick("seconds per replication step") ?? get(keySec, "seconds per replication step"),
      config.db.secondsPerReplicationStep,
    ),
    proxy: {
      enabled: bool(get(guidSec, "proxy enabled") ?? get(keySec, "default proxy enabled"), stream.enabled),
      destination: get(guidSec, "proxy destination") ?? get(keySec, "default proxy destination") ??
        stream.destination,
      apiKey: get(guidSec, "proxy api key") ?? get(keySec, "default proxy api key") ?? stream.apiKey,
      sendChartsMatching: get(guidSec, "proxy send charts matching") ??
        get(keySec, "default proxy send charts matching") ?? stream.sendChartsMatching,
    },
  };
}
