import { assert } from "../../../tests/_helpers/assert.ts";
import { HostHealth } from "../../health/host_health.ts";
import { parseRules } from "../../health/rules.ts";
import { testHost } from "../../host/_fixture.ts";
import { Hosts } from "../../host/mod.ts";
import { testConfig } from "../_helper.ts";
import { createApi } from "../app.ts";

const T0 = 1_800_000_000;
const RULES = `
alarm: high
   on: test.chart
 calc: $value
every: 1s
 warn: $this > 5
 crit: $this > 50
units: things

alarm: quiet
   on: test.chart
 calc: $value
every: 1s
 warn: $this > 1000
`;

/** An agent whose local host has test.chart at 10 with two alarms: high (WARNING) and quiet (CLEAR). */
function setup() {
  const clock = { us: T0 * 1e6 };
  const host = testHost({ clock, isLocal: true, hostname: "h1" });
  const hh = new HostHealth(host, parseRules(RULES, "/etc/agent/health.d/t.conf").rules, {
    maxLogEntries: 100,
    runAtLeastEverySec: 10,
    defaultExec: "/bin/notify",
    defaultRecipient: "root",
    configDir: "/etc/agent",
    notifier: { send() {}, close: async () => {} },
    postponeSec: 0,
    warnRepeatEvery: 0,
    critRepeatEvery: 0,
    nowSec: T0,
  }); // deno-fmt-ignore
  const chart = host.defineChart({
    id: "test.chart", title: "T", units: "u", family: "fam", context: "test.ctx", chartType: "line", priority: 1,
    updateEvery: 1, plugin: "", module: "",
  }); // deno-fmt-ignore
  const dim = chart.defineDimension({ id: "value", algorithm: "absolute", multiplier: 1, divisor: 1 });
  chart.defined();
  for (let i = 0; i < 3; i++) {
    clock.us += 1e6;
    chart.begin(i === 0 ? 0 : 1e6);
    chart.set(dim, 10);
    chart.end();
    hh.run(Math.floor(clock.us / 1e6));
  }
  const app = createApi({
    hosts: new Hosts(host),
    config: testConfig(),
    version: "v0.1.0",
    nowMs: () => clock.us / 1000,
    health: { of: (h) => h === host ? hh : undefined, logOf: (h) => h === host ? hh.log : undefined },
  });
  const get = async (path: string) => {
    const r = await app.request(path);
    return { status: r.status, text: await r.text() };
  };
  return { hh, get };
}

Deno.test("alarm endpoints answer in Netdata's shapes", async () => {
  const { hh, get } = setup();
  const firstId = hh.log.entries[0].uniqueId;
  const cases: { path: string; want: (body: string) => void }[] = [
    {
      path: "/api/v1/alarms",
      want: (b) => assert.deepStrictEqual(Object.keys(JSON.parse(b).alarms), ["test.chart.high"]),
    },
    {
      path: "/api/v1/alarms?all",
      want: (b) => {
        const j = JSON.parse(b);
        assert.deepStrictEqual(Object.keys(j.alarms), ["test.chart.high", "test.chart.quiet"]);
        assert.equal(j.status, true);
        assert.equal(j.latest_alarm_log_unique_id, hh.log.latestUniqueId);
        const a = j.alarms["test.chart.high"];
        assert.equal(a.status, "WARNING");
        assert.equal(a.value_string, "10 things");
        assert.equal(a.calc_parsed, "${value}");
        assert.equal(a.warn_parsed, "(${this} &gt; 5)", "html-escaped like Netdata");
        assert.equal(a.source, "2@/etc/agent/health.d/t.conf");
        assert.equal(a.exec, "");
      },
    },
    {
      path: "/api/v1/alarms_values?all",
      want: (b) => assert.equal(JSON.parse(b).alarms["test.chart.quiet"].status, "CLEAR"),
    },
    {
      path: `/api/v1/alarm_log?after=${firstId + 1}`,
      want: (b) => {
        const log = JSON.parse(b);
        assert.ok(log.every((e: { unique_id: number }) => e.unique_id > firstId + 1));
        assert.ok(log[0].unique_id > log[log.length - 1].unique_id, "newest first");
        assert.equal(log[0].command, "sudo /etc/agent/edit-config health.d/t.conf=10=h1");
      },
    },
    { path: "/api/v1/alarm_count", want: (b) => assert.equal(b, "[1]\n") },
    {
      path: "/api/v1/info",
      want: (b) => assert.deepStrictEqual(JSON.parse(b).alarms, { normal: 1, warning: 1, critical: 0 }),
    },
    { path: "/api/v1/alarm_count?status=clear", want: (b) => assert.equal(b, "[1]\n") },
    { path: "/api/v1/alarm_count?status=CLEAR&context=other", want: (b) => assert.equal(b, "[0]\n") },
    { path: "/api/v1/alarm_count?status=CLEAR&context=test.ctx", want: (b) => assert.equal(b, "[1]\n") },
    {
      path: "/api/v1/alarm_variables?chart=test.chart",
      want: (b) => {
        const j = JSON.parse(b);
        assert.equal(j.chart_variables.high, 10);
        assert.equal(j.host_variables["test.chart.value"], 10);
        assert.equal(j.host_variables["test.chart.high"], 10);
      },
    },
    {
      path: "/api/v1/badge.svg?chart=test.chart&alarm=high",
      want: (b) => {
        assert.match(b, /<text class="bdge-lbl-lbl"[^>]*>high<\/text>/);
        assert.match(b, />10 things<\/text>/);
        assert.match(b, /class="bdge-rect-val"[^>]*fill="#fe7d37"/, "orange for WARNING");
      },
    },
    {
      path: "/api/v1/badge.svg?chart=test.chart&alarm=nosuch",
      want: (b) => assert.match(b, /alarm not found/),
    },
    { path: "/api/v1/badge.svg?chart=nosuch", want: (b) => assert.match(b, /chart not found/) },
  ];
  for (const c of cases) {
    const r = await get(c.path);
    assert.equal(r.status, 200, c.path);
    c.want(r.text);
  }
});

Deno.test("/api/v1/manage/health without the management key is Netdata's 403 Auth Error", async () => {
  const { get } = setup();
  const r = await get("/api/v1/manage/health?cmd=LIST");
  assert.deepStrictEqual(r, { status: 403, text: "Auth Error\n" });
});
