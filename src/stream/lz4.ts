/**
 * Netdata 1.37.1's stream compression (PROTOCOL.md §13): LZ4 blocks compressed with the LZ4 *streaming*
 * API (each block may copy from the previous 64 KiB of the stream), each preceded by a 4-byte header.
 * Pure: bytes in, bytes out; one `Lz4StreamDecoder` or `Lz4StreamEncoder` per connection.
 *
 * ```
 * header (little-endian u32): byte 0 = 0xFA ('z' | 0x80), byte 1 = 0x80 | size & 0x7f,
 *                             byte 2 = 0x80 | (size >> 7) & 0x7f, byte 3 = '\n'
 * then `size` bytes (1..16383) of one LZ4 block
 * ```
 * @module
 */

/** Bytes of a block header. */
export const LZ4_HEADER_BYTES = 4;
/** The largest compressed block a v1.37.1 parent reads (`COMPRESSION_MAX_MSG_SIZE`); the header holds 14 bits. */
export const LZ4_MAX_BLOCK_BYTES = 16383;
/** The most text one block may decompress to here: a v1.37.1 child compresses at most 16 KiB per block. */
export const LZ4_MAX_DECODED_BYTES = 65536;
/** The most text we put into one block, so that even incompressible text stays within a block's size. */
export const LZ4_MAX_INPUT_BYTES = 16000;

const HISTORY = 65536;
const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const HASH_LOG = 12;

/**
 * The size in a block header at `at` of `buf`, or -1 when those 4 bytes are not a header (Netdata's
 * receiver then takes them as plain text, a case it never produces).
 */
export function readLz4Header(buf: Uint8Array, at: number): number {
  if (buf[at] !== 0xfa || buf[at + 3] !== 0x0a) return -1;
  const b1 = buf[at + 1], b2 = buf[at + 2];
  if ((b1 & 0x80) === 0 || (b2 & 0x80) === 0) return -1;
  return (b1 & 0x7f) | ((b2 & 0x7f) << 7);
}

/** Writes the header of a `size`-byte block at `at` of `out`. @throws RangeError for a size outside 1..16383 */
export function writeLz4Header(out: Uint8Array, at: number, size: number): void {
  if (!(size >= 1 && size <= LZ4_MAX_BLOCK_BYTES)) throw new RangeError(`LZ4 block of ${size} bytes`);
  out[at] = 0xfa;
  out[at + 1] = 0x80 | (size & 0x7f);
  out[at + 2] = 0x80 | ((size >> 7) & 0x7f);
  out[at + 3] = 0x0a;
}

/**
 * Decodes the blocks of one connection, keeping the last 64 KiB of text as the next block's dictionary
 * (as `LZ4_decompress_safe_continue`). Every length and offset is checked against the input and the
 * 64 KiB bound before a byte is written, so damaged or hostile input throws instead of overrunning.
 */
export class Lz4StreamDecoder {
  #buf = new Uint8Array(HISTORY + 2 * LZ4_MAX_DECODED_BYTES);
  #pos = 0;

  /**
   * Decodes one block. The returned view is valid until the next call.
   * @throws SyntaxError when the block is malformed, RangeError when it decodes to over 64 KiB
   */
  decode(src: Uint8Array): Uint8Array {
    let buf = this.#buf;
    if (this.#pos + LZ4_MAX_DECODED_BYTES > buf.length) {
      buf.copyWithin(0, this.#pos - HISTORY, this.#pos);
      this.#pos = HISTORY;
    }
    buf = this.#buf;
    const start = this.#pos;
    const limit = start + LZ4_MAX_DECODED_BYTES;
    const end = src.length;
    let ip = 0;
    let op = start;
    if (end === 0) throw new SyntaxError("empty LZ4 block");
    for (;;) {
      if (ip >= end) throw new SyntaxError("LZ4 block ends after a match");
      const token = src[ip++];
      let lit = token >>> 4;
      if (lit === 15) {
        let b: number;
        do {
          if (ip >= end) throw new SyntaxError("LZ4 literal length runs past the block");
          b = src[ip++];
          lit += b;
        } while (b === 255);
      }
      if (ip + lit > end) throw new SyntaxError("LZ4 literals run past the block");
      if (op + lit > limit) throw new RangeError(`LZ4 block decodes to over ${LZ4_MAX_DECODED_BYTES} bytes`);
      if (lit < 16) {
        for (let i = 0; i < lit; i++) buf[op + i] = src[ip + i];
      } else buf.set(src.subarray(ip, ip + lit), op);
      ip += lit;
      op += lit;
      if (ip === end) break;
      if (ip + 2 > end) throw new SyntaxError("LZ4 offset runs past the block");
      const offset = src[ip] | (src[ip + 1] << 8);
      ip += 2;
      if (offset === 0 || offset > op) {
        throw new SyntaxError(`LZ4 offset ${offset} before the stream's start`);
      }
      let len = token & 15;
      if (len === 15) {
        let b: number;
        do {
          if (ip >= end) throw new SyntaxError("LZ4 match length runs past the block");
          b = src[ip++];
          len += b;
        } while (b === 255);
      }
      len += MIN_MATCH;
      if (op + len > limit) throw new RangeError(`LZ4 block decodes to over ${LZ4_MAX_DECODED_BYTES} bytes`);
      let from = op - offset;
      if (offset >= len) {
        buf.copyWithin(op, from, from + len);
        op += len;
      } else {
        for (const stop = op + len; op < stop;) buf[op++] = buf[from++];
      }
    }
    this.#pos = op;
    return buf.subarray(start, op);
  }
}

/**
 * Encodes text into header-framed LZ4 blocks that a v1.37.1 parent decodes: greedy matching with a
 * 4096-entry hash table over the last 64 KiB of the connection's text (`LZ4_compress_fast_continue`'s
 * contract). Allocates its buffers once.
 */
export class Lz4StreamEncoder {
  #buf = new Uint8Array(HISTORY + 4 * LZ4_MAX_INPUT_BYTES);
  #pos = 0;
  /** Positions + 1 in `#buf` (0 = empty). */
  #table = new Int32Array(1 << HASH_LOG);
  #out = new Uint8Array(LZ4_HEADER_BYTES + LZ4_MAX_INPUT_BYTES + (LZ4_MAX_INPUT_BYTES / 255 | 0) + 16);

  /**
   * Compresses `text` (at most `LZ4_MAX_INPUT_BYTES`) into one framed block, header included. The
   * returned view is valid until the next call.
   * @throws RangeError for empty or oversized input
   */
  encodeBlock(text: Uint8Array): Uint8Array {
    const n = text.length;
    if (n === 0 || n > LZ4_MAX_INPUT_BYTES) throw new RangeError(`LZ4 input of ${n} bytes`);
    if (this.#pos + n > this.#buf.length) this.#slide();
    const buf = this.#buf, table = this.#table, out = this.#out;
    const start = this.#pos;
    buf.set(text, start);
    const end = start + n;
    this.#pos = end;
    let op = LZ4_HEADER_BYTES;
    let anchor = start;
    let ip = start;
    const mfLimit = end - MF_LIMIT;
    const matchLimit = end - LAST_LITERALS;
    while (ip < mfLimit) {
      const seq = buf[ip] | (buf[ip + 1] << 8) | (buf[ip + 2] << 16) | (buf[ip + 3] << 24);
      const h = Math.imul(seq, 2654435761) >>> (32 - HASH_LOG);
      const ref = table[h] - 1;
      table[h] = ip + 1;
      if (
        ref < 0 || ip - ref > 65535 ||
        (buf[ref] | (buf[ref + 1] << 8) | (buf[ref + 2] << 16) | (buf[ref + 3] << 24)) !== seq
      ) {
        ip++;
        continue;
      }
      let len = MIN_MATCH;
      while (ip + len < matchLimit && buf[ref + len] === buf[ip + len]) len++;
      op = this.#sequence(out, op, buf, anchor, ip - anchor, ip - ref, len);
      ip += len;
      anchor = ip;
    }
    op = this.#sequence(out, op, buf, anchor, end - anchor, 0, 0);
    writeLz4Header(out, 0, op - LZ4_HEADER_BYTES);
    return out.subarray(0, op);
  }

  /** Writes one sequence: literals, then (unless `len` is 0, the last one) offset and match length. */
  #sequence(
    out: Uint8Array,
    op: number,
    buf: Uint8Array,
    from: number,
    lit: number,
    offset: number,
    len: number,
  ): number {
    const ml = len === 0 ? 0 : len - MIN_MATCH;
    const tokenAt = op++;
    out[tokenAt] = ((lit >= 15 ? 15 : lit) << 4) | (ml >= 15 ? 15 : ml);
    if (lit >= 15) {
      let r = lit - 15;
      for (; r >= 255; r -= 255) out[op++] = 255;
      out[op++] = r;
    }
    out.set(buf.subarray(from, from + lit), op);
    op += lit;
    if (len === 0) return op;
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
    if (ml >= 15) {
      let r = ml - 15;
      for (; r >= 255; r -= 255) out[op++] = 255;
      out[op++] = r;
    }
    return op;
  }

  /** Moves the last 64 KiB to the front and shifts the hash table with it. */
  #slide(): void {
    const delta = this.#pos - HISTORY;
    this.#buf.copyWithin(0, delta, this.#pos);
    this.#pos = HISTORY;
    const t = this.#table;
    for (let i = 0; i < t.length; i++) t[i] = t[i] - delta > 0 ? t[i] - delta : 0;
  }
}

/**
 * Splits `text` into the pieces one block each carries: at most `LZ4_MAX_INPUT_BYTES`, ending at the
 * last newline that fits when there is one (as a v1.37.1 child does). Calls `each` with views of `text`.
 */
export function forEachLz4Piece(text: Uint8Array, each: (piece: Uint8Array) => void): void {
  let at = 0;
  while (at < text.length) {
    let stop = text.length;
    if (stop - at > LZ4_MAX_INPUT_BYTES) {
      stop = at + LZ4_MAX_INPUT_BYTES;
      const nl = text.lastIndexOf(0x0a, stop - 1);
      if (nl > at) stop = nl + 1;
    }
    each(text.subarray(at, stop));
    at = stop;
  }
}

/**
 * A receiver's side of a compressed stream: takes socket chunks as they come, cut anywhere, and hands
 * each block's text to `onText`. A block's size is checked before its bytes are gathered (into one
 * buffer allocated up front); a chunk that is not a block header throws.
 */
export class Lz4BlockReader {
  #decoder = new Lz4StreamDecoder();
  #header = new Uint8Array(LZ4_HEADER_BYTES);
  #headerHave = 0;
  #block = new Uint8Array(LZ4_MAX_BLOCK_BYTES);
  #blockSize = 0;
  #blockHave = 0;
  /** Blocks decoded so far. */
  blocks = 0;
  /** Text bytes decoded so far. */
  decodedBytes = 0;

  /**
   * Consumes `chunk`, calling `onText` with a view (valid during the call) of each decoded block.
   * @throws SyntaxError for bytes that are not a block header or a malformed block, RangeError for a
   * block that decodes to over 64 KiB
   */
  push(chunk: Uint8Array, onText: (text: Uint8Array) => void): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#blockSize === 0) {
        while (this.#headerHave < LZ4_HEADER_BYTES && at < chunk.length) {
          this.#header[this.#headerHave++] = chunk[at++];
        }
        if (this.#headerHave < LZ4_HEADER_BYTES) return;
        const size = readLz4Header(this.#header, 0);
        this.#headerHave = 0;
        if (size <= 0) {
          throw new SyntaxError(
            `not an LZ4 block header: ${JSON.stringify(String.fromCharCode(...this.#header))}`,
          );
        }
        this.#blockSize = size;
        this.#blockHave = 0;
      }
      const take = Math.min(this.#blockSize - this.#blockHave, chunk.length - at);
      this.#block.set(chunk.subarray(at, at + take), this.#blockHave);
      this.#blockHave += take;
      at += take;
      if (this.#blockHave < this.#blockSize) return;
      const text = this.#decoder.decode(this.#block.subarray(0, this.#blockSize));
      this.#blockSize = 0;
      this.blocks++;
      this.decodedBytes += text.length;
      onText(text);
    }
  }
}
