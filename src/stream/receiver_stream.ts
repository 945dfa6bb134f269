/**
 * One child's stream, once its STREAM request was accepted: decompression (LZ4 blocks or the
 * deflate stream, PROTOCOL.md §13), splitting into lines for the ingest, the replication requests
 * sent back (§6), and the named reason the session ends with. Kept apart from receiver.ts, which
 * checks requests, answers them and decides which session holds a GUID.
 * @module
 */

import type net from "node:net";
import type { Chart } from "../host/mod.ts";
import { type Logger, MSGID_CHILD_CONNECTION } from "../util/log.ts";
import type { DeflateReader } from "./deflate.ts";
import { MAX_LINE_BYTES, StreamError, StreamIngest } from "./ingest.ts";
import { Lz4BlockReader } from "./lz4.ts";
import type { ReceiverPolicy } from "./policy.ts";
import { CAP_COMPACT, CAP_COMPRESSION, CAP_DEFLATE } from "./protocol.ts";
import { type Reason, reason } from "./reasons.ts";
import { planReplay, replayLine } from "./replication.ts";
import type { LiveSession, ReceiverDeps, ReceiverSession } from "./receiver_types.ts";

/** What a child's stream needs from its receiver. */
export interface StreamContext {
  readonly deps: ReceiverDeps;
  readonly log: Logger;
  readonly nowMs: () => number;
  /** Live sessions by GUID: an ending session removes itself when it still holds its GUID. */
  readonly live: Map<string, LiveSession>;
  /** GUIDs whose compressed stream failed to decode: the session adds its GUID when it fails so. */
  readonly noCompression: Set<string>;
}

/** Streams a child in; returns what ends its session. */
export function streamChild(
  ctx: StreamContext,
  { socket, session, policy }: { socket: net.Socket; session: ReceiverSession; policy: ReceiverPolicy },
): (why: Reason) => void {
  const host = session.host;
  const nowSec = () => Math.floor(host.nowUs() / 1e6);
  /** Asks the child for a chart's missing history (PROTOCOL.md §6). */
  const askReplay = (chart: Chart, firstSec: number, lastSec: number, previousBeforeSec?: number) => {
    const r = planReplay({
      enabled: policy.enableReplication,
      childFirstSec: firstSec,
      childLastSec: lastSec,
      parentLastSec: chart.lastEntrySec(),
      nowSec: nowSec(),
      dimensions: chart.dimensions.length,
      secondsToReplicate: policy.secondsToReplicate,
      secondsPerStep: policy.secondsPerReplicationStep,
      previousBeforeSec,
    });
    // Progress counts real gaps only.
    if (r.afterSec < r.beforeSec) session.replicating.add(chart);
    socket.write(replayLine(chart.id, r));
  };
  const ingest = new StreamIngest(host, {
    chartDefinitionEnd: (chart, first, last) => askReplay(chart, first, last),
    replayEnd: (chart, r) => {
      session.replayedPoints = ingest.replayedPoints;
      if (!r.done) askReplay(chart, r.firstSec, r.lastSec, r.beforeSec);
      else session.replicating.delete(chart);
    },
  }, { compact: (session.caps & CAP_COMPACT) !== 0 });
  const decoder = new TextDecoder();
  /** The bytes of an unfinished line, from the end of the last chunk. */
  let carry: Uint8Array | undefined;
  let ended = false;
  const end = (why: Reason) => {
    if (ended) return;
    const live = ctx.live.get(host.machineGuid);
    ended = true;
    session.endReason = why;
    ingest.abort();
    session.replicating.clear();
    if (live?.session === session) ctx.live.delete(host.machineGuid);
    host.state.reachable = false;
    host.state.sinceSec = nowSec();
    ctx.log.info("Child {host} disconnected from {peer}: {reason}", {
      msg_id: MSGID_CHILD_CONNECTION,
      host: host.hostname,
      machine_guid: host.machineGuid,
      peer: session.peer,
      key: session.apiKeyShort,
      reason: why.text,
      reason_code: why.code,
      bytes: session.bytesIn,
    });
    ctx.deps.onDisconnected?.(host, session);
  };
  /**
   * Applies the complete lines of `bytes` (text) and keeps the rest for the next call: a plain SET
   * straight from the bytes, any other line decoded (a line is whole, so is its UTF-8).
   */
  const lines = (bytes: Uint8Array) => {
    session.bytesText += bytes.length;
    // A plain view: node:net's chunks are Buffers, whose indexOf is much slower than Uint8Array's.
    let b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    if (carry !== undefined) {
      b = new Uint8Array(carry.length + bytes.length);
      b.set(carry);
      b.set(bytes, carry.length);
      carry = undefined;
    }
    let start = 0;
    let nl: number;
    while ((nl = b.indexOf(0x0a, start)) >= 0) {
      if (!ingest.setBytes(b, start, nl)) ingest.line(decoder.decode(b.subarray(start, nl)));
      start = nl + 1;
    }
    session.samples = ingest.samples;
    if (start === b.length) return;
    if (b.length - start > MAX_LINE_BYTES + 2) {
      throw new StreamError(
        "LINE_TOO_LONG",
        `line ${ingest.lineNo + 1} has no end within ${MAX_LINE_BYTES} bytes`,
      );
    }
    // A copy: the codecs reuse their output buffers.
    carry = b.slice(start);
  };
  const fail = (e: unknown) => {
    if (ended) return;
    const why: Reason = e instanceof StreamError
      ? { code: e.code, text: e.message }
      : reason("INTERNAL_ERROR", (e as Error).message);
    ctx.log.warn("Closing stream of child {host} from {peer}: {reason}", {
      msg_id: MSGID_CHILD_CONNECTION,
      host: host.hostname,
      peer: session.peer,
      key: session.apiKeyShort,
      reason: why.text,
      reason_code: why.code,
    });
    end(why);
    socket.destroy();
  };
  /** Ends the link for a stream that does not decode; that GUID is then not granted compression again. */
  const undecodable = (detail: string) => {
    ctx.noCompression.add(host.machineGuid);
    const why = reason("DECOMPRESSION_FAILED", detail);
    return new StreamError(why.code, why.text);
  };
  // With COMPRESSION granted every byte after the prompt is in LZ4 blocks (PROTOCOL.md §13); with
  // DEFLATE it is one raw-deflate stream (§13.1), whose codec is loaded now (chunks wait meanwhile).
  const lz4 = session.caps & CAP_COMPRESSION ? new Lz4BlockReader() : undefined;
  let inflate: DeflateReader | undefined;
  let early: Uint8Array[] | undefined;
  const safeLines = (text: Uint8Array) => {
    if (ended) return;
    try {
      lines(text);
    } catch (e) {
      fail(e);
    }
  };
  if (session.caps & CAP_DEFLATE) {
    early = [];
    import("./deflate.ts").then(({ DeflateReader }) => {
      if (ended) return;
      inflate = new DeflateReader(safeLines, (e) => fail(undecodable(e.message)));
      for (const c of early!) inflate.push(c);
      early = undefined;
    }, fail);
  }
  socket.on("data", (chunk: Uint8Array) => {
    if (ended) return;
    session.bytesIn += chunk.length;
    session.lastDataMs = ctx.nowMs();
    if (early !== undefined) return void early.push(chunk);
    if (inflate !== undefined) return inflate.push(chunk);
    try {
      if (lz4 === undefined) lines(chunk);
      else {
        try {
          lz4.push(chunk, lines);
        } catch (e) {
          if (e instanceof StreamError) throw e;
          throw undecodable(`block ${lz4.blocks + 1}: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      fail(e);
    }
  });
  socket.on("close", () => inflate?.close());
  socket.on("close", () => end(reason("CHILD_CLOSED")));
  socket.on("error", (e: Error) => end(reason("SOCKET_ERROR", e.message)));
  socket.resume();
  return end;
}
