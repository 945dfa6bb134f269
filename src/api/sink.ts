/**
 * A reusable UTF-8 output buffer for large answers: formatters add small strings, which are
 * encoded into one growing byte buffer every few KiB, so a multi-megabyte answer never exists as
 * a tree of millions of concatenated strings on the V8 heap.
 * @module
 */

/** Strings are gathered up to this many UTF-16 units before they are encoded. */
const PENDING_UNITS = 8 * 1024;
/** The buffer is kept between answers up to this size; a larger one is dropped after use. */
const KEEP_BYTES = 8 << 20;
const INITIAL_BYTES = 64 * 1024;

/** Collects an answer's text as UTF-8; one per API instance, reused by every (synchronous) answer. */
export class TextSink {
  #buf = new Uint8Array(INITIAL_BYTES);
  #len = 0;
  #pending = "";
  readonly #encoder = new TextEncoder();

  /** Appends `s`. */
  add(s: string): void {
    this.#pending += s;
    if (this.#pending.length >= PENDING_UNITS) this.#flush();
  }

  #flush(): void {
    const p = this.#pending;
    if (p.length === 0) return;
    // At most 3 bytes per UTF-16 unit.
    const need = this.#len + p.length * 3;
    if (need > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#len += this.#encoder.encodeInto(p, this.#buf.subarray(this.#len)).written;
    this.#pending = "";
  }

  /**
   * The answer so far as a new, exactly sized array (it outlives the sink's reuse), and the
   * sink emptied for the next answer.
   */
  take(): Uint8Array<ArrayBuffer> {
    this.#flush();
    const out = this.#buf.slice(0, this.#len);
    this.#len = 0;
    if (this.#buf.length > KEEP_BYTES) this.#buf = new Uint8Array(INITIAL_BYTES);
    return out;
  }

  /** Forgets what was added (after a failure). */
  reset(): void {
    this.#pending = "";
    this.#len = 0;
    if (this.#buf.length > KEEP_BYTES) this.#buf = new Uint8Array(INITIAL_BYTES);
  }
}
