/**
 * A parser for Netdata's configuration format (netdata.conf, stream.conf), following the rules of
 * Netdata's `appconfig_load()` (libnetdata/config/appconfig.c) so that a file means the same thing
 * to both programs:
 *
 * - each line is trimmed of ASCII white space; empty lines and lines starting with `#` (and, as in
 *   most INI dialects, `;`) are comments;
 * - `[name]` opens a section; the name is everything between the brackets, kept verbatim (spaces,
 *   dots and colons included: `[plugin:go.d]`, `[plugin:proc:/proc/stat]`);
 * - a section that appears twice is one section (keys merge, the later value wins);
 * - `name = value` splits at the FIRST `=`; name and value are trimmed; names match exactly
 *   (case-sensitive);
 * - there are no inline comments and no quoting: `bind to = *#x` means `*#x` and `api key = "abc"`
 *   keeps its quotes.
 *
 * Where Netdata silently skips a line (no `=`, a key outside any section) we report a problem with
 * its line number instead. The parser is pure: text in, sections and problems out.
 * @module
 */

import type { ConfigProblem } from "./types.ts";

/** One `name = value` line. */
export interface IniEntry {
  /** The name, trimmed, case kept. */
  readonly key: string;
  /** The value, trimmed, otherwise verbatim (quotes and `#` included). */
  readonly value: string;
  /** 1-based line of the (last) assignment. */
  readonly line: number;
}

/** One section: every header with this name in the file, merged. */
export interface Section {
  /** The name between the brackets, verbatim. */
  readonly name: string;
  /** 1-based line of the first header. */
  readonly line: number;
  /** Entries by name, in order of first appearance; a repeated name keeps the last value. */
  readonly entries: ReadonlyMap<string, IniEntry>;
}

/** What {@link parseIni} returns. */
export interface IniFile {
  /** The file name given to the parser, used in problems. */
  readonly file: string;
  /** Sections in order of first appearance. */
  readonly sections: readonly Section[];
  /** Lines that could not be used (errors) and repeated keys (warnings), in line order. */
  readonly problems: readonly ConfigProblem[];
}

// Netdata's trim() drops what C's isspace() matches; JS's trim() also drops Unicode spaces.
const TRIM_RE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

function trimAscii(s: string): string {
  return s.replace(TRIM_RE, "");
}

/**
 * Parses the text of a Netdata-style configuration file.
 *
 * Never throws: every line that cannot be used becomes a problem (`file:line`), and parsing goes
 * on, so one run reports all of them.
 *
 * @param text the whole file
 * @param file the name to put in problems (a path, or e.g. `embedded:agent.conf`)
 *
 * @example
 * ```ts
 * const ini = parseIni("[web]\n  bind to = *:19999\n", "agent.conf");
 * ini.sections[0].entries.get("bind to")?.value; // "*:19999"
 * ```
 */
export function parseIni(text: string, file: string): IniFile {
  const problems: ConfigProblem[] = [];
  const sections: { name: string; line: number; entries: Map<string, IniEntry> }[] = [];
  const byName = new Map<string, { name: string; line: number; entries: Map<string, IniEntry> }>();
  let current: { name: string; line: number; entries: Map<string, IniEntry> } | undefined;

  // A byte order mark would make Netdata reject the first line; an editor adding one is no reason to fail.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split("\n");
  let lineNo = 0;
  const report = (
    severity: ConfigProblem["severity"],
    key: string,
    message: string,
    section = current?.name ?? "",
  ) => problems.push({ severity, file, line: lineNo, section, key, message });
  for (let i = 0; i < lines.length; i++) {
    lineNo = i + 1;
    const s = trimAscii(lines[i]);
    if (s === "" || s[0] === "#" || s[0] === ";") continue;

    if (s[0] === "[") {
      if (s[s.length - 1] !== "]") {
        report("error", "", `Cannot parse section header: missing "]" in ${JSON.stringify(s)}`);
        // Keys that follow would land in the previous section; stop using it so they are reported.
        current = undefined;
        continue;
      }
      const name = s.slice(1, -1);
      let sec = byName.get(name);
      if (!sec) {
        sec = { name, line: lineNo, entries: new Map() };
        byName.set(name, sec);
        sections.push(sec);
      }
      current = sec;
      continue;
    }

    const eq = s.indexOf("=");
    if (eq < 0) {
      report(
        "error",
        "",
        `Cannot parse line: expected "name = value" or "[section]", got ${JSON.stringify(s)}`,
      );
      continue;
    }
    const key = trimAscii(s.slice(0, eq));
    const value = trimAscii(s.slice(eq + 1));
    if (key === "") {
      report("error", "", `Cannot parse line: the name before "=" is empty in ${JSON.stringify(s)}`);
      continue;
    }
    if (!current) {
      report(
        "error",
        key,
        `Cannot use ${JSON.stringify(key)} outside a section: add a "[section]" line above it`,
        "",
      );
      continue;
    }
    const before = current.entries.get(key);
    if (before) {
      report(
        "warning",
        key,
        `Repeated ${JSON.stringify(key)} in [${current.name}]: this line wins over line ${before.line}`,
        current.name,
      );
    }
    current.entries.set(key, { key, value, line: lineNo });
  }
  return { file, sections, problems };
}
