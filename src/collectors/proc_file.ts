/**
 * The reusable /proc (and sysfs) reader and the byte scanner collectors parse it with.
 *
 * A {@link ProcFile} is opened once; every {@link ProcFile.read} rewinds and reads the whole file
 * into one reused buffer that doubles when full (like Netdata's procfile, without the word
 * index). A {@link Scanner} walks that buffer by char codes: words, unsigned integers and
 * decimals come out as numbers, never as strings, so a tick allocates nothing per value.
 * @module
 */

const INITIAL_BYTES = 4096;

/** One open /proc or /sys file, re-read from the start on every {@link read}. */
export class ProcFile {
  readonly path: string;
  #file: Deno.FsFile | null;
  #buf: Uint8Array;
  #length = 0;

  /**
   * Opens `path` for reading.
   * @throws {Deno.errors.NotFound | Deno.errors.PermissionDenied} when it cannot be opened.
   */
  constructor(path: string, initialBytes = INITIAL_BYTES) {
    this.path = path;
    this.#file = Deno.openSync(path, { read: true });
    this.#buf = new Uint8Array(initialBytes > 16 ? initialBytes : 16);
  }

  /**
   * Rewinds and reads the whole file; returns its length in bytes.
   * @throws {Error} when the file is closed or the read fails (sysfs answers EINVAL for
   * attributes a device does not support).
   */
  read(): number {
    const f = this.#file;
    if (f === null) throw new Error(`Cannot read "${this.path}": file is closed`);
    f.seekSync(0, Deno.SeekMode.Start);
    let n = 0;
    for (;;) {
      if (n === this.#buf.length) {
        // io/buffer.ts style: grow by doubling, keep what was read.
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
      const r = f.readSync(this.#buf.subarray(n));
      if (r === null || r === 0) break;
      n += r;
    }
    this.#length = n;
    return n;
  }

  /** The bytes of the last read; valid until the next {@link read} (the buffer is reused). */
  get bytes(): Uint8Array {
    return this.#buf;
  }

  /** Length of the last read. */
  get length(): number {
    return this.#length;
  }

  /** Closes the file; further reads throw. Idempotent. */
  close(): void {
    if (this.#file !== null) {
      try {
        this.#file.close();
      } catch {
        // already closed by the runtime; nothing to release
      }
      this.#file = null;
    }
  }
}

const WORD = 0;
const SEPARATOR = 1;
const NEWLINE = 2;

const encoder = new TextEncoder();

/** ASCII bytes of a string (for keys compared against the buffer). */
export function ascii(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * A cursor over one read of a file, splitting lines into words on a set of separator bytes
 * (newline always ends a line), like Netdata's procfile. Everything is returned as numbers or
 * as offsets into the buffer.
 */
export class Scanner {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  /** Start and end (exclusive) of the word found by the last {@link word}. */
  ws = 0;
  we = 0;
  readonly #cls: Uint8Array;

  /** `separators`: bytes that separate words besides space and tab, e.g. ":" for meminfo. */
  constructor(separators = "") {
    const cls = new Uint8Array(256);
    for (let i = 0; i < 256; i++) {
      // Netdata's default: whitespace and non-printable bytes separate words.
      cls[i] = i === 10 ? NEWLINE : (i <= 32 || i >= 127) ? SEPARATOR : WORD;
    }
    for (let i = 0; i < separators.length; i++) cls[separators.charCodeAt(i)] = SEPARATOR;
    this.#cls = cls;
  }

  /** Starts scanning `buf[0..end)`. */
  reset(buf: Uint8Array, end: number): void {
    this.buf = buf;
    this.pos = 0;
    this.end = end;
    this.ws = 0;
    this.we = 0;
  }

  /** Whether the whole buffer has been consumed. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Finds the next word on the current line; false (staying at the newline) when none is left. */
  word(): boolean {
    const buf = this.buf;
    const cls = this.#cls;
    let p = this.pos;
    const end = this.end;
    while (p < end && cls[buf[p]] === SEPARATOR) p++;
    if (p >= end || cls[buf[p]] === NEWLINE) {
      this.pos = p;
      this.ws = this.we = p;
      return false;
    }
    const s = p;
    while (p < end && cls[buf[p]] === WORD) p++;
    this.ws = s;
    this.we = p;
    this.pos = p;
    return true;
  }

  /** Skips `n` words on the current line; returns how many were really skipped. */
  skipWords(n: number): number {
    let i = 0;
    while (i < n && this.word()) i++;
    return i;
  }

  /** Counts the words left on the current line without moving. */
  wordsLeft(): number {
    const p = this.pos;
    let n = 0;
    while (this.word()) n++;
    this.pos = p;
    return n;
  }

  /** Moves to the start of the next line; false when the buffer ends. */
  nextLine(): boolean {
    const buf = this.buf;
    let p = this.pos;
    const end = this.end;
    while (p < end && buf[p] !== 10) p++;
    this.pos = p < end ? p + 1 : end;
    return this.pos < end;
  }

  /**
   * The next word as an unsigned integer, like Netdata's `str2ull()`: leading digits only
   * (`"-1"` is 0, `"12kB"` is 12); 0 when the line has no word left.
   */
  uint(): number {
    if (!this.word()) return 0;
    return this.wordUint();
  }

  /** The current word's leading digits as a number (see {@link uint}). */
  wordUint(): number {
    const buf = this.buf;
    let n = 0;
    for (let p = this.ws; p < this.we; p++) {
      const c = buf[p] - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    return n;
  }

  /**
   * The next word as a decimal number (`"12.34"`), rounded exactly like `strtod()` for up to 15
   * significant digits: digits as one integer divided once by a power of ten.
   */
  decimal(): number {
    if (!this.word()) return 0;
    const buf = this.buf;
    let n = 0;
    let scale = 1;
    let frac = false;
    for (let p = this.ws; p < this.we; p++) {
      const b = buf[p];
      if (b === 46 && !frac) {
        frac = true;
        continue;
      }
      const c = b - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
      if (frac) scale *= 10;
    }
    return n / scale;
  }

  /**
   * The next word as a decimal scaled by `10^digits` and truncated, in exact integer arithmetic
   * (`"342.70"` with 3 digits is 342700).
   */
  fixed(digits: number): number {
    if (!this.word()) return 0;
    const buf = this.buf;
    let n = 0;
    let d = -1;
    for (let p = this.ws; p < this.we; p++) {
      const b = buf[p];
      if (b === 46 && d < 0) {
        d = 0;
        continue;
      }
      const c = b - 48;
      if (c < 0 || c > 9) break;
      if (d >= 0) {
        if (d === digits) continue;
        d++;
      }
      n = n * 10 + c;
    }
    if (d < 0) d = 0;
    for (; d < digits; d++) n *= 10;
    return n;
  }

  /** Whether the current word equals `key`. */
  wordIs(key: Uint8Array): boolean {
    return bytesEqual(this.buf, this.ws, this.we, key);
  }

  /** The current word as a string (allocates: only for discovery, never per tick). */
  wordString(): string {
    return latin1(this.buf, this.ws, this.we);
  }
}

/** Whether `buf[start..end)` equals `key`. */
export function bytesEqual(buf: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  const n = end - start;
  if (n !== key.length) return false;
  for (let i = 0; i < n; i++) if (buf[start + i] !== key[i]) return false;
  return true;
}

/** Decodes bytes as Latin-1 (procfs names are ASCII). */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}

function hashBytes(buf: Uint8Array, start: number, end: number): number {
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

/** A fixed set of keys looked up by bytes without making strings (Netdata's ARL, simplified). */
export class KeyTable {
  readonly keys: readonly string[];
  readonly #bytes: Uint8Array[];
  readonly #byHash = new Map<number, number>();

  /** @throws {RangeError} when two keys hash alike (change a key set, not the data). */
  constructor(keys: readonly string[]) {
    this.keys = keys;
    this.#bytes = keys.map(ascii);
    for (let i = 0; i < keys.length; i++) {
      const b = this.#bytes[i];
      const h = hashBytes(b, 0, b.length);
      if (this.#byHash.has(h)) {
        throw new RangeError(`Keys "${keys[this.#byHash.get(h)!]}" and "${keys[i]}" collide`);
      }
      this.#byHash.set(h, i);
    }
  }

  /** Index of the key equal to `buf[start..end)`, or -1. */
  find(buf: Uint8Array, start: number, end: number): number {
    const i = this.#byHash.get(hashBytes(buf, start, end));
    if (i === undefined) return -1;
    return bytesEqual(buf, start, end, this.#bytes[i]) ? i : -1;
  }
}

/**
 * Reads a small sysfs attribute: the first line, trimmed, or null when it cannot be read.
 * For discovery and slow paths only (allocates a string).
 */
export function readSmallFile(path: string): string | null {
  try {
    const text = Deno.readTextFileSync(path);
    const nl = text.indexOf("\n");
    return (nl >= 0 ? text.slice(0, nl) : text).trim();
  } catch {
    return null;
  }
}

/** Whether a path exists and can be accessed (Netdata's `access(R_OK) == 0`, approximately). */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
