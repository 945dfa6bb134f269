/**
 * /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6: the ip.*, ipv4.*, ipv6.*, system.ip and
 * system.ipv6 charts of Netdata 1.37's proc_net_netstat.c (one Netdata module, "/proc/net/netstat",
 * reads all three files), with its "auto" rules and options, and the host variable
 * `$tcp_max_connections` (Tcp MaxConn, -1 when dynamic).
 * @module
 */

import type { Host } from "../host/mod.ts";
import { type Origin, PLUGIN_PROC, setHostVariable } from "./_helper.ts";
import { CounterTable, type EnableLookup, KeyValueParser, PairParser } from "./_table.ts";
import { NETSTAT_GROUPS } from "./net_netstat_table.ts";
import { SNMP_GROUPS } from "./net_snmp_table.ts";
import { IPV6_GROUPS } from "./net_snmp6_table.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/net/netstat";

/** Collects /proc/net/netstat, /proc/net/snmp and (when present) /proc/net/snmp6. */
export class NetstatCollector implements Collector {
  readonly name = "proc:/proc/net/netstat";
  readonly updateEvery: number;
  readonly #netstat: ProcFile;
  readonly #snmp: ProcFile | null;
  readonly #snmp6: ProcFile | null;
  readonly #table: CounterTable;
  readonly #pairs: PairParser;
  readonly #kv: KeyValueParser;
  readonly #h = new Scanner(":");
  readonly #v = new Scanner(":");
  readonly #maxConn: number;

  /** @throws {Deno.errors.NotFound} when `procRoot`/net/netstat cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = opts.updateEvery;
    const origin: Origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#netstat = new ProcFile(opts.procRoot + "/net/netstat", 8192);
    // Netdata gives up on the whole module without snmp or snmp6; we keep what can be read.
    this.#snmp = openOptional(opts.procRoot + "/net/snmp");
    this.#snmp6 = openOptional(opts.procRoot + "/net/snmp6");
    this.#table = new CounterTable(origin, [...NETSTAT_GROUPS, ...SNMP_GROUPS, ...IPV6_GROUPS], {
      enable: opts.enable,
      extraKeys: ["Tcp.MaxConn"],
    });
    this.#pairs = new PairParser(
      this.#table,
      ["IpExt", "TcpExt", "Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite"],
      ["Tcp.MaxConn"],
    );
    this.#kv = new KeyValueParser(this.#table, this.#table.keys.filter((k) => !k.includes(".")));
    this.#maxConn = this.#table.indexOf("Tcp.MaxConn");
  }

  collect(host: Host, deltaUs: number): void {
    const v = this.#table.values;
    let n = this.#netstat.read();
    this.#pairs.parse(this.#netstat.bytes, n, this.#h, this.#v, v);
    if (this.#snmp !== null) {
      n = this.#snmp.read();
      this.#pairs.parse(this.#snmp.bytes, n, this.#h, this.#v, v);
      setHostVariable(host, "tcp_max_connections", v[this.#maxConn]);
    }
    if (this.#snmp6 !== null) {
      n = this.#snmp6.read();
      this.#kv.parse(this.#snmp6.bytes, n, this.#h, v);
    }
    this.#table.update(host, deltaUs);
  }

  close(): void {
    this.#netstat.close();
    this.#snmp?.close();
    this.#snmp6?.close();
  }
}

function openOptional(path: string): ProcFile | null {
  try {
    return new ProcFile(path, 8192);
  } catch {
    return null;
  }
}
