import { assert } from "../../tests/_helpers/assert.ts";
import { makeHost, runScenario, TESTDATA } from "./_fixture.ts";
import { LoadavgCollector } from "./loadavg.ts";

Deno.test("LoadavgCollector: system.load every 5 s, system.active_processes every second", () => {
  const { host } = runScenario("loadavg/busy_minute", (r) => new LoadavgCollector(r));
  const load = host.charts.get("system.load")!;
  assert.equal(load.updateEvery, 5);
  assert.equal(host.charts.get("system.active_processes")!.updateEvery, 1);
  assert.equal(host.charts.get("system.active_processes")!.variables.get("pidmax"), 4194304);
  // Collected at ticks 0 and 5 only.
  assert.equal(load.roundsDone, 2);
});

Deno.test("LoadavgCollector throws on a file with fewer than 6 words", () => {
  const c = new LoadavgCollector({ procRoot: TESTDATA + "loadavg/malformed/proc0", updateEvery: 1 });
  try {
    assert.throws(() => c.collect(makeHost({ us: 1e15 }), 0), SyntaxError);
  } finally {
    c.close();
  }
});
