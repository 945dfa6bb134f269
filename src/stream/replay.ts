/**
 * How a child answers a parent's `REPLAY_CHART` from its store (PROTOCOL.md §6.1), as a
 * pure function of the chart and its store: RBEGIN, one RBEGIN '' + RSETs per stored point in the
 * window, the collector state (RDSTATE/RSSTATE) when it finishes, and REND.
 * @module
 */

import type { Chart } from "../host/mod.ts";
import type { StoreReader } from "../store/mod.ts";
import { formatCollected, formatDouble } from "./encode.ts";

/** A parsed `REPLAY_CHART "<id>" "<true|false>" <after> <before>`. */
export interface ReplayChartRequest {
  chartId: string;
  startStreaming: boolean;
  afterSec: number;
  beforeSec: number;
}

/** Parses a REPLAY_CHART line's words (after splitWords); undefined when malformed. */
export function parseReplayChart(words: string[], n: number): ReplayChartRequest | undefined {
  if (n < 5 || words[0] !== "REPLAY_CHART") return undefined;
  const after = Number(words[3]);
  const before = Number(words[4]);
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(before) || after < 0 || before < 0) {
    return undefined;
  }
  return { chartId: words[1], startStreaming: words[2] === "true", afterSec: after, beforeSec: before };
}

/** The reply text and whether the chart now streams normally. */
export interface ReplayReply {
  text: string;
  done: boolean;
  points: number;
}

/** Most points one reply carries, so a parent asking for a huge window cannot stall us. */
export const MAX_REPLAY_POINTS = 86400;

/** Slots read per dimension at a time. */
const CHUNK = 4096;

/** Builds the reply to `req` for `chart` from `store` at the child's clock `nowSec`. */
export function encodeReplay(
  chart: Chart,
  store: StoreReader,
  req: ReplayChartRequest,
  nowSec: number,
): ReplayReply {
  const ue = chart.updateEvery;
  const first = chart.firstEntrySec(store);
  const last = chart.lastEntrySec(store);
  let text = `RBEGIN "${chart.id}"\n`;
  let points = 0;
  // A parent asking from our first point or before it has nothing there (a v1.37.1 parent with no
  // data asks from the child's first entry): the walk starts one slot earlier so that the first
  // point itself is sent (v1.37.1 starts at it and skips it, so a parent of a young chart lost that
  // second). A dbengine parent that had it after all ignores a point in its past.
  let qa = first > 0 && req.afterSec <= first ? first - ue : Math.max(req.afterSec, first);
  let qb = Math.min(req.beforeSec, last);
  if (req.startStreaming) qb = last;
  if (qa > qb) [qa, qb] = [qb, qa];
  const empty = req.afterSec === 0 && req.beforeSec === 0;
  let done = req.startStreaming || qb >= last || req.afterSec === 0 || req.beforeSec === 0;
  if (!empty && last > 0) {
    let t = Math.floor(qa / ue) * ue + ue; // first slot ending after qa
    const end = Math.min(qb, nowSec);
    const dims = chart.dimensions;
    // Read each dimension's window in chunks.
    while (t <= end && points < MAX_REPLAY_POINTS) {
      const count = Math.min(CHUNK, Math.floor((end - t) / ue) + 1, MAX_REPLAY_POINTS - points);
      const cols = dims.map((d) => {
        const col = new Float64Array(count);
        store.read(d.seriesId, t, t + (count - 1) * ue, col);
        return col;
      });
      for (let i = 0; i < count; i++) {
        const te = t + i * ue;
        // Empty values are not sent at all: a v1.37.1 parent reads `NAN` as 0 (its empty flag is 0)
        // and even a point with no RSET becomes zeros there; left out, the slot stays empty.
        let sets = "";
        for (let k = 0; k < dims.length; k++) {
          const v = cols[k][i];
          if (!Number.isNaN(v)) sets += `RSET "${dims[k].id}" ${formatDouble(v)} ""\n`;
        }
        if (sets !== "") {
          text += `RBEGIN '' ${te - ue} ${te} ${nowSec}\n${sets}`;
          points++;
        }
      }
      t += count * ue;
    }
    if (t <= end) done = false; // capped: the parent asks again from where we stopped
  }
  // The collector state goes with the end of every replication that starts streaming, as a
  // v1.37.1 child sends it, also for a chart that has been collected but stored nothing yet: the
  // parent's timeline then continues ours exactly (same collection times, so the same slots and
  // the same interpolation) instead of starting on its own clock half a second away.
  if (done && chart.lastCollectedUs !== 0) {
    for (const d of chart.dimensions) {
      text += `RDSTATE "${d.id}" ${Math.round(d.lastCollectedUs)} ${
        formatCollected(d.lastCollected) || "0"
      } ${formatDouble(d.lastCalculated)} ${formatDouble(d.lastStored)}\n`;
    }
    // With nothing stored the last-updated time is only the grid slot of the first collection: a
    // v1.37.1 parent would take it for stored data (its API then shows zeros there), so 0 is sent.
    const updatedUs = last > 0 ? Math.round(chart.lastUpdatedUs) : 0;
    text += `RSSTATE ${Math.round(chart.lastCollectedUs)} ${updatedUs}\n`;
  }
  if (done) qb = last;
  text += `REND ${ue} ${first} ${last} ${done ? "true" : "false"} ${qa} ${qb} ${nowSec}\n`;
  return { text, done, points };
}
