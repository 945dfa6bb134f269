import { assert } from "../../../tests/_helpers/assert.ts";
import { chartDef, collect, makeHost, NOW_SEC, storedChart, testAgent } from "../_helper.ts";

Deno.test("alarms: Netdata's no-health answers", async () => {
  const a = testAgent();
  const alarms = await a.get("/api/v1/alarms?active");
  assert.equal(
    alarms.body,
    `{\n\t"hostname": "nd-parent",\n\t"latest_alarm_log_unique_id": 0,\n\t"status": false,\n\t"now": ${NOW_SEC},` +
      '\n\t"alarms": {\n\n\t}\n}\n',
  );
  assert.equal(alarms.headers.get("cache-control"), "no-cache, no-store, must-revalidate");
  assert.equal((await a.get("/api/v1/alarms?all")).status, 200);
  assert.equal(
    (await a.get("/api/v1/alarms_values")).body,
    '{\n\t"hostname": "nd-parent",\n\t"alarms": {\n\n\t}\n}\n',
  );
  const log = await a.get("/api/v1/alarm_log?after=5");
  assert.equal(log.body, "[\n]\n");
  assert.equal(log.headers.get("cache-control"), "public");
  assert.equal((await a.get("/api/v1/alarm_count?status=CLEAR&context=system.cpu")).body, "[0]\n");
});

Deno.test("alarm_variables: chart, family and host variables from last values", async () => {
  const clock = { us: 0 };
  const local = makeHost({
    hostname: "nd-parent",
    guid: "dc25b32c-e5ea-11f1-b3d9-02fc00000001",
    isLocal: true,
    clock,
  });
  const cpu = local.defineChart(chartDef("system.cpu", { family: "cpu" }));
  cpu.defineDimension({ id: "user", algorithm: "absolute", multiplier: 1, divisor: 10 });
  collect(cpu, clock, NOW_SEC - 10, 5, () => 375);
  local.variables.set("active_processors", 2);
  const a = testAgent(local);
  const j = JSON.parse((await a.get("/api/v1/alarm_variables?chart=system.cpu")).body);
  assert.equal(j.chart, "system.cpu");
  assert.equal(j.chart_variables.update_every, 1);
  assert.equal(j.chart_variables.green, null);
  assert.equal(j.chart_variables.user, 37.5);
  assert.equal(j.chart_variables.user_raw, 375);
  assert.equal(j.chart_variables.user_last_collected_t, NOW_SEC - 6);
  assert.equal(j.family, "cpu");
  assert.equal(j.family_variables["system.cpu.user"], 37.5);
  assert.deepEqual(j.host_variables, { active_processors: 2 });
  const raw = (await a.get("/api/v1/alarm_variables?chart=system.cpu")).body;
  assert.match(raw, /"user": 37\.50000,/);
});

Deno.test("registry: hello points browsers at this agent, other actions are disabled", async () => {
  const a = testAgent();
  const hello = await a.get("http://127.0.0.1:19999/api/v1/registry?action=hello&_=1");
  assert.equal(
    hello.body,
    '{\n\t"action": "hello",\n\t"status": "ok",\n\t"hostname": "nd-parent",' +
      '\n\t"machine_guid": "dc25b32c-e5ea-11f1-b3d9-02fc00000001",\n\t"registry": "http://127.0.0.1:19999",' +
      '\n\t"cloud_base_url": "https://app.netdata.cloud",\n\t"anonymous_statistics": false\n}\n',
  );
  assert.equal(hello.headers.get("cache-control"), "no-cache, no-store, must-revalidate");
  const access = JSON.parse(
    (await a.get("/api/v1/registry?action=access&machine=x&name=***&url=***", {
      headers: { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "nd.example" },
    })).body,
  );
  assert.deepEqual(access, {
    action: "access",
    status: "disabled",
    hostname: "nd-parent",
    machine_guid: "dc25b32c-e5ea-11f1-b3d9-02fc00000001",
    registry: "https://nd.example",
  });
  assert.equal((await a.get("/api/v1/aclk")).body, '{"aclk-available":false}');
});

Deno.test("contexts: contexts with retention, charts and dimensions on request", async () => {
  const a = testAgent();
  a.setNow(NOW_SEC);
  for (const n of [0, 1]) {
    storedChart(a.localhost, `cpu.cpu${n}`, ["user", "system"], NOW_SEC - 10 - n, [[1, 2], [3, 4]], {
      context: "cpu.cpu",
      title: "CPU",
    });
  }
  storedChart(a.localhost, "system.load", ["load1"], NOW_SEC - 5, [[1]]);
  const all = JSON.parse((await a.get("/api/v1/contexts")).body);
  assert.deepEqual(Object.keys(all.contexts), ["cpu.cpu", "system.load"]);
  assert.deepEqual(all.contexts["cpu.cpu"], {
    title: "CPU",
    units: "units",
    family: "cpu",
    chart_type: "line",
    priority: 1000,
    first_time_t: NOW_SEC - 11,
    last_time_t: NOW_SEC - 9,
    collected: false,
  });
  const one = await a.get("/api/v1/context?context=cpu.cpu&options=charts,dimensions&dimensions=user");
  assert.ok(one.body.startsWith('\n\t\t{\n\t\t\t"title":"CPU"'));
  const j = JSON.parse(one.body);
  assert.deepEqual(Object.keys(j.charts), ["cpu.cpu0", "cpu.cpu1"]);
  assert.deepEqual(Object.keys(j.charts["cpu.cpu1"].dimensions), ["user"]);
  const after = JSON.parse((await a.get(`/api/v1/contexts?after=${NOW_SEC - 6}&before=${NOW_SEC}`)).body);
  assert.deepEqual(Object.keys(after.contexts), ["system.load"]);
});
