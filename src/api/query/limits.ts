/**
 * The size limit of one data query: rows × dimensions, known once the window is computed and
 * before anything is allocated. Netdata 1.37.1 has no such limit (it only clamps `points` to the
 * window and to 86400); ours is `[web] max values per query`.
 * @module
 */

import type { QueryTarget } from "./target.ts";
import type { QueryWindow } from "./window.ts";

/** How many values a run of `t` over `win` computes (rows × columns). */
export function queryValues(t: QueryTarget, win: QueryWindow): number {
  return win.points * t.metrics.length;
}

/**
 * The 400 message for a query larger than `maxValues`, naming the parameters that decide its
 * size; undefined when it fits.
 */
export function tooLargeMessage(t: QueryTarget, win: QueryWindow, maxValues: number): string | undefined {
  const values = queryValues(t, win);
  if (values <= maxValues) return undefined;
  return `Query too large: ${win.points} points × ${t.metrics.length} dimensions = ${values} values, ` +
    `more than "max values per query" in [web] (${maxValues}); ask for fewer "points" ` +
    `(or a shorter "after"/"before" window), or fewer dimensions with "dimensions", "context" or "chart"`;
}
