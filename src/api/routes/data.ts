/**
 * `GET /api/v1/data` (API reference §5): parameters, target selection, the query, then one of the
 * output formats, optionally wrapped in the jsonwrap metadata object.
 * @module
 */

import { CT_HTML, CT_JS, CT_JSON, CT_TEXT, formatNumber, jsonEscape } from "../format.ts";
import { formatCsv, formatJson, formatSsv } from "../format_table.ts";
import {
  createTarget,
  lastStoredValue,
  OPT_ABSOLUTE,
  OPT_ALL_DIMENSIONS,
  OPT_GOOGLE_JSON,
  OPT_JSON_WRAP,
  OPT_LABEL_QUOTES,
  OPT_NULL2ZERO,
  OPT_PERCENTAGE,
  OPT_SELECTED_TIER,
  optionsToString,
  parseDataOptions,
  parseGroupMethod,
  type QueryRun,
  type QueryTarget,
  runQuery,
  VALUE_EMPTY,
} from "../query/mod.ts";
import { type Reply, type RouteContext, textReply } from "../reply.ts";
import { parseLeadingInt } from "../url.ts";
import { storedTiers } from "../../store/mod.ts";

/** The `format=` values (Netdata's DATASOURCE_*), by request name. */
const FORMATS: Record<string, string> = {
  datatable: "datatable",
  datasource: "datasource",
  json: "json",
  jsonp: "jsonp",
  ssv: "ssv",
  csv: "csv",
  tsv: "tsv",
  "tsv-excel": "tsv",
  html: "html",
  array: "array",
  ssvcomma: "ssvcomma",
  csvjsonarray: "csvjsonarray",
  markdown: "markdown",
};

/** Google's `tqx=out:` values. */
const GOOGLE_FORMATS: Record<string, string> = {
  json: "datasource",
  html: "html",
  csv: "csv",
  "tsv-excel": "tsv",
};

/** Netdata's fix_google_param(): anything outside `[A-Za-z0-9._-]` becomes `_`. */
function fixGoogleParam(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}

const NO_METRICS = "No metrics where matched to query.";

/** Handles `/api/v1/data`. */
export function dataRoute(ctx: RouteContext): Reply {
  const p = ctx.params;
  const chartParam = p.get("chart");
  const contextParam = p.get("context");
  const dimensions = p.joined("dimension", "dim", "dimensions", "dims");
  let options = 0;
  let format = "json";
  let group = parseGroupMethod(undefined);
  let google = { version: "0.6", reqId: "0", sig: "0", out: "json" };
  let responseHandler: string | undefined;
  let outFileName: string | undefined;
  let googleTimestamp = 0;
  for (const [name, value] of p.pairs) {
    switch (name) {
      case "show_dimensions":
        options |= OPT_ALL_DIMENSIONS;
        break;
      case "group":
        group = parseGroupMethod(value);
        break;
      case "format":
        format = FORMATS[value] ?? "json";
        break;
      case "options":
        options |= parseDataOptions(value);
        break;
      case "callback":
        responseHandler = value;
        break;
      case "filename":
        outFileName = value;
        break;
      case "tqx":
        for (const part of value.split(";")) {
          const i = part.indexOf(":");
          if (i <= 0 || i === part.length - 1) continue;
          const k = part.slice(0, i);
          const v = part.slice(i + 1);
          if (k === "version") google = { ...google, version: v };
          else if (k === "reqId") google = { ...google, reqId: v };
          else if (k === "sig") {
            google = { ...google, sig: v };
            googleTimestamp = parseLeadingInt(v);
          } else if (k === "out") {
            google = { ...google, out: v };
            format = GOOGLE_FORMATS[v] ?? "json";
          } else if (k === "responseHandler") responseHandler = v;
          else if (k === "outFileName") outFileName = v;
        }
        break;
    }
  }
  const tierParam = p.get("tier");
  const tier = tierParam !== undefined ? parseLeadingInt(tierParam) : undefined;
  if (tier !== undefined && tier >= 0 && tier < storedTiers(ctx.host.store)) options |= OPT_SELECTED_TIER;
  google = {
    version: fixGoogleParam(google.version),
    reqId: fixGoogleParam(google.reqId),
    sig: fixGoogleParam(google.sig),
    out: fixGoogleParam(google.out),
  };
  if (responseHandler !== undefined) responseHandler = fixGoogleParam(responseHandler);
  if (outFileName !== undefined) outFileName = fixGoogleParam(outFileName);

  const validChart = chartParam !== undefined && chartParam !== "" && chartParam !== "*";
  const validContext = contextParam !== undefined && contextParam !== "" && contextParam !== "*";
  if (!validChart && !validContext) return textReply(400, "No chart or context is given.");

  const host = ctx.host;
  const chart = chartParam !== undefined && contextParam === undefined ? host.chart(chartParam) : undefined;
  const beforeStr = p.get("before");
  const afterStr = p.get("after");
  const after = afterStr !== undefined ? parseLeadingInt(afterStr) : -600;
  const before = beforeStr !== undefined ? parseLeadingInt(beforeStr) : 0;
  const points = parseLeadingInt(p.get("points"));
  const gtime = parseLeadingInt(p.get("gtime"));
  const groupOptions = p.get("group_options");

  const target = createTarget({
    host,
    chart,
    charts: chartParam,
    contexts: contextParam,
    dimensions,
    chartLabelKey: p.get("chart_label_key"),
    chartLabelsFilter: p.get("chart_labels_filter"),
    after,
    before,
    points,
    gtime,
    options,
    nowSec: Math.floor(ctx.nowMs / 1000),
  });
  if (target === undefined) return textReply(404, NO_METRICS);
  // Netdata subtracts the time the request waited in its queue; we answer at once, so only a
  // negative timeout is already exceeded.
  const timeout = parseLeadingInt(p.get("timeout"));
  if (timeout < 0) return textReply(503, "Query timeout exceeded");
  const run = runQuery(target, {
    group,
    groupOptions,
    scratch: ctx.state.scratch,
    ...((options & OPT_SELECTED_TIER) !== 0 ? { tier } : {}),
  });
  if (run === undefined) return textReply(404, NO_METRICS);

  // the descriptive id of jsonwrap
  let id: string;
  const tail = `/dimensions:${dimensions ?? "*"}/after:${after}/before:${before}/points:${points}` +
    `/group:${group.name}${groupOptions ?? ""}/options:${optionsToString(options)}` +
    (gtime > 1 ? `/resampling:${gtime}` : "") + ((options & OPT_SELECTED_TIER) !== 0 ? `/tier:${tier}` : "");
  if (chart !== undefined) {
    id = `chart://host:${host.hostname}/instance:${chart.name}${tail}`;
  } else {
    id = `context://host:${host.hostname}/contexts:${contextParam ?? "*"}/instances:${
      chartParam ?? "*"
    }${tail}`;
  }

  const wrap: WrapInfo = {
    id,
    target,
    run,
    group: group.name,
    format,
    contextQuery: chart === undefined,
    ctx,
  };
  const body = formatData(wrap, options, { google, responseHandler, googleTimestamp });
  const reply: Reply = { status: 200, type: body.type, body: body.text, cacheable: !run.window.relative };
  if (outFileName !== undefined && outFileName !== "") {
    reply.headers = [["Content-Disposition", `attachment; filename="${outFileName}"`]];
  }
  return reply;
}

interface WrapInfo {
  id: string;
  target: QueryTarget;
  run: QueryRun;
  group: string;
  format: string;
  contextQuery: boolean;
  ctx: RouteContext;
}

interface GoogleInfo {
  google: { version: string; reqId: string; sig: string; out: string };
  responseHandler: string | undefined;
  googleTimestamp: number;
}

/** Runs the formatter of `format`, wrapped when `jsonwrap` is set. */
function formatData(w: WrapInfo, options: number, g: GoogleInfo): { type: string; text: string } {
  const r = w.run.result;
  const names = w.target.metrics.map((m) => m.dim.name);
  const wrapped = (options & OPT_JSON_WRAP) !== 0;
  const begin = (stringValue: boolean) => wrapped ? wrapperBegin(w, options, stringValue) : "";
  const end = (stringValue: boolean) => wrapped ? wrapperEnd(w, options, stringValue) : "";
  const plainEscape = (s: string) => s;
  switch (w.format) {
    case "ssv":
    case "ssvcomma": {
      const sep = w.format === "ssv" ? " " : ",";
      const b = begin(true);
      const text = b + formatSsv(r, { options, prefix: "", separator: sep, suffix: "" }) + end(true);
      return { type: wrapped ? CT_JSON : CT_TEXT, text };
    }
    case "array": {
      const b = begin(false);
      return {
        type: CT_JSON,
        text: b + formatSsv(r, { options, prefix: "[", separator: ",", suffix: "]" }) + end(false),
      };
    }
    case "csv":
    case "tsv":
    case "markdown": {
      const sep = w.format === "csv" ? "," : w.format === "tsv" ? "\t" : "|";
      const b = begin(true);
      const text = b + formatCsv(r, {
        names,
        options,
        startLine: "",
        separator: sep,
        endLine: wrapped ? "\\n" : "\r\n",
        betweenLines: "",
        markdown: w.format === "markdown",
        escape: wrapped ? jsonEscape : plainEscape,
      }) + end(true);
      return { type: wrapped ? CT_JSON : CT_TEXT, text };
    }
    case "csvjsonarray": {
      const b = begin(false);
      const text = b + "[\n" + formatCsv(r, {
        names,
        options: options | OPT_LABEL_QUOTES,
        startLine: "[",
        separator: ",",
        endLine: "]",
        betweenLines: ",\n",
        markdown: false,
        escape: jsonEscape,
      }) + "\n]" + end(false);
      return { type: CT_JSON, text };
    }
    case "html": {
      if (wrapped) {
        const b = begin(true);
        const text = b +
          '<html>\\n<center>\\n<table border=\\"0\\" cellpadding=\\"5\\" cellspacing=\\"5\\">\\n' +
          formatCsv(r, {
            names,
            options,
            startLine: "<tr><td>",
            separator: "</td><td>",
            endLine: "</td></tr>\\n",
            betweenLines: "",
            markdown: false,
            escape: jsonEscape,
          }) + "</table>\\n</center>\\n</html>\\n" + end(true);
        return { type: CT_JSON, text };
      }
      const text = '<html>\n<center>\n<table border="0" cellpadding="5" cellspacing="5">\n' +
        formatCsv(r, {
          names,
          options,
          startLine: "<tr><td>",
          separator: "</td><td>",
          endLine: "</td></tr>\n",
          betweenLines: "",
          markdown: false,
          escape: plainEscape,
        }) + "</table>\n</center>\n</html>\n";
      return { type: CT_HTML, text };
    }
    case "datasource": {
      const handler = g.responseHandler ?? "google.visualization.Query.setResponse";
      const gi = g.google;
      const last = r.rows > 0 ? r.before : 0;
      if (g.googleTimestamp >= last) {
        return {
          type: CT_JS,
          text: `${handler}({version:'${gi.version}',reqId:'${gi.reqId}',status:'error',` +
            `errors:[{reason:'not_modified',message:'Data not modified'}]});`,
        };
      }
      const sig = w.target.request.chart?.lastEntrySec() ?? w.target.lastEntry;
      const text = `${handler}({version:'${gi.version}',reqId:'${gi.reqId}',status:'ok',sig:'${sig}',table:` +
        begin(false) + formatJson(r, { names, options, datatable: true }) + end(false) + "});";
      return { type: CT_JS, text };
    }
    case "datatable": {
      const b = begin(false);
      return { type: CT_JSON, text: b + formatJson(r, { names, options, datatable: true }) + end(false) };
    }
    case "jsonp": {
      const handler = g.responseHandler ?? "callback";
      const b = begin(false);
      return {
        type: CT_JS,
        text: handler + "(" + b + formatJson(r, { names, options, datatable: false }) + end(false) + ");",
      };
    }
    default: {
      const b = begin(false);
      return { type: CT_JSON, text: b + formatJson(r, { names, options, datatable: false }) + end(false) };
    }
  }
}

/** Netdata's rrdr_json_wrapper_begin(). */
function wrapperBegin(w: WrapInfo, options: number, stringValue: boolean): string {
  const google = (options & OPT_GOOGLE_JSON) !== 0;
  const kq = google ? "" : '"';
  const sq = google ? "'" : '"';
  const r = w.run.result;
  const t = w.target;
  const win = w.run.window;
  const cols = r.cols;
  let rows = r.rows;
  const key = (k: string) => `   ${kq}${k}${kq}: `;
  const str = (s: string) => sq + jsonEscape(s) + sq;

  let out = "{\n" + key("api") + "1,\n" +
    key("id") + str(w.id) + ",\n" +
    key("name") + str(w.id) + ",\n" +
    key("view_update_every") + r.step + ",\n" +
    key("update_every") + t.updateEvery + ",\n" +
    key("first_entry") + t.firstEntry + ",\n" +
    key("last_entry") + t.lastEntry + ",\n" +
    key("before") + r.before + ",\n" +
    key("after") + r.after + ",\n" +
    key("group") + str(w.group) + ",\n" +
    key("options") + sq + optionsToString(win.options) + sq + ",\n";

  const visibleList = (f: (c: number) => string, empty: string) => {
    const parts: string[] = [];
    for (let c = 0; c < cols; c++) if (r.visible(c, options)) parts.push(f(c));
    if (parts.length === 0) {
      rows = 0;
      return empty;
    }
    return parts.join(", ");
  };
  out += key("dimension_names") + "[" + visibleList((c) => str(t.metrics[c].dim.name), str("no data")) +
    "],\n";
  out += key("dimension_ids") + "[" + visibleList((c) => str(t.metrics[c].dim.id), str("no data")) + "],\n";

  if ((win.options & OPT_ALL_DIMENSIONS) !== 0) {
    const uniq = (items: [string, string][], sep: string) => {
      const seen = new Map<string, string>();
      for (const [a, b] of items) {
        const k = a + ":" + b;
        if (!seen.has(k)) seen.set(k, `["${jsonEscape(a)}",${sep}"${jsonEscape(b)}"]`);
      }
      return [...seen.values()].join(",");
    };
    out += key("full_dimension_list") + "[" +
      uniq(t.allMetrics.map((m) => [m.dim.id, m.dim.name]), "") + "],\n";
    out += key("full_chart_list") + "[" + uniq(t.instances.map((c) => [c.id, c.name]), "") + "],\n";
    const labels: [string, string][] = [];
    for (const c of t.instances) for (const [k, l] of c.labels) labels.push([k, l.value]);
    out += key("full_chart_labels") + "[" + uniq(labels, " ") + "],\n";
  }

  out += key("functions") + "[],\n";

  if (w.contextQuery) {
    out += key("chart_ids") + "[" + visibleList((c) => str(t.metrics[c].chart.id), str("no data")) + "],\n";
    const lk = t.request.chartLabelKey;
    if (lk !== undefined && lk !== "" && lk !== "*") {
      const keys = lk.split(/[,|\t\r\n\f\v]/).filter((k) => k !== "").map((k) => k.replace(/^!/, ""));
      const parts = keys.map((k) =>
        `${kq}${jsonEscape(k)}${kq} : [` + visibleList((c) => {
          const l = t.metrics[c].chart.labels.get(k);
          return l === undefined ? "null" : str(l.value);
        }, str("no data")) + "]"
      );
      out += key("chart_labels") + "{ " + parts.join(", ") + "},\n";
    }
  }

  const scratch = w.ctx.state.scratch;
  const store = t.request.host.store;
  out += key("latest_values") + "[" + visibleList(
    (c) => formatNumber(lastStoredValue(store, t.metrics[c].dim.seriesId, scratch)),
    "null",
  ) + "],\n";

  let shown = 0;
  let viewLatest = "null";
  if (rows > 0) {
    const last = r.rows - 1;
    const base = last * cols;
    const abs = (options & OPT_ABSOLUTE) !== 0;
    const percentage = (options & OPT_PERCENTAGE) !== 0;
    let total = 1;
    if (percentage) {
      total = 0;
      for (let c = 0; c < cols; c++) {
        let n = r.v[base + c];
        if (abs && n < 0) n = -n;
        total += n;
      }
      if (total === 0) total = 1;
    }
    const parts: string[] = [];
    for (let c = 0; c < cols; c++) {
      if (!r.visible(c, options)) continue;
      if ((r.o[base + c] & VALUE_EMPTY) !== 0) {
        parts.push((options & OPT_NULL2ZERO) !== 0 ? "0" : "null");
      } else {
        let n = r.v[base + c];
        if (abs && n < 0) n = -n;
        if (percentage) n = n * 100 / total;
        parts.push(formatNumber(n));
      }
    }
    shown = parts.length;
    if (shown > 0) viewLatest = parts.join(", ");
  }
  if (shown === 0) rows = 0;
  out += key("view_latest_values") + "[" + viewLatest + "],\n";
  out += key("dimensions") + shown + ",\n";
  out += key("points") + rows + ",\n";
  out += key("format") + sq + w.format + sq + ",\n";
  const perTier = [0, 0, 0];
  perTier[w.run.tier] = r.pointsRead;
  out += key("db_points_per_tier") + "[ " + perTier.join(", ") + " ],\n";
  out += key("result") + (stringValue ? sq : "");
  return out;
}

/** Netdata's rrdr_json_wrapper_end(). */
function wrapperEnd(w: WrapInfo, options: number, stringValue: boolean): string {
  const google = (options & OPT_GOOGLE_JSON) !== 0;
  const kq = google ? "" : '"';
  const sq = google ? "'" : '"';
  const r = w.run.result;
  return (stringValue ? sq : "") + `,\n ${kq}min${kq}: ` + formatNumber(r.min) + `,\n ${kq}max${kq}: ` +
    formatNumber(r.max) + "\n}\n";
}
