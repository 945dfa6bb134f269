import { assert } from "../../tests/_helpers/assert.ts";
import type { Expected } from "./_fixture.ts";
import { runScenario } from "./_fixture.ts";
import { ConntrackCollector } from "./conntrack.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "this machine: conntrack loaded, idle (real snapshots)", path: "conntrack/this_machine" },
  { name: "a 4-core NAT router: per-CPU counters summed", path: "conntrack/nat_router" },
  { name: "without the stat file: connections from nf_conntrack_count only", path: "conntrack/count_only" },
];

for (const s of scenarios) {
  Deno.test(`ConntrackCollector: ${s.name}`, () => {
    const { host, expected } = runScenario(s.path, (r) => new ConntrackCollector(r));
    for (
      const [k, v] of Object.entries(
        (expected as Expected & { variables?: Record<string, number> }).variables ?? {},
      )
    ) {
      assert.equal(host.variables.get(k), v, `$${k}`);
    }
  });
}

Deno.test("ConntrackCollector throws without nf_conntrack files (createCollectors then skips it)", () => {
  assert.throws(
    () => new ConntrackCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
