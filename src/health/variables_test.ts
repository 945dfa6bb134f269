import { assert } from "../../tests/_helpers/assert.ts";
import { testHost } from "../host/_fixture.ts";
import type { Chart } from "../host/mod.ts";
import { Alarm } from "./alarm.ts";
import { parseRules } from "./rules.ts";
import { alarmVariables } from "./variables.ts";

Deno.test("alarmVariables() resolves alarm, chart, family and host variables like Netdata", () => {
  const clock = { us: 1_800_000_000e6 };
  const host = testHost({ clock });
  const mk = (id: string, name: string, family: string, dims: [string, string][]) => {
    const c = host.defineChart({
      id,
      name,
      title: "t",
      units: "u",
      family,
      context: id.startsWith("disk") ? "disk.io" : id,
      chartType: "line",
      priority: 1,
      updateEvery: 1,
      plugin: "",
      module: "",
    }); // deno-fmt-ignore
    const ds = dims.map(([i, n]) => c.defineDimension({ id: i, name: n, algorithm: "absolute", multiplier: 1, divisor: 1 }));
    return { c, ds };
  };
  const ram = mk("system.ram", "system.ram", "ram", [["used", "used"], ["free", "free"]]);
  const disk = mk("disk.sda", "disk.root", "sda", [["reads", "read"]]);
  const other = mk("disk.sdb", "disk.sdb", "sda", [["writes", "writes"]]);
  for (let s = 0; s < 2; s++) {
    clock.us += 1e6;
    for (const { c, ds } of [ram, disk, other]) {
      c.begin(s === 0 ? 0 : 1e6);
      ds.forEach((d, i) => c.set(d, 10 * (i + 1)));
      c.end();
    }
  }
  disk.c.variables.set("custom_chart", 7);
  host.variables.set("active_processors", 4);
  const rule = parseRules("alarm: a\non: disk.sda\ncalc: 1\nevery: 1s\ngreen: 5\n", "t").rules[0];
  const alarm = new Alarm(rule, disk.c, {
    id: 1,
    nowSec: 1_800_000_002,
    defaults: { warnRepeatEvery: 0, critRepeatEvery: 0 },
  });
  alarm.value = 42;
  const peer = new Alarm(
    parseRules("alarm: peer\non: system.ram\ncalc: 1\nevery: 1s\n", "t").rules[0],
    ram.c,
    {
      id: 2,
      nowSec: 0,
      defaults: { warnRepeatEvery: 0, critRepeatEvery: 0 },
    },
  );
  peer.value = 3;
  const byFamily = new Map<string, Chart[]>([["ram", [ram.c]], ["sda", [disk.c, other.c]]]);
  const lookup = alarmVariables(alarm, {
    host,
    alarmsByChart: new Map([["disk.sda", [alarm]], ["system.ram", [peer]]]),
    chartsByFamily: byFamily,
    nowSec: 1_800_000_003,
  });
  const cases: [string, number | undefined][] = [
    ["this", 42],
    ["now", 1_800_000_003],
    ["status", 0],
    ["CRITICAL", 4],
    ["update_every", 1],
    ["green", 5],
    ["red", NaN],
    ["reads", 10],
    ["read", 10],
    ["read_raw", 10],
    ["read_last_collected_t", Math.floor(disk.c.dimensions[0].lastCollectedUs / 1e6)],
    ["custom_chart", 7],
    ["a", 42],
    ["writes", 10],
    ["disk.io.writes", 10],
    ["active_processors", 4],
    ["system.ram.used", 10],
    ["system.ram.free", 20],
    ["disk.root.read", 10],
    ["system.ram.peer", 3],
    ["used", undefined],
    ["nosuch", undefined],
  ];
  for (const [name, want] of cases) assert.deepStrictEqual(lookup(name), want, name);
});
