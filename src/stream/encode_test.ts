import { testHost } from "../host/_fixture.ts";
import { assert, assertNear } from "../../tests/_helpers/assert.ts";
import type { Chart, ChartObserver } from "../host/mod.ts";
import {
  encodeChartDefinition,
  encodeHostLabels,
  encodeHostVariables,
  encodeRound,
  formatCollected,
} from "./encode.ts";
import { StreamIngest } from "./ingest.ts";
import { CAP_CLABELS, CAP_REPLICATION } from "./protocol.ts";

function makeHost(name: string, clock: { us: number }, isLocal: boolean) {
  const guid = isLocal ? "00000000-0000-0000-0000-00000000000a" : "00000000-0000-0000-0000-00000000000b";
  return testHost({ hostname: name, guid, clock, isLocal, historySec: 600 });
}

Deno.test("formatCollected() prints integers without exponent or fraction", () => {
  assert.equal(formatCollected(42), "42");
  assert.equal(formatCollected(-3), "-3");
  assert.equal(formatCollected(1e21), "1000000000000000000000");
  assert.equal(formatCollected(NaN), "");
});

Deno.test("encodeChartDefinition() writes the CHART/CLABEL/DIMENSION lines of a v1.37.1 child", () => {
  const host = makeHost("c", { us: 1795293600e6 }, true);
  const c = host.defineChart({
    id: "system.net",
    title: "Physical Network Interfaces Aggregated Bandwidth",
    units: "kilobits/s",
    family: "network",
    context: "system.net",
    chartType: "area",
    priority: 500,
    updateEvery: 1,
    plugin: "proc.plugin",
    module: "/proc/net/dev",
  });
  c.labels.set("_collect_plugin", { value: "proc.plugin", source: 1 });
  c.defineDimension({
    id: "InOctets",
    name: "received",
    algorithm: "incremental",
    multiplier: 8,
    divisor: 1000,
  });
  c.defineDimension({
    id: "OutOctets",
    name: "sent",
    algorithm: "incremental",
    multiplier: -8,
    divisor: 1000,
    hidden: true,
  });
  const text = encodeChartDefinition(c, CAP_CLABELS, 1795293600);
  assert.equal(
    text,
    'CHART "system.net" "" "Physical Network Interfaces Aggregated Bandwidth" "kilobits/s" "network" "system.net" "area" 500 1 "   " "proc.plugin" "/proc/net/dev"\n' +
      'CLABEL "_collect_plugin" "proc.plugin" 1\nCLABEL_COMMIT\n' +
      'DIMENSION "InOctets" "received" "incremental" 8 1000 "  "\n' +
      'DIMENSION "OutOctets" "sent" "incremental" -8 1000 " hidden "\n',
  );
  assert.match(
    encodeChartDefinition(c, CAP_REPLICATION, 1795293600),
    /CHART_DEFINITION_END 1795293599 1795293600 1795293600\n$/,
  );
});

Deno.test("a chart streamed through encode + ingest is stored with the same values on both ends", () => {
  const clock = { us: 1795293600_100_000 };
  const child = makeHost("child", clock, true);
  const parent = makeHost("child", clock, false);
  child.labels.set("_os_name", { value: "Debian GNU/Linux", source: 1 });
  const ingest = new StreamIngest(parent);
  const lines = (text: string) => text.split("\n").filter((l) => l !== "").forEach((l) => ingest.line(l));
  const observer: ChartObserver = {
    chartDefined: (chart: Chart) =>
      lines(encodeChartDefinition(chart, CAP_CLABELS, Math.floor(clock.us / 1e6))),
    roundDone: (chart: Chart, deltaUs: number) => lines(encodeRound(chart, deltaUs)),
  };
  child.observers.push(observer);
  child.variables.set("active_processors", 2);
  lines(encodeHostLabels(child) + encodeHostVariables(child));
  const c = child.defineChart({
    id: "app.mix",
    title: "mix",
    units: "u",
    family: "f",
    context: "app.mix",
    chartType: "line",
    priority: 1,
    updateEvery: 1,
    plugin: "p",
    module: "m",
  });
  c.variables.set("pidmax", 4194304);
  const inc = c.defineDimension({ id: "inc", algorithm: "incremental", multiplier: 8, divisor: 1000 });
  const abs = c.defineDimension({ id: "abs", algorithm: "absolute", multiplier: 1, divisor: 3 });
  const pct = c.defineDimension({
    id: "p",
    algorithm: "percentage-of-incremental-row",
    multiplier: 1,
    divisor: 1,
  });
  c.defined();
  let counter = 0;
  for (let i = 0; i < 40; i++) {
    // irregular collection times, like a real scheduler
    const step = 1_000_000 + ((i * 7919) % 300_000) - 150_000;
    c.begin(i === 0 ? 0 : step);
    counter += 1000 + i * 37;
    c.set(inc, counter);
    c.set(abs, 100 + i);
    c.set(pct, counter * 3);
    c.end();
    clock.us += step;
  }
  assert.equal(parent.labels.get("_os_name")?.value, "Debian GNU/Linux");
  assert.equal(parent.variables.get("active_processors"), 2);
  assert.equal(parent.charts.get("app.mix")!.variables.get("pidmax"), 4194304);
  const pc = parent.charts.get("app.mix")!;
  assert.equal(pc.dimension("inc")!.multiplier, 8);
  const a = new Float64Array(60);
  const b = new Float64Array(60);
  let compared = 0;
  for (const d of c.dimensions) {
    const pd = pc.dimension(d.id)!;
    const from = child.store.firstTime(d.seriesId) + 2; // the parent loses the first slot (PROTOCOL.md §6.1)
    const to = child.store.lastTime(d.seriesId);
    const n = child.store.read(d.seriesId, from, to, a);
    parent.store.read(pd.seriesId, from, to, b);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(a[i])) continue;
      assertNear(b[i], a[i], Math.abs(a[i]) * 1e-6 + 1e-6, `${d.id} at ${from + i}`);
      compared++;
    }
  }
  assert.ok(compared > 90, `compared ${compared} points`);
});
