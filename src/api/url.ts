/**
 * Request-line parsing the way Netdata's web server does it (web_client.c, libnetdata/url): split
 * path and query at the first `?` (or an encoded `%3F`), percent-decode the path and the *whole*
 * query before anything splits it, and walk paths with `mystrsep()`, which skips empty segments.
 * @module
 */

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Netdata's `url_decode_r()`: `%XX` and `+` decoding. Returns undefined when a decoded byte is a
 * control character, the escape is malformed, or the result is not valid UTF-8.
 */
export function urlDecode(s: string): string | undefined {
  if (s.indexOf("%") < 0 && s.indexOf("+") < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const h = i + 2 < s.length ? hexValue(s.charCodeAt(i + 1)) : -1;
      const l = h >= 0 ? hexValue(s.charCodeAt(i + 2)) : -1;
      if (l < 0) return undefined;
      const b = h * 16 + l;
      if (b < 0x80 && (b < 0x20 || b > 0x7e)) return undefined;
      bytes.push(b);
      i += 2;
    } else if (c === 43) {
      bytes.push(32);
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Raw non-ASCII (already decoded by the HTTP layer): keep its UTF-8 bytes.
      let end = i + 1;
      if (c >= 0xd800 && c <= 0xdbff && end < s.length) end++;
      for (const b of encoder.encode(s.slice(i, end))) bytes.push(b);
      i = end - 1;
    }
  }
  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** The raw path and query of a request URL, split at `?` or an encoded `%3F`. */
export interface RawTarget {
  path: string;
  /** Raw query without its separator; undefined when there is none. */
  query: string | undefined;
}

/** Splits `http://host/path?query` (or `/path?query`) into its raw path and query. */
export function splitTarget(url: string): RawTarget {
  let start = 0;
  const scheme = url.indexOf("://");
  if (scheme >= 0) {
    const slash = url.indexOf("/", scheme + 3);
    start = slash < 0 ? url.length : slash;
  }
  const target = url.slice(start);
  const q = target.indexOf("?");
  if (q >= 0) return { path: target.slice(0, q), query: target.slice(q + 1) };
  const enc = /%3f/i.exec(target);
  if (enc !== null) return { path: target.slice(0, enc.index), query: target.slice(enc.index + 3) };
  return { path: target, query: undefined };
}

/**
 * A cursor over a string that mimics Netdata's `mystrsep()`: each call returns the next token that
 * is not empty, or "" when nothing is left; `rest` is undefined once no delimiter remains.
 */
export class Tokenizer {
  rest: string | undefined;

  constructor(text: string | undefined) {
    this.rest = text;
  }

  /** The next non-empty token up to any of `delims` (skipping empty ones). */
  next(delims: string): string {
    let tok = "";
    while (tok === "" && this.rest !== undefined) {
      const s = this.rest;
      let i = 0;
      while (i < s.length && !delims.includes(s[i])) i++;
      if (i < s.length) {
        tok = s.slice(0, i);
        this.rest = s.slice(i + 1);
      } else {
        tok = s;
        this.rest = undefined;
      }
    }
    return tok;
  }
}

/** Decoded query parameters with Netdata's rules (see {@link parseQuery}). */
export class QueryParams {
  /** `name=value` pairs in order; empty names and values were dropped. */
  readonly pairs: [string, string][] = [];
  /** Every non-empty `&`-separated token as written (for bare flags such as `all`). */
  readonly tokens: string[] = [];

  /** The last value given for any of `names` (later ones win, like Netdata's parsing loops). */
  get(...names: string[]): string | undefined {
    let v: string | undefined;
    for (const [n, val] of this.pairs) if (names.includes(n)) v = val;
    return v;
  }

  /** Every value of `names` joined like Netdata does for dimensions: `|a|b`; undefined when none. */
  joined(...names: string[]): string | undefined {
    let v: string | undefined;
    for (const [n, val] of this.pairs) if (names.includes(n)) v = (v ?? "") + "|" + val;
    return v;
  }

  /** Whether `name` was given with a value. */
  has(name: string): boolean {
    return this.pairs.some(([n]) => n === name);
  }
}

/** Splits an already decoded query string like Netdata's API handlers do. */
export function parseQuery(decoded: string | undefined): QueryParams {
  const out = new QueryParams();
  const t = new Tokenizer(decoded);
  while (t.rest !== undefined) {
    const value = t.next("&");
    if (value === "") continue;
    out.tokens.push(value);
    const kv = new Tokenizer(value);
    const name = kv.next("=");
    if (name === "" || kv.rest === undefined || kv.rest === "") continue;
    out.pairs.push([name, kv.rest]);
  }
  return out;
}

/**
 * Netdata's `str2l()`: an optional `-` and leading digits; anything else ends the number, and no
 * digits give 0.
 */
export function parseLeadingInt(s: string | undefined): number {
  if (s === undefined) return 0;
  let i = 0;
  const neg = s[0] === "-";
  if (neg) i++;
  let v = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/** C's `strtod()` on a prefix: the longest leading decimal number, NaN when there is none. */
export function parseLeadingFloat(s: string): number {
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s);
  return m === null ? NaN : Number(m[0]);
}
