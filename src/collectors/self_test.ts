import { assert } from "../../tests/_helpers/assert.ts";
import { checkExpected, makeHost, T0 } from "./_fixture.ts";
import type { CollectorTiming } from "./mod.ts";
import { processStats, SelfCollector } from "./self.ts";

Deno.test("SelfCollector charts CPU (getrusage µs -> ms/s), uptime, memory and per-collector busy time", () => {
  const clock = { us: T0 * 1e6 };
  const host = makeHost(clock);
  let cpuUser = 10_000, cpuSystem = 2_000, rss = 50_000_000;
  const self = new SelfCollector({
    updateEvery: 1,
    stats: {
      cpuUsageUs: () => ({ user: cpuUser, system: cpuSystem }),
      memory: () => ({ rss, heapTotal: 8_000_000, heapUsed: 6_000_000, external: 1_000_000 }),
    },
  });
  const timings: CollectorTiming[] = [
    { name: "proc:/proc/stat", busyUs: 0 },
    { name: "proc:/proc/meminfo", busyUs: 0 },
    { name: "proc:/proc/net/dev", busyUs: 0 },
    { name: "netdata:stats", busyUs: 0 },
  ];
  self.useTimings(timings);
  for (let k = 0; k < 3; k++) {
    clock.us = (T0 + k) * 1e6;
    timings[0].busyUs = 1234.4;
    timings[1].busyUs = 250;
    timings[2].busyUs = 500;
    self.collect(host, k === 0 ? 0 : 1e6);
    cpuUser += 1500;
    cpuSystem += 300;
    rss += 4096;
  }
  checkExpected(
    host,
    {
      values: {
        "netdata.server_cpu": { user: 1.5, system: 0.3 },
        "netdata.uptime": { uptime: 2 },
        "netdata.memory": {
          rss: 50_008_192,
          heap_used: 6_000_000,
          heap_total: 8_000_000,
          external: 1_000_000,
        },
        "netdata.workers_busy_time_by_type_proc": { stat: 1.234, meminfo: 0.25 },
        "netdata.workers_busy_time_by_type_netdev": { netdev: 0.5 },
      },
    },
    T0 + 2,
    "self",
  );
  assert.deepEqual(host.charts.get("netdata.workers_busy_time_by_type_proc")!.dimensions.map((d) => d.id), [
    "stat",
    "meminfo",
  ]);
  assert.equal(host.charts.get("netdata.server_cpu")!.labels.get("_collect_plugin")?.value, "netdata");
});

Deno.test("processStats.memory() gives the figures of Deno.memoryUsage(), field for field", () => {
  const ours = processStats.memory();
  const deno = Deno.memoryUsage();
  assert.equal(ours.external, deno.external);
  // Both move a little between two calls (the calls allocate, and the heap may grow by a page in
  // between); a swapped field would be far off.
  assert.ok(
    Math.abs(ours.heapTotal - deno.heapTotal) < 1 << 20,
    `heapTotal ${ours.heapTotal} vs ${deno.heapTotal}`,
  );
  assert.ok(
    Math.abs(ours.heapUsed - deno.heapUsed) < 1 << 20,
    `heapUsed ${ours.heapUsed} vs ${deno.heapUsed}`,
  );
  assert.ok(Math.abs(ours.rss - deno.rss) < deno.rss / 10, `rss ${ours.rss} vs ${deno.rss}`);
  assert.ok(ours.heapUsed < ours.heapTotal && ours.heapTotal < ours.rss);
});
