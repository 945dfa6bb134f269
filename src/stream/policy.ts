/**
 * What stream.conf says about one incoming connection: the `[<API key>]` section's `default …`
 * options, overridden by the `[<machine GUID>]` section's plain ones (as Netdata 1.37.1's
 * rrdpush_receive() reads them). Every value was parsed and checked at load (config/stream_conf.ts);
 * here they are only picked, with no parsing and no fallback for a bad value.
 * @module
 */

import type { AgentConfig, Destination, ReceiverSection } from "../config/types.ts";
import type { MemoryMode } from "../store/mod.ts";
import type { SimplePattern } from "../util/patterns.ts";
import type { ReasonCode } from "./reasons.ts";

/** The settings that apply to one child's connection. */
export interface ReceiverPolicy {
  /** `[<key>]`: present, `type = api`, `enabled = yes` (default no), `allow from` (default `*`). */
  key: { found: boolean; isApi: boolean; enabled: boolean; allowFrom: SimplePattern };
  /** `[<guid>]`: `type = machine`, `enabled` (default yes), `allow from`. */
  machine: { isMachine: boolean; enabled: boolean; allowFrom: SimplePattern };
  memoryMode: MemoryMode;
  historySec: number;
  /** `[<guid>] update every`, overriding the child's. */
  updateEvery: number | undefined;
  enableReplication: boolean;
  /**
   * `enable compression`: the GUID's, else the key's, else `[stream]`'s, and never on when `[stream]`'s
   * is off (as Netdata 1.37.1's receiver decides).
   */
  enableCompression: boolean;
  /** `[stream] enable compact rounds`: grant COMPACT to a child that offers it (PROTOCOL.md §13.2). */
  enableCompactRounds: boolean;
  secondsToReplicate: number;
  secondsPerReplicationStep: number;
  proxy: {
    enabled: boolean;
    destinations: readonly Destination[];
    apiKey: string;
    sendChartsMatching: string;
  };
}

const ALLOW_ALL: SimplePattern = () => true;

/** Resolves the policy for `apiKey` and `machineGuid` (GUID section first, then the key's defaults). */
export function receiverPolicy(config: AgentConfig, apiKey: string, machineGuid: string): ReceiverPolicy {
  const keySec: ReceiverSection | undefined = config.receivers.get(apiKey);
  const guidSec: ReceiverSection | undefined = config.receivers.get(machineGuid);
  const guid = guidSec?.own;
  const dflt = keySec?.defaults;
  const key = keySec?.own;
  const stream = config.stream;
  return {
    key: {
      found: keySec !== undefined,
      isApi: (keySec?.type ?? "api") === "api",
      enabled: keySec?.enabled ?? false,
      allowFrom: keySec?.allowFrom ?? ALLOW_ALL,
    },
    machine: {
      isMachine: (guidSec?.type ?? "machine") === "machine",
      enabled: guidSec?.enabled ?? true,
      allowFrom: guidSec?.allowFrom ?? ALLOW_ALL,
    },
    memoryMode: guid?.memoryMode ?? dflt?.memoryMode ?? config.global.memoryMode,
    // `history` counts entries; with update every 1 that is seconds.
    historySec: guid?.historyEntries ?? dflt?.historyEntries ?? config.global.historySec,
    updateEvery: guidSec?.updateEvery,
    enableReplication: guid?.enableReplication ?? key?.enableReplication ?? config.db.enableReplication,
    enableCompression: (guid?.enableCompression ?? key?.enableCompression ?? stream.enableCompression) &&
      stream.enableCompression,
    enableCompactRounds: stream.enableCompactRounds,
    secondsToReplicate: guid?.secondsToReplicate ?? key?.secondsToReplicate ?? config.db.secondsToReplicate,
    secondsPerReplicationStep: guid?.secondsPerReplicationStep ?? key?.secondsPerReplicationStep ??
      config.db.secondsPerReplicationStep,
    proxy: {
      enabled: guid?.proxyEnabled ?? dflt?.proxyEnabled ?? stream.enabled,
      destinations: guid?.proxyDestinations ?? dflt?.proxyDestinations ?? stream.destinations,
      apiKey: guid?.proxyApiKey ?? dflt?.proxyApiKey ?? stream.apiKey,
      sendChartsMatching: guid?.proxySendChartsMatching ?? dflt?.proxySendChartsMatching ??
        stream.sendChartsMatching,
    },
  };
}

/**
 * Why `policy` refuses a child, checked in Netdata's order (key, then machine GUID); undefined
 * when it is let in. `allowed` tells whether the peer's address matches an `allow from` pattern.
 * Used at the handshake and again for connected children when stream.conf is reloaded.
 */
export function policyRefusal(
  policy: ReceiverPolicy,
  allowed: (pattern: SimplePattern) => boolean,
): ReasonCode | undefined {
  if (!policy.key.isApi) return "API_KEY_NOT_API";
  if (!policy.key.enabled) return policy.key.found ? "API_KEY_DISABLED" : "API_KEY_UNKNOWN";
  if (!allowed(policy.key.allowFrom)) return "API_KEY_ADDRESS_NOT_ALLOWED";
  if (!policy.machine.isMachine) return "MACHINE_GUID_NOT_MACHINE";
  if (!policy.machine.enabled) return "MACHINE_GUID_DISABLED";
  if (!allowed(policy.machine.allowFrom)) return "MACHINE_GUID_ADDRESS_NOT_ALLOWED";
  return undefined;
}
