/**
 * The contracts of the stream sender: what it needs ({@link SenderOptions}) and the state it shows
 * ({@link SenderStatus}, and its value before any connection). Kept apart so that the sender and its connection code (sender_session.ts)
 * share them without importing each other.
 * @module
 */

import type { Destination, StreamSenderConfig } from "../config/types.ts";
import type { Host } from "../host/mod.ts";
import type { StoreReader } from "../store/mod.ts";
import type { Logger } from "../util/log.ts";
import type { ReasonCode } from "./reasons.ts";

/** The sender's state, as the API shows it. */
export interface SenderStatus {
  hostname: string;
  destinations: string[];
  /** Destination of the current (or last) connection. */
  destination: string;
  connected: boolean;
  /** Epoch seconds of the last connect or disconnect. */
  sinceSec: number;
  hops: number;
  capabilities: string;
  connections: number;
  failovers: number;
  /** Bytes written to parents (compressed, when compressing). */
  bytesSent: number;
  /** Bytes of protocol text those carried (equal to `bytesSent` without compression). */
  bytesText: number;
  bufferBytes: number;
  bufferMaxBytes: number;
  droppedRounds: number;
  /** Points sent in answers to REPLAY_CHART. */
  replicatedPoints: number;
  /** Charts of the current connection waiting for or in replication (0 when all stream). */
  replicationPendingCharts: number;
  /** Charts defined on the current connection. */
  definedCharts: number;
  discardedOfflineRounds: number;
  /** Why the last attempt or connection ended (its text, then any postponement), "" before one did. */
  lastError: string;
  /** The code of `lastError` (reasons.ts), "" before one. */
  lastErrorCode: ReasonCode | "";
}

/** What a sender needs. */
export interface SenderOptions {
  host: Host;
  config: StreamSenderConfig;
  /** The parents to try, in order, as parsed at load. */
  destinations: readonly Destination[];
  apiKey: string;
  sendChartsMatching: string;
  /** 1 for this agent's own host; a proxied host's received hops + 1. */
  hops: number;
  program: string;
  version: string;
  /** Offer REPLICATION and answer REPLAY_CHART from the host's history (none: no points). */
  replication?: boolean;
  /**
   * Where replication answers come from instead of the host's store: a headless host's send
   * buffer (see store/sendbuffer.ts).
   */
  replayFrom?: () => StoreReader | undefined;
  /** Wall clock in ms (default `Date.now`). */
  nowMs?: () => number;
  /** Where connection events go (default: category `["agent", "stream", "sender"]`). */
  log?: Logger;
}

/** The status of a sender before its first connection attempt (`destinations` as their text). */
export function initialStatus(opts: SenderOptions, destinations: string[]): SenderStatus {
  return {
    hostname: opts.host.hostname,
    destinations,
    destination: "",
    connected: false,
    sinceSec: 0,
    hops: opts.hops,
    capabilities: "",
    connections: 0,
    failovers: 0,
    bytesSent: 0,
    bytesText: 0,
    bufferBytes: 0,
    bufferMaxBytes: opts.config.bufferSizeBytes,
    droppedRounds: 0,
    replicatedPoints: 0,
    replicationPendingCharts: 0,
    definedCharts: 0,
    discardedOfflineRounds: 0,
    lastError: "",
    lastErrorCode: "",
  };
}
