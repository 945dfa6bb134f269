/**
 * The streaming part of `/api/v1/info` (this agent's own fields, not Netdata's): per host, where it
 * streams to (`streaming.sender`), where it came from (`streaming.receiver`), the children of this
 * node (`streaming.children`), and its storage (`storage`). Disconnect reasons appear as their code
 * (`end_reason_code`, `lastErrorCode`) and their text (`end_reason`, `lastError`), from
 * `src/stream/reasons.ts`.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { capabilityNames, type ReceiverSession, type SenderStatus } from "../stream/mod.ts";

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
    capabilities: capabilityNames(s.caps),
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
    streaming: {
      sender: sender ?? null,
      receiver: received ?? null,
      children: host === src.local ? sessions.filter((s) => s.endReason === undefined).map(sessionInfo) : [],
    },
  };
}
