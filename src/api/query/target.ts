/**
 * Query targets: which (chart, dimension) pairs a `/api/v1/data` request reads, as Netdata's
 * query_target_create() picks them (database/rrdcontext.c), and running them into a QueryResult.
 * @module
 */

import type { Chart, Dimension, Host } from "../../host/mod.ts";
import { firstTimeAnyTier, storedTiers, type StoreReader } from "../../store/mod.ts";
import {
  API_SEPARATORS,
  compileSimplePattern,
  isValidPattern,
  type SimplePattern,
} from "../../util/patterns.ts";
import { fillColumn } from "./column.ts";
import type { GroupMethod } from "./group_method.ts";
import { createGrouping } from "./grouping.ts";
import { OPT_MATCH_IDS, OPT_MATCH_NAMES, OPT_NONZERO, OPT_PERCENTAGE } from "./options.ts";
import { DIM_HIDDEN, DIM_NONZERO, DIM_SELECTED, type QueryResult, type QueryScratch } from "./result.ts";
import { pickTier, TierView } from "./tier.ts";
import { calculateWindow, type QueryWindow, relativeToAbsolute } from "./window.ts";

/** One queried column. */
export interface QueryMetric {
  chart: Chart;
  dim: Dimension;
  /** DIM_* flags decided at selection. */
  flags: number;
}

/** What a data query asks for. */
export interface TargetRequest {
  host: Host;
  /** The chart found by `chart=` (id or name), when no `context=` was given. */
  chart: Chart | undefined;
  /** Raw `chart=` (an instance pattern when no chart matched). */
  charts: string | undefined;
  /** Raw `context=`. */
  contexts: string | undefined;
  /** Raw dimensions (`|a|b`). */
  dimensions: string | undefined;
  chartLabelKey: string | undefined;
  chartLabelsFilter: string | undefined;
  after: number;
  before: number;
  points: number;
  gtime: number;
  options: number;
  nowSec: number;
}

/** The selected metrics and their retention. */
export interface QueryTarget {
  request: TargetRequest;
  /** Columns, in query order (hidden ones included with `percentage`). */
  metrics: QueryMetric[];
  /** Every (chart, dimension) considered, for `all-dimensions`. */
  allMetrics: QueryMetric[];
  /** Every chart considered, in order. */
  instances: Chart[];
  /** Smallest update_every of the considered charts. */
  updateEvery: number;
  firstEntry: number;
  lastEntry: number;
}

/** Groups a host's charts by context, both in creation order. */
export function chartsByContext(host: Host): Map<string, Chart[]> {
  const m = new Map<string, Chart[]>();
  for (const c of host.charts.values()) {
    let list = m.get(c.context);
    if (list === undefined) {
      list = [];
      m.set(c.context, list);
    }
    list.push(c);
  }
  return m;
}

/** Whether any label `key` or `key:value` of the chart matches the pattern positively. */
export function labelsMatch(chart: Chart, p: SimplePattern, withValues: boolean): boolean {
  for (const [k, l] of chart.labels) {
    if (p(k) === true) return true;
    if (withValues && p(k + ":" + l.value) === true) return true;
  }
  return false;
}

/** Selects the metrics of a request; undefined when nothing matched. */
export function createTarget(req: TargetRequest): QueryTarget | undefined {
  const host = req.host;
  const store = host.store;
  const pre = relativeToAbsolute(req, req.nowSec);
  const sp = (s: string | undefined) =>
    isValidPattern(s) ? compileSimplePattern(s, { separators: API_SEPARATORS }) : undefined;
  const contextsPattern = sp(req.contexts);
  const instancesPattern = sp(req.charts);
  const dimsPattern = sp(req.dimensions);
  const labelKeyPattern = sp(req.chartLabelKey);
  const labelsFilterPattern = sp(req.chartLabelsFilter);
  let matchIds = (req.options & OPT_MATCH_IDS) !== 0;
  let matchNames = (req.options & OPT_MATCH_NAMES) !== 0;
  if (!matchIds && !matchNames) matchIds = matchNames = true;

  const t: QueryTarget = {
    request: req,
    metrics: [],
    allMetrics: [],
    instances: [],
    updateEvery: 0,
    firstEntry: 0,
    lastEntry: 0,
  };

  const addInstance = (chart: Chart, queryable: boolean) => {
    t.instances.push(chart);
    if (t.updateEvery === 0 || chart.updateEvery < t.updateEvery) t.updateEvery = chart.updateEvery;
    if (
      queryable &&
      ((labelKeyPattern !== undefined && !labelsMatch(chart, labelKeyPattern, true)) ||
        (labelsFilterPattern !== undefined && !labelsMatch(chart, labelsFilterPattern, true)))
    ) queryable = false;
    for (const dim of chart.dimensions) {
      t.allMetrics.push({ chart, dim, flags: 0 });
      if (!queryable) continue;
      // Retention across every stored tier, like Netdata's first_entry.
      const first = firstTimeAnyTier(store, dim.seriesId);
      const last = store.lastTime(dim.seriesId);
      const ue = chart.updateEvery;
      if (!(first !== 0 && first - ue * 2 <= pre.before && last + ue * 2 >= pre.after)) continue;
      let flags = 0;
      if (dim.hidden) flags |= DIM_HIDDEN;
      if (dimsPattern !== undefined) {
        if ((matchIds && dimsPattern(dim.id) === true) || (matchNames && dimsPattern(dim.name) === true)) {
          flags = (flags | DIM_SELECTED | DIM_NONZERO) & ~DIM_HIDDEN;
        } else {
          flags = (flags | DIM_HIDDEN) & ~DIM_SELECTED;
        }
      } else if ((flags & DIM_HIDDEN) === 0) {
        flags |= DIM_SELECTED;
      }
      if ((flags & DIM_HIDDEN) === 0 || (req.options & OPT_PERCENTAGE) !== 0) {
        t.metrics.push({ chart, dim, flags });
        if (t.firstEntry === 0 || first < t.firstEntry) t.firstEntry = first;
        if (t.lastEntry === 0 || last > t.lastEntry) t.lastEntry = last;
      }
    }
  };

  if (req.chart !== undefined) {
    addInstance(req.chart, true);
  } else {
    const byContext = chartsByContext(host);
    const exact = req.contexts !== undefined ? byContext.get(req.contexts) : undefined;
    const addContext = (charts: Chart[]) => {
      for (const c of charts) {
        const queryable = instancesPattern === undefined ||
          (matchIds && instancesPattern(c.id) === true) ||
          (matchNames && instancesPattern(c.name) === true);
        addInstance(c, queryable);
      }
    };
    if (exact !== undefined) {
      addContext(exact);
    } else {
      for (const [ctx, charts] of byContext) {
        if (contextsPattern !== undefined && contextsPattern(ctx) !== true) continue;
        addContext(charts);
      }
    }
  }
  if (t.metrics.length === 0) return undefined;
  return t;
}

/** Options of {@link runQuery}. */
export interface RunOptions {
  group: GroupMethod;
  groupOptions: string | undefined;
  scratch: QueryScratch;
  /** Read this tier (the `tier` parameter); by default the one {@link pickTier} chooses. */
  tier?: number;
  /** The window, when already computed by {@link targetWindow}. */
  window?: QueryWindow;
}

/** A computed query: the window and the rows. */
export interface QueryRun {
  window: QueryWindow;
  result: QueryResult;
  /** The storage tier the points were read from. */
  tier: number;
}

/**
 * The window of a target (Netdata's query_target_calculate_window()); undefined when it cannot be
 * computed (a database-relative window over no data). `points × metrics` is what a run allocates.
 */
export function targetWindow(t: QueryTarget): QueryWindow | undefined {
  const req = t.request;
  return calculateWindow({
    after: req.after,
    before: req.before,
    points: req.points,
    gtime: req.gtime,
    options: req.options,
    updateEvery: t.updateEvery,
    firstEntry: t.firstEntry,
    lastEntry: t.lastEntry,
    nowSec: req.nowSec,
  });
}

/**
 * Computes the window (unless `opts.window` is given, from {@link targetWindow}) and fills every
 * column (Netdata's rrd2rrdr()). Undefined when the window cannot be computed.
 */
export function runQuery(t: QueryTarget, opts: RunOptions): QueryRun | undefined {
  const req = t.request;
  const win = opts.window ?? targetWindow(t);
  if (win === undefined) return undefined;
  const cols = t.metrics.length;
  const r = opts.scratch.result(cols, win.points, win.group * win.granularity);
  r.before = win.before;
  r.after = win.after;
  const grouping = createGrouping(opts.group, {
    group: win.group,
    points: win.points,
    resamplingGroup: win.resamplingGroup,
    resamplingDivisor: win.resamplingDivisor,
    options: opts.groupOptions,
  });
  const hostStore = req.host.store;
  const tiers = storedTiers(hostStore);
  const tier = opts.tier !== undefined
    ? Math.min(Math.max(0, opts.tier), tiers - 1)
    : pickTier(hostStore, t.metrics.map((m) => m.dim.seriesId), win.after, win.before, win.points);
  const store: StoreReader = tier === 0 ? hostStore : new TierView(hostStore, tier, opts.group);
  let nonZero = 0;
  for (let c = 0; c < cols; c++) {
    const m = t.metrics[c];
    r.od[c] = m.flags | DIM_SELECTED;
    fillColumn(r, c, { store, id: m.dim.seriesId, window: win, grouping, scratch: opts.scratch });
    if ((r.od[c] & DIM_NONZERO) !== 0) nonZero++;
  }
  if ((win.options & OPT_NONZERO) !== 0 && nonZero === 0) {
    for (let c = 0; c < cols; c++) if ((r.od[c] & DIM_HIDDEN) === 0) r.od[c] |= DIM_NONZERO;
  }
  return { window: win, result: r, tier };
}
