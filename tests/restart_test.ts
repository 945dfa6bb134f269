/**
 * A parent with dbengine restarts and serves its children at once, from disk, before they
 * reconnect (issue #4 "Operations").
 */
import { assert, assertNear } from "./_helpers/assert.ts";
import { type AgentProcess, confDir, getJson, startAgent, waitFor } from "./_helpers/agent.ts";
import { freePort } from "./_helpers/netdata.ts";

const KEY = "11111111-2222-3333-4444-555555555555";

Deno.test("a restarted dbengine parent serves a child's stored data before the child reconnects", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "agent-restart-" });
  const port = freePort();
  const pconf = await confDir({ "stream.conf": `[${KEY}]\n    enabled = yes\n` });
  const parentArgs = [
    "--role",
    "parent",
    "--config",
    pconf,
    "--hostname",
    "rp",
    "--port",
    String(port),
    "--data-dir",
    dataDir,
  ];
  const started: AgentProcess[] = [];
  try {
    let parent = await startAgent({ args: parentArgs });
    started.push(parent);
    const child = await startAgent({
      args: ["--role", "child", "--stream-to", `127.0.0.1:${port}`, "--api-key", KEY, "--hostname", "rc"],
    });
    started.push(child);
    await waitFor(
      async () => {
        const c = await getJson(`${parent.url}/host/rc/api/v1/chart?chart=system.ram`).catch(() => undefined);
        return c && c.last_entry - c.first_entry >= 6;
      },
      20000,
      "rc data on the parent",
    );
    await child.stop();
    const c = await getJson(`${parent.url}/host/rc/api/v1/chart?chart=system.ram`);
    const before = c.last_entry - 1, after = before - 4;
    const q =
      `/host/rc/api/v1/data?chart=system.ram&after=${after}&before=${before}&format=json&options=seconds|unaligned`;
    const was = await getJson(`${parent.url}${q}`);
    await parent.stop();

    parent = await startAgent({ args: parentArgs });
    started.push(parent);
    const info = await getJson(`${parent.url}/api/v1/info`);
    const rc = info.mirrored_hosts_status.find((h: { hostname: string }) => h.hostname === "rc");
    assert.ok(rc, `rc listed after restart: ${JSON.stringify(info.mirrored_hosts)}`);
    assert.equal(rc.reachable, false);
    assert.ok((await getJson(`${parent.url}/host/rc/api/v1/charts`)).charts["system.ram"], "charts are back");
    const now = await getJson(`${parent.url}${q}`);
    assert.deepEqual(now.labels, was.labels);
    assert.equal(now.data.length, was.data.length);
    for (let i = 0; i < was.data.length; i++) {
      for (let j = 0; j < was.data[i].length; j++) {
        assertNear(
          now.data[i][j],
          was.data[i][j],
          Math.abs(was.data[i][j] ?? 0) * 1e-6 + 1e-6,
          `row ${i} col ${j}`,
        );
      }
    }
    assert.match(parent.output(), /Loaded host rc/);
    const storage = (await getJson(`${parent.url}/host/rc/api/v1/info`)).storage;
    assert.equal(storage.memory_mode, "dbengine");
    assert.ok(storage.first_entry > 0 && storage.last_entry >= before, JSON.stringify(storage));
    assert.ok(storage.disk_bytes > 0, JSON.stringify(storage));
  } catch (e) {
    for (const a of started) console.error(`--- ${a.url} ---\n${a.output().slice(-4000)}`);
    throw e;
  } finally {
    await Promise.all(started.map((a) => a.stop()));
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await Deno.remove(pconf, { recursive: true }).catch(() => {});
  }
});
