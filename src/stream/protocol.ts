/**
 * Netdata's agent-to-agent streaming protocol (v1.37.1 wire format), the pure parts: capability
 * bits and their negotiation, the handshake request and reply strings, the word splitter for
 * protocol lines and the reading of collected numbers. No I/O here; see docs in PROTOCOL.md.
 * @module
 */

/** Capability bits (PROTOCOL.md §1). */
export const CAP_V1 = 1 << 3;
export const CAP_V2 = 1 << 4;
export const CAP_VN = 1 << 5;
export const CAP_VCAPS = 1 << 6;
export const CAP_HLABELS = 1 << 7;
export const CAP_CLAIM = 1 << 8;
export const CAP_CLABELS = 1 << 9;
export const CAP_COMPRESSION = 1 << 10;
export const CAP_FUNCTIONS = 1 << 11;
export const CAP_REPLICATION = 1 << 12;
export const CAP_BINARY = 1 << 13;
export const CAP_INTERPOLATED = 1 << 14;
export const CAP_IEEE754 = 1 << 15;
/**
 * Ours, not Netdata's: the stream is one raw-deflate stream with a shared window, flushed per batch
 * (PROTOCOL.md §13.1). Far above every bit Netdata defines, which Netdata masks away (it ANDs an offer
 * with the bits it knows), so only our agents ever negotiate it.
 */
export const CAP_DEFLATE = 1 << 30;
/**
 * Ours, not Netdata's: collection rounds go as compact records of value changes (PROTOCOL.md §13.2);
 * everything else stays Netdata's text. Masked away by Netdata like {@link CAP_DEFLATE}.
 */
export const CAP_COMPACT = 1 << 29;

const CAP_NAMES: [number, string][] = [
  [CAP_V1, "V1"],
  [CAP_V2, "V2"],
  [CAP_VN, "VN"],
  [CAP_VCAPS, "VCAPS"],
  [CAP_HLABELS, "HLABELS"],
  [CAP_CLAIM, "CLAIM"],
  [CAP_CLABELS, "CLABELS"],
  [CAP_COMPRESSION, "COMPRESSION"],
  [CAP_FUNCTIONS, "FUNCTIONS"],
  [CAP_REPLICATION, "REPLICATION"],
  [CAP_BINARY, "BINARY"],
  [CAP_INTERPOLATED, "INTERPOLATED"],
  [CAP_IEEE754, "IEEE754"],
  [CAP_DEFLATE, "DEFLATE"],
  [CAP_COMPACT, "COMPACT"],
];

/** Names of the bits in `caps`, space separated, as Netdata logs them. */
export function capabilityNames(caps: number): string {
  return CAP_NAMES.filter(([bit]) => (caps & bit) !== 0).map(([, n]) => n).join(" ");
}

/**
 * Turns a `ver=` value (or a reply's version number) into a capability set (PROTOCOL.md §1): old
 * protocol numbers 0..5 map to their bit sets, then the newest protocol marker wins.
 */
export function decodeCapabilities(ver: number): number {
  let caps: number;
  if (!Number.isFinite(ver) || ver <= 1) caps = CAP_V1;
  else if (ver === 2) caps = CAP_V2 | CAP_HLABELS;
  else if (ver === 3) caps = CAP_VN | CAP_HLABELS | CAP_CLAIM;
  else if (ver === 4) caps = CAP_VN | CAP_HLABELS | CAP_CLAIM | CAP_CLABELS;
  else if (ver === 5) caps = CAP_VN | CAP_HLABELS | CAP_CLAIM | CAP_CLABELS | CAP_COMPRESSION;
  else caps = ver | 0;
  if (caps & CAP_VCAPS) caps &= ~(CAP_V1 | CAP_V2 | CAP_VN);
  if (caps & CAP_VN) caps &= ~(CAP_V1 | CAP_V2);
  if (caps & CAP_V2) caps &= ~CAP_V1;
  return caps;
}

/** Parses `ver=` text like Netdata (atoi: leading digits, junk ends the number; none = 0). */
export function parseVersionParam(text: string | undefined): number {
  if (text === undefined) return 0;
  const m = /^\s*([+-]?\d+)/.exec(text);
  if (!m) return 0;
  const n = Number(m[1]);
  return n > 0x7fffffff ? 0x7fffffff : n;
}

/** Protocol markers every side understands. */
export const CAP_MARKERS = CAP_V1 | CAP_V2 | CAP_VN | CAP_VCAPS;

/**
 * What a parent grants (PROTOCOL.md §1): the child's offer decoded, ANDed with what this side implements
 * (`ours`, markers included). Always a subset of the offer.
 */
export function negotiate(childVer: number, ours: number): number {
  return decodeCapabilities(childVer) & (ours | CAP_MARKERS);
}

/** Handshake reply strings (PROTOCOL.md §2.2): bare ASCII, no newline. */
export const PROMPT_V1 = "Hit me baby, push them over...";
export const PROMPT_V2 = "Hit me baby, push them over and bring the host labels...";
export const PROMPT_VN = "Hit me baby, push them over with the version=";
export const REPLY_SAME_LOCALHOST = "Don't hit me baby, you are trying to stream my localhost back";
export const REPLY_ALREADY_STREAMING = "This GUID is already streaming to this server";
export const REPLY_NOT_PERMITTED = "You are not permitted to access this. Check the logs for more info.";
export const REPLY_BUSY = "The server is too busy now to accept this request. Try later.";
export const REPLY_INTERNAL_ERROR = "The server encountered an internal error. Try later.";
export const REPLY_INITIALIZING = "The server is initializing. Try later.";
export const REPLY_NOT_ALLOWED = "You are not allowed to access this resource.";

/** The success prompt a parent sends for negotiated capabilities `caps` (PROTOCOL.md §1). */
export function promptFor(caps: number): string {
  if (caps & CAP_VCAPS) return PROMPT_VN + String(caps);
  if (caps & CAP_VN) {
    return PROMPT_VN + (caps & CAP_COMPRESSION ? "5" : caps & CAP_CLABELS ? "4" : "3");
  }
  if (caps & CAP_V2) return PROMPT_V2;
  return PROMPT_V1;
}

/** How a child reads the parent's reply (PROTOCOL.md §2.3). */
export type HandshakeResult =
  | { ok: true; caps: number }
  | { ok: false; reason: HandshakeRefusal; postponeSec: number; text: string };

/** Why a handshake failed, with Netdata's v1.37.1 reason codes in mind. */
export type HandshakeRefusal =
  | "same localhost"
  | "already streaming"
  | "not permitted"
  | "busy"
  | "internal error"
  | "initializing"
  | "not understood";

/** Interprets the parent's reply bytes exactly as a v1.37.1 (and v1.40+) child does. */
export function parseHandshakeReply(text: string): HandshakeResult {
  if (text.length > PROMPT_VN.length && text.length < PROMPT_VN.length + 30 && text.startsWith(PROMPT_VN)) {
    return { ok: true, caps: decodeCapabilities(parseVersionParam(text.slice(PROMPT_VN.length))) };
  }
  switch (text) {
    case PROMPT_V2:
      return { ok: true, caps: decodeCapabilities(2) };
    case PROMPT_V1:
      return { ok: true, caps: decodeCapabilities(1) };
    case REPLY_SAME_LOCALHOST:
      return { ok: false, reason: "same localhost", postponeSec: 3600, text };
    case REPLY_ALREADY_STREAMING:
      return { ok: false, reason: "already streaming", postponeSec: 120, text };
    case REPLY_NOT_PERMITTED:
      return { ok: false, reason: "not permitted", postponeSec: 60, text };
    case REPLY_BUSY:
      return { ok: false, reason: "busy", postponeSec: 120, text };
    case REPLY_INTERNAL_ERROR:
      return { ok: false, reason: "internal error", postponeSec: 300, text };
    case REPLY_INITIALIZING:
      return { ok: false, reason: "initializing", postponeSec: 30, text };
    default:
      return { ok: false, reason: "not understood", postponeSec: 60, text };
  }
}

/**
 * Decodes a URL-encoded string as Netdata does: `+` is a space, `%XX` a byte. Returns undefined
 * for bytes that are control characters or not valid UTF-8 (Netdata answers 400).
 */
export function netdataUrlDecode(text: string): string | undefined {
  if (text.indexOf("%") < 0 && text.indexOf("+") < 0) return hasControl(text) ? undefined : text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 /* % */ && i + 2 < text.length && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b /* + */) {
      bytes.push(0x20);
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      for (const b of new TextEncoder().encode(text[i])) bytes.push(b);
    }
  }
  let out: string;
  try {
    out = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
  return hasControl(out) ? undefined : out;
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** A parsed `STREAM` request. */
export interface StreamRequest {
  /** Parameters by name; for a repeated name the last one wins (v1.37.1). */
  params: Map<string, string>;
  /** `User-Agent` split at the first `/`. */
  program: string;
  version: string;
}

/** Maximum size of a STREAM request head (PROTOCOL.md §2.2). */
export const MAX_REQUEST_BYTES = 16384;

/**
 * Parses the request head (everything up to and including the blank line) as a v1.37.1 parent.
 * @throws {SyntaxError} when it is not a STREAM request, or its query cannot be decoded.
 */
export function parseStreamRequest(head: string): StreamRequest {
  if (!head.startsWith("STREAM ")) throw new SyntaxError("Not a STREAM request");
  const lineEnd = head.indexOf("\r\n");
  const first = lineEnd < 0 ? head : head.slice(0, lineEnd);
  const httpAt = first.indexOf(" HTTP/");
  if (httpAt < 0) throw new SyntaxError('STREAM request line has no " HTTP/" version');
  const decoded = netdataUrlDecode(first.slice(7, httpAt));
  if (decoded === undefined) throw new SyntaxError("STREAM request query has invalid characters");
  const params = new Map<string, string>();
  for (const item of decoded.slice(0, 8192).split("&")) {
    const eq = item.indexOf("=");
    if (eq <= 0) continue;
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (value === "") continue;
    params.set(name, value);
  }
  let program = "";
  let version = "";
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).toLowerCase() === "user-agent") {
      const ua = line.slice(colon + 1).trim();
      const slash = ua.indexOf("/");
      program = slash < 0 ? ua : ua.slice(0, slash);
      version = slash < 0 ? "" : ua.slice(slash + 1);
    }
  }
  return { params, program, version };
}

/**
 * Builds a STREAM request with every value percent-encoded (PROTOCOL.md §2.1).
 * `params` keep their order.
 */
export function buildStreamRequest(params: [string, string][], program: string, version: string): string {
  const query = params.filter(([, v]) => v !== "").map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  return `STREAM ${query} HTTP/1.1\r\nUser-Agent: ${program}/${version}\r\nAccept: */*\r\n\r\n`;
}

/** Maximum words per line a v1.37.1 parser keeps (later versions: 30). */
export const MAX_WORDS = 20;

/**
 * Splits a protocol line into words (PROTOCOL.md §4): separators are space, tab, CR, LF and `=`; a word
 * that starts with `'` or `"` runs to the next same quote; a backslash makes the next character
 * literal and is kept. Fills `words` (reused between calls) and returns how many were found.
 */
export function splitWords(line: string, words: string[], max = MAX_WORDS): number {
  let n = 0;
  let i = 0;
  const len = line.length;
  while (i < len && n < max) {
    let c = line.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x3d) {
      i++;
      continue;
    }
    if (c === 0x22 || c === 0x27) {
      const quote = c;
      const start = ++i;
      while (i < len) {
        c = line.charCodeAt(i);
        if (c === 0x5c && i + 1 < len) {
          i += 2;
          continue;
        }
        if (c === quote) break;
        i++;
      }
      words[n++] = line.slice(start, i);
      i++; // the closing quote ends the word
      continue;
    }
    const start = i;
    while (i < len) {
      c = line.charCodeAt(i);
      if (c === 0x5c && i + 1 < len) {
        i += 2;
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x3d) break;
      i++;
    }
    words[n++] = line.slice(start, i);
  }
  return n;
}

/** Longest line a v1.37.1 parent accepts (bytes). */
export const MAX_LINE_BYTES = 15360;

/** strtoll's limits, both 2^63 as doubles. */
const INT64_LIMIT = 2 ** 63;

/**
 * Parses a SET value like Netdata's strtoll(…, 0): 0x hex, leading-zero octal, decimal; values
 * beyond int64 saturate.
 */
export function parseCollected(text: string): number {
  let s = text;
  let neg = false;
  if (s.charCodeAt(0) === 0x2d /* - */) {
    neg = true;
    s = s.slice(1);
  } else if (s.charCodeAt(0) === 0x2b /* + */) s = s.slice(1);
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = parseInt(s.slice(2), 16);
  else if (/^0[0-7]+$/.test(s)) v = parseInt(s, 8);
  else if (/^\d+$/.test(s)) v = Number(s);
  else {
    // strtoll stops at the first bad character; a number with a fraction keeps its integer part.
    const m = /^\d+/.exec(s);
    v = m ? Number(m[0]) : NaN;
  }
  if (v > INT64_LIMIT) v = INT64_LIMIT;
  return neg ? -v : v;
}
