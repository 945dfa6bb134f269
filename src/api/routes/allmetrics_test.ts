import { assert } from "../../../tests/_helpers/assert.ts";
import { chartDef, collect, makeHost, testAgent } from "../_helper.ts";

const START = 1795293500;

function agent() {
  const clock = { us: 0 };
  const local = makeHost({
    hostname: "nd-parent",
    guid: "dc25b32c-e5ea-11f1-b3d9-02fc00000001",
    isLocal: true,
    clock,
  });
  local.labels.set("_is_ephemeral", { value: "false", source: 2 });
  local.labels.set("_os_name", { value: "Debian", source: 1 });
  const net = local.defineChart(
    chartDef("system.net", { units: "kilobits/s", family: "network", context: "system.net" }),
  );
  net.defineDimension({ id: "InOctets", name: "received", algorithm: "absolute", multiplier: 1, divisor: 1 });
  net.defineDimension({ id: "OutOctets", name: "sent", algorithm: "absolute", multiplier: -1, divisor: 1 });
  const cpu = local.defineChart(
    chartDef("system.cpu", { units: "percentage", family: "cpu", context: "system.cpu" }),
  );
  cpu.defineDimension({ id: "user", algorithm: "absolute", multiplier: 1, divisor: 1 });
  cpu.defineDimension({ id: "idle", algorithm: "absolute", multiplier: 1, divisor: 1, hidden: true });
  const jitter = local.defineChart(
    chartDef("system.idlejitter", { units: "microseconds lost/s", family: "idlejitter" }),
  );
  jitter.defineDimension({ id: "min", algorithm: "incremental", multiplier: 1, divisor: 1 });
  collect(net, clock, START, 60, (d) => (d === 0 ? 10 : 20));
  collect(cpu, clock, START, 60, (d) => (d === 0 ? 2.4 : 97.6));
  collect(jitter, clock, START, 60, (_d, r) => r * 100);
  const a = testAgent(local);
  a.setNow(START + 60);
  return a;
}

Deno.test("allmetrics: shell prints rounded last values, flipping negative multipliers", async () => {
  const a = agent();
  const r = await a.get("/api/v1/allmetrics?format=shell&filter=system.net system.cpu");
  assert.equal(r.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(
    r.body,
    "\n# chart: system.net (name: system.net)\n" +
      'NETDATA_SYSTEM_NET_RECEIVED="10"      # kilobits/s\n' +
      'NETDATA_SYSTEM_NET_SENT="20"      # kilobits/s\n' +
      'NETDATA_SYSTEM_NET_VISIBLETOTAL="30"      # kilobits/s\n' +
      "\n# chart: system.cpu (name: system.cpu)\n" +
      'NETDATA_SYSTEM_CPU_USER="2"      # percentage\n' +
      'NETDATA_SYSTEM_CPU_IDLE="98"      # percentage\n' +
      'NETDATA_SYSTEM_CPU_VISIBLETOTAL="2"      # percentage\n' +
      "\n# NETDATA ALARMS RUNNING\n",
  );
});

Deno.test("allmetrics: json has 7 fixed decimals and the last stored time", async () => {
  const a = agent();
  const r = await a.get("/api/v1/allmetrics?format=json&filter=system.net");
  assert.equal(r.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(
    r.body,
    '{\n\t"system.net": {\n\t\t"name":"system.net",\n\t\t"family":"network",\n\t\t"context":"system.net",\n' +
      '\t\t"units":"kilobits/s",\n\t\t"last_updated": 1795293559,\n\t\t"dimensions": {\n' +
      '\t\t\t"InOctets": {\n\t\t\t\t"name": "received",\n\t\t\t\t"value": 10.0000000\n\t\t\t},\n' +
      '\t\t\t"OutOctets": {\n\t\t\t\t"name": "sent",\n\t\t\t\t"value": -20.0000000\n\t\t\t}\n\t\t}\n\t}\n}',
  );
});

Deno.test("allmetrics: prometheus average lines with units, labels and timestamps", async () => {
  const a = agent();
  const r = await a.get("/api/v1/allmetrics?format=prometheus&server=p1");
  assert.equal(r.headers.get("content-type"), "text/plain; version=0.0.4");
  const now = START + 60;
  const ts = (now - 3) * 1000;
  const lines = r.body.split("\n");
  assert.equal(
    lines[0],
    `netdata_info{instance="nd-parent",application="agent",version="v0.1.0",_is_ephemeral="false"} 1 ${
      now * 1000
    }`,
  );
  assert.ok(
    lines.includes(
      `netdata_system_net_kilobits_persec_average{chart="system.net",family="network",dimension="received"} 10.0000000 ${ts}`,
    ),
    r.body,
  );
  assert.ok(lines.includes(
    `netdata_system_net_kilobits_persec_average{chart="system.net",family="network",dimension="sent"} -20.0000000 ${ts}`,
  ));
  assert.ok(
    lines.includes(
      `netdata_system_cpu_percentage_average{chart="system.cpu",family="cpu",dimension="idle"} 97.5999985 ${ts}`,
    ),
    "hidden dimensions are exported",
  );
  assert.ok(lines.some((l) => l.startsWith("netdata_system_idlejitter_microseconds_lost_persec_average{")));
});

Deno.test("allmetrics: prometheus sum, prefix, names=no, timestamps=no, hideunits", async () => {
  const a = agent();
  const sum = await a.get(
    "/api/v1/allmetrics?format=prometheus&data=sum&prefix=nd&filter=system.net&timestamps=no",
  );
  const lines = sum.body.split("\n");
  assert.match(lines[0], /^netdata_info\{.*\} 1$/);
  assert.equal(
    lines[1],
    'nd_system_net_sum{chart="system.net",family="network",dimension="received"} 100.0000000',
  );
  const ids = await a.get("/api/v1/allmetrics?format=prometheus&names=no&hideunits=yes&filter=system.net");
  assert.match(
    ids.body,
    /\nnetdata_system_net_average\{chart="system.net",family="network",dimension="InOctets"\} /,
  );
});

Deno.test("allmetrics: prometheus help and types, and the per-scraper window", async () => {
  const a = agent();
  const q = "/api/v1/allmetrics?format=prometheus&help=yes&types=yes&filter=system.net&server=s1";
  const first = await a.get(q);
  const now = START + 60;
  assert.equal(
    first.body.split("\n")[0],
    `# COMMENT netdata "nd-parent" to FIRST SEEN prometheus "s1", source "average", last seen 0 never, ` +
      `time range ${now - 10} to ${now}`,
  );
  assert.match(
    first.body,
    /\n# COMMENT homogeneous chart "system.net", context "system.net", family "network", units "kilobits\/s"\n/,
  );
  assert.match(first.body, /\n# TYPE netdata_system_net_kilobits_persec_average gauge\n/);
  assert.match(first.body, new RegExp(`dt ${now - 10} to ${now - 3} inclusive`));
  a.setNow(now + 4);
  const second = await a.get(q);
  assert.match(
    second.body,
    /^# COMMENT netdata "nd-parent" to prometheus "s1", source "average", last seen 4 seconds ago/,
  );
  const other = await a.get(q.replace("s1", "s2"));
  assert.match(other.body, /FIRST SEEN prometheus "s2"/);
});

Deno.test("allmetrics: prometheus as-collected uses raw values, _total for counters, TYPE without it", async () => {
  const a = agent();
  const r = await a.get(
    "/api/v1/allmetrics?format=prometheus&data=as-collected&types=yes&filter=system.idlejitter system.net",
  );
  const lines = r.body.split("\n");
  const ms = Math.floor((START + 59 + 0.5) * 1000);
  assert.ok(lines.includes("# TYPE netdata_system_idlejitter counter"), r.body);
  assert.ok(
    lines.includes(
      `netdata_system_idlejitter_total{chart="system.idlejitter",family="idlejitter",dimension="min"} 5900 ${ms}`,
    ),
    r.body,
  );
  // multipliers differ: heterogeneous, one metric per dimension
  assert.ok(
    lines.includes(`netdata_system_net_received{chart="system.net",family="network"} 10 ${ms}`),
    r.body,
  );
  assert.ok(lines.includes("# TYPE netdata_system_net_sent gauge"));
});

Deno.test("allmetrics: prometheus_all_hosts repeats per host with an instance label", async () => {
  const a = agent();
  const child = makeHost({ hostname: "nd-child", guid: "fa57ff3a-e5ea-11f1-83f5-02fc00000001" });
  child.version = "v1.37.1";
  child.program = "netdata";
  a.hosts.add(child);
  const r = await a.get("/api/v1/allmetrics?format=prometheus_all_hosts&filter=system.net&timestamps=no");
  const lines = r.body.split("\n").filter((l) => l !== "");
  assert.deepEqual(lines, [
    'netdata_info{instance="nd-parent",application="agent",version="v0.1.0",_is_ephemeral="false"} 1',
    'netdata_system_net_kilobits_persec_average{chart="system.net",family="network",dimension="received",instance="nd-parent"} 10.0000000',
    'netdata_system_net_kilobits_persec_average{chart="system.net",family="network",dimension="sent",instance="nd-parent"} -20.0000000',
    'netdata_info{instance="nd-child",application="netdata",version="v1.37.1"} 1',
  ]);
});

Deno.test("allmetrics: variables=yes prints host variables", async () => {
  const a = agent();
  a.localhost.variables.set("active_processors", 2);
  const r = await a.get("/api/v1/allmetrics?format=prometheus&variables=yes&help=yes&filter=none");
  assert.match(
    r.body,
    /\n# COMMENT global host and chart variables\nnetdata_active_processors 2\.0000000 \d+000\n/,
  );
});
