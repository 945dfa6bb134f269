/**
 * Replication between our own agents (issue #4): a parent that was away gets the missing seconds
 * from its child, with the child's own values, so its copy has no gap.
 * - a child with a RAM store, parent stopped 60 s then restarted;
 * - a parent killed with SIGKILL while streaming (its last flush interval is lost on disk, and
 *   comes back from the child);
 * - a headless child (memory mode none), from its bounded send buffer.
 */
import { assert } from "./_helpers/assert.ts";
import { type AgentProcess, confDir, getJson, startAgent, waitFor } from "./_helpers/agent.ts";
import { assertNoGap, retention, waitData } from "./_helpers/gap.ts";
import { freePort } from "./_helpers/netdata.ts";

const KEY = "21111111-2222-3333-4444-555555555555";
/** The outage the issue names. */
const GAP_SEC = 60;
const CHARTS = ["system.cpu", "system.ram"];

/** A parent on a fixed port and data dir, restartable; a child streaming to it. */
class Pair {
  readonly port = freePort();
  readonly started: AgentProcess[] = [];
  parent!: AgentProcess;
  child!: AgentProcess;
  #dataDir = "";
  #conf = "";

  async startParent(): Promise<AgentProcess> {
    if (!this.#dataDir) {
      this.#dataDir = await Deno.makeTempDir({ prefix: "agent-repl-" });
      this.#conf = await confDir({ "stream.conf": `[${KEY}]\n    enabled = yes\n` });
    }
    this.parent = await startAgent({
      args: [
        "--role",
        "parent",
        "--config",
        this.#conf,
        "--hostname",
        "rp",
        "--port",
        String(this.port),
        "--data-dir",
        this.#dataDir,
      ],
    });
    this.started.push(this.parent);
    return this.parent;
  }

  async startChild(extra: string[] = []): Promise<AgentProcess> {
    this.child = await startAgent({
      args: [
        "--role",
        "child",
        "--stream-to",
        `127.0.0.1:${this.port}`,
        "--api-key",
        KEY,
        "--hostname",
        "rc",
        ...extra,
      ],
    });
    this.started.push(this.child);
    return this.child;
  }

  get mirror() {
    return { base: `${this.parent.url}/host/rc` };
  }

  /** Waits until the parent holds `sec` seconds of the child's charts. */
  waitData(sec: number, sinceSec = 0): Promise<void> {
    return waitData(this.mirror, CHARTS, sec, sinceSec);
  }

  /** Waits until the child is connected again and its parent finished replicating every chart. */
  async waitReplicated(): Promise<void> {
    await waitFor(
      async () => {
        const s = (await getJson(`${this.child.url}/api/v1/info`)).streaming.sender;
        return s.connected && s.connections >= 2 && s.definedCharts > 0 && s.replicationPendingCharts === 0;
      },
      30000,
      "the child to reconnect and finish replication",
    );
  }

  async close(failed: boolean): Promise<void> {
    if (failed) {
      for (const a of this.started) {
        console.error(`--- ${a.url} ---\n${a.output().slice(-5000)}`);
      }
    }
    await Promise.all(this.started.map((a) => a.stop()));
    if (this.#dataDir) await Deno.remove(this.#dataDir, { recursive: true }).catch(() => {});
    if (this.#conf) await Deno.remove(this.#conf, { recursive: true }).catch(() => {});
  }
}

async function withPair(fn: (p: Pair) => Promise<void>): Promise<void> {
  const p = new Pair();
  let failed = true;
  try {
    await fn(p);
    failed = false;
  } finally {
    await p.close(failed);
  }
}

/** The window to check: from 2 s after the mirror's first point to the last second both have. */
async function window(p: Pair, chart: string, origin = true): Promise<{ from: number; to: number }> {
  const m = await retention(p.mirror, chart);
  let to = m.last - 1;
  if (origin) to = Math.min(to, (await retention({ base: p.child.url }, chart)).last - 1);
  return { from: m.first + 2, to };
}

Deno.test({
  name: `a parent stopped ${GAP_SEC} s then restarted has no gap: our child (RAM store) replicates it`,
  async fn() {
    await withPair(async (p) => {
      await p.startParent();
      await p.startChild();
      await p.waitData(5);
      const stoppedAt = Math.floor(Date.now() / 1000);
      await p.parent.stop();
      await new Promise((r) => setTimeout(r, GAP_SEC * 1000));
      await p.startParent();
      await p.waitReplicated();
      await p.waitData(3, Math.floor(Date.now() / 1000));
      for (const chart of CHARTS) {
        const { from, to } = await window(p, chart);
        assert.ok(from < stoppedAt - 2 && to > stoppedAt + GAP_SEC, `window ${from}..${to} spans the outage`);
        await assertNoGap(p.mirror, chart, from, to, { base: p.child.url });
      }
      const info = await getJson(`${p.child.url}/api/v1/info`);
      assert.ok(
        info.storage.replicated_points >= GAP_SEC * CHARTS.length,
        `replicated points: ${JSON.stringify(info.storage)}`,
      );
      const children = (await getJson(`${p.parent.url}/api/v1/info`)).streaming.children;
      const rc = children.find((c: { hostname: string }) => c.hostname === "rc");
      assert.ok(rc.replication.points >= GAP_SEC, JSON.stringify(rc));
      assert.equal(rc.replication.charts_pending, 0, JSON.stringify(rc));
    });
  },
});

Deno.test({
  name: "a parent killed with SIGKILL while streaming loses nothing: the child fills what it had not flushed",
  async fn() {
    await withPair(async (p) => {
      await p.startParent();
      await p.startChild();
      await p.waitData(12);
      // Kill it between two flushes: the seconds since the last flush are lost on disk.
      p.parent.process.kill("SIGKILL");
      await p.parent.stop();
      await p.startParent();
      assert.match(p.parent.output(), /Loaded host rc/);
      await p.waitReplicated();
      await p.waitData(3, Math.floor(Date.now() / 1000));
      for (const chart of CHARTS) {
        const { from, to } = await window(p, chart);
        await assertNoGap(p.mirror, chart, from, to, { base: p.child.url });
      }
    });
  },
});

Deno.test({
  name: "a headless child (memory mode none) sends what it collected while its parent was away",
  async fn() {
    await withPair(async (p) => {
      await p.startParent();
      await p.startChild(["--memory-mode", "none"]);
      await p.waitData(5);
      const stoppedAt = Math.floor(Date.now() / 1000);
      await p.parent.stop();
      await new Promise((r) => setTimeout(r, 20000));
      await p.startParent();
      await p.waitReplicated();
      await p.waitData(3, Math.floor(Date.now() / 1000));
      const info = await getJson(`${p.child.url}/api/v1/info`);
      assert.equal(info.storage.memory_mode, "none");
      assert.ok(info.storage.send_buffer_seconds >= 60, JSON.stringify(info.storage));
      // Its own API has no data (no database), so the check is: no empty second on the parent.
      for (const chart of CHARTS) {
        const { from, to } = await window(p, chart, false);
        assert.ok(from < stoppedAt - 2 && to > stoppedAt + 20, `window ${from}..${to} spans the outage`);
        await assertNoGap(p.mirror, chart, from, to);
      }
    });
  },
});
