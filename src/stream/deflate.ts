/**
 * Our own stream codec between our agents (capability DEFLATE, PROTOCOL.md §13.1): one raw-deflate
 * stream per connection (`node:zlib`, 32 KiB shared window). The child's sender hands over a
 * collection tick's text at once ({@link DeflateWriter.write}); it is compressed and flushed with
 * Z_SYNC_FLUSH in one synchronous call, so the parent can decode it on arrival and later ticks copy
 * from earlier ones. Loaded with `import()` only when a link negotiates it.
 * @module
 */

import zlib from "node:zlib";

/**
 * Deflate level 9: about 7 % fewer bytes than zlib's default 6 on per-second rounds (measured on the
 * v1.37.1 capture); at a few KiB of text per second its extra CPU is far below a millisecond.
 */
const LEVEL = 9;

/** Output space per zlib call; a tick's text rarely needs more than one. */
const OUT_BYTES = 64 * 1024;

/**
 * The synchronous side of a node:zlib stream, as node:zlib's own `*Sync` functions drive it: one
 * deflate call that leaves `[avail_out, avail_in]` in `state`. Node and Deno's polyfill both have it,
 * but keep the window only on a stream's handle (the `*Sync` functions start a new stream each call).
 */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
}

/** A child's side: a tick's text in, the compressed and flushed bytes out. */
export class DeflateWriter {
  readonly #z: zlib.DeflateRaw;
  readonly #handle: ZlibHandle;
  readonly #state: Uint32Array;
  readonly #out = new Uint8Array(OUT_BYTES);
  readonly #encoder = new TextEncoder();
  /** Where a tick's text is encoded; a larger text (chart definitions) gets its own array. */
  readonly #in = new Uint8Array(16 * 1024);

  /** `onError` receives a zlib failure (the link should end). @throws Error when node:zlib has no handle */
  constructor(onError: (e: Error) => void) {
    this.#z = zlib.createDeflateRaw({ level: LEVEL, memLevel: 9, windowBits: 15 });
    this.#z.on("error", onError);
    const z = this.#z as unknown as { _handle?: Partial<ZlibHandle>; _writeState?: unknown };
    if (typeof z._handle?.writeSync !== "function" || !(z._writeState instanceof Uint32Array)) {
      this.#z.destroy();
      throw new Error("node:zlib offers no synchronous deflate stream here");
    }
    this.#handle = z._handle as ZlibHandle;
    this.#state = z._writeState;
  }

  /**
   * Compresses `text` and flushes (Z_SYNC_FLUSH): the bytes returned decode to all of it, given what
   * came before on this connection.
   */
  write(text: string): Uint8Array {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const input = text.length * 3 <= this.#in.length ? this.#in : this.#encoder.encode(text);
    const inLen = input === this.#in ? this.#encoder.encodeInto(text, input).written : input.length;
    const out = this.#out, state = this.#state;
    const pieces: Uint8Array[] = [];
    let size = 0;
    let inOff = 0, left = inLen;
    // With Z_SYNC_FLUSH, zlib is done once a call leaves output space unused.
    for (;;) {
      this.#handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, inOff, left, out, 0, out.length);
      const produced = out.length - state[0];
      inOff += left - state[1];
      left = state[1];
      pieces.push(out.slice(0, produced));
      size += produced;
      if (state[0] !== 0 || this.#z.destroyed) break;
    }
    if (pieces.length === 1) return pieces[0];
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of pieces) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }

  /** Frees the zlib state. */
  close(): void {
    this.#z.destroy();
  }
}

/** A parent's side: socket chunks in, text out (to `onText`, in order). */
export class DeflateReader {
  readonly #z: zlib.InflateRaw;

  /**
   * `onText` gets each piece of text (at most zlib's 16 KiB chunk, so a small input that inflates to
   * much never sits in memory whole); `onError` a corrupt stream.
   */
  constructor(onText: (text: Uint8Array) => void, onError: (e: Error) => void) {
    this.#z = zlib.createInflateRaw({ windowBits: 15 });
    this.#z.on("data", onText);
    this.#z.on("error", onError);
  }

  /** Feeds compressed bytes. */
  push(chunk: Uint8Array): void {
    this.#z.write(chunk);
  }

  /** Frees the zlib state. */
  close(): void {
    this.#z.destroy();
  }
}
