/**
 * Reading rule files: Netdata's double-directory load (`[directories] health config` over
 * `stock health config`): every `*.conf` below either directory, a user file replacing the stock
 * file of the same relative path, in name order. Files that cannot be read are warnings.
 * @module
 */

import { parseRules, type Rule, type RuleWarning } from "./rules.ts";

/** Rule files to load, by relative path. */
export interface RuleSources {
  /** User rules (Netdata's /etc/netdata/health.d); may be missing. */
  userDir?: string;
  /** Stock rules (Netdata's /usr/lib/netdata/conf.d/health.d); may be missing. */
  stockDir?: string;
  /** Embedded stock rules, used when `stockDir` is not given: relative path -> text. */
  embedded?: Readonly<Record<string, string>>;
}

/** All loaded rules and every problem found. */
export interface LoadedRules {
  rules: Rule[];
  warnings: RuleWarning[];
  /** Files read, in order. */
  files: string[];
}

function listConf(dir: string, rel = "", out = new Map<string, string>()): Map<string, string> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir + (rel ? "/" + rel : ""))];
  } catch {
    return out;
  }
  for (const e of entries) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) listConf(dir, path, out);
    else if (e.name.endsWith(".conf")) out.set(path, `${dir}/${path}`);
  }
  return out;
}

/** Loads the rules of `src`; user files replace stock files with the same relative path. */
export function loadRules(src: RuleSources): LoadedRules {
  const texts = new Map<string, { file: string; text: () => string }>();
  if (src.stockDir !== undefined) {
    for (const [rel, file] of listConf(src.stockDir)) {
      texts.set(rel, { file, text: () => Deno.readTextFileSync(file) });
    }
  } else {
    for (const [rel, text] of Object.entries(src.embedded ?? {})) {
      texts.set(rel, { file: `embedded/health.d/${rel}`, text: () => text });
    }
  }
  if (src.userDir !== undefined) {
    for (const [rel, file] of listConf(src.userDir)) {
      texts.set(rel, { file, text: () => Deno.readTextFileSync(file) });
    }
  }
  const out: LoadedRules = { rules: [], warnings: [], files: [] };
  for (const rel of [...texts.keys()].sort()) {
    const { file, text } = texts.get(rel)!;
    let body: string;
    try {
      body = text();
    } catch (e) {
      out.warnings.push({ file, line: 0, message: `Cannot read health configuration: ${String(e)}` });
      continue;
    }
    const r = parseRules(body, file);
    out.files.push(file);
    out.rules.push(...r.rules);
    out.warnings.push(...r.warnings);
  }
  return out;
}
