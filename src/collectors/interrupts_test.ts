import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { interruptName, InterruptsCollector, SoftirqsCollector } from "./interrupts.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "this machine: two cores, virtio devices (real snapshots)", path: "interrupts/this_machine" },
  { name: "a Raspberry Pi 4 layout: four cores, GIC lines, IPIs and Err", path: "interrupts/raspberry_pi_4" },
];

for (const s of scenarios) {
  Deno.test(`InterruptsCollector: ${s.name}`, () => {
    const { host } = runScenario(s.path, (r) => new InterruptsCollector(r));
    const sys = host.charts.get("system.interrupts")!;
    assert.equal(sys.chartType, "stacked");
    // A line whose total is zero has no dimension (yet); one that turns non-zero starts with a gap.
    assert.equal(sys.dimension("Err"), undefined);
  });
  Deno.test(`SoftirqsCollector: ${s.name}`, () => {
    runScenario(s.path.replace("interrupts/", "softirqs/"), (r) => new SoftirqsCollector(r));
  });
}

Deno.test("InterruptsCollector names a numbered interrupt after its device, as Netdata does", () => {
  const { host } = runScenario("interrupts/raspberry_pi_4", (r) => new InterruptsCollector(r));
  const sys = host.charts.get("system.interrupts")!;
  const names = Object.fromEntries(sys.dimensions.map((d) => [d.id, d.name]));
  assert.deepEqual(names["11"], "arch_timer_11");
  assert.deepEqual(names["18"], "IRQ_18");
  assert.deepEqual(names["38"], "mmc0_38");
  assert.deepEqual(names["IPI0"], "IPI0");
  assert.equal(host.charts.get("cpu.cpu3_interrupts")!.labels.get("cpu")?.value, "cpu3");
});

Deno.test("interruptName() keeps the whole id and cuts the device name to fit 50 characters", () => {
  assert.equal(interruptName("eth0", "27"), "eth0_27");
  const long = "x".repeat(60);
  assert.equal(interruptName(long, "127"), "x".repeat(46) + "_127");
  assert.equal(interruptName(long, "127").length, 50);
});

Deno.test("Interrupts and softirqs collectors throw when their file is missing (createCollectors then skips them)", () => {
  assert.throws(
    () => new InterruptsCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
  assert.throws(
    () => new SoftirqsCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
