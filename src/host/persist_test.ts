import { testHost } from "./_fixture.ts";
import { assert } from "../../tests/_helpers/assert.ts";
import { applyHostMeta, HostMetaWriter, loadHostMeta } from "./persist.ts";

function host(guid: string) {
  return testHost({ hostname: "h", guid, historySec: 60 });
}

Deno.test("host.json round-trips a host's identity, labels and definitions", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = host("00000000-0000-0000-0000-0000000000a1");
    a.labels.set("_os_name", { value: "Debian", source: 1 });
    a.systemInfo.set("NETDATA_SYSTEM_KERNEL_NAME", "Linux");
    const c = a.defineChart({
      id: "system.ram",
      name: "system.ram",
      title: "System RAM",
      units: "MiB",
      family: "ram",
      context: "system.ram",
      chartType: "stacked",
      priority: 200,
      updateEvery: 1,
      plugin: "proc.plugin",
      module: "/proc/meminfo",
    });
    c.labels.set("_collect_plugin", { value: "proc.plugin", source: 1 });
    c.defineDimension({ id: "free", algorithm: "absolute", multiplier: 1, divisor: 1024, hidden: true });
    const w = new HostMetaWriter(a, dir);
    w.flush();
    const b = host("00000000-0000-0000-0000-0000000000a1");
    applyHostMeta(b, loadHostMeta(dir));
    assert.equal(b.labels.get("_os_name")?.value, "Debian");
    assert.equal(b.systemInfo.get("NETDATA_SYSTEM_KERNEL_NAME"), "Linux");
    const bc = b.charts.get("system.ram")!;
    assert.deepEqual(bc.def(), c.def());
    assert.deepEqual(bc.dimension("free")!.def(), c.dimension("free")!.def());
    assert.equal(bc.labels.get("_collect_plugin")?.value, "proc.plugin");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadHostMeta() names the file it cannot read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/host.json`, "{ not json");
    assert.throws(
      () => loadHostMeta(dir),
      (e: unknown) => e instanceof SyntaxError && e.message.includes(`${dir}/host.json`),
    );
    await Deno.writeTextFile(`${dir}/host.json`, '{"version": 99}');
    assert.throws(() => loadHostMeta(dir), SyntaxError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
