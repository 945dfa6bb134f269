import { runScenario } from "./_fixture.ts";
import { MemoryCollector } from "./memory.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "this machine: no swap, no hugepages (real snapshots)", path: "memory/this_machine" },
  { name: "swap and hugepages in use add their auto charts", path: "memory/swap_and_hugepages" },
];

for (const s of scenarios) {
  Deno.test(`MemoryCollector: ${s.name}`, () => {
    runScenario(s.path, (r) => new MemoryCollector(r));
  });
}
