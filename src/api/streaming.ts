/**
 * The streaming part of `/api/v1/info` (this agent's own fields, not Netdata's): per host, where it
 * streams to (`streaming.sender`), where it came from (`streaming.receiver`), the children of this
 * node (`streaming.children`), and its storage (`storage`). Disconnect reasons appear as their code
 * (`end_reason_code`, `lastErrorCode`) and their text (`end_reason`, `lastError`), from
 * `src/stream/reasons.ts`.
 *
 * A parent with a thousand children would print a thousand entries (about 460 KB) into every
 * `/api/v1/info`; the local host's `streaming` object is therefore kept as JSON text and printed
 * again only when the set of live children changed or it is a second old (its counters are then
 * up to a second stale; who is connected is always current).
 * @module
 */

import type { Host } from "../host/mod.ts";
import { capabilityNames, type ReceiverSession, type SenderStatus } from "../stream/mod.ts";
import { RawJson } from "./format.ts";

/** How long the printed `streaming` object of the local host is served again at most. */
export const CHILDREN_CACHE_MS = 1000;

/** What {@link streamingInfo} reads. */
export interface StreamingSources {
  /** This agent's own host (the only one with `children`, and a send buffer). */
  local: Host;
  /** The status of the sender of a host, if it is streamed. */
  senderStatus(host: Host): SenderStatus | undefined;
  /** Every receiver session so far, newest last. */
  sessions(): readonly ReceiverSession[];
  /** A headless host's send buffer. */
  sendBuffer?: { readonly bufferSec: number; memoryBytes(): number };
  /** The clock of the cache of the children list (default performance.now()). */
  nowMs?: () => number;
}

/** The printed children list of a local host, and the live sessions it was printed from. */
interface Printed {
  atMs: number;
  live: ReceiverSession[];
  text: string;
}

/** By local host (not by sources: a caller may pass a fresh sources object every time). */
const printedByHost = new WeakMap<Host, Printed>();
/** Capability names by bit set: children of one parent have a handful of sets at most. */
const capNames = new Map<number, string>();

function capsText(caps: number): string {
  let t = capNames.get(caps);
  if (t === undefined) {
    if (capNames.size > 256) capNames.clear();
    capNames.set(caps, t = capabilityNames(caps));
  }
  return t;
}

function sameSessions(a: readonly ReceiverSession[], b: readonly ReceiverSession[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The local host's `streaming` object as JSON text; its children list is printed again only when
 * the live children changed, or after {@link CHILDREN_CACHE_MS}.
 */
function localStreaming(
  src: StreamingSources,
  sender: SenderStatus | undefined,
  sessions: readonly ReceiverSession[],
): RawJson {
  const nowMs = (src.nowMs ?? (() => performance.now()))();
  const live: ReceiverSession[] = [];
  for (const s of sessions) if (s.endReason === undefined) live.push(s);
  let p = printedByHost.get(src.local);
  if (
    p === undefined || !(nowMs - p.atMs < CHILDREN_CACHE_MS && nowMs >= p.atMs) || !sameSessions(p.live, live)
  ) {
    p = { atMs: nowMs, live, text: JSON.stringify(live.map(sessionInfo)) };
    printedByHost.set(src.local, p);
  }
  return new RawJson(`{"sender":${JSON.stringify(sender ?? null)},"receiver":null,"children":${p.text}}`);
}

/** One child connection, as `/api/v1/info` shows it. */
export function sessionInfo(s: ReceiverSession): Record<string, unknown> {
  const ended = s.endReason !== undefined;
  return {
    hostname: s.host.hostname,
    machine_guid: s.host.machineGuid,
    peer: s.peer,
    api_key: s.apiKeyShort,
    since: s.sinceSec,
    connected: !ended,
    end_reason: ended ? s.endReason!.text : null,
    end_reason_code: ended ? s.endReason!.code : null,
    /** When it ended (epoch s), null while connected. */
    ended: ended ? s.host.state.sinceSec : null,
    hops: s.host.state.hops,
    capabilities: capsText(s.caps),
    bytes_received: s.bytesIn,
    bytes_uncompressed: s.bytesText,
    samples_received: s.samples,
    replication: { points: s.replayedPoints, charts_pending: s.replicating.size },
  };
}

/** Per-host streaming state for `/api/v1/info`: where it streams to, and where it came from. */
export function streamingInfo(host: Host, src: StreamingSources): Record<string, unknown> {
  const sender = src.senderStatus(host);
  const sessions = src.sessions();
  let received = undefined;
  for (let i = sessions.length - 1; i >= 0; i--) {
    if (sessions[i].host === host) {
      received = sessionInfo(sessions[i]);
      break;
    }
  }
  let first = 0, last = 0;
  for (const c of host.charts.values()) {
    const f = c.retentionFirstSec(), l = c.lastEntrySec();
    if (f !== 0 && (first === 0 || f < first)) first = f;
    if (l > last) last = l;
  }
  const sendBuffer = host === src.local ? src.sendBuffer : undefined;
  return {
    "stream-compression": sender ? /\b(COMPRESSION|DEFLATE)\b/.test(sender.capabilities) : null,
    storage: {
      memory_mode: host.memoryMode,
      first_entry: first,
      last_entry: last,
      ram_bytes: host.store.memoryBytes(),
      disk_bytes: host.store.diskBytes?.() ?? 0,
      replicated_points: sender?.replicatedPoints ?? 0,
      ...(sendBuffer
        ? { send_buffer_seconds: sendBuffer.bufferSec, send_buffer_bytes: sendBuffer.memoryBytes() }
        : {}),
    },
    streaming: host === src.local && received === undefined ? localStreaming(src, sender, sessions) : {
      sender: sender ?? null,
      receiver: received ?? null,
      children: host === src.local ? sessions.filter((s) => s.endReason === undefined).map(sessionInfo) : [],
    },
  };
}
