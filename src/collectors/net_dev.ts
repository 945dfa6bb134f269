/**
 * /proc/net/dev: system.net and per-interface net.*, net_packets.*, net_errors.*,
 * net_drops.*, net_fifo.*, net_compressed.*, net_events.*, net_speed.*, net_duplex.*,
 * net_operstate.*, net_carrier.*, net_mtu.* charts, with the virtual-interface detection,
 * default exclusions and "auto" rules of Netdata 1.37's proc_net_dev.c. Not done: cgroup
 * renames (and their flipped dimensions), per-interface configuration.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import {
  AUTO,
  type ChartSpec,
  defineChart,
  type DimSpec,
  NO,
  obsoleteChart,
  type Origin,
  PLUGIN_PROC,
  YES,
} from "./_helper.ts";
import { compileSimplePattern } from "../util/patterns.ts";
import type { Collector } from "./collector.ts";
import { bytesEqual, exists, KeyTable, latin1, ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/net/dev";

/** Netdata's default `disable by default interfaces matching`. */
const DISABLED = compileSimplePattern("lo fireqos* *-ifb fwpr* fwbr* fwln*");

/** Seconds before a sysfs attribute that failed is tried again. */
const READ_RETRY_PERIOD = 60;

const DUPLEX_UNKNOWN = 0, DUPLEX_HALF = 1, DUPLEX_FULL = 2;
const OPER_UNKNOWN = 0, OPER_NOTPRESENT = 1, OPER_DOWN = 2, OPER_LOWERLAYERDOWN = 3, OPER_TESTING = 4;
const OPER_DORMANT = 5, OPER_UP = 6;
// Index + 1 is the OPER_* code.
const OPERSTATES = new KeyTable(["notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"]);

const F_RBYTES = 0, F_RPACKETS = 1, F_RERRORS = 2, F_RDROPS = 3, F_RFIFO = 4, F_RFRAME = 5, F_RCOMPRESSED = 6;
const F_RMULTICAST = 7, F_TBYTES = 8, F_TPACKETS = 9, F_TERRORS = 10, F_TDROPS = 11, F_TFIFO = 12;
const F_TCOLLISIONS = 13, F_TCARRIER = 14, F_TCOMPRESSED = 15;

/** Interface priorities: 7000, +1 packets, ... +11 mtu (NETDATA_CHART_PRIO_FIRST_NET_IFACE). */
const PRIO = 7000;

interface Group {
  chart: Chart;
  dims: Dimension[];
}

/** A sysfs attribute kept open and re-read from the start (sysfs regenerates on offset 0). */
class SysAttr {
  readonly path: string;
  #file: ProcFile | null = null;

  constructor(path: string) {
    this.path = path;
  }

  /** Reads the attribute into `s`; false when it cannot be opened or read (e.g. EINVAL). */
  read(s: Scanner): boolean {
    try {
      this.#file ??= new ProcFile(this.path, 64);
      const n = this.#file.read();
      s.reset(this.#file.bytes, n);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.#file?.close();
    this.#file = null;
  }
}

/** One interface of /proc/net/dev. */
class NetDev {
  readonly nameBytes: Uint8Array;
  readonly name: string;
  readonly virtual: boolean;
  readonly enabled: boolean;
  updated = false;
  doBandwidth: number;
  doPackets = AUTO;
  doErrors = AUTO;
  doDrops = AUTO;
  doFifo = AUTO;
  doCompressed = AUTO;
  doEvents = AUTO;
  doSpeed = AUTO;
  doDuplex = AUTO;
  doOperstate = AUTO;
  doCarrier = AUTO;
  doMtu = AUTO;
  fileSpeed: SysAttr | null;
  fileDuplex: SysAttr | null;
  fileOperstate: SysAttr | null;
  fileCarrier: SysAttr | null;
  fileMtu: SysAttr | null;
  carrierFileExists = false;
  carrierLostSec = 0;
  duplexFileExists = false;
  duplexLostSec = 0;
  speedFileExists = false;
  speedLostSec = 0;
  carrier = 0;
  duplex = DUPLEX_UNKNOWN;
  operstate = OPER_UNKNOWN;
  mtu = 0;
  speed = 0;
  bandwidth: Group | null = null;
  packets: Group | null = null;
  errors: Group | null = null;
  drops: Group | null = null;
  fifo: Group | null = null;
  compressed: Group | null = null;
  events: Group | null = null;
  speedChart: Group | null = null;
  duplexChart: Group | null = null;
  operstateChart: Group | null = null;
  carrierChart: Group | null = null;
  mtuChart: Group | null = null;

  constructor(nameBytes: Uint8Array, sysRoot: string, doBandwidth: number) {
    this.nameBytes = nameBytes;
    this.name = latin1(nameBytes, 0, nameBytes.length);
    this.enabled = DISABLED(this.name) !== true;
    this.virtual = exists(`${sysRoot}/devices/virtual/net/${this.name}`);
    // Interfaces found after system.net latched to "yes" inherit it (Netdata's global static).
    this.doBandwidth = doBandwidth;
    const cls = `${sysRoot}/class/net/${this.name}`;
    this.fileSpeed = this.virtual ? null : new SysAttr(`${cls}/speed`);
    this.fileDuplex = this.virtual ? null : new SysAttr(`${cls}/duplex`);
    this.fileOperstate = new SysAttr(`${cls}/operstate`);
    this.fileCarrier = new SysAttr(`${cls}/carrier`);
    this.fileMtu = new SysAttr(`${cls}/mtu`);
  }

  labels(): [string, string][] {
    return [["interface_type", this.virtual ? "virtual" : "real"], ["device", this.name]];
  }

  charts(): (Group | null)[] {
    return [
      this.bandwidth,
      this.packets,
      this.errors,
      this.drops,
      this.fifo,
      this.compressed,
      this.events,
      this.speedChart,
      this.duplexChart,
      this.operstateChart,
      this.carrierChart,
      this.mtuChart,
    ];
  }

  close(): void {
    this.fileSpeed?.close();
    this.fileDuplex?.close();
    this.fileOperstate?.close();
    this.fileCarrier?.close();
    this.fileMtu?.close();
  }
}

/** Collects /proc/net/dev (and the interfaces' sysfs attributes). */
export class NetDevCollector implements Collector {
  readonly name = "proc:/proc/net/dev";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #sysRoot: string;
  readonly #file: ProcFile;
  readonly #scan = new Scanner(",|:");
  readonly #attr = new Scanner();
  readonly #f = new Float64Array(16);
  #devs: NetDev[] = [];
  #doBandwidth = AUTO;
  #system: Group | null = null;

  /** @throws {Deno.errors.NotFound} when `procRoot`/net/dev cannot be opened. */
  constructor(opts: { procRoot: string; sysRoot: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#sysRoot = opts.sysRoot;
    this.#file = new ProcFile(opts.procRoot + "/net/dev", 8192);
  }

  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    const s = this.#scan;
    s.reset(this.#file.bytes, n);
    const f = this.#f;
    const nowSec = Math.floor(host.nowUs() / 1_000_000);
    let systemRbytes = 0, systemTbytes = 0;
    s.nextLine();
    s.nextLine(); // two header lines
    for (let line = 0; !s.done; s.nextLine(), line++) {
      if (s.wordsLeft() < 17) continue;
      s.word();
      const d = this.#find(s.buf, s.ws, s.we, line);
      d.updated = true;
      if (!d.enabled) continue;
      for (let i = 0; i < 16; i++) f[i] = s.uint();
      if (!d.virtual) {
        systemRbytes += f[F_RBYTES];
        systemTbytes += f[F_TBYTES];
      }
      this.#collectDev(host, deltaUs, d, nowSec);
    }

    if (this.#doBandwidth === YES || (systemRbytes || systemTbytes)) {
      this.#doBandwidth = YES;
      this.#system ??= defineChart(host, this.#origin, {
        id: "system.net",
        title: "Physical Network Interfaces Aggregated Bandwidth",
        units: "kilobits/s",
        family: "network",
        context: "system.net",
        chartType: "area",
        priority: 500,
      }, [["InOctets", "received", "incremental", 8, 1000], ["OutOctets", "sent", "incremental", -8, 1000]]);
      put(this.#system, deltaUs, systemRbytes, systemTbytes);
    }

    // Interfaces that vanished: their charts become obsolete, like Netdata's netdev_free().
    let kept = 0;
    for (const d of this.#devs) {
      if (d.updated) {
        d.updated = false;
        this.#devs[kept++] = d;
      } else {
        for (const g of d.charts()) if (g !== null) obsoleteChart(g.chart);
        d.close();
      }
    }
    this.#devs.length = kept;
  }

  close(): void {
    this.#file.close();
    for (const d of this.#devs) d.close();
  }

  #find(buf: Uint8Array, ws: number, we: number, hint: number): NetDev {
    const devs = this.#devs;
    if (hint < devs.length && bytesEqual(buf, ws, we, devs[hint].nameBytes)) return devs[hint];
    for (const d of devs) if (bytesEqual(buf, ws, we, d.nameBytes)) return d;
    const d = new NetDev(buf.slice(ws, we), this.#sysRoot, this.#doBandwidth);
    devs.push(d);
    return d;
  }

  #define(
    host: Host,
    d: NetDev,
    type: string,
    ctx: string,
    title: string,
    units: string,
    chartType: ChartSpec["chartType"],
    offset: number,
    dims: readonly DimSpec[],
  ): Group {
    return defineChart(
      host,
      this.#origin,
      {
        id: `${type}.${d.name}`,
        title,
        units,
        family: d.name,
        context: ctx,
        chartType,
        priority: PRIO + offset,
        detail: offset !== 0,
      },
      dims,
      d.labels(),
    );
  }

  #readUint(file: SysAttr): number {
    if (!file.read(this.#attr)) return -1;
    return this.#attr.uint();
  }

  #collectDev(host: Host, deltaUs: number, d: NetDev, nowSec: number): void {
    const f = this.#f;
    const a = this.#attr;

    if (
      (d.doCarrier !== NO || d.doDuplex !== NO || d.doSpeed !== NO) && d.fileCarrier !== null &&
      (d.carrierFileExists || nowSec - d.carrierLostSec > READ_RETRY_PERIOD)
    ) {
      const v = this.#readUint(d.fileCarrier);
      if (v < 0) {
        d.carrier = 0;
        d.carrierFileExists = false;
        d.carrierLostSec = nowSec;
      } else {
        d.carrier = v;
        d.carrierFileExists = true;
        d.carrierLostSec = 0;
      }
    }

    if (
      d.doDuplex !== NO && d.fileDuplex !== null && (d.carrier || d.carrierFileExists) &&
      (d.duplexFileExists || nowSec - d.duplexLostSec > READ_RETRY_PERIOD)
    ) {
      if (!d.fileDuplex.read(a)) {
        d.duplexFileExists = false;
        d.duplexLostSec = nowSec;
        d.duplex = DUPLEX_UNKNOWN;
      } else {
        // "unknown", "half" or "full": the first letter decides.
        const c = a.end > 0 ? a.buf[0] : 0;
        d.duplex = c === 102 ? DUPLEX_FULL : c === 104 ? DUPLEX_HALF : DUPLEX_UNKNOWN;
        d.duplexFileExists = true;
        d.duplexLostSec = 0;
      }
    } else {
      d.duplex = DUPLEX_UNKNOWN;
    }

    if (d.doOperstate !== NO && d.fileOperstate !== null) {
      if (!d.fileOperstate.read(a)) {
        // Netdata stops updating the operstate for good.
        d.fileOperstate.close();
        d.fileOperstate = null;
      } else {
        d.operstate = a.word() ? OPERSTATES.find(a.buf, a.ws, a.we) + 1 : OPER_UNKNOWN;
      }
    }

    if (d.doMtu !== NO && d.fileMtu !== null) {
      const v = this.#readUint(d.fileMtu);
      if (v < 0) {
        d.mtu = 0;
        d.fileMtu.close();
        d.fileMtu = null;
      } else {
        d.mtu = v;
      }
    }

    if (d.doBandwidth === AUTO && (f[F_RBYTES] || f[F_TBYTES])) d.doBandwidth = YES;
    if (d.doBandwidth === YES) {
      d.bandwidth ??= this.#define(host, d, "net", "net.net", "Bandwidth", "kilobits/s", "area", 0, [
        ["received", null, "incremental", 8, 1000],
        ["sent", null, "incremental", -8, 1000],
      ]);
      put(d.bandwidth, deltaUs, f[F_RBYTES], f[F_TBYTES]);

      if (d.fileSpeed !== null) {
        let ok = true;
        if (
          (d.carrier || d.carrierFileExists) &&
          (d.speedFileExists || nowSec - d.speedLostSec > READ_RETRY_PERIOD)
        ) {
          const v = this.#readUint(d.fileSpeed);
          if (v < 0) {
            d.speed = 0;
            ok = false;
          } else {
            d.speed = v; // "-1" (unknown) reads as 0, like str2ull()
          }
        } else {
          d.speed = 0;
        }
        if (!ok) {
          d.speedFileExists = false;
          d.speedLostSec = nowSec;
        } else {
          if (d.doSpeed !== NO) {
            d.speedChart ??= this.#define(
              host,
              d,
              "net_speed",
              "net.speed",
              "Interface Speed",
              "kilobits/s",
              "line",
              7,
              [
                ["speed", null, "absolute", 1, 1],
              ],
            );
            put(d.speedChart, deltaUs, d.speed * 1000);
          }
          d.bandwidth.chart.variables.set("nic_speed_max", d.speed * 1000);
          if (d.speed) {
            d.speedFileExists = true;
            d.speedLostSec = 0;
          }
        }
      }
    }

    if (d.doDuplex !== NO && d.fileDuplex !== null) {
      d.duplexChart ??= this.#define(
        host,
        d,
        "net_duplex",
        "net.duplex",
        "Interface Duplex State",
        "state",
        "line",
        8,
        [
          ["full", null, "absolute", 1, 1],
          ["half", null, "absolute", 1, 1],
          ["unknown", null, "absolute", 1, 1],
        ],
      );
      put(
        d.duplexChart,
        deltaUs,
        d.duplex === DUPLEX_FULL ? 1 : 0,
        d.duplex === DUPLEX_HALF ? 1 : 0,
        d.duplex === DUPLEX_UNKNOWN ? 1 : 0,
      );
    }

    if (d.doOperstate !== NO && d.fileOperstate !== null) {
      d.operstateChart ??= this.#define(
        host,
        d,
        "net_operstate",
        "net.operstate",
        "Interface Operational State",
        "state",
        "line",
        9,
        [
          ["up", null, "absolute", 1, 1],
          ["down", null, "absolute", 1, 1],
          ["notpresent", null, "absolute", 1, 1],
          ["lowerlayerdown", null, "absolute", 1, 1],
          ["testing", null, "absolute", 1, 1],
          ["dormant", null, "absolute", 1, 1],
          ["unknown", null, "absolute", 1, 1],
        ],
      );
      const o = d.operstate, c = d.operstateChart.chart, dims = d.operstateChart.dims;
      c.begin(deltaUs);
      c.set(dims[0], o === OPER_UP ? 1 : 0);
      c.set(dims[1], o === OPER_DOWN ? 1 : 0);
      c.set(dims[2], o === OPER_NOTPRESENT ? 1 : 0);
      c.set(dims[3], o === OPER_LOWERLAYERDOWN ? 1 : 0);
      c.set(dims[4], o === OPER_TESTING ? 1 : 0);
      c.set(dims[5], o === OPER_DORMANT ? 1 : 0);
      c.set(dims[6], o === OPER_UNKNOWN ? 1 : 0);
      c.end();
    }

    if (d.doCarrier !== NO && d.carrierFileExists) {
      d.carrierChart ??= this.#define(
        host,
        d,
        "net_carrier",
        "net.carrier",
        "Interface Physical Link State",
        "state",
        "line",
        10,
        [
          ["up", null, "absolute", 1, 1],
          ["down", null, "absolute", 1, 1],
        ],
      );
      put(d.carrierChart, deltaUs, d.carrier === 1 ? 1 : 0, d.carrier !== 1 ? 1 : 0);
    }

    if (d.doMtu !== NO && d.fileMtu !== null) {
      d.mtuChart ??= this.#define(host, d, "net_mtu", "net.mtu", "Interface MTU", "octets", "line", 11, [
        ["mtu", null, "absolute", 1, 1],
      ]);
      put(d.mtuChart, deltaUs, d.mtu);
    }

    if (d.doPackets === AUTO && (f[F_RPACKETS] || f[F_TPACKETS] || f[F_RMULTICAST])) d.doPackets = YES;
    if (d.doPackets === YES) {
      d.packets ??= this.#define(host, d, "net_packets", "net.packets", "Packets", "packets/s", "line", 1, [
        ["received", null, "incremental", 1, 1],
        ["sent", null, "incremental", -1, 1],
        ["multicast", null, "incremental", 1, 1],
      ]);
      put(d.packets, deltaUs, f[F_RPACKETS], f[F_TPACKETS], f[F_RMULTICAST]);
    }

    if (d.doErrors === AUTO && (f[F_RERRORS] || f[F_TERRORS])) d.doErrors = YES;
    if (d.doErrors === YES) {
      d.errors ??= this.#define(
        host,
        d,
        "net_errors",
        "net.errors",
        "Interface Errors",
        "errors/s",
        "line",
        2,
        [
          ["inbound", null, "incremental", 1, 1],
          ["outbound", null, "incremental", -1, 1],
        ],
      );
      put(d.errors, deltaUs, f[F_RERRORS], f[F_TERRORS]);
    }

    if (d.doDrops === AUTO && (f[F_RDROPS] || f[F_TDROPS])) d.doDrops = YES;
    if (d.doDrops === YES) {
      d.drops ??= this.#define(host, d, "net_drops", "net.drops", "Interface Drops", "drops/s", "line", 3, [
        ["inbound", null, "incremental", 1, 1],
        ["outbound", null, "incremental", -1, 1],
      ]);
      put(d.drops, deltaUs, f[F_RDROPS], f[F_TDROPS]);
    }

    if (d.doFifo === AUTO && (f[F_RFIFO] || f[F_TFIFO])) d.doFifo = YES;
    if (d.doFifo === YES) {
      d.fifo ??= this.#define(
        host,
        d,
        "net_fifo",
        "net.fifo",
        "Interface FIFO Buffer Errors",
        "errors",
        "line",
        4,
        [
          ["receive", null, "incremental", 1, 1],
          ["transmit", null, "incremental", -1, 1],
        ],
      );
      put(d.fifo, deltaUs, f[F_RFIFO], f[F_TFIFO]);
    }

    if (d.doCompressed === AUTO && (f[F_RCOMPRESSED] || f[F_TCOMPRESSED])) d.doCompressed = YES;
    if (d.doCompressed === YES) {
      d.compressed ??= this.#define(
        host,
        d,
        "net_compressed",
        "net.compressed",
        "Compressed Packets",
        "packets/s",
        "line",
        5,
        [
          ["received", null, "incremental", 1, 1],
          ["sent", null, "incremental", -1, 1],
        ],
      );
      put(d.compressed, deltaUs, f[F_RCOMPRESSED], f[F_TCOMPRESSED]);
    }

    if (d.doEvents === AUTO && (f[F_RFRAME] || f[F_TCOLLISIONS] || f[F_TCARRIER])) d.doEvents = YES;
    if (d.doEvents === YES) {
      d.events ??= this.#define(
        host,
        d,
        "net_events",
        "net.events",
        "Network Interface Events",
        "events/s",
        "line",
        6,
        [
          ["frames", null, "incremental", 1, 1],
          ["collisions", null, "incremental", -1, 1],
          ["carrier", null, "incremental", -1, 1],
        ],
      );
      put(d.events, deltaUs, f[F_RFRAME], f[F_TCOLLISIONS], f[F_TCARRIER]);
    }
  }
}

function put(g: Group, deltaUs: number, a: number, b?: number, c?: number): void {
  const chart = g.chart, dims = g.dims;
  chart.begin(deltaUs);
  chart.set(dims[0], a);
  if (dims.length > 1) chart.set(dims[1], b!);
  if (dims.length > 2) chart.set(dims[2], c!);
  chart.end();
}
