/**
 * `GET /api/v1/contexts` and `GET /api/v1/context?context=`, from the host's
 * charts grouped by context. Supports the `charts`, `dimensions`, `labels`, `hidden` and `full`
 * options and the label/dimension filters; `uuids`, `flags`, `queue` and `deleted` are ignored.
 * @module
 */

import type { Chart, Host } from "../../host/mod.ts";
import { firstTimeAnyTier } from "../../store/mod.ts";
import { CT_JSON, jsonString } from "../format.ts";
import { API_SEPARATORS, compileSimplePattern, type SimplePattern } from "../../util/patterns.ts";
import { chartsByContext, labelsMatch, relativeToAbsolute } from "../query/mod.ts";
import { jsonReply, type Reply, type RouteContext, textReply } from "../reply.ts";
import { parseLeadingInt } from "../url.ts";
import { labelLines } from "./info.ts";

const SHOW_INSTANCES = 1;
const SHOW_METRICS = 2;
const SHOW_LABELS = 4;
const SHOW_HIDDEN = 8;

interface ContextRequest {
  host: Host;
  options: number;
  after: number;
  before: number;
  now: number;
  labelKey: SimplePattern | undefined;
  labelsFilter: SimplePattern | undefined;
  dimensions: SimplePattern | undefined;
}

function parseOptions(text: string | undefined): number {
  let o = 0;
  for (const tok of (text ?? "").split(/[ ,|]/)) {
    if (tok === "full" || tok === "all") o |= SHOW_INSTANCES | SHOW_METRICS | SHOW_LABELS | SHOW_HIDDEN;
    else if (tok === "charts" || tok === "instances") o |= SHOW_INSTANCES;
    else if (tok === "dimensions" || tok === "metrics") o |= SHOW_METRICS;
    else if (tok === "labels") o |= SHOW_LABELS;
    else if (tok === "hidden") o |= SHOW_HIDDEN;
  }
  return o;
}

function parseRequest(ctx: RouteContext): ContextRequest {
  const p = ctx.params;
  let after = parseLeadingInt(p.get("after"));
  let before = parseLeadingInt(p.get("before"));
  const now = Math.floor(ctx.nowMs / 1000);
  if (after !== 0 && before !== 0) {
    const w = relativeToAbsolute({ after, before }, now);
    after = w.after;
    before = w.before;
  }
  const sp = (s: string | undefined) =>
    s === undefined ? undefined : compileSimplePattern(s, { separators: API_SEPARATORS });
  return {
    host: ctx.host,
    options: parseOptions(p.get("options")),
    after,
    before,
    now,
    labelKey: sp(p.get("chart_label_key")),
    labelsFilter: sp(p.get("chart_labels_filter")),
    dimensions: sp(p.joined("dimension", "dim", "dimensions", "dims")),
  };
}

function collected(host: Host, c: Chart): boolean {
  return host.state.reachable && !c.obsolete && c.lastCollectedUs > 0;
}

interface Span {
  first: number;
  last: number;
  collected: boolean;
}

function outside(req: ContextRequest, first: number, last: number): boolean {
  if (req.after !== 0 && (last === 0 || req.after > last)) return true;
  if (req.before !== 0 && (first === 0 || req.before < first)) return true;
  return false;
}

/** One chart of a context, or undefined when filtered out. */
function instanceJson(req: ContextRequest, c: Chart, span: Span): string | undefined {
  const hasFilter = req.labelKey !== undefined || req.labelsFilter !== undefined ||
    req.dimensions !== undefined;
  let first = c.retentionFirstSec();
  let last = c.lastEntrySec();
  if (outside(req, first, last)) return undefined;
  if (req.labelKey !== undefined && !labelsMatch(c, req.labelKey, false)) return undefined;
  if (req.labelsFilter !== undefined && !labelsMatch(c, req.labelsFilter, true)) return undefined;
  let isCollected = collected(req.host, c);
  let metrics: string | undefined;
  if ((req.options & SHOW_METRICS) !== 0 || req.dimensions !== undefined) {
    const parts: string[] = [];
    let mf = 0;
    let ml = 0;
    const store = req.host.store;
    for (const d of c.dimensions) {
      const df = firstTimeAnyTier(store, d.seriesId);
      const dl = store.lastTime(d.seriesId);
      if (outside(req, df, dl)) continue;
      if (req.dimensions !== undefined && req.dimensions(d.id) !== true && req.dimensions(d.name) !== true) {
        continue;
      }
      if (parts.length === 0 || df < mf) mf = df;
      if (parts.length === 0 || dl > ml) ml = dl;
      parts.push(
        `\t\t\t\t\t\t${jsonString(d.id)}: {\n\t\t\t\t\t\t\t"name":${jsonString(d.name)}` +
          `,\n\t\t\t\t\t\t\t"first_time_t":${df}` +
          `,\n\t\t\t\t\t\t\t"last_time_t":${isCollected && !d.obsolete ? req.now : dl}` +
          `,\n\t\t\t\t\t\t\t"collected":${isCollected && !d.obsolete}\n\t\t\t\t\t\t}`,
      );
    }
    if (hasFilter && parts.length === 0) return undefined;
    first = mf;
    last = ml;
    isCollected = isCollected && parts.length > 0;
    metrics = parts.length === 0 ? "" : "\n" + parts.join(",\n");
  }
  if (!span.collected && span.first === 0 && span.last === 0) {
    span.first = first;
    span.last = last;
  } else {
    if (first < span.first) span.first = first;
    if (last > span.last) span.last = last;
  }
  span.collected ||= isCollected;
  let out = `\t\t\t\t${jsonString(c.id)}: {` +
    `\n\t\t\t\t\t"name":${jsonString(c.name)}` +
    `,\n\t\t\t\t\t"context":${jsonString(c.context)}` +
    `,\n\t\t\t\t\t"title":${jsonString(c.title)}` +
    `,\n\t\t\t\t\t"units":${jsonString(c.units)}` +
    `,\n\t\t\t\t\t"family":${jsonString(c.family)}` +
    `,\n\t\t\t\t\t"chart_type":${jsonString(c.chartType)}` +
    `,\n\t\t\t\t\t"priority":${c.priority}` +
    `,\n\t\t\t\t\t"update_every":${c.updateEvery}` +
    `,\n\t\t\t\t\t"first_time_t":${first}` +
    `,\n\t\t\t\t\t"last_time_t":${isCollected ? req.now : last}` +
    `,\n\t\t\t\t\t"collected":${isCollected}`;
  if ((req.options & SHOW_LABELS) !== 0 && c.labels.size > 0) {
    out += `,\n\t\t\t\t\t"labels": {\n` + labelLines(c.labels, "\t\t\t\t\t\t") + "\n\t\t\t\t\t}";
  }
  if (metrics !== undefined) out += `,\n\t\t\t\t\t"dimensions": {` + metrics + "\n\t\t\t\t\t}";
  return out + "\n\t\t\t\t}";
}

/** One context object, or undefined when filtered out. */
function contextJson(req: ContextRequest, id: string, charts: Chart[], skipId: boolean): string | undefined {
  if ((req.options & SHOW_HIDDEN) === 0 && charts.every((c) => c.hidden)) return undefined;
  let first = 0;
  let last = 0;
  let isCollected = false;
  for (const c of charts) {
    const f = c.retentionFirstSec();
    const l = c.lastEntrySec();
    if (f !== 0 && (first === 0 || f < first)) first = f;
    if (l > last) last = l;
    isCollected ||= collected(req.host, c);
  }
  if (outside(req, first, last)) return undefined;
  const hasFilter = req.labelKey !== undefined || req.labelsFilter !== undefined ||
    req.dimensions !== undefined;
  let instances: string | undefined;
  if ((req.options & (SHOW_LABELS | SHOW_INSTANCES | SHOW_METRICS)) !== 0 || hasFilter) {
    const span: Span = { first: 0, last: 0, collected: false };
    const parts: string[] = [];
    for (const c of charts) {
      const j = instanceJson(req, c, span);
      if (j !== undefined) parts.push(j);
    }
    if (hasFilter && parts.length === 0) return undefined;
    first = span.first;
    last = span.last;
    isCollected = span.collected;
    instances = parts.length === 0 ? "" : "\n" + parts.join(",\n");
  }
  const c0 = charts[0];
  let out = (skipId ? "\t\t{" : `\t\t${jsonString(id)}: {`) +
    `\n\t\t\t"title":${jsonString(c0.title)}` +
    `,\n\t\t\t"units":${jsonString(c0.units)}` +
    `,\n\t\t\t"family":${jsonString(c0.family)}` +
    `,\n\t\t\t"chart_type":${jsonString(c0.chartType)}` +
    `,\n\t\t\t"priority":${c0.priority}` +
    `,\n\t\t\t"first_time_t":${first}` +
    `,\n\t\t\t"last_time_t":${isCollected ? req.now : last}` +
    `,\n\t\t\t"collected":${isCollected}`;
  if (instances !== undefined) out += `,\n\t\t\t"charts": {` + instances + "\n\t\t\t}";
  return out + "\n\t\t}";
}

/** Handles `/api/v1/contexts`. */
export function contextsRoute(ctx: RouteContext): Reply {
  const req = parseRequest(ctx);
  const host = ctx.host;
  let out = `{\n\t"hostname": ${jsonString(host.hostname)}` +
    `,\n\t"machine_guid": ${jsonString(host.machineGuid)}` +
    `,\n\t"node_id": ""` +
    `,\n\t"claim_id": ${jsonString(host.claimId ?? "")}`;
  if ((req.options & SHOW_LABELS) !== 0) {
    out += `,\n\t"host_labels": {\n` + labelLines(host.labels, "\t\t") + "\n\t}";
  }
  out += `,\n\t"contexts": {`;
  let n = 0;
  for (const [id, charts] of chartsByContext(host)) {
    const j = contextJson(req, id, charts, false);
    if (j === undefined) continue;
    out += (n++ > 0 ? ",\n" : "\n") + j;
  }
  return jsonReply(out + "\n\t}\n}", true);
}

/** Handles `/api/v1/context`. */
export function contextRoute(ctx: RouteContext): Reply {
  const id = ctx.params.get("context", "ctx");
  if (id === undefined) return textReply(400, "No context is given at the request.");
  const req = parseRequest(ctx);
  const charts = chartsByContext(ctx.host).get(id);
  const j = charts === undefined ? undefined : contextJson(req, id, charts, true);
  if (j === undefined) return { status: 404, type: CT_JSON, body: "" };
  return jsonReply("\n" + j, true);
}
