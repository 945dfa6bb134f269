/**
 * Netdata simple patterns (libnetdata/simple_pattern), as used by `dimensions=`, `context=`,
 * `chart=`, `filter=` and stream.conf's `send charts matching`.
 *
 * A pattern is a list of words separated by any of the separator characters. A word may start with
 * `!` (a negative match), use `*` as a wildcard anywhere, and `\` escapes the next character. Words
 * are tried in order and the first one that matches decides: positive gives true, negative false.
 * @module
 */

/** Netdata's default separators: whitespace. */
export const DEFAULT_SEPARATORS = " \t\r\n\f\v";

/** The separators the query API uses (`,`, `|` and whitespace other than space). */
export const API_SEPARATORS = ",|\t\r\n\f\v";

const MODE_EXACT = 0;
const MODE_PREFIX = 1;
const MODE_SUFFIX = 2;
const MODE_SUBSTRING = 3;

interface Node {
  match: string;
  mode: number;
  child: Node | null;
}

interface Word {
  negative: boolean;
  node: Node;
}

/** Options of {@link compileSimplePattern}. */
export interface SimplePatternOptions {
  /** Characters that separate words; default {@link DEFAULT_SEPARATORS}. */
  separators?: string;
}

/** A compiled pattern: true for a positive match, false for a negative one, undefined for none. */
export type SimplePattern = (s: string) => boolean | undefined;

/**
 * Compiles a Netdata simple pattern. An empty pattern matches nothing (always undefined).
 *
 * @example
 * ```ts
 * const p = compileSimplePattern("!*.tmp *");
 * p("a.tmp"); // false
 * p("a.txt"); // true
 * ```
 */
export function compileSimplePattern(text: string, opts: SimplePatternOptions = {}): SimplePattern {
  const words = parseWords(text, opts.separators ?? DEFAULT_SEPARATORS);
  if (words.length === 0) return () => undefined;
  return (s: string) => {
    if (s.length === 0) return undefined;
    for (let i = 0; i < words.length; i++) {
      if (matchNode(words[i].node, s)) return !words[i].negative;
    }
    return undefined;
  };
}

/**
 * Whether `pattern` lets a client at `address` in, as Netdata's `allow from` / `allow connections
 * from` do: loopback clients are matched as `localhost` first, then by their address.
 */
export function clientAllowed(pattern: SimplePattern, address: string): boolean {
  const loopback = address === "::1" || address.startsWith("127.");
  return (loopback ? pattern("localhost") ?? pattern(address) : pattern(address)) === true;
}

/**
 * Netdata's `is_valid_sp()`: a pattern is worth compiling when it is non-empty and not just `*`
 * (which would match everything anyway).
 */
export function isValidPattern(text: string | undefined): text is string {
  return text !== undefined && text.length > 0 && text !== "*";
}

function parseWords(text: string, separators: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && separators.includes(text[i])) i++;
    let negative = false;
    if (text[i] === "!") {
      negative = true;
      i++;
    }
    if (i >= n) break;
    let buf = "";
    let escape = false;
    while (i < n) {
      const c = text[i];
      if (c === "\\" && !escape) {
        escape = true;
        i++;
        continue;
      }
      if (!escape && separators.includes(c)) {
        i++;
        break;
      }
      buf += c;
      i++;
      escape = false;
    }
    if (buf.length === 0) continue;
    words.push({ negative, node: parseNode(buf) });
  }
  return words;
}

/** Netdata's parse_pattern(): an asterisk in the middle splits the word into a chain. */
function parseNode(str: string): Node {
  let c = 0;
  while (c < str.length && str[c] === "*") c++;
  while (c < str.length && str[c] !== "*") c++;
  let child: Node | null = null;
  let s = str;
  if (c < str.length && c + 1 < str.length) {
    child = parseNode(str.slice(c));
    s = str.slice(0, c + 1);
  }
  let mode: number;
  const len = s.length;
  if (len >= 2 && s[0] === "*" && s[len - 1] === "*") {
    s = s.slice(1, len - 1);
    mode = MODE_SUBSTRING;
  } else if (len >= 1 && s[0] === "*") {
    s = s.slice(1);
    mode = MODE_SUFFIX;
  } else if (len >= 1 && s[len - 1] === "*") {
    s = s.slice(0, len - 1);
    mode = MODE_PREFIX;
  } else {
    mode = MODE_EXACT;
  }
  if (s.length === 0) return { match: "", mode: MODE_SUBSTRING, child };
  return { match: s, mode, child };
}

function matchNode(m: Node, str: string): boolean {
  const len = str.length;
  const ml = m.match.length;
  if (ml > len) return false;
  switch (m.mode) {
    case MODE_SUBSTRING: {
      if (ml === 0) return true;
      const at = str.indexOf(m.match);
      if (at < 0) return false;
      if (m.child === null) return true;
      return matchNode(m.child, str.slice(at + ml));
    }
    case MODE_PREFIX:
      if (!str.startsWith(m.match)) return false;
      if (m.child === null) return true;
      return matchNode(m.child, str.slice(ml));
    case MODE_SUFFIX:
      return str.endsWith(m.match) && m.child === null;
    default:
      return str === m.match && m.child === null;
  }
}
