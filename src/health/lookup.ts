/**
 * A rule's `lookup:` run over the store, as Netdata 1.37.1's rrdset2value_api_v1() does it: a
 * one-point data query of the chart (same target selection, window, tier and grouping code as
 * `/api/v1/data`), whose last row is reduced to one number by rrdr2value() (the sum of the
 * selected dimensions, or `max - min` with `min2max`).
 * @module
 */

import { rowValue } from "../api/format_table.ts";
import {
  createTarget,
  OPT_ABSOLUTE,
  OPT_ANOMALY_BIT,
  OPT_MATCH_IDS,
  OPT_MATCH_NAMES,
  OPT_MIN2MAX,
  OPT_NOT_ALIGNED,
  OPT_NULL2ZERO,
  OPT_PERCENTAGE,
  parseGroupMethod,
  type QueryScratch,
  runQuery,
} from "../api/query/mod.ts";
import type { Chart, Host } from "../host/mod.ts";
import type { Lookup } from "./rules.ts";

const OPTION_FLAGS: Record<string, number> = {
  absolute: OPT_ABSOLUTE,
  min2max: OPT_MIN2MAX,
  null2zero: OPT_NULL2ZERO,
  percentage: OPT_PERCENTAGE,
  unaligned: OPT_NOT_ALIGNED,
  "anomaly-bit": OPT_ANOMALY_BIT,
  "match-ids": OPT_MATCH_IDS,
  "match-names": OPT_MATCH_NAMES,
};

/** The query flags of a lookup's options. */
export function lookupFlags(options: readonly string[]): number {
  let f = 0;
  for (const o of options) f |= OPTION_FLAGS[o] ?? 0;
  return f;
}

/** The outcome of a lookup. */
export interface LookupResult {
  /** NaN when there was no value. */
  value: number;
  /** `db_error` when the query could not run, `db_nan` when every point was empty. */
  problem: "" | "db_error" | "db_nan";
  /** The window the query read (0 on error). */
  after: number;
  before: number;
}

/**
 * Runs `opts.lookup` on `chart` at `nowSec`; `dimensions` overrides the lookup's `of` (a `foreach` alarm
 * reads its own dimension).
 */
export function runLookup(
  host: Host,
  chart: Chart,
  opts: { lookup: Lookup; nowSec: number; scratch: QueryScratch; dimensions?: string },
): LookupResult {
  const lookup = opts.lookup;
  const options = lookupFlags(lookup.options);
  const target = createTarget({
    host,
    chart,
    charts: chart.id,
    contexts: undefined,
    dimensions: opts.dimensions ?? lookup.dimensions,
    chartLabelKey: undefined,
    chartLabelsFilter: undefined,
    after: lookup.after,
    before: lookup.before,
    points: 1,
    gtime: 0,
    options,
    nowSec: opts.nowSec,
  });
  if (target === undefined) return { value: NaN, problem: "db_error", after: 0, before: 0 };
  const run = runQuery(target, {
    group: parseGroupMethod(lookup.group),
    groupOptions: undefined,
    scratch: opts.scratch,
  });
  if (run === undefined || run.result.rows === 0) {
    return { value: NaN, problem: "db_error", after: 0, before: 0 };
  }
  const r = run.result;
  const v = rowValue(r, r.rows - 1, options);
  if (v === undefined) return { value: NaN, problem: "db_nan", after: r.after, before: r.before };
  return { value: v, problem: "", after: r.after, before: r.before };
}
