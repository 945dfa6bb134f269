/**
 * Fidelity: every chart and dimension that two nodes serve for the same host, compared cell by cell
 * over the same seconds (`/api/v1/data?...&options=seconds|unaligned`, one point per second). The
 * standard is Netdata child -> Netdata parent: equal up to the rounding of the stored numbers.
 * @module
 */

import { assert } from "./assert.ts";
import { getJson, waitFor } from "./agent.ts";
import { httpGet } from "./netdata.ts";

/** An API base: a node's own (`http://127.0.0.1:P`) or a parent's copy (`.../host/NAME`). */
export type Base = string;

/** One cell that differs. */
export interface CellDiff {
  chart: string;
  dimension: string;
  t: number;
  a: number | null;
  b: number | null;
}

/** What {@link compareAll} found. */
export interface Fidelity {
  /** Charts both serve (and compared). */
  charts: number;
  /** Cells where at least one side has a value. */
  cells: number;
  equal: number;
  diffs: CellDiff[];
  /** Charts served by only one side. */
  onlyA: string[];
  onlyB: string[];
}

/** Whether two stored values are the same number, up to float32 storage and 7-digit printing. */
export function sameValue(a: number, b: number): boolean {
  const d = Math.abs(a - b);
  return d <= 1e-6 || d <= 2e-6 * Math.max(Math.abs(a), Math.abs(b));
}

async function chartIds(base: Base): Promise<Map<string, number>> {
  const j = await getJson(`${base}/api/v1/charts`);
  const m = new Map<string, number>();
  for (const [id, c] of Object.entries(j.charts ?? {})) {
    m.set(id, (c as { update_every: number }).update_every);
  }
  return m;
}

async function rowsByTime(base: Base, chart: string, from: number, to: number, ue: number) {
  // No points= and no grouping: every stored point of the window as it is.
  const url = `${base}/api/v1/data?chart=${encodeURIComponent(chart)}&after=${from - ue}&before=${to}` +
    `&format=json&options=seconds|unaligned`;
  const r = await fetch(url);
  const text = await r.text();
  // Netdata answers 404 for a chart it lists but has stored nothing of in the window.
  if (r.status === 404) return { labels: [] as string[], byT: new Map<number, (number | null)[]>() };
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${text.slice(0, 300)}`);
  const j = JSON.parse(text);
  const labels: string[] = j.labels ?? [];
  const byT = new Map<number, (number | null)[]>();
  for (const r of (j.data ?? []) as (number | null)[][]) byT.set(r[0] as number, r);
  return { labels, byT };
}

/** Options for {@link compareAll}. */
export interface CompareOptions {
  /**
   * Compare each chart only between the second base's first and newest values: a receiver leaves
   * the first slot after a chart's creation empty (as v1.37.1 does), and right after a link its
   * newest slot of a slow chart may still be on the way. For short windows right after a link.
   */
  afterMirrorFirst?: boolean;
}

/**
 * Compares every chart both bases serve over `from..to` (seconds, both included). `skip` leaves
 * charts out by id (with the reason in the caller's comment).
 */
export async function compareAll(
  a: Base,
  b: Base,
  from: number,
  to: number,
  skip: (chart: string) => boolean = () => false,
  opts: CompareOptions = {},
): Promise<Fidelity> {
  const [ca, cb] = await Promise.all([chartIds(a), chartIds(b)]);
  const out: Fidelity = { charts: 0, cells: 0, equal: 0, diffs: [], onlyA: [], onlyB: [] };
  for (const id of ca.keys()) if (!cb.has(id) && !skip(id)) out.onlyA.push(id);
  for (const id of cb.keys()) if (!ca.has(id) && !skip(id)) out.onlyB.push(id);
  for (const [id, ue] of ca) {
    if (!cb.has(id) || skip(id)) continue;
    out.charts++;
    // The chart's own grid: whole multiples of its update every, so both sides' rows fall on the
    // same seconds (Netdata derives the rows of a query from its end).
    let f = Math.ceil(from / ue) * ue;
    const l = Math.floor(to / ue) * ue;
    const [ra, rb] = await Promise.all([rowsByTime(a, id, f, l, ue), rowsByTime(b, id, f, l, ue)]);
    let last = l;
    if (opts.afterMirrorFirst) {
      // The mirror's leading empty slots (the first slot after the chart's creation there), and
      // the slots it has not received yet (a 10 s chart's newest one, right after the link).
      let first = Infinity, newest = -Infinity;
      for (const [t, row] of rb.byT) {
        if (!row.slice(1).some((v) => v !== null)) continue;
        if (t < first) first = t;
        if (t > newest) newest = t;
      }
      if (first !== Infinity) f = Math.max(f, first);
      last = Math.min(l, newest);
    }
    const times = new Set([...ra.byT.keys(), ...rb.byT.keys()]);
    for (const t of times) {
      if (t < f || t > last) continue;
      const rowA = ra.byT.get(t) ?? [], rowB = rb.byT.get(t);
      for (let i = 1; i < ra.labels.length; i++) {
        // From 1: label 0 is "time", which a dimension may be called too.
        const j = rb.labels.indexOf(ra.labels[i], 1);
        const va = rowA[i] ?? null;
        const vb = j > 0 && rowB ? rowB[j] ?? null : null;
        if (va === null && vb === null) continue;
        out.cells++;
        if (va !== null && vb !== null && sameValue(va, vb)) out.equal++;
        else out.diffs.push({ chart: id, dimension: ra.labels[i], t, a: va, b: vb });
      }
    }
  }
  return out;
}

/** One line for logs: "2,476 of 2,476 cells equal in 50 charts" plus the first differing cells. */
export function describe(f: Fidelity, max = 12): string {
  let s =
    `${f.equal} of ${f.cells} cells equal (${(100 * f.equal / Math.max(1, f.cells)).toFixed(3)} %) in ` +
    `${f.charts} charts`;
  if (f.onlyA.length) s += `\nonly on the first: ${f.onlyA.join(" ")}`;
  if (f.onlyB.length) s += `\nonly on the second: ${f.onlyB.join(" ")}`;
  for (const d of f.diffs.slice(0, max)) s += `\n  ${d.chart} ${d.dimension} @${d.t}: ${d.a} vs ${d.b}`;
  if (f.diffs.length > max) s += `\n  ... ${f.diffs.length - max} more`;
  return s;
}

/**
 * Waits until `mirror` has 5 s of system.cpu, lets the first slots of every chart pass (a v1.37.1
 * parent stores nothing in the first slot after a chart's creation; 5 s charts come later), then
 * asserts every chart both serve is equal over the next `seconds` seconds.
 */
export async function assertAllChartsEqual(origin: Base, mirror: Base, seconds: number): Promise<void> {
  await waitFor(
    async () => {
      const r = await httpGet(`${mirror}/api/v1/chart?chart=system.cpu`);
      if (r.status !== 200) return false;
      const j = JSON.parse(r.text);
      return j.last_entry - j.first_entry >= 5;
    },
    30000,
    `5 s of system.cpu at ${mirror}`,
  );
  await new Promise((r) => setTimeout(r, 12000));
  const from = Math.floor(Date.now() / 1000) + 1;
  const to = from + seconds - 1;
  await new Promise((r) => setTimeout(r, (seconds + 4) * 1000));
  const f = await compareAll(origin, mirror, from, to, undefined, { afterMirrorFirst: true });
  assert.ok(f.charts >= 40 && f.cells >= f.charts * (seconds - 2), describe(f));
  assert.equal(f.equal, f.cells, describe(f));
}
