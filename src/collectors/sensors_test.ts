import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { chipName, SensorsCollector } from "./sensors.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "a Raspberry Pi 4: the SoC thermal zone's hwmon chip", path: "sensors/raspberry_pi_4" },
  {
    name: "an x86 desktop: coretemp, NVMe and a Super I/O chip; a voltage out of limits is a gap",
    path: "sensors/x86_desktop",
  },
];

for (const s of scenarios) {
  Deno.test(`SensorsCollector: ${s.name}`, () => {
    const { host } = runScenario(s.path, (r) => new SensorsCollector(r));
    for (const c of host.charts.values()) {
      assert.equal(c.plugin, "python.d.plugin");
      assert.equal(c.module, "sensors");
    }
    if (s.path.endsWith("x86_desktop")) {
      const t = host.charts.get("sensors.coretemp-isa-0000_temperature")!;
      assert.deepEqual(t.dimensions.map((d) => d.name), ["Package id 0", "Core 0", "Core 8"]);
      assert.equal(t.priority, 60000);
      assert.equal(host.charts.get("sensors.nct6775-isa-0290_fan")!.priority, 60001);
    }
  });
}

Deno.test("chipName() names chips as libsensors does", () => {
  const table: { args: [string, string | null, string | null]; want: string | null }[] = [
    { args: ["cpu_thermal", null, null], want: "cpu_thermal-virtual-0" },
    { args: ["coretemp", "coretemp.0", "platform"], want: "coretemp-isa-0000" },
    { args: ["it87", "it87.656", "platform"], want: "it87-isa-0290" },
    { args: ["nvme", "0000:01:00.0", "pci"], want: "nvme-pci-0100" },
    { args: ["k10temp", "0000:00:18.3", "pci"], want: "k10temp-pci-00c3" },
    { args: ["lm75", "1-0048", "i2c"], want: "lm75-i2c-1-48" },
    { args: ["acpitz", "LNXTHERM:00", "acpi"], want: "acpitz-acpi-0" },
    { args: ["x", "dev", "usb"], want: null },
  ];
  for (const t of table) assert.equal(chipName(...t.args), t.want, t.args.join(" "));
});

Deno.test("SensorsCollector throws on a machine without hwmon sensors (createCollectors then skips it)", () => {
  assert.throws(
    () => new SensorsCollector({ sysRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
