/**
 * Plan and run one `/api/v1/data` request: check that it names a chart or context, select the
 * target, compute the window and fill the rows, then name the query the way jsonwrap's `id` does.
 * Each way a request can have no answer is a status and Netdata's message.
 * @module
 */

import type { Chart, Host } from "../../host/mod.ts";
import { OPT_SELECTED_TIER, optionsToString } from "./options.ts";
import type { DataRequest } from "./request.ts";
import type { QueryScratch } from "./result.ts";
import { BUSY_MESSAGE } from "../gate.ts";
import { queryValues, tooLargeMessage } from "./limits.ts";
import { createTarget, type QueryRun, type QueryTarget, runQuery, targetWindow } from "./target.ts";

/** A data query with an answer, ready to be formatted. */
export interface DataQuery {
  request: DataRequest;
  /** The chart named by `chart=` when no `context=` was given and it exists. */
  chart: Chart | undefined;
  target: QueryTarget;
  run: QueryRun;
  /** jsonwrap's descriptive `id` (and `name`). */
  id: string;
}

/** The outcome of {@link planAndRun}: the query, or the HTTP status and message of why not. */
export type DataOutcome =
  | { ok: true; query: DataQuery }
  | { ok: false; status: 400 | 404 | 503; message: string; busy?: boolean };

/** Options of {@link planAndRun}. */
export interface PlanOptions {
  /** Wall clock of the request, seconds. */
  nowSec: number;
  /** Reused point buffer of this API instance. */
  scratch: QueryScratch;
  /** The most values (rows × dimensions) the query may compute; more is a 400. */
  maxValues?: number;
  /**
   * Called with the query's size before it runs; false refuses it as busy (a 503). A query it
   * admitted holds whatever it took until the caller releases it.
   */
  admit?: (values: number) => boolean;
}

const NO_METRICS = "No metrics where matched to query.";

/** Selects, checks and runs a parsed data request on `host`. */
export function planAndRun(host: Host, req: DataRequest, opts: PlanOptions): DataOutcome {
  const validChart = req.chart !== undefined && req.chart !== "" && req.chart !== "*";
  const validContext = req.context !== undefined && req.context !== "" && req.context !== "*";
  if (!validChart && !validContext) {
    return { ok: false, status: 400, message: "No chart or context is given." };
  }

  const chart = req.chart !== undefined && req.context === undefined ? host.chart(req.chart) : undefined;
  const target = createTarget({
    host,
    chart,
    charts: req.chart,
    contexts: req.context,
    dimensions: req.dimensions,
    chartLabelKey: req.chartLabelKey,
    chartLabelsFilter: req.chartLabelsFilter,
    after: req.after,
    before: req.before,
    points: req.points,
    gtime: req.gtime,
    options: req.options,
    nowSec: opts.nowSec,
  });
  if (target === undefined) return { ok: false, status: 404, message: NO_METRICS };
  // Netdata subtracts the time the request waited in its queue; we answer at once, so only a
  // negative timeout is already exceeded.
  if (req.timeout < 0) return { ok: false, status: 503, message: "Query timeout exceeded" };
  const window = targetWindow(target);
  if (window === undefined) return { ok: false, status: 404, message: NO_METRICS };
  const tooLarge = opts.maxValues !== undefined ? tooLargeMessage(target, window, opts.maxValues) : undefined;
  if (tooLarge !== undefined) return { ok: false, status: 400, message: tooLarge };
  if (opts.admit !== undefined && !opts.admit(queryValues(target, window))) {
    return { ok: false, status: 503, message: BUSY_MESSAGE, busy: true };
  }
  const run = runQuery(target, {
    group: req.group,
    groupOptions: req.groupOptions,
    scratch: opts.scratch,
    window,
    ...(req.tier !== undefined ? { tier: req.tier } : {}),
  });
  if (run === undefined) return { ok: false, status: 404, message: NO_METRICS };
  return { ok: true, query: { request: req, chart, target, run, id: queryId(host, req, chart) } };
}

/** jsonwrap's descriptive id: `chart://host:…/instance:…` or `context://host:…/contexts:…`, then the parameters. */
function queryId(host: Host, req: DataRequest, chart: Chart | undefined): string {
  const tail =
    `/dimensions:${req.dimensions ?? "*"}/after:${req.after}/before:${req.before}/points:${req.points}` +
    `/group:${req.group.name}${req.groupOptions ?? ""}/options:${optionsToString(req.options)}` +
    (req.gtime > 1 ? `/resampling:${req.gtime}` : "") +
    ((req.options & OPT_SELECTED_TIER) !== 0 ? `/tier:${req.tier}` : "");
  if (chart !== undefined) return `chart://host:${host.hostname}/instance:${chart.name}${tail}`;
  return `context://host:${host.hostname}/contexts:${req.context ?? "*"}/instances:${
    req.chart ?? "*"
  }${tail}`;
}
