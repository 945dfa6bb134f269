/**
 * jsonwrap (Netdata's rrdr_json_wrapper_begin() and rrdr_json_wrapper_end()): the metadata object
 * around a data query's result (`options=jsonwrap`), with the formatted rows as its `result`.
 * @module
 */

import { formatNumber, jsonEscape } from "./format.ts";
import {
  type DataQuery,
  lastStoredValue,
  OPT_ABSOLUTE,
  OPT_ALL_DIMENSIONS,
  OPT_GOOGLE_JSON,
  OPT_NULL2ZERO,
  OPT_PERCENTAGE,
  optionsToString,
  type QueryScratch,
  VALUE_EMPTY,
} from "./query/mod.ts";

/** Options of {@link wrapBegin} and {@link wrapEnd}. */
export interface WrapOptions {
  /** The request's `options=` flags. */
  options: number;
  /** Whether the result is printed as a string (csv-like formats): quote it. */
  stringValue: boolean;
  /** Reused point buffer, for `latest_values`. */
  scratch: QueryScratch;
}

/** Netdata's rrdr_json_wrapper_begin(). */
export function wrapBegin(q: DataQuery, o: WrapOptions): string {
  const { options, stringValue } = o;
  const google = (options & OPT_GOOGLE_JSON) !== 0;
  const kq = google ? "" : '"';
  const sq = google ? "'" : '"';
  const r = q.run.result;
  const t = q.target;
  const win = q.run.window;
  const cols = r.cols;
  let rows = r.rows;
  const key = (k: string) => `   ${kq}${k}${kq}: `;
  const str = (s: string) => sq + jsonEscape(s) + sq;

  let out = "{\n" + key("api") + "1,\n" +
    key("id") + str(q.id) + ",\n" +
    key("name") + str(q.id) + ",\n" +
    key("view_update_every") + r.step + ",\n" +
    key("update_every") + t.updateEvery + ",\n" +
    key("first_entry") + t.firstEntry + ",\n" +
    key("last_entry") + t.lastEntry + ",\n" +
    key("before") + r.before + ",\n" +
    key("after") + r.after + ",\n" +
    key("group") + str(q.request.group.name) + ",\n" +
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

  if (q.chart === undefined) {
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

  const scratch = o.scratch;
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
  out += key("format") + sq + q.request.format + sq + ",\n";
  const perTier = [0, 0, 0];
  perTier[q.run.tier] = r.pointsRead;
  out += key("db_points_per_tier") + "[ " + perTier.join(", ") + " ],\n";
  out += key("result") + (stringValue ? sq : "");
  return out;
}

/** Netdata's rrdr_json_wrapper_end(). */
export function wrapEnd(q: DataQuery, o: WrapOptions): string {
  const { options, stringValue } = o;
  const google = (options & OPT_GOOGLE_JSON) !== 0;
  const kq = google ? "" : '"';
  const sq = google ? "'" : '"';
  const r = q.run.result;
  return (stringValue ? sq : "") + `,\n ${kq}min${kq}: ` + formatNumber(r.min) + `,\n ${kq}max${kq}: ` +
    formatNumber(r.max) + "\n}\n";
}
