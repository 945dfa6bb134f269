/**
 * Records what a real netdata 1.37.1 on this machine defines, for the collectors' conformance
 * test: it runs netdata with its proc, diskspace, timex and idlejitter plugins, streaming to a
 * fake parent here that accepts it (protocol version 960: no compression, no replication), keeps
 * every CHART / CLABEL / DIMENSION / VARIABLE line it sends for `--seconds`, and at the end copies
 * the /proc files our collectors read (three snapshots one second apart) and the /sys files (one)
 * into a fixture scenario, so that the charts and the files come from the same moment.
 *
 *   deno run -A tests/tools/record_netdata_charts.ts --seconds 40 \
 *     --out tests/fixtures/netdata-1.37.1/proc-chart-definitions.txt \
 *     --snapshot src/collectors/testdata/all/this_machine
 * @module
 */

import { parseArgs } from "node:util";
import { startNetdata } from "../_helpers/netdata.ts";

/** What our collectors read under /proc (files, or directories copied whole). */
export const PROC_FILES = [
  "stat",
  "uptime",
  "loadavg",
  "meminfo",
  "diskstats",
  "devices",
  "net/dev",
  "net/netstat",
  "net/snmp",
  "net/snmp6",
  "net/sockstat",
  "net/sockstat6",
  "net/softnet_stat",
  "net/stat/nf_conntrack",
  "pressure/cpu",
  "pressure/memory",
  "pressure/io",
  "vmstat",
  "interrupts",
  "softirqs",
  "self/mountinfo",
  "sys/kernel/pid_max",
  "sys/kernel/random/entropy_avail",
  "sys/kernel/sem",
  "sys/net/netfilter/nf_conntrack_max",
  "sys/net/ipv4/tcp_mem",
  "sys/net/ipv4/tcp_max_orphans",
  "sysvipc/sem",
  "sysvipc/shm",
  "sysvipc/msg",
];

/**
 * What our collectors read under /sys, as `<directory pattern>/<file>` where `*` matches one entry:
 * block devices, network interfaces, zram, hwmon sensors, NUMA nodes.
 */
export const SYS_FILES = [
  "block/*/dev",
  "block/*/mm_stat",
  "devices/virtual/block/*/dev",
  "class/net/*/operstate",
  "class/net/*/mtu",
  "class/net/*/carrier",
  "class/net/*/duplex",
  "class/net/*/speed",
  "devices/virtual/net/*/ifindex",
  "class/hwmon/*/name",
  "class/hwmon/*/temp1_input",
  "devices/system/node/*/cpulist",
];

/** Expands one `*` per path part against the real /sys. */
function expand(pattern: string, root = "/sys"): string[] {
  let paths = [""];
  for (const part of pattern.split("/")) {
    const next: string[] = [];
    for (const p of paths) {
      if (part !== "*") {
        next.push(`${p}/${part}`);
        continue;
      }
      try {
        for (const e of Deno.readDirSync(root + p)) next.push(`${p}/${e.name}`);
      } catch { /* no such directory */ }
    }
    paths = next;
  }
  return paths.map((p) => p.slice(1));
}

const KEY = "11111111-2222-3333-4444-555555555555";

function copyFile(from: string, to: string): void {
  let data: Uint8Array;
  try {
    // /proc files report size 0: read them, do not copy them.
    data = Deno.readFileSync(from);
  } catch {
    return;
  }
  Deno.mkdirSync(to.slice(0, to.lastIndexOf("/")), { recursive: true });
  Deno.writeFileSync(to, data);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seconds: { type: "string", default: "40" },
      out: { type: "string" },
      snapshot: { type: "string" },
    },
  });
  const seconds = Number(values.seconds);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const lines: string[] = [];
  const decoder = new TextDecoder();
  const accepted = (async () => {
    const conn = await listener.accept();
    const buf = new Uint8Array(65536);
    let text = "";
    let greeted = false;
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        text += decoder.decode(buf.subarray(0, n), { stream: true });
        if (!greeted) {
          const end = text.indexOf("\r\n\r\n");
          if (end < 0) continue;
          text = text.slice(end + 4);
          await conn.write(new TextEncoder().encode("Hit me baby, push them over with the version=960"));
          greeted = true;
        }
        const nl = text.lastIndexOf("\n");
        if (nl < 0) continue;
        for (const l of text.slice(0, nl).split("\n")) {
          if (/^(CHART|CLABEL|DIMENSION|VARIABLE|LABEL|OVERWRITE) /.test(l) || l === "CLABEL_COMMIT") {
            lines.push(l);
          }
        }
        text = text.slice(nl + 1);
      }
    } catch { /* closed at the end */ }
    return conn;
  })();
  const nd = await startNetdata({
    hostname: "nd-record",
    extraConf: "[plugins]\n    diskspace = yes\n    timex = yes\n    idlejitter = yes\n    proc = yes\n",
    streamConf: `[stream]\n    enabled = yes\n    destination = 127.0.0.1:${port}\n    api key = ${KEY}\n` +
      "    enable compression = no\n",
  });
  try {
    await new Promise((r) => setTimeout(r, (seconds - 3) * 1000));
    if (values.snapshot) {
      for (let k = 0; k < 3; k++) {
        for (const f of PROC_FILES) copyFile(`/proc/${f}`, `${values.snapshot}/proc${k}/${f}`);
        // sysfs changes little: one copy, beside the /proc snapshots.
        if (k === 0) {
          for (const f of SYS_FILES.flatMap((p) => expand(p))) {
            copyFile(`/sys/${f}`, `${values.snapshot}/sys/${f}`);
          }
        }
        if (k < 2) await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await nd.stop();
    listener.close();
    (await accepted).close();
  }
  const text = lines.join("\n") + "\n";
  if (values.out) Deno.writeTextFileSync(values.out, text);
  else console.log(text);
  console.error(`${lines.filter((l) => l.startsWith("CHART ")).length} CHART lines`);
}

if (import.meta.main) await main();
