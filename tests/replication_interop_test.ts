/**
 * Replication with Debian's real netdata 1.37.1 (issue #4): a parent stopped for 60 s and then
 * restarted shows no gap, with the child's own values, in both directions and through our proxy.
 * They fail when netdata is not installed (`make test` installs it).
 */
import { assert } from "./_helpers/assert.ts";
import { getJson, waitFor } from "./_helpers/agent.ts";
import { assertNoGap, retention, rows, waitData } from "./_helpers/gap.ts";
import { receiverConf, senderConf, withLab } from "./_helpers/lab.ts";
import { freePort, type NetdataOptions } from "./_helpers/netdata.ts";
import { startRelay } from "./_helpers/relay.ts";

const GAP_SEC = 60;
const CHARTS = ["system.cpu", "system.ram"];

/** A netdata parent (dbengine, no collection) that can be stopped and started again on `dir` and `port`. */
function restartableParent(hostname: string, key: string, dir: string, port: number): NetdataOptions {
  return { hostname, collect: false, streamConf: receiverConf(key), dir, port };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The outage: waits for 5 s of data on the mirror, stops the parent, waits {@link GAP_SEC} and starts
 * it again. Returns the second it stopped.
 */
async function outage(mirror: () => string, stop: () => Promise<unknown>, restart: () => Promise<void>) {
  await waitData({ base: mirror() }, CHARTS, 5);
  const stoppedAt = Math.floor(Date.now() / 1000);
  await stop();
  await sleep(GAP_SEC * 1000);
  await restart();
  return stoppedAt;
}

/** Checks every chart from 2 s after the mirror's first point to the last second both have. */
async function checkNoGap(mirror: string, origin: string, stoppedAt: number): Promise<void> {
  for (const chart of CHARTS) {
    const m = await retention({ base: mirror }, chart);
    const o = await retention({ base: origin }, chart);
    const from = Math.max(m.first, o.first) + 2, to = Math.min(m.last, o.last) - 1;
    assert.ok(from < stoppedAt - 2 && to > stoppedAt + GAP_SEC, `window ${from}..${to} spans the outage`);
    await assertNoGap({ base: mirror }, chart, from, to, { base: origin });
  }
}

Deno.test({
  name: `a netdata child fills the ${GAP_SEC} s gap of our restarted parent`,
  async fn() {
    await withLab(async (lab) => {
      const key = crypto.randomUUID();
      const port = freePort();
      const dataDir = await lab.dir("repl-ours-parent-");
      const conf = await lab.confDir({ "stream.conf": receiverConf(key) });
      const parentArgs = [
        "--role",
        "parent",
        "--hostname",
        "ours-p",
        "--port",
        String(port),
        "--config",
        conf,
      ];
      let parent = await lab.agent("parent", [...parentArgs, "--data-dir", dataDir]);
      const child = await lab.netdata({ hostname: "nd-c", streamConf: senderConf(`127.0.0.1:${port}`, key) });
      const stoppedAt = await outage(() => `${parent.url}/host/nd-c`, () => parent.stop(), async () => {
        parent = await lab.agent("parent", [...parentArgs, "--data-dir", dataDir]);
      });
      await waitFor(
        async () => {
          const kids = (await getJson(`${parent.url}/api/v1/info`)).streaming.children;
          // deno-lint-ignore no-explicit-any
          const k = kids.find((c: any) => c.hostname === "nd-c");
          return k && k.replication.points > 0 && k.replication.charts_pending === 0;
        },
        45000,
        "nd-c to reconnect and finish replication",
      );
      await waitData({ base: `${parent.url}/host/nd-c` }, CHARTS, 3, Math.floor(Date.now() / 1000));
      await checkNoGap(`${parent.url}/host/nd-c`, child.url, stoppedAt);
    });
  },
});

Deno.test({
  name: `our child fills the ${GAP_SEC} s gap of a restarted netdata parent (dbengine)`,
  async fn() {
    await withLab(async (lab) => {
      const key = crypto.randomUUID();
      const port = freePort();
      const dir = await lab.dir("repl-nd-parent-");
      const ndOpts = restartableParent("nd-p", key, dir, port);
      let parent = await lab.netdata(ndOpts);
      const child = await lab.agent("child", [
        "--role",
        "child",
        "--hostname",
        "ours-c",
        "--stream-to",
        `127.0.0.1:${port}`,
        "--api-key",
        key,
      ]);
      const stoppedAt = await outage(() => `${parent.url}/host/ours-c`, () => parent.stop(), async () => {
        parent = await lab.netdata(ndOpts);
      });
      await waitFor(
        async () => {
          const s = (await getJson(`${child.url}/api/v1/info`)).streaming.sender;
          return s.connected && s.connections >= 2 && s.definedCharts > 0 && s.replicationPendingCharts === 0;
        },
        45000,
        "our child to reconnect and finish replication",
      );
      await waitData({ base: `${parent.url}/host/ours-c` }, CHARTS, 3, Math.floor(Date.now() / 1000));
      await checkNoGap(`${parent.url}/host/ours-c`, child.url, stoppedAt);
      const storage = (await getJson(`${child.url}/api/v1/info`)).storage;
      assert.ok(storage.replicated_points >= GAP_SEC, JSON.stringify(storage));
    });
  },
});

Deno.test({
  name:
    `through our proxy: a netdata parent stopped ${GAP_SEC} s gets the gap of a netdata child from the proxy`,
  async fn() {
    await withLab(async (lab) => {
      const upKey = crypto.randomUUID(), downKey = crypto.randomUUID();
      const port = freePort();
      const dir = await lab.dir("repl-nd-top-");
      const ndOpts = restartableParent("nd-top", upKey, dir, port);
      let parent = await lab.netdata(ndOpts);
      const pconf = await lab.confDir({
        "stream.conf": senderConf(`127.0.0.1:${port}`, upKey) + "\n" + receiverConf(downKey),
      });
      const proxy = await lab.agent("proxy", ["--role", "proxy", "--hostname", "ours-x", "--config", pconf]);
      const child = await lab.netdata({
        hostname: "nd-leaf",
        streamConf: senderConf(new URL(proxy.url).host, downKey),
      });
      const stoppedAt = await outage(() => `${parent.url}/host/nd-leaf`, () => parent.stop(), async () => {
        parent = await lab.netdata(ndOpts);
      });
      await waitFor(
        async () => {
          const hosts = (await getJson(`${parent.url}/api/v1/info`)).mirrored_hosts_status;
          // deno-lint-ignore no-explicit-any
          return hosts.some((h: any) => h.hostname === "nd-leaf" && h.reachable);
        },
        45000,
        "nd-leaf back on the netdata parent",
      );
      await waitData({ base: `${parent.url}/host/nd-leaf` }, CHARTS, 5, Math.floor(Date.now() / 1000));
      await checkNoGap(`${parent.url}/host/nd-leaf`, child.url, stoppedAt);
    });
  },
});

Deno.test({
  name:
    "through our proxy on a slow link: a netdata parent gets every point of a netdata child, the first too",
  async fn() {
    await withLab(async (lab) => {
      const upKey = crypto.randomUUID(), downKey = crypto.randomUUID();
      const parent = await lab.netdata(
        restartableParent("nd-slow", upKey, await lab.dir("repl-slow-"), freePort()),
      );
      // Everything the parent says reaches the proxy 2.5 s late: the handshake, so the proxy's first
      // definitions go up after it stored points, and every REPLAY_CHART, so rounds collected while a
      // request is on its way reach the parent only by the replay.
      const relay = startRelay(Number(new URL(parent.url).port), { downDelayMs: 2500 });
      try {
        const pconf = await lab.confDir({
          "stream.conf": senderConf(`127.0.0.1:${relay.port}`, upKey) + "\n" + receiverConf(downKey),
        });
        const proxy = await lab.agent("proxy", [
          "--role",
          "proxy",
          "--hostname",
          "ours-xs",
          "--config",
          pconf,
        ]);
        const child = await lab.netdata({
          hostname: "nd-slow-leaf",
          streamConf: senderConf(new URL(proxy.url).host, downKey),
        });
        const mirror = `${parent.url}/host/nd-slow-leaf`;
        await waitData({ base: mirror }, CHARTS, 8);
        for (const chart of CHARTS) {
          const o = await retention({ base: child.url }, chart), m = await retention({ base: mirror }, chart);
          // From the child's first second with values (its first slot is empty) to the last both have.
          const firstValued = (await rows({ base: child.url }, chart, o.first, o.last))
            .find((r) => r.slice(1).some((v) => v !== null))?.[0] as number;
          const to = Math.min(o.last, m.last) - 1;
          assert.ok(to - firstValued >= 5, `${chart}: ${firstValued}..${to} is too short`);
          await assertNoGap({ base: mirror }, chart, firstValued, to, { base: child.url });
        }
      } finally {
        await relay.close();
      }
    });
  },
});
