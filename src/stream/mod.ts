/**
 * Streaming, Netdata 1.37.1's agent-to-agent protocol (wire details in PROTOCOL.md): a
 * {@link Receiver} takes children's streams into their own hosts, a {@link Sender} streams one
 * host to the first parent that accepts it, and {@link StreamSenders} (proxy.ts) holds this
 * agent's sender and, as a proxy, one per forwarded child host.
 *
 * Invariants:
 * - Size caps, checked before anything is kept: a STREAM request is at most `MAX_REQUEST_BYTES`
 *   (16384) and must be complete within `[web] timeout for first request` (at most 30 s); a protocol line is at most `MAX_LINE_BYTES` (15360);
 *   one replication answer covers at most `MAX_REPLAY_POINTS` (86400) time slots; a
 *   sender's queue is at most `[stream] buffer size bytes`, and over it drops the oldest data
 *   rounds first (never definitions), counted in `droppedRounds` and logged; with COMPACT, every
 *   queued round (a compact record refers to the round before it). A compressed stream's
 *   LZ4 block is at most 16383 bytes on the wire (checked from its header before it is gathered) and
 *   decodes to at most 64 KiB; inflated DEFLATE text reaches the parser in pieces of at most 16 KiB.
 * - Codecs (PROTOCOL.md §13): one per connection, chosen at the handshake (DEFLATE between our
 *   agents, else Netdata's LZ4, else plain) with a fresh history; a stream that does not decode ends
 *   its connection (`DECOMPRESSION_FAILED`) and that child is then granted no compression. COMPACT
 *   (§13.2, our agents only) is negotiated on its own; both ends forget a chart's last values at its
 *   definition, a text round, a replication and a new connection, so a record never refers to
 *   values the other end does not hold.
 * - Ordering: a connection's lines are applied in the order received; a chart is sent only once
 *   it has been collected, and defined before its rounds. With REPLICATION, a chart's live rounds
 *   are held back until the parent's replay of it is done, so the parent's copy has neither a hole
 *   nor a duplicate.
 * - What an acknowledgement means: v1.37.1 has none per data line. The handshake reply accepts a
 *   connection; after that, what the parent holds is known only through replication (the child's
 *   retention in CHART_DEFINITION_END, the parent's REPLAY_CHART for what it lacks). Rounds queued
 *   when a connection drops are not resent (they carry durations, not times): they reach the
 *   parent by replication, or are discarded and counted when it is not negotiated.
 * - Who deletes what: a sender never deletes from a store and clears its own queue on every
 *   (re)connection; a child's host and store belong to the receiver's `Hosts` and outlive the
 *   connection (unreachable until it comes back); a proxy's sender of a child stops when that
 *   child disconnects.
 * - Collection never waits for the network: a sender's observers only append to its queue.
 * - One bad connection is closed alone, for a named reason (reasons.ts) that the log, the API
 *   and the dashboard show; every other connection goes on.
 *
 * @example
 * ```ts
 * import { Receiver, StreamSenders } from "./mod.ts";
 * const senders = new StreamSenders({ config, local: hosts.localhost, program: "agent", version: "v0.1.0" });
 * const receiver = new Receiver({
 *   hosts,
 *   config,
 *   createStore: (mode, historySec) => createStore({ mode, historySec }),
 *   onConnected: (host, policy) => senders.childConnected(host, policy),
 *   onDisconnected: (host) => senders.childDisconnected(host),
 * });
 * senders.start();
 * // the listener hands each STREAM request to receiver.handle(socket, head, peer)
 * await senders.stop();
 * receiver.close();
 * ```
 * @module
 */

export { MAX_LINE_BYTES, StreamError } from "./ingest.ts";
export { type ReceiverPolicy, receiverPolicy } from "./policy.ts";
export { capabilityNames, MAX_REQUEST_BYTES } from "./protocol.ts";
export { StreamSenders, type StreamSendersOptions } from "./proxy.ts";
export { type Reason, reason, type ReasonCode, REASONS } from "./reasons.ts";
export { Receiver, type ReceiverDeps, type ReceiverSession, shortKey } from "./receiver.ts";
export { MAX_REPLAY_POINTS } from "./replay.ts";
export { Sender, type SenderOptions, type SenderStatus } from "./sender.ts";
