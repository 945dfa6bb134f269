/**
 * The health.d rule language as Netdata 1.37.1 reads it (health/health_config.c): `alarm:` (one
 * chart) and `template:` (every chart of a context) entities, each a run of `key: value` lines;
 * `\` continues a line, `#` starts a comment. A malformed value is a warning with file:line and
 * leaves that key unset, like Netdata; an entity Netdata would refuse (no `on`, no `every`, nothing
 * to evaluate) is a warning and skipped. Nothing is dropped silently.
 * @module
 */

import { type Expression, parseExpression } from "./expression.ts";
import { lookupEvery, parseDelay, parseEvery, parseLookup, parseRepeat } from "./rule_values.ts";

export { parseHealthDuration, parseLookup } from "./rule_values.ts";

import type { Rule } from "./rule_types.ts";

export type { Delay, Lookup, Rule } from "./rule_types.ts";

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
