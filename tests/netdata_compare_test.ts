/**
 * Our agent and Debian's real netdata 1.37.1, running side by side on this machine, describe and
 * measure the same charts the same way.
 */
import { assert, assertNear } from "./_helpers/assert.ts";
import { waitFor, withAgent } from "./_helpers/agent.ts";
import { startNetdata } from "./_helpers/netdata.ts";

const CHARTS = [
  "system.cpu",
  "system.ram",
  "system.load",
  "system.net",
  "system.io",
  "system.processes",
  "system.ctxt",
  "system.intr",
  "system.uptime",
  "mem.available",
  "cpu.cpu0",
];

async function json(url: string) {
  const r = await fetch(url);
  const t = await r.text();
  assert.equal(r.status, 200, `${url}: ${t}`);
  return JSON.parse(t);
}

Deno.test({
  name: "chart metadata and values match a real netdata 1.37.1 on the same machine",
  async fn() {
    const nd = await startNetdata({ hostname: "nd-compare" });
    try {
      await withAgent({}, async (agent) => {
        // Both need a few seconds of history; system.load is collected every 5 s.
        const ready = async (base: string) => {
          const c = await json(`${base}/api/v1/charts`);
          return CHARTS.every((id) =>
            c.charts[id] && c.charts[id].last_entry - c.charts[id].first_entry >= 12
          );
        };
        await waitFor(async () => await ready(nd.url) && await ready(agent.url), 40000, "both to hold 12 s");
        const ours = await json(`${agent.url}/api/v1/charts`);
        const theirs = await json(`${nd.url}/api/v1/charts`);
        for (const id of CHARTS) {
          const a = ours.charts[id], b = theirs.charts[id];
          for (
            const k of [
              "id",
              "name",
              "type",
              "family",
              "context",
              "title",
              "priority",
              "units",
              "chart_type",
              "update_every",
              "data_url",
            ]
          ) {
            assert.deepEqual(a[k], b[k], `${id}.${k}`);
          }
          assert.deepEqual(Object.keys(a.dimensions), Object.keys(b.dimensions), `${id} dimension ids`);
          assert.deepEqual(a.dimensions, b.dimensions, `${id} dimension names`);
        }
        // Values: average over the same 10 absolute seconds on both.
        const before =
          Math.min(ours.charts["system.cpu"].last_entry, theirs.charts["system.cpu"].last_entry) - 1;
        const q = (base: string, chart: string, extra = "") =>
          json(
            `${base}/api/v1/data?chart=${chart}&after=${
              before - 9
            }&before=${before}&points=1&group=average&format=json&options=unaligned${extra}`,
          );
        const tol: Record<string, (v: number) => number> = {
          "system.ram": (v) => Math.max(20, v * 0.03),
          "mem.available": (v) => Math.max(20, v * 0.03),
          "system.cpu": () => 6,
          "system.uptime": () => 2,
        };
        for (const chart of Object.keys(tol)) {
          const a = await q(agent.url, chart), b = await q(nd.url, chart);
          assert.deepEqual(a.labels, b.labels, `${chart} labels`);
          for (let i = 1; i < a.labels.length; i++) {
            const va = a.data[0][i], vb = b.data[0][i];
            assertNear(va, vb, tol[chart](Math.abs(vb)), `${chart}.${a.labels[i]} ours ${va} netdata ${vb}`);
          }
        }
        // system.load is on a 5 s grid: compare each side's latest stored load15 (it moves slowly).
        const load = async (base: string) =>
          (await json(`${base}/api/v1/allmetrics?format=json&filter=system.load`))["system.load"].dimensions
            .load15.value;
        assertNear(await load(agent.url), await load(nd.url), 0.1, "load15");
      });
    } catch (e) {
      console.error(`--- netdata error.log ---\n${nd.log().slice(-2000)}`);
      throw e;
    } finally {
      await nd.stop();
    }
  },
});
