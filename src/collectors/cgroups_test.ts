import { assert } from "../../tests/_helpers/assert.ts";
import { checkExpected, copyTree, type Expected, makeHost, snapshots, T0, TESTDATA } from "./_fixture.ts";
import { AUTO, NO, YES } from "./_helper.ts";
import { cpusetCount } from "./cgroups_cpu_limit.ts";
import { CgroupFile } from "./cgroups_file.ts";
import { cgroupsSettings } from "./cgroups_config.ts";
import {
  CgroupsCollector,
  type CgroupsOptions,
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
      "5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9": "nginx",
    } as Record<string, string>)[id] ?? null,
  );

/**
 * Runs a scenario whose /sys changes (sysN/ over sys/), walking the tree every tick and letting
 * the background name lookups finish between ticks; `between(k, sysRoot)` may change the tree
 * before snapshot k. Checks expected.json unless `check` is false.
 */
async function run(
  path: string,
  opts: { between?: (k: number, sysRoot: string) => void; check?: boolean; extra?: Partial<CgroupsOptions> } =
    {},
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
    collector = new CgroupsCollector({
      procRoot,
      sysRoot,
      updateEvery: 1,
      checkEverySec: 1,
      names: DOCKER,
      ...opts.extra,
    });
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

/** This test machine's answers, whatever runs the tests: no systemd (v1 unless /sys/fs/cgroup is cgroup2). */
const NO_SYSTEMD = () => null;

Deno.test("CgroupsCollector: cgroups v1, a docker host with the cgroupfs driver (container, ssh service)", async () => {
  const { collector, host } = await run("cgroups/v1_docker_cgroupfs", {
    extra: {
      systemdVersion: NO_SYSTEMD,
      // cpu shares are off by default, as in Netdata: switched on here to check the chart.
      enable: (s, o, d) =>
        s === "plugin:cgroups" &&
          (o === "enable cpuacct cpu shares" || o === "enable systemd services detailed memory")
          ? YES
          : d,
    },
  });
  // Services' detailed memory (off by default, as in Netdata): ssh's memory.stat totals.
  checkExpected(
    host,
    {
      values: {
        "services.mem_rss": { "system-slice_ssh-service": 30 },
        "services.mem_cache": { "system-slice_ssh-service": 5 },
        "services.mem_mapped": { "system-slice_ssh-service": 0 },
        "services.mem_pgpgout": { "system-slice_ssh-service": 0 },
      },
    },
    T0 + 3,
    "services detailed memory",
  );
  assert.equal(host.charts.get("services.mem_pgfault")!.priority, 19060);
  assert.equal(host.charts.get("services.mem_pgfault")!.dimensions[0].multiplier, 4096);
  assert.equal(collector.settings.unified, false);
  const cpu = host.charts.get("cgroup_nginx.cpu")!;
  assert.deepEqual(
    cpu.dimensions.map((d) => [d.id, d.algorithm, d.multiplier, d.divisor]),
    [["user", "incremental", 100, 100], ["system", "incremental", 100, 100]],
    "USER_HZ ticks",
  );
  assert.equal(cpu.variables.get("cpu_limit"), 50, "cfs quota 50000 / period 100000, cpuset 0-1");
  const usage = host.charts.get("cgroup_nginx.mem_usage")!;
  assert.equal(usage.variables.get("memory_limit"), 512);
  assert.equal(usage.variables.get("memory_and_swap_limit"), 1024);
  const rows: [string, string, string, string, number, string][] = [
    // chart, title, units, context, priority, chart type
    [
      "cpu_per_core",
      "CPU Usage (100% = 1 core) Per Core",
      "percentage",
      "cgroup.cpu_per_core",
      40100,
      "stacked",
    ],
    ["cpu_shares", "CPU Time Relative Share", "shares", "cgroup.cpu_shares", 40020, "line"],
    ["mem_activity", "Memory Activity", "MiB/s", "cgroup.mem_activity", 40400, "line"],
    ["mem_failcnt", "Memory Limit Failures", "count", "cgroup.mem_failcnt", 40250, "line"],
    ["throttle_io", "Throttle I/O Bandwidth (all disks)", "KiB/s", "cgroup.throttle_io", 41200, "area"],
    ["queued_ops", "Queued I/O Operations (all disks)", "operations", "cgroup.queued_ops", 42000, "line"],
    ["merged_ops", "Merged I/O Operations (all disks)", "operations/s", "cgroup.merged_ops", 42100, "line"],
  ];
  for (const [id, title, units, context, priority, chartType] of rows) {
    const c = host.charts.get(`cgroup_nginx.${id}`)!;
    assert.deepEqual([c.title, c.units, c.context, c.priority, c.chartType], [
      title,
      units,
      context,
      priority,
      chartType,
    ], id);
  }
  assert.deepEqual(
    host.charts.get("cgroup_nginx.mem_activity")!.dimensions.map((
      d,
    ) => [d.id, d.name, d.multiplier, d.divisor]),
    [["pgpgin", "in", 4096, 1048576], ["pgpgout", "out", -4096, 1048576]],
  );
  assert.equal(host.charts.get("services.cpu")!.dimension("system-slice_ssh-service")?.divisor, 100);
});

Deno.test("CgroupsCollector: v1 with cpu.cfs_period_us alone (no cpuset.cpus, no quota file): $cpu_limit is NaN, no chart", async () => {
  const id = "5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
  const { host } = await run("cgroups/v1_docker_cgroupfs", {
    check: false,
    extra: { systemdVersion: NO_SYSTEMD },
    between: (_k, sys) => {
      // Before the container's files are opened (at its second walk, once named).
      for (const f of [`cpuset/docker/${id}/cpuset.cpus`, `cpuacct/docker/${id}/cpu.cfs_quota_us`]) {
        Deno.removeSync(`${sys}/fs/cgroup/${f}`);
      }
    },
  });
  assert.ok(host.charts.has("cgroup_nginx.cpu"));
  assert.ok(!host.charts.has("cgroup_nginx.cpu_limit"));
  assert.ok(!host.charts.has("services.mem_rss"), "services' detailed memory is off by default");
  assert.ok(Number.isNaN(host.charts.get("cgroup_nginx.cpu")!.variables.get("cpu_limit")));
});

Deno.test("cgroupsSettings(): [plugin:cgroups] values and switches, the hierarchy and Netdata's v1/v2 switch-offs", () => {
  const tmp = Deno.makeTempDirSync();
  try {
    const sysRoot = `${tmp}/sys`, procRoot = `${tmp}/proc`;
    Deno.mkdirSync(procRoot, { recursive: true });
    const v1 = cgroupsSettings({
      updateEvery: 2,
      procRoot,
      sysRoot,
      systemdVersion: NO_SYSTEMD,
      values: {
        "update every": 1,
        "max cgroups to allow": 5,
        "enable by default cgroups names matching": "web*",
      },
    });
    assert.equal(v1.unified, false);
    assert.equal(v1.updateEvery, 2, "never below the agent's");
    assert.equal(v1.checkEverySec, 20, "10 x update every");
    assert.equal(v1.maxCgroups, 5);
    assert.equal(v1.enabledNames, "web*");
    assert.equal(v1.paths.memory, `${sysRoot}/fs/cgroup/memory`);
    assert.deepEqual(v1.sw.pressure, [NO, NO, NO, NO, NO, NO], "no pressure files in v1");
    assert.equal(v1.sw.cpuPerCore, AUTO);
    // systemd with the unified default: v2, unless the kernel command line turns it off.
    Deno.writeTextFileSync(`${procRoot}/cmdline`, "quiet\n");
    const unified = () => "systemd 252\n+PAM default-hierarchy=unified\n";
    const v2 = cgroupsSettings({ updateEvery: 1, procRoot, sysRoot, systemdVersion: unified });
    assert.equal(v2.unified, true);
    assert.equal(v2.unifiedPath, `${sysRoot}/fs/cgroup`);
    assert.deepEqual([v2.sw.cpuPerCore, v2.sw.failcnt, v2.sw.queued, v2.sw.usedMemory], [NO, NO, NO, false]);
    Deno.writeTextFileSync(`${procRoot}/cmdline`, "quiet systemd.unified_cgroup_hierarchy=0\n");
    assert.equal(
      cgroupsSettings({ updateEvery: 1, procRoot, sysRoot, systemdVersion: unified }).unified,
      false,
    );
    const hybrid = () => "systemd 247\ndefault-hierarchy=hybrid\n";
    assert.equal(
      cgroupsSettings({ updateEvery: 1, procRoot, sysRoot, systemdVersion: hybrid }).unified,
      false,
    );
    // "use unified cgroups" overrides the detection.
    const forced = cgroupsSettings({
      updateEvery: 1,
      procRoot,
      sysRoot,
      systemdVersion: hybrid,
      enable: (_s, o, d) => o === "use unified cgroups" ? YES : d,
    });
    assert.equal(forced.unified, true);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("cpusetCount() counts cpuset lists as Netdata does", () => {
  const rows: [string, number][] = [["0-3\n", 4], ["0,2\n", 2], ["0-1,4-5,7\n", 5], ["\n", 1], ["", 0]];
  for (const [text, want] of rows) {
    const b = new TextEncoder().encode(text);
    assert.equal(cpusetCount(b, b.length), want, JSON.stringify(text));
  }
});

Deno.test("CgroupFile reads a file whole from offset 0 each time, growing past its first buffer", () => {
  const tmp = Deno.makeTempDirSync();
  try {
    const rows: [string, string][] = [["empty", ""], ["small", "max 100000\n"], [
      "16 exactly",
      "0123456789abcde\n",
    ], [
      "large",
      "x".repeat(3000) + "\n",
    ]];
    for (const [name, text] of rows) {
      Deno.writeTextFileSync(`${tmp}/f`, text);
      const f = new CgroupFile(`${tmp}/f`, 16);
      try {
        for (let k = 0; k < 2; k++) {
          const n = f.read();
          assert.equal(new TextDecoder().decode(f.bytes.subarray(0, n)), text, `${name}, read ${k}`);
        }
      } finally {
        f.close();
      }
    }
    const f = new CgroupFile(`${tmp}/f`);
    f.close();
    assert.throws(() => f.read(), Error, "closed");
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
