/**
 * Our own stream codec between our agents (capability DEFLATE, PROTOCOL.md §13.1): one raw-deflate
 * stream per connection (`node:zlib`, 32 KiB shared window), flushed with Z_SYNC_FLUSH at most once
 * per {@link FLUSH_DELAY_MS} (a collection tick's rounds share one flush), so what was written can be
 * decoded soon after and later batches copy from earlier ones. The text of one flush goes to zlib in one
 * write at flush time (or sooner past WRITE_AT_CHARS): a write per round cost a headless child's main
 * thread about 14 % of its CPU in node:stream and zlib-binding overhead (perf, ~120 rounds a second).
 * Loaded with `import()` only when a link negotiates it.
 * @module
 */

import zlib from "node:zlib";

/**
 * Deflate level 9: about 7 % fewer bytes than zlib's default 6 on per-second rounds (measured on the
 * v1.37.1 capture); at a few KiB of text per second its extra CPU is far below a millisecond.
 */
const LEVEL = 9;

/**
 * How long written text may wait for its flush. A flush costs 4-5 bytes and ends deflate's current
 * block (new Huffman tables): flushing after every round (~120 a second for our own metrics) costs
 * more than the rounds themselves (5.3 bytes per sample against 2.3 with one flush per tick, measured
 * on a capture of our child). Collectors end all their rounds within one tick, and 20 ms is far
 * below anything a parent waits for.
 */
export const FLUSH_DELAY_MS = 20;

/**
 * Text waiting for its flush goes to zlib once it reaches this many chars: a replication reply
 * (hundreds of KiB) is compressed as it comes, not in one piece at the flush, which doubled the time
 * of the replication bench (an hour of 2,000 metrics: 9.9 s instead of 5.3).
 */
const WRITE_AT_CHARS = 16384;

/** A child's side: text in, compressed bytes out (to `onBytes`, in order). */
export class DeflateWriter {
  readonly #z: zlib.DeflateRaw;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Text written since the last flush, compressed at the flush. */
  #pending: string[] = [];
  #pendingChars = 0;
  readonly #flush = () => {
    this.#timer = undefined;
    this.#writePending();
    this.#z.flush(zlib.constants.Z_SYNC_FLUSH);
  };

  /** `onBytes` receives the compressed output; `onError` a zlib failure (the link should end). */
  constructor(onBytes: (bytes: Uint8Array) => void, onError: (e: Error) => void) {
    this.#z = zlib.createDeflateRaw({ level: LEVEL, memLevel: 9, windowBits: 15 });
    this.#z.on("data", onBytes);
    this.#z.on("error", onError);
  }

  /**
   * Compresses `text`; a flush follows within {@link FLUSH_DELAY_MS}, so the parent can decode all
   * of it then (text written meanwhile shares that flush).
   */
  write(text: string): void {
    this.#pending.push(text);
    this.#pendingChars += text.length;
    if (this.#pendingChars >= WRITE_AT_CHARS) this.#writePending();
    this.#timer ??= setTimeout(this.#flush, FLUSH_DELAY_MS);
  }

  #writePending(): void {
    if (this.#pending.length === 0) return;
    this.#z.write(this.#pending.length === 1 ? this.#pending[0] : this.#pending.join(""));
    this.#pending = [];
    this.#pendingChars = 0;
  }

  /** Frees the zlib state (text still waiting for its flush is not sent). */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
    this.#pendingChars = 0;
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
