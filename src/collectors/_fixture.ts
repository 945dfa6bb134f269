/**
 * Test support (private to this folder): runs a collector over a fixture scenario and checks
 * the stored points.
 *
 * A scenario is `testdata/<collector>/<name>/` with `proc0/`, `proc1/`, ... (successive /proc
 * snapshots), optional `sys/` (or `sys0/`, `sys1/`, ... when /sys changes) and `expected.json`:
 *
 * ```json
 * { "values": { "<chart id>": { "<dimension id>": 12.5, "<other>": null } },
 *   "charts": ["<ids that must exist>"], "absent": ["<ids that must not>"],
 *   "obsolete": ["<ids marked obsolete>"] }
 * ```
 *
 * Snapshot k is collected at T + k seconds (whole seconds, `deltaUs` 1e6 after the first; a
 * `stepSec` option spaces them wider), so a
 * chart with update every 1 stores the value computed from snapshots k-1 and k at slot T + k
 * exactly (the pipeline's interpolation then has nothing to spread). `values` are those of the
 * last snapshot's slot (for update every 5, slot T + 5 holds snapshot 5's values); null is a gap.
 * @module
 */

import { testHost } from "../host/_fixture.ts";
import { assert } from "../../tests/_helpers/assert.ts";
import type { Host } from "../host/mod.ts";
import type { Collector } from "./collector.ts";

/** First snapshot time, s (a multiple of 5 so that update every 5 grids start there). */
export const T0 = 1_700_000_000;

/** Where the scenarios live. */
export const TESTDATA = new URL("./testdata/", import.meta.url).pathname;

/** A host with a RAM store and a settable clock. */
export function makeHost(clock: { us: number }): Host {
  return testHost({
    hostname: "fixture",
    guid: "00000000-0000-0000-0000-0000000000c0",
    clock,
    isLocal: true,
  });
}

/** Copies every file under `from` into `to` (creating directories, overwriting in place). */
export function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    const src = `${from}/${e.name}`, dst = `${to}/${e.name}`;
    if (e.isDirectory) copyTree(src, dst);
    else if (e.isSymlink) {
      // sysfs links (device, subsystem) keep their relative targets.
      try {
        Deno.removeSync(dst);
      } catch { /* not there yet */ }
      Deno.symlinkSync(Deno.readLinkSync(src), dst);
    } // writeFileSync truncates an existing file, so a reader holding it open sees the new bytes.
    else if (e.isFile) Deno.writeFileSync(dst, Deno.readFileSync(src));
  }
}

function isDir(p: string): boolean {
  try {
    return Deno.statSync(p).isDirectory;
  } catch {
    return false;
  }
}

/** Number of `procN/` snapshots in a scenario. */
export function snapshots(dir: string): number {
  let n = 0;
  while (isDir(`${dir}/proc${n}`)) n++;
  return n;
}

/** Expected results of a scenario. */
export interface Expected {
  values?: Record<string, Record<string, number | null>>;
  charts?: string[];
  absent?: string[];
  obsolete?: string[];
}

/** What {@link runScenario} returns for extra checks. */
export interface ScenarioRun {
  host: Host;
  collector: Collector;
  expected: Expected;
  /** Time of the last snapshot's slot, s. */
  lastSec: number;
}

/**
 * Copies the scenario to a temp dir, creates the collector on it, collects every snapshot and
 * checks `expected.json`. The temp dir is removed and the collector closed before returning.
 */
export function runScenario(
  path: string,
  make: (roots: { procRoot: string; sysRoot: string; updateEvery: number }) => Collector,
  opts: { stepSec?: number } = {},
): ScenarioRun {
  // stepSec: seconds between snapshots, for collectors that run less often than every second.
  const step = opts.stepSec ?? 1;
  const dir = TESTDATA + path;
  const n = snapshots(dir);
  assert.ok(n >= 1, `${path}: no proc0/`);
  const tmp = Deno.makeTempDirSync({ prefix: "collectors-" });
  const procRoot = `${tmp}/proc`, sysRoot = `${tmp}/sys`;
  const clock = { us: T0 * 1_000_000 };
  const host = makeHost(clock);
  let collector: Collector | null = null;
  try {
    copyTree(`${dir}/proc0`, procRoot);
    if (isDir(`${dir}/sys`)) copyTree(`${dir}/sys`, sysRoot);
    if (isDir(`${dir}/sys0`)) copyTree(`${dir}/sys0`, sysRoot);
    Deno.mkdirSync(sysRoot, { recursive: true });
    collector = make({ procRoot, sysRoot, updateEvery: 1 });
    for (let k = 0; k < n; k++) {
      if (k > 0) {
        copyTree(`${dir}/proc${k}`, procRoot);
        if (isDir(`${dir}/sys${k}`)) copyTree(`${dir}/sys${k}`, sysRoot);
      }
      clock.us = (T0 + k * step) * 1_000_000;
      collector.collect(host, k === 0 ? 0 : step * 1_000_000);
    }
    const expected = JSON.parse(Deno.readTextFileSync(`${dir}/expected.json`)) as Expected;
    const lastSec = T0 + (n - 1) * step;
    checkExpected(host, expected, lastSec, path);
    return { host, collector, expected, lastSec };
  } finally {
    collector?.close();
    Deno.removeSync(tmp, { recursive: true });
  }
}

/** Checks stored values and chart presence against `expected`. */
export function checkExpected(host: Host, expected: Expected, lastSec: number, what: string): void {
  const out = new Float64Array(1);
  for (const [chartId, dims] of Object.entries(expected.values ?? {})) {
    const chart = host.charts.get(chartId);
    assert.ok(chart, `${what}: chart ${chartId} is not defined`);
    for (const [dimId, want] of Object.entries(dims)) {
      const d = chart.dimension(dimId);
      assert.ok(d, `${what}: ${chartId} has no dimension ${dimId}`);
      const got = host.store.read(d.seriesId, lastSec, lastSec, out) === 1 ? out[0] : NaN;
      if (want === null) {
        assert.ok(Number.isNaN(got), `${what}: ${chartId}.${dimId} should be a gap, got ${got}`);
      } else {
        // Points are stored as 32-bit floats.
        const tol = Math.max(1e-6, Math.abs(want) * 1e-6);
        assert.ok(Math.abs(got - want) <= tol, `${what}: ${chartId}.${dimId} = ${got}, want ${want}`);
      }
    }
  }
  for (const id of expected.charts ?? []) assert.ok(host.charts.has(id), `${what}: chart ${id} missing`);
  for (const id of expected.absent ?? []) {
    assert.ok(!host.charts.has(id), `${what}: chart ${id} should not exist`);
  }
  for (const id of expected.obsolete ?? []) {
    assert.ok(host.charts.get(id)?.obsolete, `${what}: chart ${id} should be obsolete`);
  }
}
