/**
 * Exporting across a restart of the agent: what was queued for a database that is down stays on
 * disk through the restart and arrives, in order and complete, once the database is up. Real
 * processes on 127.0.0.1; fails when prometheus is not installed (`make test` installs it).
 */
import { assert } from "./_helpers/assert.ts";
import { getJson, waitFor } from "./_helpers/agent.ts";
import { withLab } from "./_helpers/lab.ts";
import { freePort } from "./_helpers/netdata.ts";
import { promQuery, startPrometheus, type TsdbProcess } from "./_helpers/tsdb.ts";

const INSTANCE = "prometheus_remote_write:prom";

// deno-lint-ignore no-explicit-any
async function exporting(url: string): Promise<any> {
  // deno-lint-ignore no-explicit-any
  return (await getJson(`${url}/api/v1/info`)).exporting.find((e: any) => e.instance === INSTANCE);
}

Deno.test({
  name: "exporting: batches queued while the database is down survive a restart of the agent and all arrive",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let prom: TsdbProcess | undefined;
    try {
      await withLab(async (lab) => {
        const port = freePort(); // nothing listens there yet
        const dataDir = await lab.dir("exporting-restart-");
        const args = async () => [
          "--hostname",
          "exp-r1",
          "--data-dir",
          dataDir,
          "--memory-mode",
          "dbengine",
          "--config",
          await lab.confDir({
            "exporting.conf": "[exporting:global]\n    enabled = yes\n    update every = 1\n" +
              `[prometheus_remote_write:prom]\n    destination = 127.0.0.1:${port}\n` +
              "    remote write URL path = /api/v1/write\n",
          }),
        ];
        const first = await lab.agent("first run", await args());
        await waitFor(
          async () => (await exporting(first.url)).queue.batches >= 12,
          30000,
          "12 batches queued",
        );
        const before = await exporting(first.url);
        assert.ok(before.failures > 0 && before.last_error, "the failures are shown");
        const stopSec = Math.floor(Date.now() / 1000);
        await first.stop();

        const second = await lab.agent("second run", await args());
        const secondStartSec = Math.floor(Date.now() / 1000);
        const resumed = await exporting(second.url);
        assert.ok(resumed.queue.batches >= 12, `batches found on disk: ${resumed.queue.batches}`);
        prom = await startPrometheus({ port });
        await waitFor(
          async () => {
            const e = await exporting(second.url);
            return e.queue.batches === 0 && e.last_round >= stopSec + 12 ? e : undefined;
          },
          40000,
          "the queue to drain",
        );
        const e = await exporting(second.url);
        assert.equal(e.rejected_batches, 0, "nothing rejected");
        assert.equal(e.queue.dropped_batches, 0, "nothing dropped");

        // Every second of the first run up to its last round (reported 3 s behind), and of the
        // second run once it collects; only the seconds while no agent ran may be missing.
        const cpu = 'netdata_system_cpu_percentage_average{dimension="user",instance="exp-r1"}';
        const r = await promQuery(prom!, `${cpu}[120s]`, stopSec + 20);
        // deno-lint-ignore no-explicit-any
        const times: number[] = r.length === 1 ? (r[0] as any).values.map((v: [number, string]) => v[0]) : [];
        const shown = times.map((t) => t - stopSec).join(" ");
        const contiguous = (ts: number[]) => ts.every((t, i) => i === 0 || t === ts[i - 1] + 1);
        const firstRun = times.filter((t) => t <= stopSec - 3);
        const secondRun = times.filter((t) => t >= secondStartSec + 2 && t <= stopSec + 12);
        assert.ok(
          firstRun.length >= 8 && contiguous(firstRun),
          `the first run's seconds (from the stop): ${shown}`,
        );
        assert.ok(secondRun.length >= 5 && contiguous(secondRun), `the second run's seconds: ${shown}`);
      });
    } catch (err) {
      if (prom) console.error(`--- prometheus ---\n${prom.output().slice(-3000)}`);
      throw err;
    } finally {
      await prom?.remove();
    }
  },
});
