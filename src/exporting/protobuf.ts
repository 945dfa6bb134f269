/**
 * A hand-written encoder of Prometheus remote write 1.0's `WriteRequest` (prompb/remote.proto,
 * types.proto): only what a sender needs, written straight into one growable buffer.
 *
 * ```
 * WriteRequest { repeated TimeSeries timeseries = 1; }
 * TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * Label        { string name = 1; string value = 2; }
 * Sample       { double value = 1; int64 timestamp = 2; }   // timestamp in ms
 * ```
 *
 * Each series is `0x0a len`, its labels `0x0a len 0x0a len name 0x12 len value`, its sample
 * `0x12 len 0x09 <8 bytes LE double> 0x10 <varint ms>`. Lengths are computed before writing
 * (UTF-8 lengths by scanning char codes), so nothing is copied twice. No allocation per sample
 * once the buffer has grown to the batch's size.
 * @module
 */

const TAG_SERIES = 0x0a; // field 1, length-delimited (WriteRequest.timeseries, TimeSeries.labels, Label.name)
const TAG_SAMPLE = 0x12; // field 2, length-delimited (TimeSeries.samples, Label.value)
const TAG_VALUE = 0x09; // field 1, fixed64 (Sample.value)
const TAG_TIMESTAMP = 0x10; // field 2, varint (Sample.timestamp)

/** Bytes of `s` in UTF-8 (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 4 bytes for 2 code units
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/** Bytes of `v` (a non-negative safe integer) as a protobuf varint. */
export function varintLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/**
 * Builds one WriteRequest. Add series with {@link WriteRequestEncoder.series}, then take the
 * bytes with {@link WriteRequestEncoder.finish}.
 *
 * @example
 * ```ts
 * const enc = new WriteRequestEncoder();
 * enc.series(["__name__", "instance"], ["up", "n1"], 2, 1, 1700000000000);
 * const bytes = enc.finish(); // valid until the next series() or reset()
 * ```
 */
export class WriteRequestEncoder {
  #buf = new Uint8Array(64 * 1024);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  #series = 0;
  #encoder = new TextEncoder();

  /** Series written since the last reset. */
  get count(): number {
    return this.#series;
  }

  /** Bytes written since the last reset. */
  get length(): number {
    return this.#pos;
  }

  /** Starts a new request (keeps the buffer). */
  reset(): void {
    this.#pos = 0;
    this.#series = 0;
  }

  /**
   * Adds one series with one sample. `names[i]`/`values[i]` for `i < n` are its labels, which
   * the caller passes sorted by name (remote write requires it; `__name__` sorts first).
   * `timestampMs` must be a non-negative safe integer.
   */
  series(
    names: readonly string[],
    values: readonly string[],
    n: number,
    value: number,
    timestampMs: number,
  ): void {
    let labelsLen = 0;
    for (let i = 0; i < n; i++) {
      const l = labelLength(names[i], values[i]);
      labelsLen += 1 + varintLength(l) + l;
    }
    const sampleLen = 1 + 8 + 1 + varintLength(timestampMs);
    const seriesLen = labelsLen + 1 + varintLength(sampleLen) + sampleLen;
    this.#ensure(1 + 5 + seriesLen);
    this.#byte(TAG_SERIES);
    this.#varint(seriesLen);
    for (let i = 0; i < n; i++) {
      const nl = utf8Length(names[i]);
      const vl = utf8Length(values[i]);
      this.#byte(TAG_SERIES);
      this.#varint(1 + varintLength(nl) + nl + 1 + varintLength(vl) + vl);
      this.#byte(TAG_SERIES);
      this.#varint(nl);
      this.#string(names[i], nl);
      this.#byte(TAG_SAMPLE);
      this.#varint(vl);
      this.#string(values[i], vl);
    }
    this.#byte(TAG_SAMPLE);
    this.#varint(sampleLen);
    this.#byte(TAG_VALUE);
    this.#view.setFloat64(this.#pos, value, true);
    this.#pos += 8;
    this.#byte(TAG_TIMESTAMP);
    this.#varint(timestampMs);
    this.#series++;
  }

  /** The request so far: a view valid until the next {@link series} or {@link reset}. */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  #byte(b: number): void {
    this.#buf[this.#pos++] = b;
  }

  #varint(v: number): void {
    while (v >= 128) {
      this.#buf[this.#pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.#buf[this.#pos++] = v;
  }

  #string(s: string, len: number): void {
    if (len === s.length) {
      // ASCII: one byte per char code, no encoder call.
      for (let i = 0; i < len; i++) this.#buf[this.#pos + i] = s.charCodeAt(i);
    } else this.#encoder.encodeInto(s, this.#buf.subarray(this.#pos, this.#pos + len));
    this.#pos += len;
  }
}

function labelLength(name: string, value: string): number {
  const nl = utf8Length(name);
  const vl = utf8Length(value);
  return 1 + varintLength(nl) + nl + 1 + varintLength(vl) + vl;
}
