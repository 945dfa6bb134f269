import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { WirelessCollector } from "./wireless.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "a Raspberry Pi 4 on Wi-Fi: signal, noise, retries", path: "wireless/raspberry_pi_4_connected" },
  { name: "wlan0 leaves the file: its charts go obsolete", path: "wireless/raspberry_pi_4" },
];

for (const s of scenarios) {
  Deno.test(`WirelessCollector: ${s.name}`, () => {
    const { host } = runScenario(s.path, (r) => new WirelessCollector(r));
    const c = host.charts.get("wireless.wlan0_signal_level")!;
    assert.equal(c.labels.get("device")?.value, "wlan0");
    assert.equal(c.family, "wlan0");
  });
}

Deno.test("WirelessCollector throws without /proc/net/wireless (createCollectors then skips it)", () => {
  assert.throws(
    () => new WirelessCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
