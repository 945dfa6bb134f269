/**
 * /proc/net/wireless: per Wi-Fi interface (a Raspberry Pi's wlan0), wireless.<dev>_status,
 * _link_quality, _signal_level, _noise_level, _discarded_packets and _missed_beacon, as Netdata
 * 1.37's proc_net_wireless.c; an interface that leaves the file has its charts marked obsolete.
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
} from "./_helper.ts";
import { DEFAULTS, type EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { latin1, ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/net/wireless";
/** NETDATA_CHART_PRIO_WIRELESS_IFACE. */
const PRIORITY = 7110;
/** Words of a device line: name, status, link, level, noise, 5 discarded counters, beacons. */
const WORDS = 11;

interface Live {
  chart: Chart;
  dims: Dimension[];
}

interface Device {
  name: string;
  nameBytes: Uint8Array;
  seen: boolean;
  status: Live | null;
  link: Live | null;
  level: Live | null;
  noise: Live | null;
  discarded: Live | null;
  beacon: Live | null;
}

/** Collects /proc/net/wireless. */
export class WirelessCollector implements Collector {
  readonly name = "proc:/proc/net/wireless";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #file: ProcFile;
  readonly #scan = new Scanner(",|");
  readonly #devices: Device[] = [];
  readonly #v = new Float64Array(WORDS - 1);
  readonly #doStatus: boolean;
  readonly #doQuality: boolean;
  readonly #doDiscarded: boolean;
  readonly #doBeacon: boolean;

  /** @throws {Deno.errors.NotFound} when `procRoot`/net/wireless cannot be opened (no Wi-Fi). */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    const enable = opts.enable ?? DEFAULTS;
    this.#doStatus = enable(MODULE, "status for all interfaces", AUTO) !== NO;
    this.#doQuality = enable(MODULE, "quality for all interfaces", AUTO) !== NO;
    this.#doDiscarded = enable(MODULE, "discarded packets for all interfaces", AUTO) !== NO;
    this.#doBeacon = enable(MODULE, "missed beacon for all interface", AUTO) !== NO;
    this.#file = new ProcFile(opts.procRoot + "/net/wireless", 1024);
  }

  collect(host: Host, deltaUs: number): void {
    const s = this.#scan, v = this.#v;
    s.reset(this.#file.bytes, this.#file.read());
    for (const d of this.#devices) d.seen = false;
    s.nextLine(); // two header lines
    s.nextLine();
    for (; !s.done; s.nextLine()) {
      if (s.wordsLeft() < WORDS) continue;
      s.word();
      // "wlan0:" -> "wlan0"
      let we = s.we;
      if (s.buf[we - 1] === 58) we--;
      const d = this.#device(s.buf, s.ws, we);
      d.seen = true;
      v[0] = s.uint(); // status
      // link, level and noise: "70." / "-40." as (collected_number) of a double
      for (let k = 1; k <= 3; k++) {
        s.word();
        v[k] = signedDecimal(s);
      }
      for (let k = 4; k < WORDS - 1; k++) v[k] = s.uint();
      this.#charts(host, d, deltaUs);
    }
    for (let i = this.#devices.length - 1; i >= 0; i--) {
      const d = this.#devices[i];
      if (d.seen) continue;
      for (const l of [d.status, d.link, d.level, d.noise, d.discarded, d.beacon]) {
        obsoleteChart(l?.chart ?? null);
      }
      this.#devices.splice(i, 1);
    }
  }

  close(): void {
    this.#file.close();
  }

  #device(buf: Uint8Array, start: number, end: number): Device {
    for (const d of this.#devices) {
      if (d.nameBytes.length !== end - start) continue;
      let same = true;
      for (let i = 0; i < d.nameBytes.length && same; i++) same = d.nameBytes[i] === buf[start + i];
      if (same) return d;
    }
    const d: Device = {
      name: latin1(buf, start, end),
      nameBytes: buf.slice(start, end),
      seen: false,
      status: null,
      link: null,
      level: null,
      noise: null,
      discarded: null,
      beacon: null,
    };
    this.#devices.push(d);
    return d;
  }

  #charts(host: Host, d: Device, deltaUs: number): void {
    const v = this.#v;
    const def = (
      kind: string,
      context: string,
      title: string,
      units: string,
      prio: number,
      dims: DimSpec[],
    ) => {
      const spec: ChartSpec = {
        id: `wireless.${d.name}_${kind}`,
        title,
        units,
        family: d.name,
        context: `wireless.${context}`,
        chartType: "line",
        priority: PRIORITY + prio,
        detail: true,
      };
      return defineChart(host, this.#origin, spec, dims, [["device", d.name]]);
    };
    if (this.#doStatus) {
      d.status ??= def("status", "status", "Internal status reported by interface.", "status", 0, [
        ["status", null, "absolute", 1, 1],
      ]);
      put(d.status, deltaUs, v, 0, 1);
    }
    if (this.#doQuality) {
      d.link ??= def(
        "link_quality",
        "link_quality",
        "Overall quality of the link. This is an aggregate value, and depends on the driver and hardware.",
        "value",
        1,
        [["link_quality", null, "absolute", 1, 1]],
      );
      d.level ??= def(
        "signal_level",
        "signal_level",
        "The signal level is the wireless signal power level received by the wireless client. The closer the value is to 0, the stronger the signal.",
        "dBm",
        2,
        [["signal_level", null, "absolute", 1, 1]],
      );
      d.noise ??= def(
        "noise_level",
        "noise_level",
        "The noise level indicates the amount of background noise in your environment. The closer the value to 0, the greater the noise level.",
        "dBm",
        3,
        [["noise_level", null, "absolute", 1, 1]],
      );
      put(d.link, deltaUs, v, 1, 1);
      put(d.level, deltaUs, v, 2, 1);
      put(d.noise, deltaUs, v, 3, 1);
    }
    if (this.#doDiscarded) {
      d.discarded ??= def(
        "discarded_packets",
        "discarded_packets",
        'Packet discarded in the wireless adapter due to "wireless" specific problems.',
        "packets/s",
        4,
        ["nwid", "crypt", "frag", "retry", "misc"].map((id): DimSpec => [id, null, "incremental", 1, 1]),
      );
      put(d.discarded, deltaUs, v, 4, 5);
    }
    if (this.#doBeacon) {
      d.beacon ??= def("missed_beacon", "missed_beacons", "Number of missed beacons.", "frames/s", 5, [
        ["missed_beacons", null, "incremental", 1, 1],
      ]);
      put(d.beacon, deltaUs, v, 9, 1);
    }
  }
}

/** A decimal that may be negative (`-40.`), truncated like a C cast of the double. */
function signedDecimal(s: Scanner): number {
  const neg = s.ws < s.we && s.buf[s.ws] === 45;
  if (neg) s.ws++;
  let n = 0;
  for (let p = s.ws; p < s.we; p++) {
    const c = s.buf[p] - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

function put(l: Live, deltaUs: number, v: Float64Array, from: number, count: number): void {
  l.chart.begin(deltaUs);
  for (let i = 0; i < count; i++) l.chart.set(l.dims[i], v[from + i]);
  l.chart.end();
}
