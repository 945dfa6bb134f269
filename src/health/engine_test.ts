import { assert } from "../../tests/_helpers/assert.ts";
import type { ReceiverSection } from "../config/types.ts";
import { testHost } from "../host/_fixture.ts";
import { Hosts } from "../host/mod.ts";
import { childHealthPolicy, Health } from "./engine.ts";
import { parseRules } from "./rules.ts";

function section(
  name: string,
  own: ReceiverSection["own"],
  defaults: ReceiverSection["defaults"],
): ReceiverSection {
  return {
    name,
    type: "api",
    allowFrom: () => true,
    own,
    defaults,
    values: new Map(),
    file: "stream.conf",
    line: 1,
  };
}

Deno.test("childHealthPolicy(): the GUID's keys over the API key's defaults over [health] enabled", () => {
  const KEY = "k", GUID = "g";
  const cases = [
    { name: "nothing set", receivers: [], enabled: true, want: { mode: "auto", postponeSec: 60 } },
    { name: "health off in [health]", receivers: [], enabled: false, want: { mode: "no", postponeSec: 60 } },
    {
      name: "API key defaults",
      receivers: [section(KEY, {}, { healthEnabled: "yes", postponeAlarmsOnConnectSec: 5 })],
      enabled: true,
      want: { mode: "yes", postponeSec: 5 },
    },
    {
      name: "machine GUID wins",
      receivers: [
        section(KEY, {}, { healthEnabled: "yes", postponeAlarmsOnConnectSec: 5 }),
        section(GUID, { healthEnabled: "no", postponeAlarmsOnConnectSec: 0 }, {}),
      ],
      enabled: true,
      want: { mode: "no", postponeSec: 0 },
    },
  ] as const;
  for (const c of cases) {
    const m = new Map(c.receivers.map((r) => [r.name, r] as const));
    assert.deepStrictEqual(
      childHealthPolicy(m, { apiKey: KEY, machineGuid: GUID, healthEnabled: c.enabled }),
      c.want,
      c.name,
    );
  }
});

Deno.test("Health runs a child while it is connected (auto) and keeps its log and alarm ids across a reconnect", async () => {
  const clock = { us: 1_800_000_000e6 };
  const local = testHost({
    clock,
    isLocal: true,
    hostname: "local",
    guid: "00000000-0000-0000-0000-0000000000aa",
  });
  const child = testHost({ clock, hostname: "child" });
  const hosts = new Hosts(local);
  hosts.add(child);
  const c = child.defineChart({
    id: "x.y",
    title: "t",
    units: "u",
    family: "f",
    context: "x.y",
    chartType: "line",
    priority: 1,
    updateEvery: 1,
    plugin: "",
    module: "",
  }); // deno-fmt-ignore
  c.defineDimension({ id: "v", algorithm: "absolute", multiplier: 1, divisor: 1 });
  const health = new Health({
    hosts,
    rules: parseRules("alarm: a\non: x.y\ncalc: $v\nevery: 1s\nwarn: $this > 1\n", "t.conf").rules,
    localEnabled: false,
    maxLogEntries: 100,
    runAtLeastEverySec: 10,
    defaultRepeatWarningSec: 0,
    defaultRepeatCriticalSec: 0,
    defaultExec: "",
    defaultRecipient: "root",
    configDir: "/etc/agent",
    notifier: { send() {}, close: async () => {} },
    nowSec: () => Math.floor(clock.us / 1e6),
  });
  health.setPolicy(child, { mode: "auto", postponeSec: 0 });
  child.state.reachable = true;
  await health.tick();
  assert.equal(health.of(local), undefined, "local health is off");
  const first = health.of(child)!;
  assert.equal(first.alarms.length, 1);
  const id = first.alarms[0].id;
  child.state.reachable = false;
  await health.tick();
  assert.equal(health.of(child), undefined, "stopped when the child went");
  assert.equal(health.logOf(child)!.entries.at(-1)!.newStatus, -2, "its alarm REMOVED in the kept log");
  child.state.reachable = true;
  await health.tick();
  assert.equal(health.of(child)!.log, first.log, "the same log");
  assert.equal(health.of(child)!.alarms[0].id, id, "the same alarm id");
  await health.stop();
});

Deno.test("Health keeps each host's alarm log across restarts in its state directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "health-state-" });
  try {
    const clock = { us: 1_800_000_000e6 };
    const local = testHost({ clock, isLocal: true, hostname: "local" });
    const c = local.defineChart({
      id: "x.y",
      title: "t",
      units: "u",
      family: "f",
      context: "x.y",
      chartType: "line",
      priority: 1,
      updateEvery: 1,
      plugin: "",
      module: "",
    }); // deno-fmt-ignore
    c.defineDimension({ id: "v", algorithm: "absolute", multiplier: 1, divisor: 1 });
    const make = () =>
      new Health({
        hosts: new Hosts(local),
        rules: parseRules("alarm: a\non: x.y\ncalc: $v\nevery: 1s\nwarn: $this > 1\n", "t.conf").rules,
        localEnabled: true,
        maxLogEntries: 100,
        runAtLeastEverySec: 10,
        defaultRepeatWarningSec: 0,
        defaultRepeatCriticalSec: 0,
        defaultExec: "",
        defaultRecipient: "root",
        configDir: "/etc/agent",
        notifier: { send() {}, close: async () => {} },
        nowSec: () => Math.floor(clock.us / 1e6),
        stateDir: dir,
      });
    const first = make();
    await first.tick();
    const before = first.logOf(local)!.entries.map((e) => e.uniqueId);
    const alarmId = first.of(local)!.alarms[0].id;
    await first.stop();
    assert.ok(before.length > 0);
    clock.us -= 10e6; // a restart with a clock behind: ids still grow
    const second = make();
    await second.tick();
    const log = second.logOf(local)!;
    assert.deepStrictEqual(log.entries.slice(0, before.length).map((e) => e.uniqueId), before);
    assert.ok(log.entries.at(-1)!.uniqueId > before.at(-1)!, "new ids after the saved ones");
    assert.equal(second.of(local)!.alarms[0].id, alarmId, "the same alarm id");
    await second.stop();
    await Deno.writeTextFile(`${dir}/${local.machineGuid}.json`, "{broken");
    const third = make();
    await third.tick();
    assert.ok(third.logOf(local)!.entries.length > 0, "a damaged file starts a new log");
    await third.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Health.manage() checks the management API key and keeps the silencers in their file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "health-manage-" });
  try {
    await Deno.writeTextFile(`${dir}/netdata.api.key`, "k1\n");
    const local = testHost({ isLocal: true });
    const make = () =>
      new Health({
        hosts: new Hosts(local),
        rules: [],
        localEnabled: true,
        maxLogEntries: 100,
        runAtLeastEverySec: 10,
        defaultRepeatWarningSec: 0,
        defaultRepeatCriticalSec: 0,
        defaultExec: "",
        defaultRecipient: "root",
        configDir: "/etc/agent",
        notifier: { send() {}, close: async () => {} },
        silencersFile: `${dir}/silencers.json`,
        apiKeyFile: `${dir}/netdata.api.key`,
      });
    const h = make();
    assert.deepStrictEqual(h.manage(undefined, [["cmd", "LIST"]]), {
      status: 403,
      json: false,
      body: "Auth Error\n",
    });
    assert.equal(h.manage("wrong", [["cmd", "LIST"]]).status, 403);
    const r = h.manage("k1", [["cmd", "SILENCE ALL"]]);
    assert.deepStrictEqual(r, { status: 200, json: false, body: "All alarm notifications are silenced\n" });
    assert.equal(make().silencers.all, true, "read back from the silencers file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
