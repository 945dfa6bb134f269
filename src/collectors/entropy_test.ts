import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { EntropyCollector } from "./entropy.ts";

const scenarios: { name: string; path: string }[] = [
  {
    name: "this machine: a 5.18+ kernel reports a constant 256 (real snapshots)",
    path: "entropy/this_machine",
  },
  { name: "an older Raspberry Pi kernel whose pool runs low", path: "entropy/raspberry_pi_starved" },
];

for (const s of scenarios) {
  Deno.test(`EntropyCollector: ${s.name}`, () => {
    runScenario(s.path, (r) => new EntropyCollector(r));
  });
}

Deno.test("EntropyCollector throws when entropy_avail is missing (createCollectors then skips it)", () => {
  assert.throws(
    () => new EntropyCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
