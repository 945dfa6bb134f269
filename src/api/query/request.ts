/**
 * The parameters of `/api/v1/data` (Netdata 1.37.1's web_client_api_request_v1_data()): what to
 * read, the window, the grouping, the `options=` flags, and how to print it (`format=`, Google's
 * `tqx=`, `callback=`, `filename=`). Parsing never fails: like Netdata, unknown or malformed values
 * fall back to their defaults.
 * @module
 */

import { parseLeadingInt, type QueryParams } from "../url.ts";
import { type GroupMethod, parseGroupMethod } from "./group_method.ts";
import { OPT_ALL_DIMENSIONS, OPT_SELECTED_TIER, parseDataOptions } from "./options.ts";

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

/** Google visualization parameters from `tqx=`, each sanitised (see {@link fixGoogleParam}). */
export interface GoogleParams {
  version: string;
  reqId: string;
  sig: string;
  out: string;
}

/** A parsed `/api/v1/data` request. */
export interface DataRequest {
  /** Raw `chart=`. */
  chart: string | undefined;
  /** Raw `context=`. */
  context: string | undefined;
  /** Every `dimension=`/`dim=`/`dimensions=`/`dims=`, joined as `|a|b`. */
  dimensions: string | undefined;
  chartLabelKey: string | undefined;
  chartLabelsFilter: string | undefined;
  /** As requested (relative or absolute); `after` defaults to -600, `before` to 0. */
  after: number;
  before: number;
  /** Rows wanted (0 = every natural point). */
  points: number;
  /** `gtime`, seconds. */
  gtime: number;
  /** `options=` flags, plus `all-dimensions` for `show_dimensions` and `selected-tier` for a valid `tier`. */
  options: number;
  group: GroupMethod;
  /** Raw `group_options=`. */
  groupOptions: string | undefined;
  /** The `tier=` to read, only when it names a stored tier (then `selected-tier` is set). */
  tier: number | undefined;
  /** `timeout=`, ms (0 when absent). */
  timeout: number;
  /** The canonical format name (`json` when unknown). */
  format: string;
  google: GoogleParams;
  /** Google's `sig` as a number: answer `not_modified` unless newer data exists. */
  googleTimestamp: number;
  /** `callback=` or Google's `responseHandler`, sanitised. */
  responseHandler: string | undefined;
  /** `filename=` or Google's `outFileName`, sanitised. */
  outFileName: string | undefined;
}

/** Netdata's fix_google_param(): anything outside `[A-Za-z0-9._-]` becomes `_`. */
function fixGoogleParam(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * Parses the parameters of `/api/v1/data`; `tiers` is how many storage tiers the host's store
 * keeps (a `tier=` outside `0..tiers-1` is ignored).
 */
export function parseDataRequest(p: QueryParams, tiers: number): DataRequest {
  let options = 0;
  let format = "json";
  let group = parseGroupMethod(undefined);
  let google: GoogleParams = { version: "0.6", reqId: "0", sig: "0", out: "json" };
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
  let tier = tierParam !== undefined ? parseLeadingInt(tierParam) : undefined;
  if (tier !== undefined && tier >= 0 && tier < tiers) options |= OPT_SELECTED_TIER;
  else tier = undefined;
  const afterStr = p.get("after");
  const beforeStr = p.get("before");
  return {
    chart: p.get("chart"),
    context: p.get("context"),
    dimensions: p.joined("dimension", "dim", "dimensions", "dims"),
    chartLabelKey: p.get("chart_label_key"),
    chartLabelsFilter: p.get("chart_labels_filter"),
    after: afterStr !== undefined ? parseLeadingInt(afterStr) : -600,
    before: beforeStr !== undefined ? parseLeadingInt(beforeStr) : 0,
    points: parseLeadingInt(p.get("points")),
    gtime: parseLeadingInt(p.get("gtime")),
    options,
    group,
    groupOptions: p.get("group_options"),
    tier,
    timeout: parseLeadingInt(p.get("timeout")),
    format,
    google: {
      version: fixGoogleParam(google.version),
      reqId: fixGoogleParam(google.reqId),
      sig: fixGoogleParam(google.sig),
      out: fixGoogleParam(google.out),
    },
    googleTimestamp,
    responseHandler: responseHandler !== undefined ? fixGoogleParam(responseHandler) : undefined,
    outFileName: outFileName !== undefined ? fixGoogleParam(outFileName) : undefined,
  };
}
