/**
 * The time window of a data query, a port of Netdata 1.37.1's query_target_calculate_window():
 * relative times resolved against the clock, alignment to the row step, points per row and the
 * `gtime` resampling.
 * @module
 */

import { OPT_NATURAL_POINTS, OPT_NOT_ALIGNED, OPT_VIRTUAL_POINTS } from "./options.ts";

/** Netdata's API_RELATIVE_TIME_MAX: 3 years. */
export const RELATIVE_TIME_MAX = 3 * 365 * 86400;

/** Netdata's rrdr_relative_window_to_absolute(); `nowSec` is the wall clock (it subtracts 1). */
export function relativeToAbsolute(
  window: { after: number; before: number },
  nowSec: number,
): { after: number; before: number; relative: boolean } {
  let after = window.after;
  let before = window.before;
  const now = nowSec - 1;
  let relative = false;
  if (Math.abs(before) <= RELATIVE_TIME_MAX) {
    if (before > 0) before = -before;
    before = now + before;
    relative = true;
  }
  if (Math.abs(after) <= RELATIVE_TIME_MAX) {
    if (after > 0) after = -after;
    if (after === 0) after = -600;
    after = before + after + 1;
    relative = true;
  }
  if (after > before) {
    const t = before;
    before = after;
    after = t;
  }
  if (before > now) {
    const delta = before - now;
    before -= delta;
    after -= delta;
  }
  const minT = now - 10 * 365 * 86400;
  const maxT = now + 365 * 86400;
  if (after < minT) after = minT;
  if (after > maxT) after = maxT;
  if (before < minT) before = minT;
  if (before > maxT) before = maxT;
  return { after, before, relative };
}

/** What the window calculation needs. */
export interface WindowRequest {
  /** As requested (relative or absolute; 0 = database edge). */
  after: number;
  before: number;
  /** Rows wanted; 0 = every natural point. Negative counts as "as many as possible". */
  points: number;
  /** `gtime`, seconds. */
  gtime: number;
  /** Requested option flags. */
  options: number;
  /** Smallest update_every of the queried charts (U). */
  updateEvery: number;
  /** Retention of the queried metrics (0 when unknown). */
  firstEntry: number;
  lastEntry: number;
  /** Wall clock, seconds. */
  nowSec: number;
}

/** The resolved window (Netdata's qt->window). */
export interface QueryWindow {
  after: number;
  before: number;
  points: number;
  /** Database points per row. */
  group: number;
  /** G: U for natural points, 1 for virtual ones. */
  granularity: number;
  resamplingGroup: number;
  resamplingDivisor: number;
  /** Whether the window was relative (the answer is not cacheable). */
  relative: boolean;
  /** The requested options plus natural-points or virtual-points. */
  options: number;
  aligned: boolean;
}

const MAX_POINTS = 86400;

/**
 * Netdata 1.37.1's query_target_calculate_window(), as `/api/v1/data` uses it. Returns undefined when
 * the window hangs off a database edge (`after`/`before` 0) and there is no data.
 */
export function calculateWindow(req: WindowRequest): QueryWindow | undefined {
  let options = req.options;
  const updateEvery = req.updateEvery;
  let pointsWanted = req.points < 0 ? Number.MAX_SAFE_INTEGER : Math.floor(req.points);
  let afterWanted = req.after;
  let beforeWanted = req.before;
  const gtime = req.gtime;

  const aligned = (options & OPT_NOT_ALIGNED) === 0;
  const automaticNaturalPoints = pointsWanted === 0;
  let relative = false;
  let natural = (options & OPT_NATURAL_POINTS) !== 0 || automaticNaturalPoints;
  let beforeIsDbEnd = false;

  if (Math.abs(req.before) <= RELATIVE_TIME_MAX || Math.abs(req.after) <= RELATIVE_TIME_MAX) {
    relative = true;
    natural = true;
    options |= OPT_NATURAL_POINTS;
  }
  if ((options & OPT_VIRTUAL_POINTS) !== 0) natural = false;
  if (natural) {
    options = (options | OPT_NATURAL_POINTS) & ~OPT_VIRTUAL_POINTS;
  } else {
    options = (options | OPT_VIRTUAL_POINTS) & ~OPT_NATURAL_POINTS;
  }

  if (afterWanted === 0 || beforeWanted === 0) {
    relative = true;
    const first = req.firstEntry;
    const last = req.lastEntry;
    if (first === 0 || last === 0) return undefined;
    if (afterWanted === 0) afterWanted = first;
    if (beforeWanted === 0) {
      beforeWanted = last;
      beforeIsDbEnd = true;
    }
    if (pointsWanted === 0) pointsWanted = Math.trunc((last - first) / updateEvery);
  }
  if (pointsWanted === 0) pointsWanted = 600;

  const abs = relativeToAbsolute({ after: afterWanted, before: beforeWanted }, req.nowSec);
  afterWanted = abs.after;
  beforeWanted = abs.before;

  let g = natural ? updateEvery : 1;
  if (g <= 0) g = 1;

  beforeWanted -= mod(beforeWanted, g);
  afterWanted -= mod(afterWanted, g);

  if (automaticNaturalPoints) {
    pointsWanted = Math.trunc((beforeWanted - afterWanted + 1) / g);
    if (pointsWanted <= 0) pointsWanted = 1;
  }

  let duration = beforeWanted - afterWanted;
  if (gtime > duration) {
    afterWanted = beforeWanted - gtime;
    duration = beforeWanted - afterWanted;
  }
  if (gtime > g && duration % gtime !== 0) {
    const delta = duration % gtime;
    if (delta > Math.trunc(gtime / 10)) {
      afterWanted -= gtime - delta;
      duration = beforeWanted - afterWanted;
    }
  }

  let available = Math.trunc((duration + 1) / g);
  if (available <= 0) available = 1;
  if (pointsWanted > available) pointsWanted = available;
  if (pointsWanted > MAX_POINTS) pointsWanted = MAX_POINTS;

  let group = Math.trunc(available / pointsWanted);
  if (group === 0) group = 1;
  if (available % pointsWanted > Math.trunc(pointsWanted / 2)) group++;

  if (pointsWanted * group * g < duration) {
    pointsWanted = Math.trunc(available / group);
    if (pointsWanted * group < available) pointsWanted++;
    if (pointsWanted === 0) pointsWanted = 1;
  }

  let resamplingDivisor = 1;
  let resamplingGroup = 1;
  if (gtime > g) {
    resamplingGroup = Math.trunc(gtime / g);
    if (gtime % g !== 0) resamplingGroup++;
    if (group < resamplingGroup) group = resamplingGroup;
    if (group % resamplingGroup !== 0) group += resamplingGroup - (group % resamplingGroup);
    resamplingDivisor = (group * g) / gtime;
  }

  const step = group * g;
  if (aligned && beforeWanted % step !== 0) {
    if (beforeIsDbEnd) beforeWanted -= mod(beforeWanted, step);
    else beforeWanted += step - mod(beforeWanted, step);
  }
  afterWanted = beforeWanted - pointsWanted * step + g;

  return {
    after: afterWanted,
    before: beforeWanted,
    points: pointsWanted,
    group,
    granularity: g,
    resamplingGroup,
    resamplingDivisor,
    relative,
    options,
    aligned,
  };
}

/** C's `%` for the (positive) divisors used here, but never negative. */
function mod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}
