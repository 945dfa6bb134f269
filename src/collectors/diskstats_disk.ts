/**
 * One block device of /proc/diskstats: its identity, which of its charts are on (Netdata's
 * "auto" rules start at AUTO), and the charts once defined; plus the small helpers the
 * collector (diskstats.ts) uses to feed them.
 * @module
 */

import type { Chart, Dimension } from "../host/mod.ts";
import { compileSimplePattern } from "../util/patterns.ts";
import { AUTO, NO } from "./_helper.ts";
import { latin1 } from "./proc_file.ts";

/** Disk types, as Netdata names them in the `device_type` label. */
export const TYPE_UNKNOWN = 0;
export const TYPE_PHYSICAL = 1;
export const TYPE_PARTITION = 2;
export const TYPE_VIRTUAL = 3;
const TYPE_NAMES = ["unknown", "physical", "partition", "virtual"];

/** Netdata's default `exclude disks`. */
const EXCLUDED = compileSimplePattern("loop* ram*");

/** A chart and its dimensions, in the order `put()` sets them. */
export interface Group {
  chart: Chart;
  dims: Dimension[];
}

/** One block device seen in /proc/diskstats. */
export class Disk {
  readonly major: number;
  readonly minor: number;
  readonly nameBytes: Uint8Array;
  readonly device: string;
  readonly type: number;
  readonly mountPoint: string | null;
  readonly family: string;
  updated = false;
  doIo = AUTO;
  doOps = AUTO;
  doMops = AUTO;
  doIotime = AUTO;
  doQops = AUTO;
  doUtil = AUTO;
  doExt = AUTO;
  doBacklog = AUTO;
  io: Group | null = null;
  extIo: Group | null = null;
  ops: Group | null = null;
  extOps: Group | null = null;
  qops: Group | null = null;
  backlog: Group | null = null;
  busy: Group | null = null;
  util: Group | null = null;
  mops: Group | null = null;
  extMops: Group | null = null;
  iotime: Group | null = null;
  extIotime: Group | null = null;
  await: Group | null = null;
  extAwait: Group | null = null;
  avgsz: Group | null = null;
  extAvgsz: Group | null = null;
  svctm: Group | null = null;

  constructor(major: number, minor: number, nameBytes: Uint8Array, type: number, mountPoint: string | null) {
    this.major = major;
    this.minor = minor;
    this.nameBytes = nameBytes;
    this.device = latin1(nameBytes, 0, nameBytes.length);
    this.type = type;
    this.mountPoint = mountPoint;
    this.family = mountPoint ?? this.device;
    const excluded = EXCLUDED(this.device) === true;
    if (excluded || type === TYPE_PARTITION) {
      // "enable" is no for excluded disks; "performance metrics for partitions" is no.
      this.doIo =
        this.doOps =
        this.doMops =
        this.doIotime =
        this.doQops =
        this.doUtil =
        this.doExt =
        this.doBacklog =
          NO;
    }
  }

  labels(): [string, string][] {
    return [["device", this.device], ["mount_point", this.mountPoint ?? ""], [
      "device_type",
      TYPE_NAMES[this.type],
    ]];
  }

  charts(): (Group | null)[] {
    return [
      this.avgsz,
      this.extAvgsz,
      this.await,
      this.extAwait,
      this.backlog,
      this.busy,
      this.io,
      this.extIo,
      this.iotime,
      this.extIotime,
      this.mops,
      this.extMops,
      this.ops,
      this.extOps,
      this.qops,
      this.svctm,
      this.util,
    ];
  }
}

/** C's `b ? a / b : 0` on collected_number (integer division truncates toward zero). */
export function ratio(a: number, b: number): number {
  return b ? Math.trunc(a / b) : 0;
}

/** One round of a chart with one or two dimensions. */
export function put(g: Group, deltaUs: number, a: number, b?: number): void {
  const c = g.chart, dims = g.dims;
  c.begin(deltaUs);
  c.set(dims[0], a);
  if (dims.length > 1) c.set(dims[1], b!);
  c.end();
}
