import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario, TESTDATA } from "./_fixture.ts";
import { PressureCollector } from "./pressure.ts";

const scenarios: { name: string; path: string }[] = [
  {
    name: "this machine: some and full for cpu, memory and io (real snapshots)",
    path: "pressure/this_machine",
  },
  {
    name: "a kernel without the cpu full line and without io pressure",
    path: "pressure/kernel_5_4_without_io",
  },
];

for (const s of scenarios) {
  Deno.test(`PressureCollector: ${s.name}`, () => {
    // Linux updates the averages every 2 s, and so does Netdata: snapshots 2 s apart.
    const { host } = runScenario(s.path, (r) => new PressureCollector(r), { stepSec: 2 });
    assert.equal(host.charts.get("system.cpu_some_pressure")!.updateEvery, 2);
  });
}

Deno.test("PressureCollector throws when no pressure file exists (createCollectors then skips it)", () => {
  assert.throws(
    () => new PressureCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});

Deno.test("PressureCollector throws when the files exist but cannot be read (PSI off, as on Raspberry Pi OS)", () => {
  // Directories stand for files whose read fails (the kernel answers EOPNOTSUPP).
  assert.throws(() =>
    new PressureCollector({ procRoot: TESTDATA + "pressure/raspberry_pi_psi_off/proc0", updateEvery: 1 })
  );
});
