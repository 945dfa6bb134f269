/**
 * /proc/net/sockstat and /proc/net/sockstat6: the ipv4.sockstat_* and ipv6.sockstat6_* charts of
 * Netdata 1.37's proc_net_sockstat.c and proc_net_sockstat6.c (two modules), with their "auto"
 * rules, and the host variables the tcp alarms use: `$tcp_max_orphans` and
 * `$tcp_mem_low/_pressure/_high` (KiB), re-read every 60 s like Netdata's "update constants every".
 * @module
 */

import type { Host } from "../host/mod.ts";
import { type ChartSpec, type Origin, pageSize, PLUGIN_PROC, setHostVariable } from "./_helper.ts";
import {
  CounterTable,
  type EnableLookup,
  InlinePairParser,
  type TableDim,
  type TableGroup,
} from "./_table.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, readSmallFile, Scanner } from "./proc_file.ts";

/** Netdata's "update constants every" default, s. */
const UPDATE_CONSTANTS_EVERY = 60;

function group(
  section: string,
  option: string,
  spec: Omit<ChartSpec, "context" | "chartType"> & { chartType?: ChartSpec["chartType"] },
  dims: readonly TableDim[],
): TableGroup {
  return {
    section,
    option,
    charts: [{ spec: { chartType: "line", ...spec, context: spec.id }, dims }],
  };
}

function sockstatGroups(page: number): TableGroup[] {
  const S = "/proc/net/sockstat";
  return [
    group(S, "ipv4 sockets", {
      id: "ipv4.sockstat_sockets",
      title: "IPv4 Sockets Used",
      units: "sockets",
      family: "sockets",
      priority: 5100,
    }, [["sockets.used", "used", null, "absolute", 1, 1]]),
    group(S, "ipv4 TCP sockets", {
      id: "ipv4.sockstat_tcp_sockets",
      title: "IPv4 TCP Sockets",
      units: "sockets",
      family: "tcp",
      priority: 5201,
    }, [
      ["TCP.alloc", "alloc", null, "absolute", 1, 1],
      ["TCP.orphan", "orphan", null, "absolute", 1, 1],
      ["TCP.inuse", "inuse", null, "absolute", 1, 1],
      ["TCP.tw", "timewait", null, "absolute", 1, 1],
    ]),
    group(S, "ipv4 TCP memory", {
      id: "ipv4.sockstat_tcp_mem",
      title: "IPv4 TCP Sockets Memory",
      units: "KiB",
      family: "tcp",
      priority: 5290,
      chartType: "area",
    }, [["TCP.mem", "mem", null, "absolute", page, 1024]]),
    group(S, "ipv4 UDP sockets", {
      id: "ipv4.sockstat_udp_sockets",
      title: "IPv4 UDP Sockets",
      units: "sockets",
      family: "udp",
      priority: 5300,
    }, [["UDP.inuse", "inuse", null, "absolute", 1, 1]]),
    group(S, "ipv4 UDP memory", {
      id: "ipv4.sockstat_udp_mem",
      title: "IPv4 UDP Sockets Memory",
      units: "KiB",
      family: "udp",
      priority: 5390,
      chartType: "area",
    }, [["UDP.mem", "mem", null, "absolute", page, 1024]]),
    group(S, "ipv4 UDPLITE sockets", {
      id: "ipv4.sockstat_udplite_sockets",
      title: "IPv4 UDPLITE Sockets",
      units: "sockets",
      family: "udplite",
      priority: 5400,
    }, [["UDPLITE.inuse", "inuse", null, "absolute", 1, 1]]),
    group(S, "ipv4 RAW sockets", {
      id: "ipv4.sockstat_raw_sockets",
      title: "IPv4 RAW Sockets",
      units: "sockets",
      family: "raw",
      priority: 5450,
    }, [["RAW.inuse", "inuse", null, "absolute", 1, 1]]),
    group(S, "ipv4 FRAG sockets", {
      id: "ipv4.sockstat_frag_sockets",
      title: "IPv4 FRAG Sockets",
      units: "fragments",
      family: "fragments",
      priority: 5460,
    }, [["FRAG.inuse", "inuse", null, "absolute", 1, 1]]),
    group(S, "ipv4 FRAG memory", {
      id: "ipv4.sockstat_frag_mem",
      title: "IPv4 FRAG Sockets Memory",
      units: "KiB",
      family: "fragments",
      priority: 5470,
      chartType: "area",
    }, [["FRAG.memory", "mem", null, "absolute", 1, 1024]]),
  ];
}

const SOCKSTAT6_GROUPS: readonly TableGroup[] = [
  ["TCP6", "TCP", "tcp6", "sockets", 6500, "tcp"],
  ["UDP6", "UDP", "udp6", "sockets", 6600, "udp"],
  ["UDPLITE6", "UDPLITE", "udplite6", "sockets", 6700, "udplite"],
  ["RAW6", "RAW", "raw6", "sockets", 6800, "raw"],
  ["FRAG6", "FRAG", "fragments6", "fragments", 6400, "frag"],
].map(([prefix, word, family, units, priority, id]) =>
  group("/proc/net/sockstat6", `ipv6 ${word} sockets`, {
    id: `ipv6.sockstat6_${id}_sockets`,
    title: `IPv6 ${word} Sockets`,
    units: units as string,
    family: family as string,
    priority: priority as number,
  }, [[`${prefix}.inuse`, "inuse", null, "absolute", 1, 1]])
);

/** Collects /proc/net/sockstat and sets the tcp alarms' host variables. */
export class SockstatCollector implements Collector {
  readonly name = "proc:/proc/net/sockstat";
  readonly updateEvery: number;
  readonly #file: ProcFile;
  readonly #table: CounterTable;
  readonly #parser: InlinePairParser;
  readonly #scan = new Scanner(":");
  readonly #procRoot: string;
  readonly #page: number;
  #constantsAgeSec = UPDATE_CONSTANTS_EVERY;

  /** @throws {Deno.errors.NotFound} when `procRoot`/net/sockstat cannot be opened. */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = opts.updateEvery;
    this.#procRoot = opts.procRoot;
    this.#page = pageSize(opts.procRoot);
    const origin: Origin = {
      plugin: PLUGIN_PROC,
      module: "/proc/net/sockstat",
      updateEvery: opts.updateEvery,
    };
    this.#file = new ProcFile(opts.procRoot + "/net/sockstat", 1024);
    this.#table = new CounterTable(origin, sockstatGroups(this.#page), { enable: opts.enable });
    this.#parser = new InlinePairParser(this.#table, ["sockets", "TCP", "UDP", "UDPLITE", "RAW", "FRAG"]);
  }

  collect(host: Host, deltaUs: number): void {
    this.#constantsAgeSec += this.updateEvery;
    if (this.#constantsAgeSec >= UPDATE_CONSTANTS_EVERY) {
      this.#constantsAgeSec = 0;
      this.#readConstants(host);
    }
    const n = this.#file.read();
    this.#parser.parse(this.#file.bytes, n, this.#scan, this.#table.values);
    this.#table.update(host, deltaUs);
  }

  close(): void {
    this.#file.close();
  }

  /** Slow path (once a minute): the kernel's TCP limits as host variables, in KiB for tcp_mem. */
  #readConstants(host: Host): void {
    const orphans = readSmallFile(this.#procRoot + "/sys/net/ipv4/tcp_max_orphans");
    if (orphans !== null && /^\d+$/.test(orphans)) setHostVariable(host, "tcp_max_orphans", Number(orphans));
    const mem = readSmallFile(this.#procRoot + "/sys/net/ipv4/tcp_mem");
    if (mem !== null) {
      const [low, pressure, high] = mem.split(/\s+/).map((w) => Number.parseInt(w, 10) || 0);
      const kib = this.#page / 1024;
      setHostVariable(host, "tcp_mem_low", (low ?? 0) * kib);
      setHostVariable(host, "tcp_mem_pressure", (pressure ?? 0) * kib);
      setHostVariable(host, "tcp_mem_high", (high ?? 0) * kib);
    }
  }
}

/** Collects /proc/net/sockstat6. */
export class Sockstat6Collector implements Collector {
  readonly name = "proc:/proc/net/sockstat6";
  readonly updateEvery: number;
  readonly #file: ProcFile;
  readonly #table: CounterTable;
  readonly #parser: InlinePairParser;
  readonly #scan = new Scanner(":");

  /** @throws {Deno.errors.NotFound} when `procRoot`/net/sockstat6 cannot be opened (no IPv6). */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = opts.updateEvery;
    const origin: Origin = {
      plugin: PLUGIN_PROC,
      module: "/proc/net/sockstat6",
      updateEvery: opts.updateEvery,
    };
    this.#file = new ProcFile(opts.procRoot + "/net/sockstat6", 512);
    this.#table = new CounterTable(origin, SOCKSTAT6_GROUPS, { enable: opts.enable });
    this.#parser = new InlinePairParser(this.#table, ["TCP6", "UDP6", "UDPLITE6", "RAW6", "FRAG6"]);
  }

  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    this.#parser.parse(this.#file.bytes, n, this.#scan, this.#table.values);
    this.#table.update(host, deltaUs);
  }

  close(): void {
    this.#file.close();
  }
}
