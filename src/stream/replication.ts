/**
 * How a parent decides what history to ask a child for (PROTOCOL.md §6), as a pure
 * function: the `REPLAY_CHART` arguments for one chart.
 * @module
 */

/** Inputs of {@link planReplay}. */
export interface ReplayInputs {
  enabled: boolean;
  /** The child's retention for the chart (CHART_DEFINITION_END or the previous REND). */
  childFirstSec: number;
  childLastSec: number;
  /** The parent's newest stored point of the chart, 0 when none. */
  parentLastSec: number;
  /** The parent's clock. */
  nowSec: number;
  dimensions: number;
  secondsToReplicate: number;
  secondsPerStep: number;
  /** When continuing after `REND … false`: that REND's `before`. */
  previousBeforeSec?: number;
}

/** A `REPLAY_CHART "<id>" "<start>" <after> <before>` request. */
export interface ReplayRequest {
  startStreaming: boolean;
  afterSec: number;
  beforeSec: number;
}

/** Netdata 1.37.1's replication_send_chart_request() decision. */
export function planReplay(i: ReplayInputs): ReplayRequest {
  const lp = Math.min(i.parentLastSec, i.nowSec);
  if (
    !i.enabled || i.childLastSec === 0 || i.dimensions === 0 || i.childFirstSec <= 0 ||
    i.childFirstSec > i.childLastSec || lp > i.childLastSec
  ) {
    return { startStreaming: true, afterSec: 0, beforeSec: 0 };
  }
  const gapFrom = i.previousBeforeSec !== undefined
    ? i.previousBeforeSec
    : lp > 0
    ? lp
    : i.nowSec - i.secondsToReplicate;
  const gapTo = i.nowSec;
  let after = Math.max(i.childFirstSec, gapFrom);
  let before = gapTo - after > i.secondsPerStep ? after + i.secondsPerStep : gapTo;
  before = Math.min(before, i.childLastSec);
  after = Math.min(after, before);
  const startStreaming = i.nowSec - after <= i.secondsPerStep || before === i.childLastSec;
  return { startStreaming, afterSec: after, beforeSec: before };
}

/** The request line. */
export function replayLine(chartId: string, r: ReplayRequest): string {
  return `REPLAY_CHART "${chartId}" "${r.startStreaming ? "true" : "false"}" ${r.afterSec} ${r.beforeSec}\n`;
}
