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
  /** Writes (and counts) compressed bytes as zlib hands them over. */
  write(bytes: Uint8Array): void;
  /** The module is loaded: `make` builds the connection's writer. */
  ready(make: () => DeflateWriter): void;
}

/** Loads the deflate codec; a failure to load it, or of the writer, destroys `socket`. */
export function loadDeflate(socket: net.Socket, hooks: DeflateHooks): void {
  import("./deflate.ts").then(({ DeflateWriter }) => {
    if (!hooks.current()) return;
    hooks.ready(() => new DeflateWriter(hooks.write, (e) => socket.destroy(e)));
  }, (e) => socket.destroy(e));
}
