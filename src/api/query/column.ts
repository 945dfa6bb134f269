/**
 * The per-dimension loop of a data query, a port of Netdata 1.37.1's rrd2rrdr_do_dimension(): it
 * reads one series' stored points and turns them into one column of grouped rows.
 *
 * Pure: it reads points through {@link StoreReader} only, and reuses one scratch buffer per query,
 * so it allocates nothing per point.
 * @module
 */

import type { SeriesId, StoreReader } from "../../store/mod.ts";
import type { Grouping } from "./group_method.ts";
import { DIM_NONZERO, type QueryResult, type QueryScratch, VALUE_EMPTY } from "./result.ts";
import type { QueryWindow } from "./window.ts";

/** Where {@link fillColumn} reads from and how it groups. */
export interface ColumnSource {
  store: StoreReader;
  id: SeriesId;
  window: QueryWindow;
  grouping: Grouping;
  scratch: QueryScratch;
}

/**
 * Fills column `col` of `r` from one series, exactly like Netdata's rrd2rrdr_do_dimension(): rows
 * end at `after + step - G, …, before`, database points whose end time falls inside a row are
 * grouped, and a point that straddles a row end is linearly interpolated to it.
 *
 * `r.min`/`r.max` accumulate across columns; call with `col` 0 first.
 */
export function fillColumn(r: QueryResult, col: number, src: ColumnSource): void {
  const { store, id, grouping, scratch } = src;
  const win = src.window;
  const ue = store.updateEvery(id);
  const dbFirst = store.firstTime(id);
  const dbLast = store.lastTime(id);
  if (dbFirst === 0 || dbLast === 0) return;

  const g = win.granularity;
  const step = win.group * g;
  const pointsWanted = win.points;
  const cols = r.cols;
  const buf = scratch.buf;

  // The storage handle, like dbengine's: points on the series' grid from the slot at or before
  // max(after, db first) up to and including the first slot at or after min(before, db last).
  const from = win.after > dbFirst ? win.after : dbFirst;
  const to = win.before < dbLast ? win.before : dbLast;
  let nextT = Math.floor(from / ue) * ue;
  if (nextT < dbFirst) nextT = dbFirst;
  const endT = Math.ceil(to / ue) * ue;
  let bufLen = 0;
  let bufPos = 0;

  let min = r.min;
  let max = r.max;
  let minDate = 0;
  let maxDate = 0;
  let pointsAdded = 0;
  let line = -1;
  let pointsRead = 0;

  // the last two points and the newest one
  let l2e = 0;
  let l2v = NaN;
  let l1s = 0;
  let l1e = 0;
  let l1v = NaN;
  let ns = 0;
  let ne = 0;
  let nv = NaN;

  let groupNonZero = 0;
  grouping.reset();

  let nowStart = win.after - g;
  let nowEnd = win.after + step - g;

  for (; pointsAdded < pointsWanted; nowStart = nowEnd, nowEnd += step) {
    let countSame = 0;
    while (countSame < 100) {
      if (countSame === 0) {
        l2e = l1e;
        l2v = l1v;
        l1s = ns;
        l1e = ne;
        l1v = nv;
      }
      if (nextT > endT) {
        if (countSame !== 0) {
          l2e = l1e;
          l2v = l1v;
          l1s = ns;
          l1e = ne;
          l1v = nv;
        }
        ns = l1e;
        ne = nowEnd;
        nv = NaN;
        break;
      }
      if (bufPos >= bufLen) {
        const last = Math.min(endT, nextT + (buf.length - 1) * ue);
        bufLen = store.read(id, nextT, last, buf);
        bufPos = 0;
        if (bufLen === 0) {
          bufLen = 1;
          buf[0] = NaN;
        }
      }
      nv = buf[bufPos++];
      ne = nextT;
      ns = nextT - ue;
      nextT += ue;
      pointsRead++;

      if (ne <= l1e) {
        countSame++;
        continue;
      }
      countSame = 0;

      if (ne < nowEnd) {
        if (ne >= nowStart && nv === nv) {
          if (nv !== 0) groupNonZero++;
          grouping.add(nv);
        }
      } else {
        break;
      }
    }

    let iterations = 0;
    for (; nowEnd <= ne && pointsAdded < pointsWanted; nowEnd += step, iterations++) {
      let cv: number;
      if (nowEnd > ns) {
        cv = nv;
        if (ne - ns > 1 && l1e === ns && nv === nv && l1v === l1v) {
          cv = l1v + (nv - l1v) * (1 - (ne - nowEnd) / (ne - ns));
        }
      } else if (nowEnd <= l1e) {
        cv = l1v;
        if (l1e - l1s > 1 && l2e === l1s && l1v === l1v && l2v === l2v) {
          cv = l2v + (l1v - l2v) * (1 - (l1e - nowEnd) / (l1e - l1s));
        }
      } else {
        cv = NaN;
      }
      if (cv === cv) {
        if (cv !== 0) groupNonZero++;
        grouping.add(cv);
      }

      line++;
      r.t[line] = nowEnd;
      if (minDate === 0) minDate = nowEnd;
      maxDate = nowEnd;
      if (groupNonZero !== 0) r.od[col] |= DIM_NONZERO;

      const value = grouping.flush();
      const idx = line * cols + col;
      r.v[idx] = value;
      r.o[idx] = grouping.empty ? VALUE_EMPTY : 0;

      if (pointsAdded !== 0 || col !== 0) {
        if (value < min) min = value;
        if (value > max) max = value;
      } else {
        min = max = value;
      }
      pointsAdded++;
      groupNonZero = 0;
    }
    if (iterations !== 0) nowEnd -= step;
  }

  r.pointsRead += pointsRead;
  r.min = min;
  r.max = max;
  r.before = maxDate;
  r.after = minDate - step + g;
  if (line + 1 > r.rows) r.rows = line + 1;
}

/** The newest stored value of a series (NaN for a gap or no data). */
export function lastStoredValue(store: StoreReader, id: SeriesId, scratch: QueryScratch): number {
  const last = store.lastTime(id);
  if (last === 0) return NaN;
  return store.read(id, last, last, scratch.buf) === 1 ? scratch.buf[0] : NaN;
}
