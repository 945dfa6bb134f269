/**
 * cgroups against the real thing: a test cgroup with a busy process in it, in this machine's v1
 * hierarchies (cpuacct, cpu, cpuset, memory, blkio) or in its cgroup2 mount, watched by a Netdata
 * 1.37.1 (its cgroups.plugin) and by our agent with the same `[plugin:cgroups]` keys. Both must
 * define the same `cgroup_<name>.*` charts (ids, titles, units, families, contexts, chart types,
 * priorities, dimensions), the same `$cpu_limit` / `$memory_limit` variables (v1), and show the same
 * absolute values within what two collectors sampling a moment apart can differ. Each case is
 * skipped where its hierarchy is not writable (not root, or no such mount); the cgroups are removed
 * at the end.
 */
import { assert } from "./_helpers/assert.ts";
import { confDir, waitFor, withAgent } from "./_helpers/agent.ts";
import { hasNetdata, startNetdata } from "./_helpers/netdata.ts";

const ROOT = "/sys/fs/cgroup";
/** The v1 hierarchies the test cgroup is made in (cpu for a quota Netdata does not read here). */
const CONTROLLERS = ["cpuacct", "cpu", "cpuset", "memory", "blkio"];
/** The memory limit set, in MiB. */
const LIMIT_MIB = 256;

/** The first cgroup2 mount point (in a hybrid layout /sys/fs/cgroup/unified), or null. */
function unifiedMount(): string | null {
  for (const line of Deno.readTextFileSync("/proc/self/mountinfo").split("\n")) {
    const dash = line.indexOf(" - ");
    if (dash > 0 && line.slice(dash + 3).startsWith("cgroup2 ")) return line.slice(0, dash).split(" ")[4];
  }
  return null;
}

/** Whether we can make a cgroup under `dir` (a case's skip condition). */
function writable(dir: string | null): boolean {
  if (dir === null) return false;
  const probe = `${dir}/agent_cgprobe_${Deno.pid}`;
  try {
    Deno.mkdirSync(probe);
    Deno.removeSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the test cgroup (each of `dirs`) and puts a busy, memory-holding process in it; a v1 cpuset
 * gets CPU 0, a v1 memory cgroup a limit, a v1 cpu cgroup a quota of a fifth of a core (the
 * machine is shared).
 */
function makeCgroup(dirs: string[]): Deno.ChildProcess {
  for (const d of dirs) {
    Deno.mkdirSync(d);
    if (d.startsWith(`${ROOT}/cpuset/`)) {
      Deno.writeTextFileSync(`${d}/cpuset.cpus`, "0");
      Deno.writeTextFileSync(
        `${d}/cpuset.mems`,
        Deno.readTextFileSync(`${ROOT}/cpuset/cpuset.mems`).trim() || "0",
      );
    }
    if (d.startsWith(`${ROOT}/memory/`)) {
      Deno.writeTextFileSync(`${d}/memory.limit_in_bytes`, String(LIMIT_MIB * 1048576));
    }
    if (d.startsWith(`${ROOT}/cpu/`)) Deno.writeTextFileSync(`${d}/cpu.cfs_quota_us`, "20000");
  }
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
  for (const d of dirs) Deno.writeTextFileSync(`${d}/cgroup.procs`, String(busy.pid));
  return busy;
}

/** Kills the process and removes the cgroup from every hierarchy (a cgroup goes once it is empty). */
async function removeCgroup(busy: Deno.ChildProcess | null, dirs: string[]): Promise<void> {
  if (busy !== null) {
    try {
      busy.kill("SIGKILL");
    } catch { /* already gone */ }
    await busy.status;
    await busy.stdout.cancel().catch(() => {});
  }
  for (const d of dirs) {
    for (let i = 0; i < 50; i++) {
      try {
        Deno.removeSync(d);
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

/** Our test cgroup's charts (`type` is `cgroup_<name>`) from /api/v1/charts. */
async function cgroupCharts(base: string, type: string): Promise<Record<string, ApiChart>> {
  const r = await fetch(`${base}/api/v1/charts`);
  const body = await r.json();
  const out: Record<string, ApiChart> = {};
  for (const [id, c] of Object.entries(body.charts as Record<string, ApiChart>)) {
    if (id.startsWith(type + ".")) out[id] = c;
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

/** How many of the last 10 s of a chart have values. */
async function collected(base: string, chart: string): Promise<number> {
  const r = await fetch(`${base}/api/v1/data?chart=${chart}&after=-10&format=json`);
  const body = await r.json();
  return (body.data as (number | null)[][]).filter((row) => row[1] !== null).length;
}

/** A chart variable as /api/v1/alarm_variables shows it. */
async function chartVariable(base: string, chart: string, name: string): Promise<unknown> {
  const r = await fetch(`${base}/api/v1/alarm_variables?chart=${chart}`);
  const body = await r.json();
  return body.chart_variables?.[name];
}

/** `[plugin:cgroups]` for both: v1 or v2, only the test cgroup, discovered every second. */
function cgroupsConf(unified: boolean): string {
  return `[plugin:cgroups]
    use unified cgroups = ${unified ? "yes" : "no"}
    check for new cgroups every = 1
    enable by default cgroups matching = /agent_cgtest_* !*
`;
}

/** Absolute charts and how far two samplers a moment apart may differ (value -> tolerance). */
const ABSOLUTE: Record<string, (v: number) => number> = {
  mem_usage: (v) => Math.max(2, v * 0.1),
  mem_usage_limit: (v) => Math.max(2, v * 0.1),
  mem_utilization: () => 2,
  mem: (v) => Math.max(2, v * 0.1),
  writeback: () => 1,
  // v2: averages over 10 s and more move little in a second.
  cpu_some_pressure: (v) => Math.max(3, v * 0.25),
  cpu_full_pressure: (v) => Math.max(3, v * 0.25),
};

/** One case: where the cgroup is made, which hierarchy both read, what must show. */
interface Case {
  unified: boolean;
  /** The cgroup's directories (one per v1 hierarchy, or the cgroup2 one plus a v1 cpu quota). */
  dirs: string[];
  /** Charts (after `cgroup_<name>.`) both must have before comparing. */
  want: string[];
  /** Chart variables both must show: chart, variable, value. */
  variables: [string, string, number][];
}

async function compare(name: string, c: Case): Promise<void> {
  const type = `cgroup_${name}`;
  let busy: Deno.ChildProcess | null = null;
  try {
    busy = makeCgroup(c.dirs);
    const reader = busy.stdout.getReader();
    await reader.read(); // its memory is touched
    reader.releaseLock();
    // Health on (with no rules): Netdata lists chart variables only then.
    const conf = cgroupsConf(c.unified);
    const dir = await confDir({ "netdata.conf": conf });
    await Deno.mkdir(`${dir}/health.d`);
    const nd = await startNetdata({
      hostname: "nd-cgroups",
      extraConf: `[plugins]\n    cgroups = yes\n${conf}`,
      health: { userDir: `${dir}/health.d` },
    });
    try {
      await withAgent({ args: ["--config", dir] }, async (agent) => {
        // Netdata renames a new cgroup through cgroup-name.sh before charting it.
        const both = async () => {
          const [a, b] = [await cgroupCharts(agent.url, type), await cgroupCharts(nd.url, type)];
          return c.want.every((id) => a[`${type}.${id}`] !== undefined && b[`${type}.${id}`] !== undefined);
        };
        await waitFor(both, 40000, "cgroup charts on both");
        // A few seconds of data on both ("auto" charts settle, incremental ones have rates).
        const filled = async () =>
          (await collected(agent.url, `${type}.cpu`)) >= 4 && (await collected(nd.url, `${type}.cpu`)) >= 4;
        await waitFor(filled, 20000, "4 s of cpu on both");
        const ours = await cgroupCharts(agent.url, type), theirs = await cgroupCharts(nd.url, type);
        const ids = Object.keys(theirs).sort();
        assert.deepEqual(Object.keys(ours).sort(), ids, "the same chart ids");
        for (const id of ids) {
          const a = ours[id], b = theirs[id];
          for (const k of ["title", "units", "family", "context", "chart_type", "priority"] as const) {
            assert.equal(a[k], b[k], `${id} ${k}`);
          }
          const dims = (c: ApiChart) => Object.entries(c.dimensions).map(([d, v]) => `${d}=${v.name}`).sort();
          assert.deepEqual(dims(a), dims(b), `${id} dimensions`);
        }
        console.log(`${ids.length} charts alike: ${ids.map((i) => i.slice(type.length + 1)).join(" ")}`);
        // Values: absolute charts alike; the CPU near the cgroup's use on both.
        for (const id of ids) {
          const tol = ABSOLUTE[id.slice(type.length + 1)];
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
        const cpuA = await latest(agent.url, `${type}.cpu`), cpuB = await latest(nd.url, `${type}.cpu`);
        const sum = (v: Record<string, number>) => Object.values(v).reduce((x, y) => x + y, 0);
        assert.ok(
          sum(cpuB) > 5 && Math.abs(sum(cpuA) - sum(cpuB)) <= 8,
          `cpu: ours ${sum(cpuA)}, netdata ${sum(cpuB)}`,
        );
        // The variables the stock cgroup alarms use.
        for (const [chart, variable, want] of c.variables) {
          const va = await chartVariable(agent.url, `${type}.${chart}`, variable);
          const vb = await chartVariable(nd.url, `${type}.${chart}`, variable);
          assert.equal(vb, want, `netdata $${variable}`);
          assert.equal(va, vb, `$${variable}`);
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
    await removeCgroup(busy, c.dirs);
  }
}

const V1_NAME = `agent_cgtest_${Deno.pid}`;

Deno.test({
  name:
    "cgroups v1: our agent defines the charts of a real cgroup as Netdata 1.37.1 does, with the same values",
  ignore: !writable(`${ROOT}/cpuacct`) || !hasNetdata(),
  sanitizeResources: false,
  fn: () =>
    compare(V1_NAME, {
      unified: false,
      dirs: CONTROLLERS.map((c) => `${ROOT}/${c}/${V1_NAME}`),
      want: ["cpu", "mem_usage", "cpu_limit"],
      // cpuset.cpus "0" is one CPU (Netdata reads cpu.cfs_* from the cpuacct hierarchy, which here
      // is mounted apart from cpu); the memory limit set.
      variables: [["cpu", "cpu_limit", 100], ["mem_usage", "memory_limit", LIMIT_MIB]],
    }),
});

const UNIFIED = unifiedMount();
const V2_NAME = `agent_cgtest_v2_${Deno.pid}`;

Deno.test({
  name:
    "cgroups v2: our agent defines the charts of a real cgroup2 cgroup as Netdata 1.37.1 does, with the same values",
  ignore: !writable(UNIFIED) || !hasNetdata(),
  sanitizeResources: false,
  fn: () =>
    compare(V2_NAME, {
      unified: true,
      // The cgroup2 one, and a v1 cpu one for the quota where a hybrid layout has it.
      dirs: [`${UNIFIED}/${V2_NAME}`, ...(writable(`${ROOT}/cpu`) ? [`${ROOT}/cpu/${V2_NAME}`] : [])],
      want: ["cpu"],
      variables: [],
    }),
});
