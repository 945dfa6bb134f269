/**
 * The contracts of the stream receiver: what it needs ({@link ReceiverDeps}), what it shows of a
 * child connection ({@link ReceiverSession}) and keeps of a live one ({@link LiveSession}). Kept
 * apart so that the receiver and its per-connection stream code (receiver_stream.ts) share them
 * without importing each other.
 * @module
 */

import type net from "node:net";
import type { AgentConfig } from "../config/types.ts";
import type { Chart, Host, Hosts } from "../host/mod.ts";
import type { PeerInfo } from "../net/listen.ts";
import type { MemoryMode, Store } from "../store/mod.ts";
import type { Logger } from "../util/log.ts";
import type { ReceiverPolicy } from "./policy.ts";
import type { Reason } from "./reasons.ts";

/** One child connection, as the API shows it. */
export interface ReceiverSession {
  readonly host: Host;
  readonly peer: string;
  readonly apiKeyShort: string;
  readonly sinceSec: number;
  readonly caps: number;
  bytesIn: number;
  /** Bytes of protocol text those carried (more than `bytesIn` when compressed). */
  bytesText: number;
  /** Values received (`SET`, and replicated ones). */
  samples: number;
  /** Replicated points received on this connection. */
  replayedPoints: number;
  /** Charts with a real gap asked for and not finished (empty once every chart streams). */
  readonly replicating: Set<Chart>;
  /** Why it ended; undefined while connected. */
  endReason: Reason | undefined;
  /** Wall-clock ms of the last bytes received (for the takeover of a silent session). */
  lastDataMs: number;
}

/** What a receiver needs. */
export interface ReceiverDeps {
  hosts: Hosts;
  config: AgentConfig;
  /** Called once a child's host is live (the proxy starts forwarding it). */
  onConnected?(host: Host, policy: ReceiverPolicy, session: ReceiverSession): void;
  /** Called when a child's connection ended. */
  onDisconnected?(host: Host, session: ReceiverSession): void;
  /** Makes the store of a new child host. */
  createStore(mode: MemoryMode, historySec: number, machineGuid: string): Store;
  /** Seconds a STREAM request may take to arrive complete (default 30). */
  requestTimeoutSec?: number;
  /**
   * A new session of a GUID replaces a live one silent for 3 update intervals, at least this
   * many seconds (default 5), at most 30 (Netdata 1.37.1: 30).
   */
  takeoverMinSec?: number;
  /** Seconds of silence before a connection is dropped (Netdata: 600). */
  idleTimeoutSec?: number;
  /** Where connection events go (default: category `["agent", "stream", "receiver"]`). */
  log?: Logger;
  /** Wall clock in ms, for the `accept a streaming request every seconds` limit (default `Date.now`). */
  nowMs?: () => number;
}

/** Keeps a key out of logs: the first 8 characters. */
export function shortKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 8)}…` : key;
}

/** A live child connection, by GUID: its session, socket and what ends it. */
export interface LiveSession {
  session: ReceiverSession;
  socket: net.Socket;
  key: string;
  peer: PeerInfo;
  end(why: Reason): void;
}

/**
 * Adds `session` to `all`, first dropping the ended sessions of the same host: what is kept is every
 * live session and, per host, its newest one (the API shows no older), so children that come and go
 * for months do not grow the list.
 */
export function keepSession(all: ReceiverSession[], session: ReceiverSession): void {
  let w = 0;
  for (const s of all) {
    if (s.host === session.host && s.endReason !== undefined) continue;
    all[w++] = s;
  }
  all.length = w;
  all.push(session);
}
