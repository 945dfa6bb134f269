import { assert } from "../../tests/_helpers/assert.ts";
import { testHost } from "../host/_fixture.ts";
import { Alarm } from "./alarm.ts";
import { parseRules } from "./rules.ts";
import { Silencers } from "./silencers.ts";

function alarm(name: string, chartId: string, family: string) {
  const host = testHost({});
  const chart = host.defineChart({
    id: chartId,
    title: "t",
    units: "u",
    family,
    context: chartId.split(".")[0] + ".ctx",
    chartType: "line",
    priority: 1,
    updateEvery: 1,
    plugin: "",
    module: "",
  }); // deno-fmt-ignore
  const rule = parseRules(`alarm: ${name}\non: ${chartId}\ncalc: 1\nevery: 1s\n`, "t").rules[0];
  return new Alarm(rule, chart, { id: 1, nowSec: 0, defaults: { warnRepeatEvery: 0, critRepeatEvery: 0 } });
}

Deno.test("Silencers follow Netdata's management commands, messages and selectors", () => {
  const s = new Silencers();
  const cpu = alarm("cpu_usage", "system.cpu", "cpu"), ram = alarm("ram_in_use", "system.ram", "ram");
  const cases: {
    params: [string, string][];
    body: string;
    cpu: [boolean, boolean];
    ram: [boolean, boolean];
  }[] = [
    { params: [], body: "", cpu: [false, false], ram: [false, false] },
    {
      params: [["cmd", "SILENCE"], ["alarm", "cpu_*"]],
      body: "Alarm notifications silenced for alarms matching the selectors\nAlarm selector added\n",
      cpu: [false, true],
      ram: [false, false],
    },
    {
      params: [["cmd", "DISABLE"], ["families", "ram"], ["hosts", "t"]],
      body: "Health checks disabled for alarms matching the selectors\nAlarm selector added\n",
      cpu: [true, false],
      ram: [true, false],
    },
    {
      params: [["cmd", "RESET"]],
      body: "All health checks and notifications are enabled\n",
      cpu: [false, false],
      ram: [false, false],
    },
    {
      params: [["cmd", "SILENCE"]],
      body: "Alarm notifications silenced for alarms matching the selectors\n" +
        "WARNING: SILENCE or DISABLE command is ineffective without defining any alarm selectors.\n",
      cpu: [false, false],
      ram: [false, false],
    },
    {
      params: [["cmd", "DISABLE ALL"]],
      body: "All health checks are disabled\n",
      cpu: [true, false],
      ram: [true, false],
    },
  ];
  for (const c of cases) {
    const r = s.command(c.params);
    assert.equal(r.body, c.body, JSON.stringify(c.params));
    const [cd, cs] = c.cpu, [rd, rs] = c.ram;
    assert.deepStrictEqual(
      s.check(cpu, "t"),
      { disabled: cd, silenced: cs },
      `cpu after ${JSON.stringify(c.params)}`,
    );
    assert.deepStrictEqual(
      s.check(ram, "t"),
      { disabled: rd, silenced: rs },
      `ram after ${JSON.stringify(c.params)}`,
    );
  }
  s.command([["cmd", "RESET"]]);
  s.command([["cmd", "SILENCE"], ["context", "system.ctx"], ["chart", "system.ram"]]);
  const list = s.command([["cmd", "LIST"]]);
  assert.equal(list.json, true);
  assert.equal(list.changed, false);
  assert.deepStrictEqual(JSON.parse(list.body), {
    all: false,
    type: "SILENCE",
    silencers: [{ chart: "system.ram", context: "system.ctx" }],
  });
  const back = Silencers.parse(s.toJSON());
  assert.deepStrictEqual(back.check(ram, "t"), { disabled: false, silenced: true });
  assert.deepStrictEqual(back.check(cpu, "t"), { disabled: false, silenced: false });
});
