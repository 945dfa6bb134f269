/**
 * The agent, run as a process, serves values that agree with what /proc says.
 */
import { assert, assertNear } from "./_helpers/assert.ts";
import { waitFor, withAgent } from "./_helpers/agent.ts";

interface Jiffies {
  busy: number;
  total: number;
}

function readCpu(): Jiffies {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: total - idle, total };
}

async function json(url: string) {
  const r = await fetch(url);
  const text = await r.text();
  assert.equal(r.status, 200, `${url}: ${text}`);
  return JSON.parse(text);
}

Deno.test("GET /api/v1/data for system.cpu returns 10 rows that agree with /proc/stat", async () => {
  await withAgent({}, async (agent) => {
    // Let the agent collect; sample /proc/stat ourselves over the same seconds.
    await waitFor(
      async () => {
        const r = await fetch(`${agent.url}/api/v1/chart?chart=system.cpu`);
        const c = r.ok ? await r.json() : undefined;
        return c && c.last_entry - c.first_entry >= 1;
      },
      15000,
      "system.cpu to hold data",
    );
    const start = readCpu();
    const t0 = Date.now() / 1000;
    await new Promise((r) => setTimeout(r, 11000));
    const end = readCpu();
    const t1 = Date.now() / 1000;
    const res = await json(`${agent.url}/api/v1/data?chart=system.cpu&after=-10&format=json&dimensions=*`);
    assert.equal(res.data.length, 10, JSON.stringify(res));
    assert.deepEqual(res.labels.slice(0, 1), ["time"]);
    assert.ok(res.labels.includes("idle") && res.labels.includes("user"));
    // Every row is a full 100 % of the CPU time.
    for (const row of res.data) {
      const sum = row.slice(1).reduce((a: number, b: number | null) => a + (b ?? 0), 0);
      assertNear(sum, 100, 0.5, `row ${row[0]} sums to 100`);
    }
    // Rows are newest first, one second apart, and fall inside our sampling window.
    for (let i = 1; i < res.data.length; i++) assert.equal(res.data[i - 1][0] - res.data[i][0], 1);
    assert.ok(res.data[0][0] <= t1 + 1 && res.data[9][0] >= t0 - 2, "rows within the sampled seconds");
    const idleCol = res.labels.indexOf("idle");
    const busyAgent = 100 - res.data.reduce((a: number, r: number[]) => a + r[idleCol], 0) / res.data.length;
    const busyProc = 100 * (end.busy - start.busy) / (end.total - start.total);
    // Same seconds up to the sub-second offsets of the two samplers.
    assertNear(busyAgent, busyProc, 5 + busyProc * 0.15, "busy % agent vs /proc/stat");
  });
});

Deno.test("system.ram adds up to MemTotal from /proc/meminfo", async () => {
  await withAgent({}, async (agent) => {
    const res = await waitFor(
      async () => {
        const r = await json(`${agent.url}/api/v1/data?chart=system.ram&after=-1&points=1&format=json`);
        return r.data.length === 1 && r.data[0][1] !== null ? r : undefined;
      },
      15000,
      "system.ram data",
    );
    const memTotalKiB = Number(/MemTotal:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/meminfo"))![1]);
    const sum = res.data[0].slice(1).reduce((a: number, b: number) => a + b, 0);
    assertNear(sum, memTotalKiB / 1024, memTotalKiB / 1024 * 0.01, "free+used+cached+buffers MiB");
  });
});

Deno.test("the API answers for this host under /host/<hostname>/ and /host/localhost/", async () => {
  await withAgent({ args: ["--hostname", "proc-test-node"] }, async (agent) => {
    await waitFor(
      async () => (await json(`${agent.url}/api/v1/charts`)).charts["system.cpu"],
      10000,
      "system.cpu",
    );
    const info = await json(`${agent.url}/api/v1/info`);
    assert.deepEqual(info.mirrored_hosts, ["proc-test-node"]);
    for (const prefix of ["/host/proc-test-node", "/host/localhost", `/host/${info.uid}`]) {
      const charts = await json(`${agent.url}${prefix}/api/v1/charts`);
      assert.equal(charts.hostname, "proc-test-node");
      assert.ok(charts.charts["system.cpu"], `${prefix}: system.cpu listed`);
    }
    const r = await fetch(`${agent.url}/host/nosuch/api/v1/info`);
    assert.equal(r.status, 404);
    assert.match(await r.text(), /does not maintain a database for host: nosuch/);
    const bad = await fetch(`${agent.url}/api/v1/data?chart=no.such.chart`);
    assert.equal(bad.status, 404);
    await bad.body?.cancel();
    const home = await fetch(`${agent.url}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /proc-test-node/);
  });
});
