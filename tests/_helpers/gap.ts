/**
 * Checks for the replication tests: a parent's copy of a host has no gap and the host's own values
 * over a window that spans a parent outage.
 * @module
 */

import { getJson, waitFor } from "./agent.ts";
import { assert } from "./assert.ts";

/** An API base URL (a host's own, or a parent's `/host/<name>`), with a CA for https. */
export interface Api {
  base: string;
}

/** Rows `[t, ...values]`, oldest first, of `chart` over `from..to` (seconds, both included). */
export async function rows(api: Api, chart: string, from: number, to: number): Promise<(number | null)[][]> {
  const j = await getJson(
    `${api.base}/api/v1/data?chart=${chart}&after=${from - 1}&before=${to}&points=${
      to - from + 1
    }&format=json&options=seconds|unaligned`,
  );
  // deno-lint-ignore no-explicit-any
  return (j.data as any[]).slice().reverse();
}

/** The chart's first and last entry on `api`. */
export async function retention(api: Api, chart: string): Promise<{ first: number; last: number }> {
  const c = await getJson(`${api.base}/api/v1/chart?chart=${chart}`);
  return { first: c.first_entry, last: c.last_entry };
}

/** Waits until `mirror` holds `sec` seconds of every chart in `charts` after `sinceSec`. */
export async function waitData(
  mirror: Api,
  charts: readonly string[],
  sec: number,
  sinceSec = 0,
): Promise<void> {
  await waitFor(
    async () => {
      for (const c of charts) {
        const r = await retention(mirror, c).catch(() => undefined);
        if (!r || r.last - Math.max(r.first, sinceSec) < sec) return false;
      }
      return true;
    },
    45000,
    `${sec} s of ${charts.join(", ")} on ${mirror.base}`,
  );
}

/**
 * Asserts that over `from..to` every second the mirror has a value, and (when `origin` is given)
 * the origin's value to 1e-6 relative. Returns how many rows were compared.
 */
export async function assertNoGap(
  mirror: Api,
  chart: string,
  from: number,
  to: number,
  origin?: Api,
): Promise<number> {
  const m = await rows(mirror, chart, from, to);
  const o = origin ? await rows(origin, chart, from, to) : undefined;
  const empty: number[] = [];
  const differ: string[] = [];
  for (let i = 0; i < m.length; i++) {
    const [t, ...mv] = m[i];
    if (mv.some((v) => v === null)) empty.push(t as number);
    if (o === undefined) continue;
    const [ot, ...ov] = o[i];
    if (ot !== t) differ.push(`row ${i}: mirror t=${t}, origin t=${ot}`);
    for (let c = 0; c < mv.length; c++) {
      const a = mv[c], b = ov[c];
      const same = a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
      if (!same) differ.push(`${t} #${c}: mirror ${a}, origin ${b}`);
    }
  }
  const ctx = () =>
    `${chart} over ${from}..${to}\nmirror ${mirror.base}: ${JSON.stringify(m)}` +
    (o ? `\norigin ${origin!.base}: ${JSON.stringify(o)}` : "");
  assert.equal(m.length, to - from + 1, `rows of ${ctx()}`);
  assert.deepEqual(empty, [], `empty seconds on the mirror: ${ctx()}`);
  assert.deepEqual(differ, [], `values differ: ${ctx()}`);
  return m.length;
}
