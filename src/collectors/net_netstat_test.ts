import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { NetstatCollector } from "./net_netstat.ts";

const scenarios: { name: string; path: string }[] = [
  {
    name: "this machine: auto charts for the non-zero counters (real snapshots)",
    path: "net_netstat/this_machine",
  },
  {
    name: "SYN cookies start mid-run and add their chart; no snmp6 means no ipv6 charts",
    path: "net_netstat/syn_flood_without_ipv6",
  },
  {
    name: "ICMP types that appear change the IcmpMsg header between reads",
    path: "net_netstat/icmp_types_appear",
  },
];

for (const s of scenarios) {
  Deno.test(`NetstatCollector: ${s.name}`, () => {
    const { host } = runScenario(s.path, (r) => new NetstatCollector(r));
    // Netdata's host variable for the tcp alarms: Tcp MaxConn, -1 when the kernel has no limit.
    assert.equal(host.variables.get("tcp_max_connections"), -1);
  });
}

Deno.test("NetstatCollector throws when /proc/net/netstat is missing (createCollectors then skips it)", () => {
  assert.throws(
    () => new NetstatCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
