/**
 * The sender's compression of a connection (PROTOCOL.md §13): LZ4 blocks that each end at a
 * newline, and the deflate stream, whose module is loaded only when a parent (one of our agents)
 * grants DEFLATE. Kept apart from sender.ts, which decides when to write; this is how bytes are
 * framed.
 * @module
 */

import type net from "node:net";
import type { DeflateWriter } from "./deflate.ts";
import { forEachLz4Piece, type Lz4StreamEncoder } from "./lz4.ts";

/**
 * How long queued lines may wait before they are written: the rounds of one collection tick (its
 * collectors end them within a few milliseconds) go out as one compressed batch in one socket write.
 * Per round, compressing and writing cost several times what encoding the round does, and a DEFLATE
 * flush per round costs more bytes than the rounds (5.3 bytes per sample against 2.3, measured on a
 * capture of our child). 20 ms is far below anything a parent waits for.
 */
export const BATCH_DELAY_MS = 20;

/** `text` as LZ4 blocks, each ending at a newline, in one array (a block itself when there is one). */
export function lz4Frames(lz4: Lz4StreamEncoder, text: Uint8Array): Uint8Array {
  const framed: Uint8Array[] = [];
  let size = 0;
  forEachLz4Piece(text, (piece) => {
    const block = lz4.encodeBlock(piece).slice();
    framed.push(block);
    size += block.length;
  });
  const out = framed.length === 1 ? framed[0] : new Uint8Array(size);
  if (framed.length > 1) {
    let at = 0;
    for (const b of framed) {
      out.set(b, at);
      at += b.length;
    }
  }
  return out;
}

/** What {@link loadDeflate} reports to its sender. */
export interface DeflateHooks {
  /** `socket` is still the sender's connection (else the loaded codec is not used). */
  current(): boolean;
  /** The module is loaded and the connection's writer made. */
  ready(writer: DeflateWriter): void;
  /** The writer cannot be made in this runtime: DEFLATE must not be offered again. */
  unavailable(): void;
}

/** Loads the deflate codec; a failure to load it, or of the writer, destroys `socket`. */
export function loadDeflate(socket: net.Socket, hooks: DeflateHooks): void {
  import("./deflate.ts").then(({ DeflateWriter }) => {
    if (!hooks.current()) return;
    let writer: DeflateWriter;
    try {
      writer = new DeflateWriter((e) => socket.destroy(e));
    } catch (e) {
      // This runtime cannot deflate synchronously: never offer DEFLATE again (no reconnect loop).
      hooks.unavailable();
      return void socket.destroy(e instanceof Error ? e : new Error(String(e)));
    }
    hooks.ready(writer);
  }, (e) => socket.destroy(e));
}
