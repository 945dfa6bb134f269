/**
 * Hardware sensors from /sys/class/hwmon: temperatures (a Raspberry Pi's SoC thermal zone shows up
 * there as the `cpu_thermal` chip), voltages, fans, currents, power, energy and humidity, charted
 * as Netdata 1.37's python.d `sensors` module does (it reads the same files through libsensors):
 * one chart per chip and kind, `sensors.<chip>_<kind>` (e.g. `sensors.cpu_thermal-virtual-0_temperature`),
 * dimensions `<chip>_<feature>` named by the feature's label, values in thousandths.
 *
 * Chip names follow libsensors (`<name>-<bus>-<address>`: `coretemp-isa-0000`, `nvme-pci-0100`,
 * `lm75-i2c-1-48`, `cpu_thermal-virtual-0`). A value outside libsensors' sane limits is left out of
 * its round, as python.d does.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, type Origin } from "./_helper.ts";
import { wordInt } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, readSmallFile, Scanner } from "./proc_file.ts";

/** python.d's default priority of a job's first chart. */
const PRIORITY = 60000;

interface Kind {
  /** The sysfs file prefix (`temp` for temp1_input). */
  prefix: string;
  kind: string;
  title: string;
  units: string;
  family: string;
  /** sysfs unit per libsensors unit (millidegrees per degree, ...). */
  scale: number;
  algorithm: "absolute" | "incremental";
  limits?: readonly [number, number];
}

/** python.d's chart order: priority is PRIORITY + the index here. */
const KINDS: readonly Kind[] = [
  {
    prefix: "temp",
    kind: "temperature",
    title: "Temperature",
    units: "Celsius",
    family: "temperature",
    scale: 1000,
    algorithm: "absolute",
    limits: [-127, 1000],
  },
  {
    prefix: "fan",
    kind: "fan",
    title: "Fans speed",
    units: "Rotations/min",
    family: "fans",
    scale: 1,
    algorithm: "absolute",
    limits: [0, 65535],
  },
  {
    prefix: "in",
    kind: "voltage",
    title: "Voltage",
    units: "Volts",
    family: "voltage",
    scale: 1000,
    algorithm: "absolute",
    limits: [-127, 127],
  },
  {
    prefix: "curr",
    kind: "current",
    title: "Current",
    units: "Ampere",
    family: "current",
    scale: 1000,
    algorithm: "absolute",
    limits: [-127, 127],
  },
  {
    prefix: "power",
    kind: "power",
    title: "Power",
    units: "Watt",
    family: "power",
    scale: 1e6,
    algorithm: "absolute",
  },
  {
    prefix: "energy",
    kind: "energy",
    title: "Energy",
    units: "Joule",
    family: "energy",
    scale: 1e6,
    algorithm: "incremental",
  },
  {
    prefix: "humidity",
    kind: "humidity",
    title: "Humidity",
    units: "Percent",
    family: "humidity",
    scale: 1000,
    algorithm: "absolute",
  },
];

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

function linkName(path: string): string | null {
  try {
    const target = Deno.readLinkSync(path);
    return target.slice(target.lastIndexOf("/") + 1);
  } catch {
    return null;
  }
}

/**
 * libsensors' name of the chip behind a hwmon directory, or null for a bus it does not handle.
 * @example chipName("coretemp", "coretemp.0", "platform") // "coretemp-isa-0000"
 */
export function chipName(name: string, device: string | null, subsystem: string | null): string | null {
  if (device === null) return `${name}-virtual-0`;
  let m: RegExpExecArray | null;
  switch (subsystem) {
    case "i2c":
      m = /^(\d+)-([0-9a-f]+)$/i.exec(device);
      return m ? `${name}-i2c-${Number(m[1])}-${hex(Number.parseInt(m[2], 16), 2)}` : null;
    case "spi":
      m = /^spi(\d+)\.(\d+)$/.exec(device);
      return m ? `${name}-spi-${Number(m[1])}-${hex(Number(m[2]), 1)}` : null;
    case "pci": {
      m = /^([0-9a-f]+):([0-9a-f]+):([0-9a-f]+)\.([0-9a-f]+)$/i.exec(device);
      if (!m) return null;
      const [d, b, s, f] = m.slice(1).map((x) => Number.parseInt(x, 16));
      return `${name}-pci-${hex((d << 16) + (b << 8) + (s << 3) + f, 4)}`;
    }
    case "platform":
    case "of_platform": {
      m = /^[a-z0-9_]+\.(\d+)$/.exec(device);
      return `${name}-isa-${hex(m ? Number(m[1]) : 0, 4)}`;
    }
    case "acpi":
      return `${name}-acpi-0`;
    case "hid":
      m = /^([0-9a-f]+):[0-9a-f]+:[0-9a-f]+\.([0-9a-f]+)$/i.exec(device);
      return m ? `${name}-hid-${Number.parseInt(m[1], 16)}-${hex(Number.parseInt(m[2], 16), 1)}` : null;
    case "scsi":
      m = /^(\d+):\d+:\d+:([0-9a-f]+)$/i.exec(device);
      return m ? `${name}-scsi-${Number(m[1])}-${hex(Number.parseInt(m[2], 16), 1)}` : null;
    default:
      return null;
  }
}

interface Feature {
  file: ProcFile;
  dimId: string;
  label: string;
  dim: Dimension | null;
}

interface ChipChart {
  id: string;
  kind: Kind;
  priority: number;
  features: Feature[];
  chart: Chart | null;
}

/** Collects every hwmon chip's sensors. */
export class SensorsCollector implements Collector {
  readonly name = "python.d:sensors";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #charts: ChipChart[] = [];
  readonly #scan = new Scanner();

  /** @throws {Deno.errors.NotFound} when no hwmon chip has a readable sensor. */
  constructor(opts: { sysRoot?: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: "python.d.plugin", module: "sensors", updateEvery: opts.updateEvery };
    const root = (opts.sysRoot ?? "/sys") + "/class/hwmon";
    let dirs: string[] = [];
    try {
      dirs = [...Deno.readDirSync(root)].map((e) => e.name).filter((n) => /^hwmon\d+$/.test(n));
    } catch { /* no hwmon class */ }
    dirs.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    for (const d of dirs) this.#discover(`${root}/${d}`);
    if (this.#charts.length === 0) throw new Deno.errors.NotFound(`No hwmon sensor under "${root}"`);
  }

  collect(host: Host, deltaUs: number): void {
    const s = this.#scan;
    for (const c of this.#charts) {
      if (c.chart === null) this.#define(host, c);
      const chart = c.chart!;
      chart.begin(deltaUs);
      for (const f of c.features) {
        let raw: number;
        try {
          s.reset(f.file.bytes, f.file.read());
          if (!s.word()) continue;
          raw = wordInt(s);
        } catch {
          continue; // EIO/ENODATA from a sensor that is not ready: no value this round
        }
        const v = raw / c.kind.scale;
        const lim = c.kind.limits;
        if (lim !== undefined && (v < lim[0] || v > lim[1])) continue;
        // python.d sends int(value * 1000).
        chart.set(f.dim!, Math.trunc(v * 1000));
      }
      chart.end();
    }
  }

  close(): void {
    for (const c of this.#charts) for (const f of c.features) f.file.close();
  }

  #discover(dir: string): void {
    const name = readSmallFile(`${dir}/name`) ?? readSmallFile(`${dir}/device/name`);
    if (name === null) return;
    const device = linkName(`${dir}/device`);
    const chip = chipName(name, device, device === null ? null : linkName(`${dir}/device/subsystem`));
    if (chip === null) return;
    let files: string[];
    try {
      files = [...Deno.readDirSync(dir)].map((e) => e.name);
    } catch {
      return;
    }
    for (let k = 0; k < KINDS.length; k++) {
      const kind = KINDS[k];
      const re = new RegExp(`^${kind.prefix}(\\d+)_input$`);
      const numbers = files.map((f) => re.exec(f)).filter((m) => m !== null).map((m) => Number(m![1]));
      numbers.sort((a, b) => a - b);
      const features: Feature[] = [];
      for (const n of numbers) {
        const feat = `${kind.prefix}${n}`;
        let file: ProcFile;
        try {
          file = new ProcFile(`${dir}/${feat}_input`, 64);
          file.read(); // a sensor that cannot be read now is left out, as libsensors does
        } catch {
          continue;
        }
        features.push({
          file,
          dimId: `${chip}_${feat}`,
          label: readSmallFile(`${dir}/${feat}_label`) ?? feat,
          dim: null,
        });
      }
      if (features.length === 0) continue;
      const id = `sensors.${chip}_${kind.kind}`;
      const same = this.#charts.find((c) => c.id === id);
      if (same) same.features.push(...features); // two hwmon directories of one chip
      else this.#charts.push({ id, kind, priority: PRIORITY + k, features, chart: null });
    }
  }

  #define(host: Host, c: ChipChart): void {
    const { chart, dims } = defineChart(
      host,
      this.#origin,
      {
        id: c.id,
        title: c.kind.title,
        units: c.kind.units,
        family: c.kind.family,
        context: `sensors.${c.kind.kind}`,
        chartType: "line",
        priority: c.priority,
      },
      c.features.map((f) => [f.dimId, f.label, c.kind.algorithm, 1, 1000] as const),
      [["_collect_job", "sensors"]],
    );
    c.chart = chart;
    for (let i = 0; i < dims.length; i++) c.features[i].dim = dims[i];
  }
}
