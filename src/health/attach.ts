/**
 * Which rules apply where, as Netdata 1.37.1 links them (rrdcalc.c, rrdcalctemplate.c): a rule's
 * `os` and `hosts` decide per host; an `alarm:` takes the chart whose id or name is its `on`, a
 * `template:` every chart of its context (`charts`, `families` patterns); `plugin`, `module` and
 * `host labels` narrow both; a `foreach` template makes one alarm per matching dimension.
 * @module
 */

import type { Chart, Host } from "../host/mod.ts";
import { compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import type { Rule } from "./rules.ts";

const matches = (p: SimplePattern | undefined, ...values: string[]) =>
  p === undefined || values.some((v) => p(v) === true);
const pattern = (text: string | undefined) => text === undefined ? undefined : compileSimplePattern(text);

/** A rule with its patterns compiled. */
export interface CompiledRule {
  rule: Rule;
  charts?: SimplePattern;
  families?: SimplePattern;
  plugin?: SimplePattern;
  module?: SimplePattern;
  hostLabels?: SimplePattern;
  foreach?: SimplePattern;
}

function compile(rule: Rule): CompiledRule {
  const foreach = rule.lookup?.foreach?.replace(/[|,]/g, " ");
  return {
    rule,
    charts: pattern(rule.charts),
    families: pattern(rule.families),
    plugin: pattern(rule.plugin),
    module: pattern(rule.module),
    hostLabels: pattern(rule.hostLabels),
    foreach: pattern(foreach),
  };
}

/** Whether a rule applies to a host at all (`os`, `hosts`). */
export function ruleForHost(rule: Rule, host: Host): boolean {
  return matches(pattern(rule.os), host.os) && matches(pattern(rule.hosts), host.hostname);
}

/** Compiles the patterns of `rules`, in order. */
export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map(compile);
}

/** Whether a host's labels satisfy `host labels` (a pattern over `key=value`). */
function hostLabelsMatch(p: SimplePattern | undefined, host: Host): boolean {
  if (p === undefined) return true;
  for (const [k, l] of host.labels) if (p(`${k}=${l.value}`) === true) return true;
  return false;
}

/** The rules (and, for `foreach`, the dimension names) that apply to `chart` of `host`, in order. */
export function matchChart(
  rules: readonly CompiledRule[],
  chart: Chart,
  host: Host,
): { rule: Rule; dimension?: string }[] {
  const out: { rule: Rule; dimension?: string }[] = [];
  for (const c of rules) {
    const r = c.rule;
    if (!matches(c.plugin, chart.plugin) || !matches(c.module, chart.module)) continue;
    if (!hostLabelsMatch(c.hostLabels, host)) continue;
    if (r.kind === "alarm") {
      if (r.on === chart.id || r.on === chart.name) out.push({ rule: r });
      continue;
    }
    if (r.on !== chart.context) continue;
    if (!matches(c.charts, chart.name, chart.id) || !matches(c.families, chart.family)) continue;
    if (c.foreach === undefined) out.push({ rule: r });
    else {
      for (const d of chart.dimensions) {
        if (c.foreach(d.id) === true || c.foreach(d.name) === true) out.push({ rule: r, dimension: d.name });
      }
    }
  }
  return out;
}
