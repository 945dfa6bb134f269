/**
 * The health.d rule language as Netdata 1.37.1 reads it (health/health_config.c): `alarm:` (one
 * chart) and `template:` (every chart of a context) entities, each a run of `key: value` lines;
 * `\` continues a line, `#` starts a comment. A malformed value is a warning with file:line and
 * leaves that key unset, like Netdata; an entity Netdata would refuse (no `on`, no `every`, nothing
 * to evaluate) is a warning and skipped. Nothing is dropped silently.
 * @module
 */

import { parseGroupMethod } from "../api/query/group_method.ts";
import { type Expression, parseExpression } from "./expression.ts";

/** A `lookup:` line. */
export interface Lookup {
  /** Canonical grouping name (`average`, `incremental_sum`...). */
  group: string;
  /** Seconds, negative (relative to `before`). */
  after: number;
  /** Seconds, `at` (0 = now, negative = in the past). */
  before: number;
  /** Query options (`absolute`, `percentage`, `unaligned`, `match-ids`, `match-names`, `min2max`, `null2zero`). */
  options: string[];
  /** `of DIMS` (Netdata's dimension pattern, `,`/`|` separated), undefined for all. */
  dimensions: string | undefined;
  /** `foreach DIMS`: one alarm per matching dimension. */
  foreach: string | undefined;
}

/** `delay:` */
export interface Delay {
  up: number;
  down: number;
  multiplier: number;
  max: number;
}

/** One `alarm:` or `template:` entity. */
export interface Rule {
  kind: "alarm" | "template";
  name: string;
  /** `LINE@FILE`, Netdata's `source`. */
  source: string;
  file: string;
  line: number;
  /** Chart (alarm) or context (template). */
  on: string;
  os: string | undefined;
  hosts: string | undefined;
  families: string | undefined;
  charts: string | undefined;
  plugin: string | undefined;
  module: string | undefined;
  hostLabels: string | undefined;
  lookup: Lookup | undefined;
  calc: Expression | undefined;
  warn: Expression | undefined;
  crit: Expression | undefined;
  /** Seconds between evaluations (from `every`, else the lookup's window). */
  every: number;
  green: number;
  red: number;
  exec: string | undefined;
  to: string | undefined;
  units: string | undefined;
  info: string | undefined;
  classification: string | undefined;
  component: string | undefined;
  type: string | undefined;
  delay: Delay;
  /** Seconds; undefined = the `[health] default repeat ...` of the host. */
  warnRepeatEvery: number | undefined;
  critRepeatEvery: number | undefined;
  noClearNotification: boolean;
  /** The text of each key as written (for the API and reload diffs). */
  text: Record<string, string>;
}

/** A problem in a rule file. */
export interface RuleWarning {
  file: string;
  line: number;
  message: string;
}

/** What {@link parseRules} returns. */
export interface ParsedRules {
  rules: Rule[];
  warnings: RuleWarning[];
}

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

function parseEvery(value: string): number | undefined {
  return parseHealthDuration(value);
}

/** The lookup's own `every` (Netdata: the absolute `after` unless `every` is given). */
function lookupEvery(value: string): number | undefined {
  const words = value.trim().split(/\s+/);
  const i = words.findIndex((w) => w.toLowerCase() === "every");
  if (i >= 0) return parseHealthDuration(words[i + 1] ?? "");
  const after = parseHealthDuration(words[1] ?? "");
  return after === undefined ? undefined : Math.abs(after);
}

function parseDelay(value: string, warn: (m: string) => void): Delay {
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

function parseRepeat(value: string, rule: Rule, warn: (m: string) => void): void {
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

/** Netdata's rrdvar_fix_name(): characters outside `[A-Za-z0-9_.]`... become `_`. */
function fixName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.]/g, "_");
}

function newRule(kind: Rule["kind"], name: string, file: string, line: number): Rule {
  return {
    kind,
    name: fixName(name),
    source: `${line}@${file}`,
    file,
    line,
    on: "",
    os: undefined,
    hosts: undefined,
    families: undefined,
    charts: undefined,
    plugin: undefined,
    module: undefined,
    hostLabels: undefined,
    lookup: undefined,
    calc: undefined,
    warn: undefined,
    crit: undefined,
    every: 0,
    green: NaN,
    red: NaN,
    exec: undefined,
    to: undefined,
    units: undefined,
    info: undefined,
    classification: undefined,
    component: undefined,
    type: undefined,
    delay: { up: 0, down: 0, multiplier: 1, max: 0 },
    warnRepeatEvery: undefined,
    critRepeatEvery: undefined,
    noClearNotification: false,
    text: {},
  };
}

const TEXT_KEYS = new Set(["exec", "to", "units", "info", "class", "component", "type"]);

/** Parses the text of one rule file; `file` names it in sources and warnings. */
export function parseRules(text: string, file: string): ParsedRules {
  const rules: Rule[] = [];
  const warnings: RuleWarning[] = [];
  let rule: Rule | undefined;
  let line = 0;
  let warnLine = 0;
  const warn = (message: string) => warnings.push({ file, line: warnLine, message });
  const finish = () => {
    if (rule === undefined) return;
    const r = rule;
    rule = undefined;
    warnLine = r.line;
    const what = `${r.kind} "${r.name}"`;
    if (r.on === "") warn(`${what} has no "on" and is ignored`);
    else if (r.every <= 0) warn(`${what} has no frequency ("every") and is ignored`);
    else if (r.lookup === undefined && !r.calc && !r.warn && !r.crit) {
      warn(`${what} is useless (no lookup, calc, warn or crit) and is ignored`);
    } else rules.push(r);
  };
  const lines = text.split("\n");
  let pending = "";
  let startLine = 0;
  for (let i = 0; i < lines.length; i++) {
    line = i + 1;
    let s = lines[i].trim();
    if (pending === "" && (s === "" || s.startsWith("#"))) continue;
    if (pending === "") startLine = line;
    if (s.endsWith("\\") && i < lines.length - 1) {
      pending += s.slice(0, -1) + " ";
      continue;
    }
    s = (pending + s).trim();
    pending = "";
    warnLine = startLine;
    const colon = s.indexOf(":");
    if (colon < 0) {
      warn(`invalid line: it does not contain a ':'`);
      continue;
    }
    const key = s.slice(0, colon).trim().replace(/\s+/g, " ").toLowerCase();
    let value = s.slice(colon + 1).trim().replace(/\s+/g, " ");
    if (key === "") {
      warn("invalid line: keyword is empty");
      continue;
    }
    if (value === "") {
      warn(`invalid line: value of "${key}" is empty`);
      continue;
    }
    if (key === "alarm" || key === "template") {
      finish();
      rule = newRule(key, value, file, startLine);
      continue;
    }
    if (rule === undefined) {
      warn(`unknown key "${key}": expected either "alarm" or "template"`);
      continue;
    }
    if (TEXT_KEYS.has(key) && key !== "exec" && key !== "to") value = value.replace(/['"]/g, " ");
    rule.text[key] = value;
    const isTemplate = rule.kind === "template";
    const expr = (): Expression | undefined => {
      try {
        return parseExpression(value);
      } catch (e) {
        warn(
          `${key} of ${rule!.kind} "${rule!.name}" has an unparseable expression "${value}": ${
            (e as Error).message
          }`,
        );
        return undefined;
      }
    };
    const number = (): number => {
      const n = Number(value);
      if (Number.isNaN(n) && value !== "nan") warn(`${key} "${value}" is not a number`);
      return n;
    };
    switch (key) {
      case "on":
        rule.on = value;
        break;
      case "os":
        rule.os = value;
        break;
      case "hosts":
        rule.hosts = value;
        break;
      case "families":
      case "charts":
        if (!isTemplate) warn(`key "${key}" is for templates only; alarm "${rule.name}" ignores it`);
        else rule[key] = value;
        break;
      case "plugin":
        rule.plugin = value;
        break;
      case "module":
        rule.module = value;
        break;
      case "host labels":
        rule.hostLabels = value.replace(/\s*=\s*/g, "=");
        break;
      case "lookup":
        try {
          rule.lookup = parseLookup(value, warn);
          const e = lookupEvery(value);
          if (e !== undefined) rule.every = e;
        } catch (e) {
          warn(`invalid lookup of ${rule.kind} "${rule.name}": ${(e as Error).message}`);
        }
        break;
      case "every": {
        const e = parseEvery(value);
        if (e === undefined) warn(`cannot parse duration "${value}" of "every"`);
        else rule.every = e;
        break;
      }
      case "calc":
        rule.calc = expr();
        break;
      case "warn":
        rule.warn = expr();
        break;
      case "crit":
        rule.crit = expr();
        break;
      case "green":
        rule.green = number();
        break;
      case "red":
        rule.red = number();
        break;
      case "exec":
        rule.exec = value;
        break;
      case "to":
        rule.to = value;
        break;
      case "units":
        rule.units = value;
        break;
      case "info":
        rule.info = value;
        break;
      case "class":
        rule.classification = value;
        break;
      case "component":
        rule.component = value;
        break;
      case "type":
        rule.type = value;
        break;
      case "delay":
        rule.delay = parseDelay(value, warn);
        break;
      case "repeat":
        parseRepeat(value, rule, warn);
        break;
      case "options":
        for (const o of value.split(" ")) {
          if (o === "no-clear-notification" || o === "no-clear") rule.noClearNotification = true;
          else warn(`unknown alarm option "${o}"`);
        }
        break;
      default:
        warn(`${rule.kind} "${rule.name}" has unknown key "${key}"`);
    }
  }
  finish();
  return { rules, warnings };
}
