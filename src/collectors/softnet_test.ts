import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { SoftnetCollector } from "./softnet.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "this machine: two cores (real snapshots)", path: "softnet/this_machine" },
  { name: "a Raspberry Pi 4: four cores, drops and squeezes under a flood", path: "softnet/raspberry_pi_4" },
  { name: "an old kernel with ten columns has no flow_limit_count", path: "softnet/kernel_3_10_ten_columns" },
];

for (const s of scenarios) {
  Deno.test(`SoftnetCollector: ${s.name}`, () => {
    const { host } = runScenario(s.path, (r) => new SoftnetCollector(r));
    const dims = host.charts.get("system.softnet_stat")!.dimensions.map((d) => d.id);
    assert.equal(dims.includes("flow_limit_count"), !s.path.includes("ten_columns"));
  });
}

Deno.test("SoftnetCollector throws when /proc/net/softnet_stat is missing (createCollectors then skips it)", () => {
  assert.throws(
    () => new SoftnetCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
