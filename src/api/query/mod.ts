/**
 * The query engine of `/api/v1/data`, a port of Netdata 1.37.1's web/api/queries: which metrics a
 * request reads (target.ts), the time window and its alignment (window.ts), the storage tier
 * (tier.ts), the grouping methods (group_method.ts, grouping*.ts) and the per-dimension loop
 * (column.ts) that fills the rows of a {@link QueryResult} (result.ts). `options=` flags are in
 * options.ts.
 *
 * Layers, bottom up: options, group_method, result -> grouping*, window, tier -> column -> target.
 * Nothing here imports the HTTP layer (reply.ts, routes/) or the formatters.
 *
 * @example
 * ```ts
 * import { createTarget, parseGroupMethod, QueryScratch, runQuery } from "./mod.ts";
 * const target = createTarget({ host, chart, charts: "system.cpu", contexts: undefined,
 *   dimensions: undefined, chartLabelKey: undefined, chartLabelsFilter: undefined,
 *   after: -600, before: 0, points: 60, gtime: 0, options: 0, nowSec });
 * const run = target && runQuery(target, {
 *   group: parseGroupMethod("average"), groupOptions: undefined, scratch: new QueryScratch(),
 * });
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
} from "./target.ts";
export { pickTier, TierView } from "./tier.ts";
export {
  calculateWindow,
  type QueryWindow,
  RELATIVE_TIME_MAX,
  relativeToAbsolute,
  type WindowRequest,
} from "./window.ts";
