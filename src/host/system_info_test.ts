import { assert } from "../../tests/_helpers/assert.ts";
import { detectSystemInfo, systemLabels } from "./system_info.ts";

Deno.test("detectSystemInfo() reads this machine like Netdata's system-info.sh", () => {
  const info = detectSystemInfo();
  assert.equal(info.get("NETDATA_SYSTEM_KERNEL_NAME"), "Linux");
  assert.equal(info.get("NETDATA_SYSTEM_KERNEL_VERSION"), Deno.osRelease());
  assert.match(info.get("NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT")!, /^\d+$/);
  const memKiB = Number(/MemTotal:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/meminfo"))![1]);
  assert.equal(info.get("NETDATA_SYSTEM_TOTAL_RAM"), String(memKiB * 1024));
  assert.ok(["true", "false"].includes(info.get("NETDATA_HOST_IS_K8S_NODE")!));
});

Deno.test("detectSystemInfo() reads os-release and falls back to unknown", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/os-release`,
      'NAME="Raspbian GNU/Linux"\nVERSION_ID="11"\nID=raspbian\n',
    );
    const info = detectSystemInfo({ etcRoot: dir, env: () => undefined });
    assert.equal(info.get("NETDATA_SYSTEM_OS_NAME"), "Raspbian GNU/Linux");
    assert.equal(info.get("NETDATA_SYSTEM_OS_ID"), "raspbian");
    assert.equal(info.get("NETDATA_SYSTEM_OS_VERSION_ID"), "11");
    assert.equal(info.get("NETDATA_SYSTEM_OS_ID_LIKE"), "unknown");
    assert.equal(info.get("NETDATA_HOST_IS_K8S_NODE"), "false");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("systemLabels() gives Netdata's automatic labels with their sources", () => {
  const labels = systemLabels(detectSystemInfo());
  assert.equal(labels.get("_kernel_version")?.value, Deno.osRelease());
  assert.deepEqual(labels.get("_aclk_available"), { value: "false", source: 9 });
  assert.deepEqual(labels.get("_is_ephemeral"), { value: "false", source: 2 });
  assert.equal(labels.get("_is_parent")?.value, "false");
});
