import { assert } from "../../../tests/_helpers/assert.ts";
import { makeHost, NOW_SEC, storedChart, testAgent } from "../_helper.ts";

function agent() {
  const a = testAgent();
  const l = a.localhost;
  l.labels.set("_os_name", { value: "Debian GNU/Linux", source: 1 });
  l.labels.set("_is_parent", { value: "true", source: 1 });
  l.systemInfo.set("NETDATA_SYSTEM_OS_NAME", "Debian GNU/Linux");
  l.systemInfo.set("NETDATA_HOST_OS_ID", "debian");
  l.systemInfo.set("NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT", "2");
  l.systemInfo.set("NETDATA_SYSTEM_KERNEL_NAME", "Linux");
  l.systemInfo.set("NETDATA_CONTAINER_OS_ID", "debian");
  storedChart(l, "system.cpu", ["user", { id: "idle", hidden: true }], NOW_SEC - 10, [[1], [2]], {
    plugin: "proc.plugin",
    module: "/proc/stat",
  });
  storedChart(l, "system.load", ["load1"], NOW_SEC - 10, [[1]], {
    plugin: "proc.plugin",
    module: "/proc/loadavg",
  });
  storedChart(l, "system.ram", ["used"], NOW_SEC - 10, [[1]], {
    plugin: "proc.plugin",
    module: "/proc/stat",
  });
  const child = makeHost({ hostname: "nd-child", guid: "fa57ff3a-e5ea-11f1-83f5-02fc00000001" });
  child.state.reachable = true;
  child.claimId = "c1";
  const gone = makeHost({ hostname: "smoke-0", guid: "0c62b36c-51b4-59b0-b5f8-0089bbf7741c" });
  gone.state.hops = 2;
  a.hosts.add(child);
  a.hosts.add(gone);
  return a;
}

Deno.test("info: node lists, system info, labels and collectors in Netdata's layout", async () => {
  const a = agent();
  const r = await a.get("/api/v1/info");
  assert.equal(r.status, 200);
  const b = r.body;
  assert.ok(b.startsWith('{\n\t"version": "v0.1.0",\n\t"uid": "dc25b32c-e5ea-11f1-b3d9-02fc00000001",\n'));
  assert.ok(b.includes('\t"mirrored_hosts": [\n\t\t"nd-parent",\n\t\t"nd-child",\n\t\t"smoke-0"\n\t],\n'));
  assert.ok(b.includes(
    '\t\t{ "guid": "fa57ff3a-e5ea-11f1-83f5-02fc00000001", "hostname": "nd-child", "reachable": true, "hops": 1, ' +
      '"claim_id": "c1", "node_id": null },\n',
  ));
  assert.ok(
    b.includes(
      '"hostname": "smoke-0", "reachable": false, "hops": 2, "claim_id": null, "node_id": null }\n\t],',
    ),
  );
  assert.ok(
    b.includes('\t"host_labels": {\n\t\t"_os_name":"Debian GNU/Linux",\n\t\t"_is_parent":"true"\n\t},\n'),
  );
  assert.ok(b.includes('\t"functions": {\n\n\t},\n'));
  assert.ok(b.includes(
    '\t"collectors": [\n\t\t{\n\t\t\t"plugin": "proc.plugin",\n\t\t\t"module": "/proc/stat"\n\t\t},\n' +
      '\t\t{\n\t\t\t"plugin": "proc.plugin",\n\t\t\t"module": "/proc/loadavg"\n\t\t}\n\t],\n',
  ));
  assert.ok(b.endsWith('\t"metrics-count": 3\n}'));
  const j = JSON.parse(b);
  assert.deepEqual(Object.keys(j).slice(0, 16), [
    "version",
    "uid",
    "mirrored_hosts",
    "mirrored_hosts_status",
    "alarms",
    "os_name",
    "os_id",
    "os_id_like",
    "os_version",
    "os_version_id",
    "os_detection",
    "cores_total",
    "total_disk_space",
    "cpu_freq",
    "ram_total",
    "container_os_id",
  ]);
  assert.equal(j.os_name, "Debian GNU/Linux");
  assert.equal(j.os_id, "debian");
  assert.equal(j.cores_total, "2");
  assert.equal(j.kernel_name, "Linux");
  assert.equal(j.container_os_name, undefined);
  assert.equal(j.cloud_provider_type, undefined);
  assert.deepEqual(j.alarms, { normal: 0, warning: 0, critical: 0 });
  assert.equal(j["memory-mode"], "dbengine");
  assert.equal(j["stream-enabled"], false);
  assert.equal(j["stream-compression"], null);
  assert.equal(j["charts-count"], 3);
  assert.equal(j["hosts-available"], 3);
});

Deno.test("info: under /host/<child>/ host fields change, node lists do not", async () => {
  const a = agent();
  const j = JSON.parse((await a.get("/host/nd-child/api/v1/info")).body);
  assert.equal(j.uid, "fa57ff3a-e5ea-11f1-83f5-02fc00000001");
  assert.equal(j.version, "");
  assert.deepEqual(j.mirrored_hosts, ["nd-parent", "nd-child", "smoke-0"]);
  assert.deepEqual(j.collectors, []);
  assert.deepEqual(j.host_labels, {});
});

Deno.test("info: streamStatus overrides fields in place and appends new ones", async () => {
  const a = agent();
  const { createApi } = await import("../mod.ts");
  const { testConfig } = await import("../_helper.ts");
  const app = createApi({
    hosts: a.hosts,
    config: testConfig(),
    version: "v0.1.0",
    streamStatus: (h) =>
      h.isLocal ? { "stream-compression": true, "stream-destination": "parent:19999" } : undefined,
  });
  const body = await (await app.request("/api/v1/info")).text();
  const j = JSON.parse(body);
  assert.equal(j["stream-compression"], true);
  assert.equal(j["stream-destination"], "parent:19999");
  const keys = Object.keys(j);
  assert.equal(keys.indexOf("stream-compression"), keys.indexOf("stream-enabled") + 1);
  assert.equal(keys[keys.length - 1], "stream-destination");
  const child = JSON.parse(await (await app.request("/host/nd-child/api/v1/info")).text());
  assert.equal(child["stream-compression"], null);
});
