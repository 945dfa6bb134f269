import { assert } from "../../tests/_helpers/assert.ts";
import { makeHost, T0 } from "./_fixture.ts";
import { IdlejitterCollector } from "./idlejitter.ts";

Deno.test("IdlejitterCollector charts min, max and the integer average of the lateness since the last collection", () => {
  const clock = { us: T0 * 1e6 };
  const host = makeHost(clock);
  const c = new IdlejitterCollector({ updateEvery: 1, thread: false });
  try {
    c.collect(host, 0); // defines the chart; nothing measured yet, so no round
    assert.equal(host.charts.get("system.idlejitter")!.roundsDone, 0);
    c.record(10);
    clock.us += 1e6;
    c.collect(host, 1e6); // the chart's first round
    for (const us of [120, 80, 455]) c.record(us);
    clock.us += 1e6;
    c.collect(host, 1e6);
    const chart = host.charts.get("system.idlejitter")!;
    const out = new Float64Array(1);
    const at = (id: string) => (host.store.read(chart.dimension(id)!.seriesId, T0 + 2, T0 + 2, out), out[0]);
    assert.equal(at("min"), 80);
    assert.equal(at("max"), 455);
    assert.equal(at("average"), 218); // 655 / 3, truncated like Netdata's usec_t division
    assert.equal(chart.plugin, "idlejitter.plugin");
  } finally {
    c.close();
  }
});

Deno.test("IdlejitterCollector measures its own sleeping thread once collecting, and stops it on close()", async () => {
  const clock = { us: T0 * 1e6 };
  const host = makeHost(clock);
  const c = new IdlejitterCollector({ updateEvery: 1, sleepMs: 5 });
  try {
    c.collect(host, 0);
    const chart = host.charts.get("system.idlejitter")!;
    for (let i = 0; i < 50 && chart.roundsDone === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      clock.us += 1e6;
      c.collect(host, 1e6);
    }
    assert.ok(chart.roundsDone >= 1, "a round after the thread slept");
  } finally {
    c.close();
  }
});
