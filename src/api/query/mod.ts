/**
 * The query engine of `/api/v1/data`, a port of Netdata 1.37.1's web/api/queries: the request's
 * parameters (request.ts, options.ts), which metrics it reads (target.ts), the time window and its
 * alignment (window.ts), the storage tier (tier.ts), the grouping methods (group_method.ts,
 * grouping*.ts) and the per-dimension loop (column.ts) that fills the rows of a
 * {@link QueryResult} (result.ts). plan.ts ties them together for one request.
 *
 * Layers, bottom up: options, group_method, result -> grouping*, window, tier, request -> column
 * -> target -> plan. Nothing here imports the HTTP layer (reply.ts, routes/) or the formatters.
 *
 * @example
 * ```ts
 * import { parseDataRequest, planAndRun, QueryScratch } from "./mod.ts";
 * const req = parseDataRequest(parseQuery("chart=system.cpu&after=-60&points=60"), 1);
 * const outcome = planAndRun(host, req, { nowSec, scratch: new QueryScratch() });
 * if (outcome.ok) console.log(outcome.query.run.result.rows);
 * ```
 * @module
 */

export { type ColumnSource, fillColumn, lastStoredValue } from "./column.ts";
export {
  type Grouping,
  type GroupingContext,
  type GroupKind,
  type GroupMethod,
  parseGroupMethod,
} from "./group_method.ts";
export { createGrouping } from "./grouping.ts";
export * from "./options.ts";
export { queryValues, tooLargeMessage } from "./limits.ts";
export { type DataOutcome, type DataQuery, planAndRun, type PlanOptions } from "./plan.ts";
export { type DataRequest, type GoogleParams, parseDataRequest } from "./request.ts";
export { DIM_HIDDEN, DIM_NONZERO, DIM_SELECTED, QueryResult, QueryScratch, VALUE_EMPTY } from "./result.ts";
export {
  chartsByContext,
  createTarget,
  labelsMatch,
  type QueryMetric,
  type QueryRun,
  type QueryTarget,
  type RunOptions,
  runQuery,
  type TargetRequest,
  targetWindow,
} from "./target.ts";
export { pickTier, TierView } from "./tier.ts";
export {
  calculateWindow,
  type QueryWindow,
  RELATIVE_TIME_MAX,
  relativeToAbsolute,
  type WindowRequest,
} from "./window.ts";
