import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { VmstatCollector } from "./vmstat.ts";

const scenarios: { name: string; path: string }[] = [
  {
    name: "this machine: page I/O, faults and OOM kills, no swap, one NUMA node",
    path: "vmstat/this_machine",
  },
  { name: "swapping on a two-node NUMA machine adds swapio and numa", path: "vmstat/swapping_numa" },
  {
    name: "a kernel without the oom_kill counter has no mem.oom_kill",
    path: "vmstat/kernel_4_9_without_oom_kill",
  },
];

for (const s of scenarios) {
  Deno.test(`VmstatCollector: ${s.name}`, () => {
    runScenario(s.path, (r) => new VmstatCollector(r));
  });
}

Deno.test("VmstatCollector throws when /proc/vmstat is missing (createCollectors then skips it)", () => {
  assert.throws(
    () => new VmstatCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
