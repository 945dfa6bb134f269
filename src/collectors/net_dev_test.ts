import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { NetDevCollector } from "./net_dev.ts";

const scenarios: { name: string; path: string }[] = [
  {
    name: "this machine (real snapshots): eth0 real, ifb virtual, lo disabled",
    path: "net_dev/this_machine",
  },
  { name: "a 32-bit byte counter wraps; errors and drops appear", path: "net_dev/counter_wrap_32bit" },
  {
    name: "virtual interfaces appear (charted at once, out of system.net), a real one vanishes (obsolete)",
    path: "net_dev/interface_added_and_removed",
  },
];

for (const s of scenarios) {
  Deno.test(`NetDevCollector: ${s.name}`, () => {
    runScenario(s.path, (r) => new NetDevCollector(r));
  });
}

Deno.test("NetDevCollector labels interfaces and sets nic_speed_max like Netdata", () => {
  const { host } = runScenario("net_dev/counter_wrap_32bit", (r) => new NetDevCollector(r));
  const net = host.charts.get("net.eth0")!;
  assert.deepEqual([...net.labels].map(([k, v]) => `${k}=${v.value}`), [
    "_collect_plugin=proc.plugin",
    "_collect_module=/proc/net/dev",
    "interface_type=real",
    "device=eth0",
  ]);
  assert.equal(net.variables.get("nic_speed_max"), 10_000_000);
});
