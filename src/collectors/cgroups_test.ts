import { assert } from "../../tests/_helpers/assert.ts";
import { checkExpected, copyTree, type Expected, makeHost, snapshots, T0, TESTDATA } from "./_fixture.ts";
import {
  CgroupsCollector,
  type ContainerNames,
  ENABLED_PATHS,
  fixId,
  scriptName,
  SEARCH_PATHS,
  SYSTEMD_SERVICES,
} from "./cgroups.ts";
import { simplePattern } from "./diskspace.ts";

/** What the Docker API answers in these tests: two containers known, the third not. */
const DOCKER: ContainerNames = (id) =>
  Promise.resolve(
    ({
      "3f4e5d6c7b8a99881122334455667788aabbccddeeff00112233445566778899": "pihole",
      "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2": "homeassistant",
    } as Record<string, string>)[id] ?? null,
  );

/**
 * Runs a scenario whose /sys changes (sysN/ over sys/), walking the tree every tick and letting
 * the background name lookups finish between ticks; `between(k, sysRoot)` may change the tree
 * before snapshot k. Checks expected.json unless `check` is false.
 */
async function run(
  path: string,
  opts: { between?: (k: number, sysRoot: string) => void; check?: boolean } = {},
): Promise<{ collector: CgroupsCollector; host: ReturnType<typeof makeHost> }> {
  const dir = TESTDATA + path;
  const n = snapshots(dir);
  const tmp = Deno.makeTempDirSync({ prefix: "cgroups-" });
  const procRoot = `${tmp}/proc`, sysRoot = `${tmp}/sys`;
  const clock = { us: T0 * 1e6 };
  const host = makeHost(clock);
  let collector: CgroupsCollector | null = null;
  try {
    copyTree(`${dir}/proc0`, procRoot);
    copyTree(`${dir}/sys0`, sysRoot);
    collector = new CgroupsCollector({ procRoot, sysRoot, updateEvery: 1, checkEverySec: 1, names: DOCKER });
    for (let k = 0; k < n; k++) {
      if (k > 0) {
        copyTree(`${dir}/proc${k}`, procRoot);
        copyTree(`${dir}/sys${k}`, sysRoot);
        opts.between?.(k, sysRoot);
      }
      clock.us = (T0 + k) * 1e6;
      collector.collect(host, k === 0 ? 0 : 1e6);
      await new Promise((r) => setTimeout(r, 0)); // the name lookups answer
    }
    if (opts.check !== false) {
      const expected = JSON.parse(Deno.readTextFileSync(`${dir}/expected.json`)) as Expected;
      checkExpected(host, expected, T0 + n - 1, path);
    }
    return { collector, host };
  } finally {
    collector?.close();
    Deno.removeSync(tmp, { recursive: true });
  }
}

Deno.test("CgroupsCollector: a Raspberry Pi running docker (3 containers, docker/ssh/containerd services)", async () => {
  const { host } = await run("cgroups/raspberry_pi_docker");
  const cpu = host.charts.get("cgroup_pihole.cpu")!;
  assert.equal(cpu.title, "CPU Usage (100% = 1 core)");
  assert.equal(cpu.context, "cgroup.cpu");
  assert.equal(cpu.family, "cpu");
  assert.equal(cpu.priority, 40000);
  assert.equal(cpu.plugin, "cgroups.plugin");
  assert.equal(cpu.module, "/sys/fs/cgroup");
  assert.equal(cpu.labels.get("_collect_module")?.value, "/sys/fs/cgroup");
  // Chart variables the stock cgroup alarms use.
  assert.equal(cpu.variables.get("cpu_limit"), 400, "no quota: 4 cores");
  assert.equal(
    host.charts.get("cgroup_homeassistant.cpu")!.variables.get("cpu_limit"),
    50,
    "cpu.max 50000 100000",
  );
  assert.equal(host.charts.get("cgroup_homeassistant.mem_usage")!.variables.get("memory_limit"), 512);
  assert.equal(host.charts.get("cgroup_pihole.mem_usage")!.variables.get("memory_limit"), 17592186044415);
  assert.equal(
    host.charts.get("cgroup_pihole.mem_usage")!.variables.get("memory_and_swap_limit"),
    17592186044415,
  );
  const svc = host.charts.get("services.cpu")!;
  assert.equal(svc.module, "systemd");
  assert.equal(svc.priority, 19000);
  assert.equal(svc.dimension("system-slice_docker-service")?.name, "docker");
  assert.deepEqual(
    host.charts.get("cgroup_pihole.pgfaults")!.dimensions.map((d) => [d.id, d.name, d.multiplier]),
    [["pgfault", "pgfault", 4096], ["pgmajfault", "swap", -4096]],
  );
});

Deno.test("CgroupsCollector: a container that stops has its charts marked obsolete", async () => {
  const gone =
    "/fs/cgroup/system.slice/docker-c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00.scope";
  const { host } = await run("cgroups/raspberry_pi_docker", {
    between: (k, sys) => {
      if (k === 3) Deno.removeSync(sys + gone, { recursive: true });
    },
    check: false,
  });
  assert.ok(host.charts.get("cgroup_c0ffee00c0ff.cpu")?.obsolete);
  assert.ok(!host.charts.get("cgroup_pihole.cpu")?.obsolete);
});

Deno.test("CgroupsCollector: without a v2 root or a v1 cpuacct, memory or blkio hierarchy the module is off", () => {
  const tmp = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${tmp}/sys/fs/cgroup/cpu`, { recursive: true }); // cpu alone is not read
    assert.throws(
      () =>
        new CgroupsCollector({
          procRoot: `${tmp}/proc`,
          sysRoot: `${tmp}/sys`,
          updateEvery: 1,
          systemdVersion: () => null,
        }),
      Deno.errors.NotFound,
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("cgroups: Netdata's default patterns and names", () => {
  const enabled = simplePattern(ENABLED_PATHS), search = simplePattern(SEARCH_PATHS);
  const services = simplePattern(SYSTEMD_SERVICES);
  const rows: [string, boolean, boolean, boolean][] = [
    // id, enabled as a container, searched below, a systemd service
    ["/", false, true, false],
    ["/init.scope", false, false, false],
    ["/system.slice", false, true, false],
    ["/system.slice/docker-abc.scope", true, true, false],
    ["/system.slice/run-r1.scope", false, true, false],
    ["/system.slice/ssh.service", false, true, true],
    ["/system.slice/system-getty.slice/getty@tty1.service", false, true, false],
    ["/user.slice", false, false, false],
    ["/docker/abc", true, true, false],
    ["/lxc.payload.web", true, false, false],
  ];
  for (const [id, e, s, svc] of rows) {
    assert.equal(enabled(id), e, `enabled ${id}`);
    assert.equal(search(id), s, `search ${id}`);
    assert.equal(services(id), svc, `service ${id}`);
  }
  assert.equal(fixId("System.Slice/Foo Bar,1"), "system.slice_foo_bar.1");
  assert.deepEqual(scriptName("system.slice_docker-" + "a".repeat(64) + ".scope"), {
    docker: "a".repeat(64),
  });
  assert.deepEqual(scriptName("docker_" + "b".repeat(12)), { docker: "b".repeat(12) });
  assert.deepEqual(scriptName("machine.slice_systemd-nspawn_web.service"), { name: "systemd-nspawn_web" });
  assert.deepEqual(scriptName("lxc.payload.web"), { name: "web" });
  assert.deepEqual(scriptName("system.slice_foo.scope"), { name: "system.slice_foo.scope" });
});
