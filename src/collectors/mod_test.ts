import { assert } from "../../tests/_helpers/assert.ts";
import { copyTree, makeHost, T0, TESTDATA } from "./_fixture.ts";
import { setHostVariable } from "./_helper.ts";
import { createCollectors, Scheduler } from "./mod.ts";

Deno.test("createCollectors() skips a collector whose file is missing and keeps the others", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "collectors-" });
  try {
    // This machine's snapshot without /proc/loadavg.
    copyTree(TESTDATA + "all/this_machine/proc0", `${tmp}/proc`);
    copyTree(TESTDATA + "all/this_machine/sys", `${tmp}/sys`);
    Deno.removeSync(`${tmp}/proc/loadavg`);
    const cs = createCollectors({ procRoot: `${tmp}/proc`, updateEvery: 1 });
    try {
      assert.deepEqual(cs.map((c) => c.name), [
        "proc:/proc/stat",
        "proc:/proc/uptime",
        "proc:/proc/meminfo",
        "proc:/proc/diskstats",
        "proc:/proc/net/dev",
        "proc:/proc/net/netstat",
        "proc:/proc/pressure",
        "proc:/proc/vmstat",
        "proc:/proc/interrupts",
        "proc:/proc/softirqs",
        "proc:/proc/net/sockstat",
        "proc:/proc/net/sockstat6",
        "proc:/proc/net/softnet_stat",
        "proc:/proc/sys/kernel/random/entropy_avail",
        "proc:/proc/net/stat/nf_conntrack",
        "proc:ipc",
        "proc:/sys/block/zram",
        "diskspace",
        "idlejitter",
        "timex",
        "netdata:stats",
      ]);
      // sysRoot defaults to "sys" beside procRoot: eth0 is found real, ifb0 virtual.
      const clock = { us: T0 * 1e6 };
      const host = makeHost(clock);
      for (const c of cs) c.collect(host, 0);
      assert.equal(host.charts.get("net_mtu.eth0")?.labels.get("interface_type")?.value, "real");
      assert.equal(host.charts.get("net_mtu.ifb0")?.labels.get("interface_type")?.value, "virtual");
    } finally {
      for (const c of cs) c.close();
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("all collectors run against this machine's real /proc for a few ticks without an error", async () => {
  const clock = { us: Math.floor(Date.now() / 1000) * 1e6 };
  const host = makeHost(clock);
  const cs = createCollectors({ procRoot: "/proc", updateEvery: 1 });
  const errors: string[] = [];
  const sched = new Scheduler(host, cs, {
    updateEverySec: 1,
    nowMs: () => clock.us / 1000,
    onError: (c, e) => errors.push(`${c.name}: ${e}`),
  });
  try {
    // Every collector but those this machine may lack: hwmon sensors, and cgroups (on wherever a v1
    // or v2 hierarchy is mounted; when on, it runs here too and must not err either).
    const names = cs.map((c) => c.name).filter((n) => n !== "python.d:sensors" && n !== "cgroups");
    assert.equal(names.length, 22, names.join(" "));
    for (let k = 0; k < 4; k++) {
      if (k > 0) {
        await new Promise((r) => setTimeout(r, 20));
        clock.us += 1e6;
      }
      sched.tickOnce();
    }
    assert.deepEqual(errors, []);
    for (
      const id of [
        "system.cpu",
        "system.load",
        "system.ram",
        "system.uptime",
        "system.net",
        "netdata.server_cpu",
      ]
    ) {
      assert.ok(host.charts.has(id), `${id} missing`);
    }
    const cpu = host.charts.get("system.cpu")!;
    const out = new Float64Array(1);
    let sum = 0;
    const last = clock.us / 1e6;
    for (const d of cpu.dimensions) {
      assert.equal(host.store.read(d.seriesId, last, last, out), 1);
      sum += out[0];
    }
    assert.ok(Math.abs(sum - 100) < 0.01 || sum === 0, `CPU percentages add up to ${sum}`);
  } finally {
    await sched.stop();
    for (const c of cs) c.close();
  }
});

Deno.test("createCollectors() leaves out what netdata.conf turns off and hands the options to the collectors", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "collectors-" });
  try {
    copyTree(TESTDATA + "all/this_machine/proc0", `${tmp}/proc`);
    copyTree(TESTDATA + "all/this_machine/sys", `${tmp}/sys`);
    const cs = createCollectors({
      procRoot: `${tmp}/proc`,
      updateEvery: 1,
      self: false,
      switches: {
        plugins: { diskspace: false },
        modules: { "/proc/net/stat/conntrack": false, "/proc/stat": true },
        options: { "/proc/net/netstat": { "bandwidth": "no" }, "/proc/vmstat": { "swap i/o": "yes" } },
      },
    });
    try {
      const names = cs.map((c) => c.name);
      assert.ok(!names.includes("diskspace") && !names.includes("proc:/proc/net/stat/nf_conntrack"));
      assert.ok(names.includes("proc:/proc/stat") && names.includes("proc:/proc/net/netstat"));
      const host = makeHost({ us: T0 * 1e6 });
      for (const c of cs) c.collect(host, 0);
      assert.ok(!host.charts.has("system.ip"), "bandwidth = no");
      assert.ok(host.charts.has("system.swapio"), "swap i/o = yes charts even with no swapping");
    } finally {
      for (const c of cs) c.close();
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("setHostVariable() tells the host's observers when a value changes, once", () => {
  const host = makeHost({ us: T0 * 1e6 });
  const seen: string[] = [];
  host.observers.push({
    chartDefined() {},
    roundDone() {},
    hostVariableChanged: (name, value) => seen.push(`${name}=${value}`),
  });
  setHostVariable(host, "tcp_max_orphans", 4096);
  setHostVariable(host, "tcp_max_orphans", 4096);
  setHostVariable(host, "tcp_max_orphans", 8192);
  assert.deepEqual(seen, ["tcp_max_orphans=4096", "tcp_max_orphans=8192"]);
  assert.equal(host.variables.get("tcp_max_orphans"), 8192);
});
