/**
 * Typed getters for configuration values. Each getter reads one raw value (with where it came
 * from), returns the typed value, or pushes a {@link ConfigProblem} and returns `undefined`: they
 * never throw and never clamp, so one run reports every bad value with its accepted range.
 *
 * Messages follow the project style: `Cannot parse "update every" in [db]: expected a duration
 * like "1s", got "fast"`.
 * @module
 */

import { compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import type { BindSpec, ConfigProblem, WebAcl } from "./types.ts";

/** A raw value and where it came from: a file line, or a command-line flag (line 0). */
export interface RawValue {
  /** The value as written (trimmed, otherwise verbatim). */
  value: string;
  /** File path, `embedded:<name>`, or a flag such as `--port`. */
  file: string;
  /** 1-based; 0 for flags and defaults. */
  line: number;
  /** Section the value belongs to, for messages. */
  section: string;
  /** Key name, for messages. */
  key: string;
}

/** Options of {@link int}. */
export interface IntOptions {
  /** Smallest accepted value. */
  min: number;
  /** Largest accepted value. */
  max: number;
  /** Unit named in the range message, e.g. "seconds". */
  unit?: string;
}

/** Options of {@link size}. */
export interface SizeOptions {
  /** Unit of a plain number and of the result. */
  unit: "bytes" | "MiB";
  /** Smallest accepted size, in `unit`. */
  min: number;
  /** Largest accepted size, in `unit`. */
  max: number;
}

/** Options of {@link oneOf}. */
export interface OneOfOptions<T extends string> {
  /** The accepted words, in the order the message lists them. */
  values: readonly T[];
}

/** Options of {@link uuid}. */
export interface UuidOptions {
  /** Accept "" (meaning "not set"). */
  allowEmpty?: boolean;
}

const q = (s: string): string => JSON.stringify(s);

/** Explains the two Netdata traps (no quoting, no inline comments) when the value shows one. */
function hint(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
    return " (quotes are part of the value: Netdata does not strip them)";
  }
  if (value.includes("#")) {
    return ' (Netdata has no inline comments: "#" and what follows are part of the value)';
  }
  return "";
}

/** Where a problem is: a file, line, section and key (a RawValue is one). */
export type Where = Pick<ConfigProblem, "file" | "line" | "section" | "key">;

/** A problem at `where`. */
export function problem(severity: ConfigProblem["severity"], where: Where, message: string): ConfigProblem {
  return { severity, file: where.file, line: where.line, section: where.section, key: where.key, message };
}

function cannotParse(raw: RawValue, expected: string, extra = ""): ConfigProblem {
  return problem(
    "error",
    raw,
    `Cannot parse ${q(raw.key)} in [${raw.section}]: expected ${expected}, got ${q(raw.value)}${
      extra || hint(raw.value)
    }`,
  );
}

function outOfRange(raw: RawValue, range: string): ConfigProblem {
  return problem(
    "error",
    raw,
    `Value of ${q(raw.key)} in [${raw.section}] is out of range: expected ${range}, got ${q(raw.value)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Pure value parsers (text -> value or undefined).

const TRUE_WORDS = new Set(["yes", "true", "on"]);
const FALSE_WORDS = new Set(["no", "false", "off"]);

/**
 * Parses a boolean the way Netdata's `appconfig_get_boolean()` spells them: yes/no, true/false,
 * on/off, any case. Returns undefined for anything else.
 */
export function parseBool(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  return undefined;
}

const INT_RE = /^[+-]?\d+$/;

/** Parses a decimal integer (no hex, no trailing text, unlike Netdata's `strtoll`). */
export function parseInteger(text: string): number | undefined {
  if (!INT_RE.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?$/;
const DURATION_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * Parses a duration in whole seconds: a plain number of seconds (Netdata's form) or a number
 * with one unit of s, m, h, d, w (`5s`, `1m`, `1.5h`, `1d`). Returns undefined when it is not a
 * whole number of seconds.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text);
  if (!m) return undefined;
  const sec = Number(m[1]) * DURATION_UNIT[m[2] ?? "s"];
  return Number.isSafeInteger(sec) ? sec : undefined;
}

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)?$/i;
const SIZE_UNIT: Record<string, number> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Parses a size: a plain number in `plainUnit`, or a number with one of B, KiB, MiB, GiB, TiB
 * (any case). Returns the size in `plainUnit`, or undefined when it is not a whole number of
 * that unit.
 */
export function parseSize(text: string, plainUnit: "bytes" | "MiB"): number | undefined {
  const m = SIZE_RE.exec(text);
  if (!m) return undefined;
  const unitBytes = plainUnit === "bytes" ? 1 : SIZE_UNIT.mib;
  const bytes = Number(m[1]) * (m[2] ? SIZE_UNIT[m[2].toLowerCase()] : unitBytes);
  const n = bytes / unitBytes;
  return Number.isSafeInteger(n) ? n : undefined;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `text` is a UUID in its 36-character form (what Netdata's `uuid_parse()` takes). */
export function isUuid(text: string): boolean {
  return UUID_RE.test(text);
}

/** Formats a byte count with the largest binary unit that divides it: `10485760` -> `10MiB`. */
export function formatBytes(bytes: number): string {
  for (
    const [unit, size] of [["TiB", 1024 ** 4], ["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const
  ) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

// ---------------------------------------------------------------------------------------------
// Getters (raw value -> typed value, or a problem).

/** Reads a boolean (yes/no, true/false, on/off; any case). */
export function bool(raw: RawValue, problems: ConfigProblem[]): boolean | undefined {
  const v = parseBool(raw.value);
  if (v !== undefined) return v;
  // Netdata reads every word but yes/true/on/auto as "no", so "1" would silently mean "no" there.
  const extra = raw.value === "1" || raw.value === "0"
    ? ` (Netdata reads ${q(raw.value)} as "no"; write "yes" or "no")`
    : "";
  problems.push(cannotParse(raw, `"yes" or "no"`, extra));
  return undefined;
}

/** Reads a decimal integer within `[min, max]`. */
export function int(raw: RawValue, problems: ConfigProblem[], opts: IntOptions): number | undefined {
  const v = parseInteger(raw.value);
  if (v === undefined) {
    problems.push(cannotParse(raw, "an integer"));
    return undefined;
  }
  if (v < opts.min || v > opts.max) {
    problems.push(outOfRange(raw, `${opts.min} to ${opts.max}${opts.unit ? " " + opts.unit : ""}`));
    return undefined;
  }
  return v;
}

/** Reads a duration (see {@link parseDuration}) in whole seconds within `[min, max]`. */
export function duration(raw: RawValue, problems: ConfigProblem[], opts: IntOptions): number | undefined {
  const v = parseDuration(raw.value);
  if (v === undefined) {
    problems.push(cannotParse(raw, `a duration like "1s"`));
    return undefined;
  }
  if (v < opts.min || v > opts.max) {
    problems.push(outOfRange(raw, `${opts.min} to ${opts.max} seconds`));
    return undefined;
  }
  return v;
}

/** Reads a size (see {@link parseSize}) within `[min, max]`, in `opts.unit`. */
export function size(raw: RawValue, problems: ConfigProblem[], opts: SizeOptions): number | undefined {
  const v = parseSize(raw.value, opts.unit);
  const example = opts.unit === "bytes" ? "10MiB" : "256MiB";
  if (v === undefined) {
    problems.push(cannotParse(raw, `a size like ${q(example)}`));
    return undefined;
  }
  if (v < opts.min || v > opts.max) {
    const f = (n: number) => formatBytes(opts.unit === "bytes" ? n : n * 1024 ** 2);
    problems.push(outOfRange(raw, `${f(opts.min)} to ${f(opts.max)}`));
    return undefined;
  }
  return v;
}

/** Reads one of a fixed set of words (exact match, as Netdata compares them). */
export function oneOf<T extends string>(
  raw: RawValue,
  problems: ConfigProblem[],
  opts: OneOfOptions<T>,
): T | undefined {
  if ((opts.values as readonly string[]).includes(raw.value)) return raw.value as T;
  problems.push(cannotParse(raw, `one of ${opts.values.map(q).join(", ")}`));
  return undefined;
}

/** Reads a UUID such as an API key or a machine GUID. */
export function uuid(raw: RawValue, problems: ConfigProblem[], opts: UuidOptions = {}): string | undefined {
  if (raw.value === "" && opts.allowEmpty) return "";
  if (isUuid(raw.value)) return raw.value;
  problems.push(cannotParse(raw, `a UUID like "11111111-2222-3333-4444-555555555555"`));
  return undefined;
}

/** Reads a string that must not be empty, e.g. a directory; `what` names it in the message. */
export function nonEmpty(
  raw: RawValue,
  problems: ConfigProblem[],
  opts: { what: string },
): string | undefined {
  if (raw.value !== "") return raw.value;
  problems.push(
    problem("error", raw, `Cannot use ${q(raw.key)} in [${raw.section}]: expected ${opts.what}, got ""`),
  );
  return undefined;
}

/** A word of an address pattern: an optional "!", then host name and IP address characters and "*". */
const ADDRESS_WORD_RE = /^!?[A-Za-z0-9.:%_*-]+$/;

/**
 * Reads a Netdata simple pattern of client addresses (`allow from`, `allow connections from`):
 * words separated by spaces, each an optional `!` then host name or IP address characters and
 * `*`. Any other character (`[`, `\`, `/`, ...) can never match a client, so it is an error.
 */
export function addressPattern(raw: RawValue, problems: ConfigProblem[]): SimplePattern | undefined {
  const bad = raw.value.split(/\s+/).find((w) => w !== "" && !ADDRESS_WORD_RE.test(w));
  if (bad === undefined) return compileSimplePattern(raw.value);
  problems.push(cannotParse(
    raw,
    `a simple pattern of client addresses like "localhost 10.* !10.0.0.1"`,
    ` (${q(bad)} can never match a client address)`,
  ));
  return undefined;
}

/** Every access list of a `bind to` entry, in Netdata's order. */
export const WEB_ACLS: readonly WebAcl[] = [
  "dashboard",
  "registry",
  "badges",
  "management",
  "streaming",
  "netdata.conf",
];

const HOST_RE = /^[A-Za-z0-9._-]+$/;
const IPV6_RE = /^[0-9A-Fa-f:.]+$/;

/** Options of {@link bindTo}. */
export interface BindToOptions {
  /** Port of entries that name none (`[web] default port`). */
  defaultPort: number;
}

/**
 * Reads Netdata's `[web] bind to`: entries separated by spaces or commas, each one of
 * `[tcp:]IP[:PORT]`, `*[:PORT]`, `[IPv6][:PORT]` or `unix:/path`, optionally followed by
 * `=acl|acl...` and `^SSL=force` / `^SSL=optional` (`*:19999^SSL=optional` is accepted too).
 * `*`, `any`, `all` and an empty address mean every address and become `*`.
 */
export function bindTo(
  raw: RawValue,
  problems: ConfigProblem[],
  opts: BindToOptions,
): BindSpec[] | undefined {
  const out: BindSpec[] = [];
  let ok = true;
  const fail = (entry: string, expected: string, got: string) => {
    ok = false;
    problems.push(
      problem(
        "error",
        raw,
        `Cannot parse ${q(raw.key)} in [${raw.section}]: expected ${expected} in entry ${q(entry)}, ` +
          `got ${q(got)}${hint(entry)}`,
      ),
    );
  };
  for (const entry of raw.value.split(/[\s,]+/)) {
    if (entry === "") continue;
    if (entry.startsWith("unix:")) {
      const path = entry.slice(5);
      if (path === "") fail(entry, 'a socket path after "unix:"', "");
      else out.push({ host: path, port: 0, ssl: "none", acl: [...WEB_ACLS], unixPath: path });
      continue;
    }
    let rest = entry;
    if (rest.startsWith("udp:")) {
      fail(entry, `a TCP address or "unix:/path" (the web server does not listen on UDP)`, "udp:");
      continue;
    }
    if (rest.startsWith("tcp:")) rest = rest.slice(4);

    let ssl: BindSpec["ssl"] = "none";
    const caret = rest.indexOf("^");
    if (caret >= 0) {
      const s = rest.slice(caret + 1);
      if (s === "SSL=force") ssl = "force";
      else if (s === "SSL=optional") ssl = "optional";
      else {
        fail(entry, `"^SSL=force" or "^SSL=optional"`, "^" + s);
        continue;
      }
      rest = rest.slice(0, caret);
    }

    let acl: WebAcl[] = [...WEB_ACLS];
    const eq = rest.indexOf("=");
    if (eq >= 0) {
      acl = [];
      let bad: string | undefined;
      for (const word of rest.slice(eq + 1).split("|")) {
        if ((WEB_ACLS as readonly string[]).includes(word)) {
          if (!acl.includes(word as WebAcl)) acl.push(word as WebAcl);
        } else {
          bad = word;
          break;
        }
      }
      if (bad !== undefined) {
        fail(entry, `access lists from ${WEB_ACLS.map(q).join(", ")} separated by "|"`, bad);
        continue;
      }
      rest = rest.slice(0, eq);
    }

    let host: string;
    let port: string | undefined;
    if (rest.startsWith("[")) {
      const close = rest.indexOf("]");
      if (close < 0) {
        fail(entry, `"]" after the IPv6 address`, rest);
        continue;
      }
      host = rest.slice(1, close);
      const after = rest.slice(close + 1);
      if (after !== "" && after[0] !== ":") {
        fail(entry, `":PORT" after "]"`, after);
        continue;
      }
      port = after === "" ? undefined : after.slice(1);
    } else {
      if (rest.includes("%")) {
        fail(entry, 'an address without a network interface ("%IFACE" is not supported)', rest);
        continue;
      }
      const colon = rest.indexOf(":");
      if (colon >= 0 && rest.indexOf(":", colon + 1) >= 0) {
        fail(entry, `an IPv6 address in brackets, like "[::1]:19999"`, rest);
        continue;
      }
      host = colon < 0 ? rest : rest.slice(0, colon);
      port = colon < 0 ? undefined : rest.slice(colon + 1);
    }
    if (host === "" || host === "*" || host === "any" || host === "all") host = "*";
    else if (!(rest.startsWith("[") ? IPV6_RE : HOST_RE).test(host)) {
      fail(entry, rest.startsWith("[") ? "an IPv6 address" : `an IP address, a host name or "*"`, host);
      continue;
    }

    let portNo = opts.defaultPort;
    if (port !== undefined && port !== "") {
      const n = parseInteger(port);
      if (n === undefined || n < 0 || n > 65535 || port[0] === "+" || port[0] === "-") {
        fail(entry, "a port from 0 to 65535", port);
        continue;
      }
      portNo = n;
    }
    out.push({ host, port: portNo, ssl, acl });
  }
  return ok ? out : undefined;
}

/** Formats one `bind to` entry so that {@link bindTo} (and Netdata) read it back the same. */
export function formatBind(b: BindSpec): string {
  if (b.unixPath !== undefined) return `unix:${b.unixPath}`;
  const host = b.host.includes(":") ? `[${b.host}]` : b.host;
  let s = `${host}:${b.port}`;
  const acl = b.acl ?? WEB_ACLS;
  const everything = WEB_ACLS.every((a) => acl.includes(a));
  // Netdata reads "^SSL=" only after an access list, so write the list whenever SSL is set.
  if (!everything || b.ssl !== "none") s += "=" + acl.join("|");
  if (b.ssl !== "none") s += `^SSL=${b.ssl}`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Suggestions.

/** Levenshtein edit distance between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/**
 * The candidate nearest to `name` (case-insensitive Levenshtein), or undefined when none is
 * close enough to be a likely typo (distance above a third of the name's length, at least 2).
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = levenshtein(lower, c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return bestDist <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
