/**
 * Our child streams every chart of its collectors to a Netdata 1.37.1 parent, and the host
 * variables the stock alarms use reach the parent (`/api/v1/alarm_variables` lists them).
 */
import { assert } from "./_helpers/assert.ts";
import { waitFor } from "./_helpers/agent.ts";
import { receiverConf, withLab } from "./_helpers/lab.ts";
import { httpGet } from "./_helpers/netdata.ts";

// deno-lint-ignore no-explicit-any
async function getJson(url: string): Promise<any> {
  const r = await httpGet(url);
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text);
}

/** Host variables our collectors set on this machine (its kernel has conntrack and System V IPC). */
const HOST_VARIABLES = [
  "active_processors",
  "tcp_max_connections",
  "tcp_max_orphans",
  "tcp_mem_low",
  "tcp_mem_pressure",
  "tcp_mem_high",
  "netfilter_conntrack_max",
  "ipc_semaphores_max",
  "ipc_semaphores_arrays_max",
];

Deno.test({
  name: "our child's charts and host variables reach a netdata 1.37.1 parent",
  async fn() {
    await withLab(async (lab) => {
      const key = crypto.randomUUID();
      const parent = await lab.netdata({ hostname: "nd-p6", collect: false, streamConf: receiverConf(key) });
      const child = await lab.agent("child", [
        "--role",
        "child",
        "--hostname",
        "ours-c6",
        "--stream-to",
        new URL(parent.url).host,
        "--api-key",
        key,
      ]);
      const ours = Object.keys((await getJson(`${child.url}/api/v1/charts`)).charts);
      const mirror = `${parent.url}/host/ours-c6`;
      const theirs = await waitFor(
        async () => {
          const c = Object.keys((await getJson(`${mirror}/api/v1/charts`)).charts ?? {});
          return ours.every((id) => c.includes(id)) ? c : undefined;
        },
        20000,
        "every chart of ours on the parent",
      );
      assert.ok(theirs.length >= ours.length);
      const vars = await waitFor(
        async () => {
          const url = `${mirror}/api/v1/alarm_variables?chart=system.active_processes`;
          const v = (await getJson(url)).host_variables ?? {};
          return HOST_VARIABLES.every((k) => k in v) ? v : undefined;
        },
        20000,
        "host variables on the parent",
      );
      // The kernel's limits, as the child read them.
      const num = (path: string, i = 0) => Number(Deno.readTextFileSync(path).trim().split(/\s+/)[i]);
      assert.equal(vars.tcp_max_orphans, num("/proc/sys/net/ipv4/tcp_max_orphans"));
      assert.equal(vars.netfilter_conntrack_max, num("/proc/sys/net/netfilter/nf_conntrack_max"));
      assert.equal(vars.ipc_semaphores_max, num("/proc/sys/kernel/sem", 1));
      assert.equal(vars.ipc_semaphores_arrays_max, num("/proc/sys/kernel/sem", 3));
      assert.equal(vars.tcp_mem_high, num("/proc/sys/net/ipv4/tcp_mem", 2) * 4);
    });
  },
});
