/**
 * The values of health.d keys that have their own small syntax, as Netdata 1.37.1 reads them:
 * durations, `lookup:`, `delay:` and `repeat:`.
 * @module
 */

import { parseGroupMethod } from "../api/query/group_method.ts";
import type { Delay, Lookup, Rule } from "./rule_types.ts";

/** Netdata's config_parse_duration(): a number with an optional unit (s m h d w M Y), or `never`. */
export function parseHealthDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === "never") return 0;
  const m = /^([-+]?\d*\.?\d*(?:[eE][-+]?\d+)?)([smhdwMY]?)/.exec(t);
  if (m === null || m[1] === "" || !/\d/.test(m[1]) || !/^[-+\d]/.test(t)) return undefined;
  const unit: Record<string, number> = {
    "": 1,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    M: 2592000,
    Y: 31536000,
  };
  return Math.trunc(Number(m[1]) * unit[m[2]]);
}

const LOOKUP_OPTIONS: Record<string, string> = {
  absolute: "absolute",
  abs: "absolute",
  absolute_sum: "absolute",
  min2max: "min2max",
  null2zero: "null2zero",
  percentage: "percentage",
  unaligned: "unaligned",
  "anomaly-bit": "anomaly-bit",
  "match-ids": "match-ids",
  match_ids: "match-ids",
  "match-names": "match-names",
  match_names: "match-names",
};

const GROUP_NAMES = new Set([
  "average",
  "mean",
  "incremental_sum",
  "incremental-sum",
  "median",
  "min",
  "max",
  "sum",
  "stddev",
  "cv",
  "rsd",
  "ses",
  "ema",
  "ewma",
  "des",
  "countif",
  "percentile",
  "trimmed-mean",
  "trimmed-median",
]); // deno-fmt-ignore

function knownGroup(name: string): boolean {
  return GROUP_NAMES.has(name) || /^(percentile|trimmed-mean|trimmed-median)\d+$/.test(name) &&
      parseGroupMethod(name).name === name;
}

/**
 * Parses a `lookup:` value.
 * @throws {SyntaxError} when the method or the `after` duration is missing or invalid.
 */
export function parseLookup(value: string, warn: (msg: string) => void): Lookup {
  const words = value.trim().split(/\s+/);
  if (words.length < 2) {
    throw new SyntaxError(`expected group method followed by the 'after' time, but got "${value}"`);
  }
  const method = words[0].toLowerCase();
  if (!knownGroup(method)) throw new SyntaxError(`invalid group method "${words[0]}"`);
  const after = parseHealthDuration(words[1]);
  if (after === undefined) throw new SyntaxError(`invalid duration "${words[1]}" after group method`);
  const lookup: Lookup = {
    group: parseGroupMethod(method).name,
    after,
    before: 0,
    options: [],
    dimensions: undefined,
    foreach: undefined,
  };
  for (let i = 2; i < words.length; i++) {
    const key = words[i].toLowerCase();
    if (key === "at" || key === "every") {
      const v = words[++i] ?? "";
      const d = parseHealthDuration(v);
      if (d === undefined) warn(`invalid duration "${v}" for "${key}" keyword`);
      else if (key === "at") lookup.before = d;
      continue;
    }
    if (LOOKUP_OPTIONS[key] !== undefined) {
      if (!lookup.options.includes(LOOKUP_OPTIONS[key])) lookup.options.push(LOOKUP_OPTIONS[key]);
      continue;
    }
    if (key === "of") {
      const rest = words.slice(i + 1).join(" ");
      const at = rest.toLowerCase().indexOf(" foreach");
      const dims = at >= 0 ? rest.slice(0, at) : rest;
      if (dims !== "" && dims.toLowerCase() !== "all") lookup.dimensions = dims;
      if (at >= 0) lookup.foreach = rest.slice(at + " foreach".length).trim();
      break;
    }
    if (key === "foreach") {
      lookup.foreach = words.slice(i + 1).join(" ");
      break;
    }
    warn(`unknown keyword "${words[i]}" in lookup`);
  }
  return lookup;
}

/** `every:` (a duration). */
export function parseEvery(value: string): number | undefined {
  return parseHealthDuration(value);
}

/** The lookup's own `every` (Netdata: the absolute `after` unless `every` is given). */
export function lookupEvery(value: string): number | undefined {
  const words = value.trim().split(/\s+/);
  const i = words.findIndex((w) => w.toLowerCase() === "every");
  if (i >= 0) return parseHealthDuration(words[i + 1] ?? "");
  const after = parseHealthDuration(words[1] ?? "");
  return after === undefined ? undefined : Math.abs(after);
}

/** `delay:` (`up`, `down`, `multiplier`, `max`). */
export function parseDelay(value: string, warn: (m: string) => void): Delay {
  const d: Delay = { up: 0, down: 0, multiplier: 1, max: 0 };
  let maxGiven = false;
  const w = value.trim().split(/\s+/);
  for (let i = 0; i < w.length; i += 2) {
    const key = w[i].toLowerCase();
    const v = w[i + 1] ?? "";
    if (key === "multiplier") {
      const n = Number.parseFloat(v);
      if (!(n > 0) || !Number.isFinite(n)) warn(`invalid value "${v}" for "${key}" keyword`);
      else d.multiplier = n;
    } else if (key === "up" || key === "down" || key === "max") {
      const n = parseHealthDuration(v);
      if (n === undefined) warn(`invalid value "${v}" for "${key}" keyword`);
      else {
        d[key] = n;
        if (key === "max") maxGiven = true;
      }
    } else warn(`unknown keyword "${w[i]}" in delay`);
  }
  if (!maxGiven) d.max = Math.max(d.max, Math.trunc(d.up * d.multiplier), Math.trunc(d.down * d.multiplier));
  return d;
}

/** `repeat:` (`off`, `warning DURATION`, `critical DURATION`) into `rule`. */
export function parseRepeat(value: string, rule: Rule, warn: (m: string) => void): void {
  const w = value.trim().split(/\s+/);
  for (let i = 0; i < w.length; i += 2) {
    const key = w[i].toLowerCase();
    if (key === "off") {
      rule.warnRepeatEvery = 0;
      rule.critRepeatEvery = 0;
      return;
    }
    const n = parseHealthDuration(w[i + 1] ?? "");
    if (key !== "warning" && key !== "critical") continue;
    if (n === undefined) warn(`invalid value "${w[i + 1] ?? ""}" for "${key}" keyword`);
    else if (key === "warning") rule.warnRepeatEvery = n;
    else rule.critRepeatEvery = n;
  }
}
