/**
 * What collecting cgroups costs, beside Netdata 1.37.1 in the same run: N test cgroups (default 20)
 * made in this machine's v1 hierarchies (cpuacct, memory, blkio), each with a sleeping process, are
 * collected for `seconds` (default 30) by our CgroupsCollector in this process and by a Netdata's
 * cgroups.plugin (its PLUGIN[cgroups] and discovery threads), both with `use unified cgroups = no`
 * and only the test cgroups enabled. Prints CPU ms per second and µs per collected dimension per
 * second for both; the CPU of Netdata's threads comes from /proc/<pid>/task/<tid>/schedstat, ours
 * from this process's (this is the only thing it does). Root only; the cgroups are removed at the end.
 *
 *   deno run -A tests/bench/cgroups_cost.ts [seconds] [cgroups]
 */
import { NO } from "../../src/collectors/_helper.ts";
import { CgroupsCollector } from "../../src/collectors/cgroups.ts";
import { makeHost, T0 } from "../../src/collectors/_fixture.ts";
import { hasNetdata, startNetdata } from "../_helpers/netdata.ts";

const [sec, n] = [Number(Deno.args[0] ?? 30), Number(Deno.args[1] ?? 20)];
const ROOT = "/sys/fs/cgroup";
const CONTROLLERS = ["cpuacct", "memory", "blkio"];
const PREFIX = `agent_cgbench_${Deno.pid}_`;
const CONF = `[plugin:cgroups]
    use unified cgroups = no
    enable by default cgroups matching = /agent_cgbench_* !*
`;

/** CPU ns of the threads of `pid` whose name matches `re` (all when null). */
function threadNs(pid: number | "self", re: RegExp | null): number {
  let ns = 0;
  for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const comm = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/comm`).trim();
      if (re !== null && !re.test(comm)) continue;
      ns += Number(Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/schedstat`).split(" ")[0]);
    } catch { /* the thread ended */ }
  }
  return ns;
}

if (!hasNetdata()) throw new Error("needs /usr/sbin/netdata");
const sleepers: Deno.ChildProcess[] = [];
const dirs: string[] = [];
try {
  for (let i = 0; i < n; i++) {
    const p = new Deno.Command("sleep", { args: ["3600"], stdin: "null", stdout: "null", stderr: "null" })
      .spawn();
    sleepers.push(p);
    for (const c of CONTROLLERS) {
      const d = `${ROOT}/${c}/${PREFIX}${i}`;
      Deno.mkdirSync(d);
      dirs.push(d);
      Deno.writeTextFileSync(`${d}/cgroup.procs`, String(p.pid));
    }
  }
  // Netdata: only its cgroups plugin (proc off), its threads measured.
  const nd = await startNetdata({
    hostname: "nd-cgbench",
    collect: false,
    extraConf: `[plugins]\n    cgroups = yes\n${CONF}`,
  });
  let ndMs = 0, ndDims = 0;
  try {
    await new Promise((r) => setTimeout(r, 15000)); // discovered, renamed, charted
    const pid = Number(
      new TextDecoder().decode(
        new Deno.Command("pgrep", { args: ["-f", `${nd.dir}/etc/netdata.conf`] }).outputSync().stdout,
      )
        .trim().split("\n")[0],
    );
    const re = /cgroup/i;
    const a = threadNs(pid, re), t0 = performance.now();
    await new Promise((r) => setTimeout(r, sec * 1000));
    ndMs = (threadNs(pid, re) - a) / 1e6 / ((performance.now() - t0) / 1000);
    const charts = (await (await fetch(`${nd.url}/api/v1/charts`)).json()).charts as Record<
      string,
      { dimensions: object }
    >;
    for (const [id, c] of Object.entries(charts)) {
      if (id.startsWith("cgroup_")) ndDims += Object.keys(c.dimensions).length;
    }
  } finally {
    await nd.stop();
  }
  // Ours, the same settings, in this process, ticking once a second.
  const clock = { us: T0 * 1e6 };
  const host = makeHost(clock);
  const c = new CgroupsCollector({
    procRoot: "/proc",
    sysRoot: "/sys",
    updateEvery: 1,
    enable: (_s, o, d) => o === "use unified cgroups" ? NO : d,
    settings: { "enable by default cgroups matching": "/agent_cgbench_* !*" },
  });
  for (let k = 0; k < 12; k++) { // discovery, renames, auto charts
    clock.us += 1e6;
    c.collect(host, 1e6);
  }
  let ours = 0;
  const a = threadNs("self", null), t0 = performance.now();
  for (let k = 0; k < sec; k++) {
    await new Promise((r) => setTimeout(r, 1000));
    clock.us += 1e6;
    const s = performance.now();
    c.collect(host, 1e6);
    ours += performance.now() - s;
  }
  const ourProcMs = (threadNs("self", null) - a) / 1e6 / ((performance.now() - t0) / 1000);
  let ourDims = 0;
  for (const [id, ch] of host.charts) if (id.startsWith("cgroup_")) ourDims += ch.dimensions.length;
  c.close();
  const per = (ms: number, dims: number) => dims ? (ms * 1000 / dims).toFixed(2) : "-";
  console.log(`${n} cgroups, ${sec} s`);
  console.log(
    `netdata cgroups threads: ${ndMs.toFixed(3)} ms CPU/s, ${ndDims} dims, ${per(ndMs, ndDims)} µs/dim/s`,
  );
  console.log(
    `ours (process): ${ourProcMs.toFixed(3)} ms CPU/s, collect() ${
      (ours / sec).toFixed(3)
    } ms/s, ${ourDims} dims, ` +
      `${per(ourProcMs, ourDims)} µs/dim/s (process), ${per(ours / sec, ourDims)} (collect)`,
  );
} finally {
  for (const p of sleepers) {
    try {
      p.kill("SIGKILL");
    } catch { /* gone */ }
    await p.status;
  }
  for (const d of dirs.reverse()) {
    for (let i = 0; i < 50; i++) {
      try {
        Deno.removeSync(d);
        break;
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
