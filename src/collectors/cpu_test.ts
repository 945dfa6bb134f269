import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { CpuCollector } from "./cpu.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "two idle cores of this machine (real snapshots)", path: "cpu/two_cores_this_machine" },
  {
    name: "guest time is taken out of user and nice; an offline core goes obsolete",
    path: "cpu/guest_and_offline_core",
  },
];

for (const s of scenarios) {
  Deno.test(`CpuCollector: ${s.name}`, () => {
    runScenario(s.path, (r) => new CpuCollector(r));
  });
}

Deno.test("CpuCollector sets the active_processors host variable like Netdata", () => {
  const { host } = runScenario("cpu/two_cores_this_machine", (r) => new CpuCollector(r));
  assert.equal(host.variables.get("active_processors"), 2);
});
