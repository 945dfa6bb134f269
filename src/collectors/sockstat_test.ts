import { assert } from "../../tests/_helpers/assert.ts";
import { checkExpected, type Expected, runScenario } from "./_fixture.ts";
import { Sockstat6Collector, SockstatCollector } from "./sockstat.ts";
import type { Collector } from "./collector.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "this machine: TCP only, IPv6 idle (real snapshots)", path: "sockstat/this_machine" },
  { name: "a dual-stack server: UDP, RAW and IPv6 sockets in use", path: "sockstat/dual_stack_server" },
];

/** Both modules on one host, like the agent runs them. */
function both(r: { procRoot: string; updateEvery: number }): Collector {
  const v4 = new SockstatCollector(r);
  let v6: Sockstat6Collector | null = null;
  try {
    v6 = new Sockstat6Collector(r);
  } catch { /* no sockstat6 */ }
  return {
    name: "sockstat+6",
    updateEvery: 1,
    collect(host, deltaUs) {
      v4.collect(host, deltaUs);
      v6?.collect(host, deltaUs);
    },
    close() {
      v4.close();
      v6?.close();
    },
  };
}

for (const s of scenarios) {
  Deno.test(`SockstatCollector and Sockstat6Collector: ${s.name}`, () => {
    const { host, expected, lastSec } = runScenario(s.path, both);
    const vars = (expected as Expected & { variables?: Record<string, number> }).variables ?? {};
    for (const [k, v] of Object.entries(vars)) assert.equal(host.variables.get(k), v, `$${k}`);
    checkExpected(host, expected, lastSec, s.path);
  });
}

Deno.test("Sockstat collectors throw when their file is missing (createCollectors then skips them)", () => {
  assert.throws(
    () => new SockstatCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
  assert.throws(
    () => new Sockstat6Collector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
