import { testHost } from "../../host/_fixture.ts";
import { assert } from "../../../tests/_helpers/assert.ts";
import type { Host } from "../../host/mod.ts";
import { createStore } from "../../store/mod.ts";
import { NOW_SEC, storedChart, testAgent } from "../_helper.ts";

/** A local host on a dbengine store in `dir`: tier 0 keeps 1 h, tier 1 a day, tier 2 a month. */
function diskHost(dir: string): Host {
  return testHost({
    hostname: "nd-parent",
    guid: "dc25b32c-e5ea-11f1-b3d9-02fc00000001",
    store: createStore({ mode: "dbengine", historySec: 3600, dir, tierHistorySec: [86400, 2592000] }),
    isLocal: true,
  });
}

// deno-lint-ignore no-explicit-any
async function data(a: ReturnType<typeof testAgent>, q: string): Promise<any> {
  const r = await a.get(`/api/v1/data?chart=test.tiers&format=json&options=jsonwrap|seconds|unaligned&${q}`);
  assert.equal(r.status, 200, r.body);
  return JSON.parse(r.body);
}

Deno.test("queries read the per-minute tier for long windows and tier 0 for short ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tier-test-" });
  const host = diskHost(dir);
  try {
    // 3 hours of per-second points: each minute holds the values 0..59 (mean 29.5) plus the
    // minute's number, so every per-minute mean is distinct.
    const from = NOW_SEC - NOW_SEC % 60 - 3 * 3600;
    const n = 3 * 3600;
    const values = Array.from({ length: n }, (_, i) => (i % 60) + Math.floor(i / 60));
    storedChart(host, "test.tiers", ["v"], from + 1, [values]);
    const a = testAgent(host);

    // Tier 0 keeps the last hour only; the chart's retention still starts 3 h ago (tier 1).
    const chart = JSON.parse((await a.get("/api/v1/chart?chart=test.tiers")).body);
    assert.ok(
      chart.first_entry <= from + 60,
      `first_entry ${chart.first_entry} from tiers, want <= ${from + 60}`,
    );

    // 3 h at 180 points: per-minute points, each the mean of its 60 seconds.
    const long = await data(a, `after=${from}&before=${from + n}&points=180`);
    assert.deepEqual(long.db_points_per_tier.slice(0, 1), [0], JSON.stringify(long.db_points_per_tier));
    assert.ok(long.db_points_per_tier[1] >= 180, JSON.stringify(long.db_points_per_tier));
    const rows = long.result.data as number[][];
    assert.equal(rows.length, 180);
    // newest first: the minute ending at from + n holds minute number 179.
    assert.deepEqual(rows[0], [from + n, 29.5 + 179]);
    assert.deepEqual(rows[179], [from + 60, 29.5]);

    // max over the same window reads the tier's maxima.
    const max = await data(a, `after=${from}&before=${from + n}&points=180&group=max`);
    assert.deepEqual(max.result.data[0], [from + n, 59 + 179]);

    // The last minute at 60 points: tier 0, the stored values themselves.
    const short = await data(a, `after=${from + n - 60}&before=${from + n}&points=60`);
    assert.equal(short.db_points_per_tier[0], 60, JSON.stringify(short.db_points_per_tier));
    assert.deepEqual(short.result.data[0], [from + n, 59 + 179]);

    // tier=0 forces tier 0 (which holds only the last hour here).
    const forced = await data(a, `after=${from}&before=${from + n}&points=180&tier=0`);
    assert.equal(forced.db_points_per_tier[1], 0);
    assert.match(forced.id, /\/tier:0$/);
  } finally {
    host.store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
