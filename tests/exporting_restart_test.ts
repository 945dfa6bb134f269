/**
 * Exporting across a restart of the agent: what was queued for a database that is down stays on
 * disk through the restart and arrives, in order and complete, once the database is up; and a
 * parent restarted under a child exports the child's seconds of its downtime once replication
 * brought them. Real processes on 127.0.0.1; fails when prometheus or victoria-metrics is not
 * installed (`make test` installs them).
 */
import { assert } from "./_helpers/assert.ts";
import { getJson, waitFor } from "./_helpers/agent.ts";
import { receiverConf, senderConf, withLab } from "./_helpers/lab.ts";
import { freePort } from "./_helpers/netdata.ts";
import { promQuery, startPrometheus, startVictoriaMetrics, type TsdbProcess } from "./_helpers/tsdb.ts";

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
        // 15 batches: the first ones hold no CPU percentage yet (it needs two collections), and at
        // least 8 seconds of it must be queued before the stop (checked below).
        await waitFor(
          async () => (await exporting(first.url)).queue.batches >= 15,
          40000,
          "15 batches queued",
        );
        const before = await exporting(first.url);
        assert.ok(before.failures > 0 && before.last_error, "the failures are shown");
        const stopSec = Math.floor(Date.now() / 1000);
        await first.stop();

        const second = await lab.agent("second run", await args());
        const secondStartSec = Math.floor(Date.now() / 1000);
        const resumed = await exporting(second.url);
        assert.ok(resumed.queue.batches >= 15, `batches found on disk: ${resumed.queue.batches}`);
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

/** The seconds (epoch) of the samples of `series` in the last `rangeSec` before `atSec`. */
async function seconds(db: TsdbProcess, series: string, rangeSec: number, atSec: number): Promise<number[]> {
  const r = await promQuery(db, `${series}[${rangeSec}s]`, atSec);
  // deno-lint-ignore no-explicit-any
  return r.length === 1 ? (r[0] as any).values.map((v: [number, string]) => v[0]) : [];
}

Deno.test({
  name:
    "exporting: a parent restarted under a child exports the child's seconds of its downtime after replication",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let vm: TsdbProcess | undefined;
    try {
      await withLab(async (lab) => {
        vm = await startVictoriaMetrics();
        const key = crypto.randomUUID();
        const port = freePort();
        const dataDir = await lab.dir("exporting-parent-");
        const conf = await lab.confDir({
          "stream.conf": receiverConf(key),
          "exporting.conf": "[exporting:global]\n    enabled = yes\n    update every = 1\n" +
            `[prometheus_remote_write:vm]\n    destination = 127.0.0.1:${vm.port}\n` +
            "    remote write URL path = /api/v1/write\n",
        });
        const parentArgs = [
          "--role",
          "parent",
          "--hostname",
          "exp-rp",
          "--port",
          String(port),
          "--data-dir",
          dataDir,
        ];
        let parent = await lab.agent("parent", [...parentArgs, "--config", conf]);
        await lab.agent("child", [
          "--role",
          "child",
          "--hostname",
          "exp-rc",
          "--config",
          await lab.confDir({ "stream.conf": senderConf(`127.0.0.1:${port}`, key) }),
        ]);
        const series = 'netdata_system_cpu_percentage_average{dimension="user",instance="exp-rc"}';
        await waitFor(async () => (await promQuery(vm!, series)).length === 1, 30000, "the child's series");
        await new Promise((r) => setTimeout(r, 3000));
        const stopSec = Math.floor(Date.now() / 1000);
        await parent.stop();
        await new Promise((r) => setTimeout(r, 6000));
        parent = await lab.agent("parent again", [...parentArgs, "--config", conf]);
        const restartSec = Math.floor(Date.now() / 1000);
        // The child reconnects, replicates its missed seconds, then they are exported.
        const from = stopSec - 5, to = restartSec + 10;
        const want = Array.from({ length: to - from + 1 }, (_, i) => from + i);
        let got: number[] = [];
        await waitFor(
          async () => {
            got = (await seconds(vm!, series, 120, to + 0.5)).filter((t) => t >= from);
            return got.length >= want.length;
          },
          40000,
          "the child's seconds around the restart",
        ).catch(() => {});
        assert.deepEqual(
          want.filter((t) => !got.includes(t)).map((t) => t - stopSec),
          [],
          `seconds of the child missing in VictoriaMetrics (from the stop; the restart was at +${
            restartSec - stopSec
          })`,
        );
      });
    } catch (err) {
      if (vm) console.error(`--- victoria-metrics ---\n${vm.output().slice(-2000)}`);
      throw err;
    } finally {
      await vm?.remove();
    }
  },
});
