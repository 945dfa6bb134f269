import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { ZramCollector } from "./zram.ts";

const scenarios: { name: string; path: string }[] = [
  {
    name: "this machine: an unused zram0 beside loop and virtio disks (real files)",
    path: "zram/this_machine",
  },
  { name: "a Raspberry Pi 4 swapping to zram0 (4:1 compression)", path: "zram/raspberry_pi_4_swapping" },
];

for (const s of scenarios) {
  Deno.test(`ZramCollector: ${s.name}`, () => {
    const { host } = runScenario(s.path, (r) => new ZramCollector(r));
    assert.equal(host.charts.get("mem.zram_usage.zram0")!.labels.get("device")?.value, "zram0");
  });
}

Deno.test("ZramCollector throws on a kernel without zram (createCollectors then skips it)", () => {
  assert.throws(() => new ZramCollector({ procRoot: "/nonexistent", updateEvery: 1 }), Deno.errors.NotFound);
});
