/**
 * cgroups v1 against the real thing: a test cgroup in this machine's v1 hierarchies (cpuacct, cpu,
 * cpuset, memory, blkio) with a busy process in it, watched by a Netdata 1.37.1 (its cgroups.plugin)
 * and by our agent with the same `[plugin:cgroups]` keys. Both must define the same `cgroup_<name>.*`
 * charts (ids, titles, units, families, contexts, chart types, priorities, dimensions), the same
 * `$cpu_limit` / `$memory_limit` variables, and show the same absolute values within what two
 * collectors sampling a moment apart can differ. Skipped where no v1 hierarchy is writable (not root,
 * or a cgroup2-only machine); the cgroups are removed at the end.
 */
import { assert } from "./_helpers/assert.ts";
import { confDir, waitFor, withAgent } from "./_helpers/agent.ts";
import { hasNetdata, startNetdata } from "./_helpers/netdata.ts";

const ROOT = "/sys/fs/cgroup";
/** The hierarchies the test cgroup is made in (cpu for a quota Netdata does not read here). */
const CONTROLLERS = ["cpuacct", "cpu", "cpuset", "memory", "blkio"];
const NAME = `agent_cgtest_${Deno.pid}`;
const CHART_TYPE = `cgroup_${NAME}`;
/** The memory limit set, in MiB. */
const LIMIT_MIB = 256;

/** Whether we can make a v1 cgroup here (the test's skip condition). */
function writableV1(): boolean {
  const probe = `${ROOT}/cpuacct/agent_cgprobe_${Deno.pid}`;
  try {
    Deno.mkdirSync(probe);
    Deno.removeSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Makes the test cgroup and puts a busy, memory-holding process in it. */
function makeCgroup(): Deno.ChildProcess {
  for (const c of CONTROLLERS) Deno.mkdirSync(`${ROOT}/${c}/${NAME}`);
  const cs = `${ROOT}/cpuset/${NAME}`;
  Deno.writeTextFileSync(`${cs}/cpuset.cpus`, "0");
  Deno.writeTextFileSync(
    `${cs}/cpuset.mems`,
    Deno.readTextFileSync(`${ROOT}/cpuset/cpuset.mems`).trim() || "0",
  );
  Deno.writeTextFileSync(`${ROOT}/memory/${NAME}/memory.limit_in_bytes`, String(LIMIT_MIB * 1048576));
  // At most a fifth of a core: the machine is shared.
  Deno.writeTextFileSync(`${ROOT}/cpu/${NAME}/cpu.cfs_quota_us`, "20000");
  // 48 MiB touched, then a busy loop with a few file writes.
  const busy = new Deno.Command("python3", {
    args: [
      "-c",
      "import os,sys\nx=bytearray(48<<20)\nfor i in range(0,len(x),4096): x[i]=1\nsys.stdout.write('ok\\n');sys.stdout.flush()\nwhile True:\n  pass",
    ],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  for (const c of CONTROLLERS) Deno.writeTextFileSync(`${ROOT}/${c}/${NAME}/cgroup.procs`, String(busy.pid));
  return busy;
}

/** Kills the process and removes the cgroup from every hierarchy (a cgroup goes once it is empty). */
async function removeCgroup(busy: Deno.ChildProcess | null): Promise<void> {
  if (busy !== null) {
    try {
      busy.kill("SIGKILL");
    } catch { /* already gone */ }
    await busy.status;
    await busy.stdout.cancel().catch(() => {});
  }
  for (const c of CONTROLLERS) {
    for (let i = 0; i < 50; i++) {
      try {
        Deno.removeSync(`${ROOT}/${c}/${NAME}`);
        break;
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) break;
        await new Promise((r) => setTimeout(r, 100)); // the killed process is still leaving
      }
    }
  }
}

interface ApiChart {
  title: string;
  units: string;
  family: string;
  context: string;
  chart_type: string;
  priority: number;
  dimensions: Record<string, { name: string }>;
}

/** Our test cgroup's charts from /api/v1/charts. */
async function cgroupCharts(base: string): Promise<Record<string, ApiChart>> {
  const r = await fetch(`${base}/api/v1/charts`);
  const body = await r.json();
  const out: Record<string, ApiChart> = {};
  for (const [id, c] of Object.entries(body.charts as Record<string, ApiChart>)) {
    if (id.startsWith(CHART_TYPE + ".")) out[id] = c;
  }
  return out;
}

/** The latest value of each dimension of a chart (the average of the last 3 s). */
async function latest(base: string, chart: string): Promise<Record<string, number>> {
  const r = await fetch(`${base}/api/v1/data?chart=${chart}&after=-3&points=1&group=average&format=json`);
  const body = await r.json();
  const out: Record<string, number> = {};
  (body.labels as string[]).slice(1).forEach((l, i) => out[l] = body.data[0][i + 1]);
  return out;
}

/** A chart variable as /api/v1/alarm_variables shows it. */
async function chartVariable(base: string, chart: string, name: string): Promise<unknown> {
  const r = await fetch(`${base}/api/v1/alarm_variables?chart=${chart}`);
  const body = await r.json();
  return body.chart_variables?.[name];
}

/**
 * `[plugin:cgroups]` for both: v1 (Netdata picks v2 on this hybrid layout, after systemd's
 * default-hierarchy=unified), only the test cgroup, discovered every second.
 */
const CGROUPS_CONF = `[plugin:cgroups]
    use unified cgroups = no
    check for new cgroups every = 1
    enable by default cgroups matching = /agent_cgtest_* !*
`;

/** Absolute charts and how far two samplers a moment apart may differ (value -> tolerance). */
const ABSOLUTE: Record<string, (v: number) => number> = {
  mem_usage: (v) => Math.max(2, v * 0.1),
  mem_usage_limit: (v) => Math.max(2, v * 0.1),
  mem_utilization: () => 2,
  mem: (v) => Math.max(2, v * 0.1),
  writeback: () => 1,
};

Deno.test({
  name:
    "cgroups v1: our agent defines the charts of a real cgroup as Netdata 1.37.1 does, with the same values",
  ignore: !writableV1() || !hasNetdata(),
  sanitizeResources: false,
  async fn() {
    let busy: Deno.ChildProcess | null = null;
    try {
      busy = makeCgroup();
      const reader = busy.stdout.getReader();
      await reader.read(); // its memory is touched
      reader.releaseLock();
      // Health on (with no rules): Netdata lists chart variables only then.
      const dir = await confDir({ "netdata.conf": CGROUPS_CONF });
      await Deno.mkdir(`${dir}/health.d`);
      const nd = await startNetdata({
        hostname: "nd-cgroups",
        extraConf: `[plugins]\n    cgroups = yes\n${CGROUPS_CONF}`,
        health: { userDir: `${dir}/health.d` },
      });
      try {
        await withAgent({ args: ["--config", dir] }, async (agent) => {
          // Netdata renames a new cgroup through cgroup-name.sh before charting it.
          const want = [`${CHART_TYPE}.cpu`, `${CHART_TYPE}.mem_usage`, `${CHART_TYPE}.cpu_limit`];
          const both = async () => {
            const [a, b] = [await cgroupCharts(agent.url), await cgroupCharts(nd.url)];
            return want.every((id) => a[id] !== undefined && b[id] !== undefined);
          };
          await waitFor(both, 40000, "cgroup charts on both");
          await new Promise((r) => setTimeout(r, 4000)); // a few seconds of data, "auto" charts settle
          const ours = await cgroupCharts(agent.url), theirs = await cgroupCharts(nd.url);
          const ids = Object.keys(theirs).sort();
          assert.deepEqual(Object.keys(ours).sort(), ids, "the same chart ids");
          for (const id of ids) {
            const a = ours[id], b = theirs[id];
            for (const k of ["title", "units", "family", "context", "chart_type", "priority"] as const) {
              assert.equal(a[k], b[k], `${id} ${k}`);
            }
            const dims = (c: ApiChart) =>
              Object.entries(c.dimensions).map(([d, v]) => `${d}=${v.name}`).sort();
            assert.deepEqual(dims(a), dims(b), `${id} dimensions`);
          }
          console.log(
            `${ids.length} charts alike: ${ids.map((i) => i.slice(CHART_TYPE.length + 1)).join(" ")}`,
          );
          // Values: absolute charts alike; the CPU within the quota's reach (both ~20 % of a core).
          for (const id of ids) {
            const tol = ABSOLUTE[id.slice(CHART_TYPE.length + 1)];
            if (tol === undefined) continue;
            const a = await latest(agent.url, id), b = await latest(nd.url, id);
            for (const [dim, vb] of Object.entries(b)) {
              const va = a[dim];
              assert.ok(
                typeof va === "number" && Math.abs(va - vb) <= tol(Math.abs(vb)),
                `${id} ${dim}: ours ${va}, netdata ${vb}`,
              );
            }
          }
          const cpuA = await latest(agent.url, `${CHART_TYPE}.cpu`),
            cpuB = await latest(nd.url, `${CHART_TYPE}.cpu`);
          const sum = (v: Record<string, number>) => Object.values(v).reduce((x, y) => x + y, 0);
          assert.ok(
            sum(cpuB) > 5 && Math.abs(sum(cpuA) - sum(cpuB)) <= 8,
            `cpu: ours ${sum(cpuA)}, netdata ${sum(cpuB)}`,
          );
          const usedA = await latest(agent.url, `${CHART_TYPE}.mem_usage`);
          // Some of the 48 MiB it holds (the kernel may swap part of it out to zram).
          assert.ok(usedA.ram >= 4 && usedA.ram <= LIMIT_MIB, `ram ${usedA.ram} MiB`);
          // The variables the stock cgroup alarms use.
          for (
            const [chart, name, want] of [["cpu", "cpu_limit", 100], [
              "mem_usage",
              "memory_limit",
              LIMIT_MIB,
            ]] as const
          ) {
            const va = await chartVariable(agent.url, `${CHART_TYPE}.${chart}`, name);
            const vb = await chartVariable(nd.url, `${CHART_TYPE}.${chart}`, name);
            assert.equal(vb, want, `netdata $${name}`);
            assert.equal(va, vb, `$${name}`);
          }
        });
      } catch (e) {
        console.error(`--- netdata error.log ---\n${nd.log().slice(-3000)}`);
        throw e;
      } finally {
        await nd.stop();
        await Deno.remove(dir, { recursive: true });
      }
    } finally {
      await removeCgroup(busy);
    }
  },
});
