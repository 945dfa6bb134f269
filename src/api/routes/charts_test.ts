import { assert } from "../../../tests/_helpers/assert.ts";
import { makeHost, NOW_SEC, storedChart, testAgent } from "../_helper.ts";

const T = NOW_SEC - 1;

function agent() {
  const a = testAgent();
  const cpu = storedChart(
    a.localhost,
    "system.cpu",
    ["guest", "user", { id: "idle", hidden: true }],
    T - 9,
    [Array(10).fill(1), Array(10).fill(2), Array(10).fill(3)],
    {
      title: "Total CPU utilization",
      units: "percentage",
      family: "cpu",
      chartType: "stacked",
      priority: 100,
    },
  );
  cpu.labels.set("_collect_plugin", { value: "proc.plugin", source: 1 });
  cpu.labels.set("_collect_module", { value: "/proc/stat", source: 1 });
  storedChart(a.localhost, "disk.sda", ["reads"], T - 9, [Array(10).fill(1)], {
    name: "disk.vda",
    context: "disk.io",
  });
  storedChart(a.localhost, "hidden.chart", ["x"], T, [[1]], { hidden: true });
  a.localhost.defineChart({ ...cpuDefLike("empty.chart") });
  return a;
}

function cpuDefLike(id: string) {
  return {
    id,
    title: "t",
    units: "u",
    family: "f",
    context: id,
    chartType: "line" as const,
    priority: 1,
    updateEvery: 1,
    plugin: "p",
    module: "",
  };
}

Deno.test("chart: one chart object, two leading tabs, no trailing newline", async () => {
  const a = agent();
  const r = await a.get("/api/v1/chart?chart=system.cpu");
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("cache-control"), "public");
  assert.equal(
    r.body,
    "\t\t{\n" +
      '\t\t\t"id": "system.cpu",\n' +
      '\t\t\t"name": "system.cpu",\n' +
      '\t\t\t"type": "system",\n' +
      '\t\t\t"family": "cpu",\n' +
      '\t\t\t"context": "system.cpu",\n' +
      '\t\t\t"title": "Total CPU utilization (system.cpu)",\n' +
      '\t\t\t"priority": 100,\n' +
      '\t\t\t"plugin": "test.plugin",\n' +
      '\t\t\t"module": "",\n' +
      '\t\t\t"units": "percentage",\n' +
      '\t\t\t"data_url": "/api/v1/data?chart=system.cpu",\n' +
      '\t\t\t"chart_type": "stacked",\n' +
      '\t\t\t"duration": 10,\n' +
      `\t\t\t"first_entry": ${T - 9},\n` +
      `\t\t\t"last_entry": ${T},\n` +
      '\t\t\t"update_every": 1,\n' +
      '\t\t\t"dimensions": {\n' +
      '\t\t\t\t"guest": { "name": "guest" },\n' +
      '\t\t\t\t"user": { "name": "user" }\n' +
      "\t\t\t},\n" +
      '\t\t\t"chart_variables": {\n' +
      "\t\t\t},\n" +
      '\t\t\t"green": null,\n' +
      '\t\t\t"red": null,\n' +
      '\t\t\t"alarms": {\n\n\t\t\t},\n' +
      '\t\t\t"chart_labels": {\n' +
      '\t\t\t\t"_collect_plugin":"proc.plugin",\n' +
      '\t\t\t\t"_collect_module":"/proc/stat"\n' +
      "\t\t\t},\n" +
      '\t\t\t"functions": {\n' +
      "\t\t\t}\n" +
      "\t\t}",
  );
  const byName = await a.get("/api/v1/chart?chart=disk.vda");
  assert.equal(JSON.parse(byName.body).id, "disk.sda");
  assert.equal(JSON.parse(byName.body).title, "Title of disk.sda (disk.vda)");
});

Deno.test("charts: visible charts only, counts, and a one-host list", async () => {
  const a = agent();
  const r = await a.get("/api/v1/charts");
  const j = JSON.parse(r.body);
  assert.deepEqual(Object.keys(j), [
    "hostname",
    "version",
    "release_channel",
    "os",
    "timezone",
    "update_every",
    "history",
    "memory_mode",
    "custom_info",
    "charts",
    "charts_count",
    "dimensions_count",
    "alarms_count",
    "rrd_memory_bytes",
    "hosts_count",
    "hosts",
  ]);
  assert.deepEqual(Object.keys(j.charts), ["system.cpu", "disk.sda"]);
  assert.equal(j.charts_count, 2);
  assert.equal(j.dimensions_count, 3);
  assert.equal(j.alarms_count, 0);
  assert.equal(j.hosts_count, 1);
  assert.deepEqual(j.hosts, [{ hostname: "nd-parent" }]);
  assert.ok(r.body.startsWith('{\n\t"hostname": "nd-parent",\n\t"version": "v0.1.0",\n'));
  assert.ok(r.body.includes('\n\t"charts": {\n\t\t"system.cpu": \t\t{\n'));
  assert.ok(r.body.endsWith('\n\t"hosts": [\n\t\t{\n\t\t\t"hostname": "nd-parent"\n\t\t}\n\t]\n}\n'));
});

Deno.test("charts: with children, every host is listed, this agent first, under any prefix", async () => {
  const a = agent();
  const child = makeHost({ hostname: "nd-child", guid: "fa57ff3a-e5ea-11f1-83f5-02fc00000001" });
  storedChart(child, "system.load", ["load1"], T, [[1]]);
  a.hosts.add(child);
  a.hosts.add(makeHost({ hostname: "smoke-0", guid: "0c62b36c-51b4-59b0-b5f8-0089bbf7741c" }));
  for (const p of ["/api/v1/charts", "/host/nd-child/api/v1/charts"]) {
    const j = JSON.parse((await a.get(p)).body);
    assert.deepEqual(j.hosts, [{ hostname: "nd-parent" }, { hostname: "nd-child" }, { hostname: "smoke-0" }]);
    assert.equal(j.hosts_count, 3);
  }
  const c = JSON.parse((await a.get("/host/nd-child/api/v1/charts")).body);
  assert.deepEqual(Object.keys(c.charts), ["system.load"]);
});
