import { assert } from "../../tests/_helpers/assert.ts";
import { testHost } from "../host/_fixture.ts";
import { HostHealth } from "./host_health.ts";
import type { Notification, Notifier } from "./notify.ts";
import { parseRules } from "./rules.ts";
import { STATUS } from "./expression.ts";
import { statusName } from "./alarm.ts";
import { Silencers } from "./silencers.ts";

const RULES = `
alarm: test_value
   on: test.chart
 calc: $value
every: 1s
 warn: $this > 500
 crit: $this > 900
 info: test value

template: test_avg
      on: test.context
  lookup: average -2s unaligned of value
   every: 1s
    warn: $this > 500
 options: no-clear-notification
`;

const T0 = 1_800_000_000;

function setup() {
  const clock = { us: T0 * 1e6 };
  const host = testHost({ clock, hostname: "child" });
  const sent: Notification[] = [];
  const notifier: Notifier = { send: (n) => sent.push(n), close: async () => {} };
  const hh = new HostHealth(host, parseRules(RULES, "/etc/agent/health.d/test.conf").rules, {
    maxLogEntries: 100,
    runAtLeastEverySec: 10,
    defaultExec: "/bin/true",
    defaultRecipient: "root",
    configDir: "/etc/agent",
    notifier,
    postponeSec: 0,
    warnRepeatEvery: 0,
    critRepeatEvery: 0,
    nowSec: T0,
  });
  const chart = host.defineChart({
    id: "test.chart",
    title: "T",
    units: "things",
    family: "test",
    context: "test.context",
    chartType: "line",
    priority: 1,
    updateEvery: 1,
    plugin: "p",
    module: "",
  });
  const dim = chart.defineDimension({ id: "value", algorithm: "absolute", multiplier: 1, divisor: 1 });
  chart.defined();
  const collect = (v: number) => {
    clock.us += 1e6;
    chart.begin(chart.lastCollectedUs ? 1e6 : 0);
    chart.set(dim, v);
    chart.end();
  };
  return { clock, host, hh, sent, collect };
}

Deno.test("HostHealth moves an alarm through CLEAR, WARNING, CRITICAL, CLEAR and notifies like Netdata", () => {
  const { clock, hh, sent, collect } = setup();
  const statuses: string[] = [];
  for (const v of [100, 100, 100, 700, 700, 950, 950, 100, 100]) {
    collect(v);
    hh.run(Math.floor(clock.us / 1e6));
    const a = hh.alarms.find((x) => x.name === "test_value")!;
    statuses.push(statusName(a.status));
  }
  assert.deepStrictEqual(statuses, [
    "UNINITIALIZED",
    "CLEAR",
    "CLEAR",
    "WARNING",
    "WARNING",
    "CRITICAL",
    "CRITICAL",
    "CLEAR",
    "CLEAR",
  ]); // deno-fmt-ignore
  const mine = sent.filter((n) => n.entry.name === "test_value");
  assert.deepStrictEqual(mine.map((n) => [n.args[9], n.args[10]]), [
    ["WARNING", "CLEAR"],
    ["CRITICAL", "WARNING"],
    ["CLEAR", "CRITICAL"],
  ]);
  const n = mine[0];
  assert.equal(n.args.length, 29);
  assert.equal(n.exec, "/bin/true");
  assert.equal(n.args[0], "root");
  assert.equal(n.args[1], "child");
  assert.equal(n.args[6], "test_value");
  assert.equal(n.args[7], "test.chart");
  assert.equal(n.args[8], "test");
  assert.equal(n.args[11], "700");
  assert.equal(n.args[13], "2@/etc/agent/health.d/test.conf");
  assert.equal(n.args[17], "test value");
  assert.equal(n.args[18], "700 things");
  assert.equal(n.args[20], "$this > 500");
  assert.equal(n.args[21], "[ $this = 700 ] ");
  assert.equal(n.args[27], "sudo /etc/agent/edit-config health.d/test.conf=2=child");
  assert.equal(n.args[28], "00000000-0000-0000-0000-000000000001");
  // the template with no-clear-notification only notifies its WARNING
  const avg = sent.filter((x) => x.entry.name === "test_avg").map((x) => x.args[9]);
  assert.deepStrictEqual(avg, ["WARNING"]);
  // the log: unique ids grow, each entry updated by the next of its alarm
  const log = hh.log.entries.filter((e) => e.name === "test_value");
  assert.deepStrictEqual(log.map((e) => statusName(e.newStatus)), [
    "UNINITIALIZED",
    "CLEAR",
    "WARNING",
    "CRITICAL",
    "CLEAR",
  ]);
  for (let i = 1; i < log.length; i++) {
    assert.ok(log[i].uniqueId > log[i - 1].uniqueId);
    assert.equal(log[i - 1].updatedById, log[i].uniqueId);
  }
});

Deno.test("HostHealth honours delay: a change is notified only after it held for the delay", () => {
  const { clock, hh, sent, collect } = setup();
  hh.setRules(parseRules(RULES.replace(" info: test value", " delay: up 3s"), "t.conf").rules, T0);
  for (const v of [100, 100, 700]) {
    collect(v);
    hh.run(Math.floor(clock.us / 1e6));
  }
  assert.equal(sent.filter((n) => n.entry.name === "test_value").length, 0);
  for (const v of [700, 700, 700]) {
    collect(v);
    hh.run(Math.floor(clock.us / 1e6));
  }
  assert.deepStrictEqual(sent.filter((n) => n.entry.name === "test_value").map((n) => n.args[9]), [
    "WARNING",
  ]);
});

Deno.test("HostHealth removes the alarms of a closed host", () => {
  const { clock, hh, collect } = setup();
  collect(1);
  collect(1);
  hh.run(Math.floor(clock.us / 1e6));
  hh.close(Math.floor(clock.us / 1e6));
  assert.equal(hh.alarms.length, 0);
  const last = hh.log.entries.at(-1)!;
  assert.equal(last.newStatus, STATUS.REMOVED);
});

Deno.test("an alarm's info replaces $family and $label:KEY like Netdata", () => {
  const { hh, host } = setup();
  const c = host.chart("test.chart")!;
  c.labels.set("device", { value: "sda", source: 1 });
  hh.setRules(
    parseRules(
      "alarm: x\non: test.chart\nevery: 1s\ncalc: 1\ninfo: disk $family of $label:device ($family)\n",
      "t",
    ).rules,
    T0,
  );
  hh.run(T0 + 1);
  assert.equal(hh.alarms[0].info, "disk test of sda ($family)");
});

Deno.test("a foreach template makes one alarm per matching dimension, named after it", () => {
  const { clock, hh, host, collect } = setup();
  const c = host.chart("test.chart")!;
  c.defineDimension({ id: "other", algorithm: "absolute", multiplier: 1, divisor: 1 });
  c.defined();
  hh.setRules(
    parseRules(
      "template: per_dim\non: test.context\nlookup: max -2s foreach *\nevery: 1s\nwarn: $this > 5\n",
      "t",
    )
      .rules,
    T0,
  );
  for (let i = 0; i < 4; i++) collect(7);
  hh.run(Math.floor(clock.us / 1e6));
  assert.deepStrictEqual(hh.alarms.map((a) => a.name).sort(), ["per_dim_other", "per_dim_value"]);
  const a = hh.alarms.find((a) => a.name === "per_dim_value")!;
  assert.equal(a.status, STATUS.WARNING, `value ${a.value} ${a.problem}`);
});

Deno.test("repeat re-notifies a raised alarm every period, without adding log entries", () => {
  const { clock, hh, sent, collect } = setup();
  hh.setRules(
    parseRules(RULES.replace(" info: test value", "repeat: warning 2s critical 2s"), "t.conf").rules,
    T0,
  );
  const run = () => hh.run(Math.floor(clock.us / 1e6));
  for (const v of [100, 100, 700, 700, 700, 700, 700]) {
    collect(v);
    run();
  }
  const mine = sent.filter((n) => n.entry.name === "test_value").map((n) => n.args[9]);
  assert.ok(mine.length >= 3, `WARNING then repeats, got ${mine}`);
  assert.ok(mine.every((s) => s === "WARNING"));
  assert.equal(
    hh.log.entries.filter((e) => e.name === "test_value").length,
    3,
    "UNINITIALIZED, CLEAR, WARNING",
  );
});

Deno.test("os, hosts, plugin and host labels decide whether a rule applies", () => {
  const { clock, hh, host, collect } = setup();
  host.labels.set("role", { value: "db", source: 2 });
  const rule = (name: string, extra: string) =>
    `alarm: ${name}\non: test.chart\ncalc: $value\nevery: 1s\nwarn: $this > 1\n${extra}\n\n`;
  const text = rule("any", "") + rule("os_linux", "os: linux freebsd") + rule("os_other", "os: freebsd") +
    rule("host_child", "hosts: chi*") + rule("host_other", "hosts: !child *") +
    rule("plugin_p", "plugin: p") +
    rule("plugin_x", "plugin: x") + rule("label_db", "host labels: role = db") +
    rule("label_web", "host labels: role=web");
  hh.setRules(parseRules(text, "t").rules, T0);
  collect(1);
  hh.run(Math.floor(clock.us / 1e6));
  assert.deepStrictEqual(hh.alarms.map((a) => a.name).sort(), [
    "any",
    "host_child",
    "label_db",
    "os_linux",
    "plugin_p",
  ]);
});

Deno.test("an alarm wins over a template of the same name on the same chart, whatever the file order", () => {
  const { clock, hh, collect } = setup();
  const text =
    "template: same\non: test.context\ncalc: 1\nevery: 1s\n\nalarm: same\non: test.chart\ncalc: 2\nevery: 1s\n";
  hh.setRules(parseRules(text, "t").rules, T0);
  collect(1);
  hh.run(Math.floor(clock.us / 1e6));
  assert.deepStrictEqual(hh.alarms.map((a) => [a.name, a.rule.kind]), [["same", "alarm"]]);
});

Deno.test("an alarm of a chart that went obsolete is REMOVED a minute after its last collection", () => {
  const { clock, hh, host, collect } = setup();
  for (let i = 0; i < 3; i++) {
    collect(1);
    hh.run(Math.floor(clock.us / 1e6));
  }
  const c = host.chart("test.chart")!;
  c.obsolete = true;
  const last = Math.floor(clock.us / 1e6);
  hh.run(last + 30);
  assert.ok(hh.alarms.every((a) => a.status !== STATUS.REMOVED), "not before a minute");
  hh.run(last + 61);
  assert.ok(hh.alarms.every((a) => a.status === STATUS.REMOVED));
  assert.deepStrictEqual(
    hh.log.entries.filter((e) => e.newStatus === STATUS.REMOVED).map((e) => e.name).sort(),
    ["test_avg", "test_value"],
  );
});

Deno.test("a silenced alarm changes status but is not notified; a disabled one is not evaluated", () => {
  const { clock, hh, sent, collect } = setup();
  const silencers = new Silencers();
  silencers.command([["cmd", "SILENCE"], ["alarm", "test_value"]]);
  const h2 = new HostHealth(hh.host, parseRules(RULES, "t").rules, {
    maxLogEntries: 100,
    runAtLeastEverySec: 10,
    defaultExec: "/bin/true",
    defaultRecipient: "root",
    configDir: "/etc/agent",
    notifier: { send: (n) => sent.push(n), close: async () => {} },
    postponeSec: 0,
    warnRepeatEvery: 0,
    critRepeatEvery: 0,
    nowSec: T0,
    silencers,
  }); // deno-fmt-ignore
  hh.close(T0);
  for (const v of [100, 100, 700]) {
    collect(v);
    h2.run(Math.floor(clock.us / 1e6));
  }
  const a = h2.alarms.find((x) => x.name === "test_value")!;
  assert.equal(statusName(a.status), "WARNING");
  assert.equal(a.silenced, true);
  assert.equal(sent.filter((n) => n.entry.name === "test_value").length, 0, "not notified");
  silencers.command([["cmd", "RESET"], ["cmd", "DISABLE"], ["alarm", "test_avg"]]);
  const avg = h2.alarms.find((x) => x.name === "test_avg")!;
  const before = avg.lastUpdated;
  collect(700);
  h2.run(Math.floor(clock.us / 1e6));
  assert.equal(avg.disabled, true);
  assert.equal(avg.lastUpdated, before, "not evaluated");
});
