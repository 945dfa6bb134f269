/**
 * /proc/diskstats: per-disk disk.*, disk_ext.* charts and system.io, with the disk types,
 * exclusions ("loop* ram*"), "auto" rules and derived charts (await, avgsz, svctm, util) of
 * Netdata 1.37's proc_diskstats.c. Not done: bcache charts, device-mapper/LVM and by-label
 * names (disks are named by their kernel name), per-disk configuration.
 * @module
 */

import type { Host } from "../host/mod.ts";
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
import type { Collector } from "./collector.ts";
import {
  Disk,
  type Group,
  put,
  ratio,
  TYPE_PARTITION,
  TYPE_PHYSICAL,
  TYPE_UNKNOWN,
  TYPE_VIRTUAL,
} from "./diskstats_disk.ts";
import { bytesEqual, exists, latin1, ProcFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/diskstats";

/** The kernel counts in 512-byte sectors whatever the hardware sector size (netdata#3481). */
const SECTOR_SIZE = 512;

/** Collects /proc/diskstats. */
export class DiskstatsCollector implements Collector {
  readonly name = "proc:/proc/diskstats";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #procRoot: string;
  readonly #sysRoot: string;
  readonly #file: ProcFile;
  readonly #scan = new Scanner();
  #disks: Disk[] = [];
  #systemIo: Group | null = null;
  #firstRun = true;
  /** Raw fields of the current line: reads, mreads, readsectors, readms, writes, ... (17). */
  readonly #f = new Float64Array(17);

  /** @throws {Deno.errors.NotFound} when `procRoot`/diskstats cannot be opened. */
  constructor(opts: { procRoot: string; sysRoot: string; updateEvery: number }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    this.#procRoot = opts.procRoot;
    this.#sysRoot = opts.sysRoot;
    this.#file = new ProcFile(opts.procRoot + "/diskstats", 8192);
  }

  collect(host: Host, deltaUs: number): void {
    const n = this.#file.read();
    const s = this.#scan;
    s.reset(this.#file.bytes, n);
    const f = this.#f;
    let systemReadKb = 0, systemWriteKb = 0;
    let doDcStats = false, doFlStats = false;
    let line = 0;

    for (; !s.done; s.nextLine(), line++) {
      const words = s.wordsLeft();
      if (words < 14) continue;
      const major = s.uint(), minor = s.uint();
      s.word();
      const ws = s.ws, we = s.we;
      for (let i = 0; i < 17; i++) f[i] = s.uint(); // missing words read as 0, like procfile
      // Netdata tests `words > 13` after requiring 14, so discard fields are always "present".
      doDcStats = true;
      if (words > 17) doFlStats = true;

      const d = this.#find(major, minor, s.buf, ws, we, line);
      d.updated = true;
      const readsectors = f[2], writesectors = f[6];
      if (d.type === TYPE_PHYSICAL) {
        systemReadKb += Math.trunc(readsectors * SECTOR_SIZE / 1024);
        systemWriteKb += Math.trunc(writesectors * SECTOR_SIZE / 1024);
      }
      this.#collectDisk(host, deltaUs, d, doDcStats, doFlStats);
    }

    // Netdata never latches this "auto": a round where both sums are 0 is skipped.
    if (systemReadKb || systemWriteKb) {
      this.#systemIo ??= defineChart(host, this.#origin, {
        id: "system.io",
        title: "Disk I/O",
        units: "KiB/s",
        family: "disk",
        context: "system.io",
        chartType: "area",
        priority: 150,
      }, [["in", null, "incremental", 1, 1], ["out", null, "incremental", -1, 1]]);
      put(this.#systemIo, deltaUs, systemReadKb, systemWriteKb);
    }

    this.#firstRun = false;

    // Netdata's "remove charts of removed disks" (default yes).
    let kept = 0;
    for (const d of this.#disks) {
      if (d.updated) {
        d.updated = false;
        this.#disks[kept++] = d;
      } else {
        for (const g of d.charts()) if (g !== null) obsoleteChart(g.chart);
      }
    }
    this.#disks.length = kept;
  }

  close(): void {
    this.#file.close();
  }

  #find(major: number, minor: number, buf: Uint8Array, ws: number, we: number, hint: number): Disk {
    const disks = this.#disks;
    // Lines come in the same order every time: try the same position first.
    if (hint < disks.length) {
      const d = disks[hint];
      if (d.major === major && d.minor === minor && bytesEqual(buf, ws, we, d.nameBytes)) return d;
    }
    for (const d of disks) {
      if (d.major === major && d.minor === minor && bytesEqual(buf, ws, we, d.nameBytes)) return d;
    }
    const nameBytes = buf.slice(ws, we);
    const device = latin1(nameBytes, 0, nameBytes.length);
    const d = new Disk(
      major,
      minor,
      nameBytes,
      this.#diskType(major, minor, device),
      this.#mountPoint(major, minor, device),
    );
    disks.push(d);
    return d;
  }

  /** Netdata's get_disk() type checks, in its order. */
  #diskType(major: number, minor: number, device: string): number {
    const sys = this.#sysRoot;
    let type = TYPE_UNKNOWN;
    if (exists(`${sys}/block/${device}`)) type = TYPE_PHYSICAL;
    if (exists(`${sys}/dev/block/${major}:${minor}/partition`)) return TYPE_PARTITION;
    if (exists(`${sys}/devices/virtual/block/${device}`)) return TYPE_VIRTUAL;
    try {
      for (const _ of Deno.readDirSync(`${sys}/dev/block/${major}:${minor}/slaves/`)) return TYPE_VIRTUAL;
    } catch {
      // no slaves directory: keep what we found
    }
    return type;
  }

  /** The mount point of the device, from /proc/self/mountinfo (first mount wins), or null. */
  #mountPoint(major: number, minor: number, device: string): string | null {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.#procRoot + "/self/mountinfo");
    } catch {
      return null;
    }
    const seen = new Set<string>();
    for (const line of text.split("\n")) {
      const w = line.split(" ");
      if (w.length < 5 || seen.has(w[4])) continue;
      seen.add(w[4]);
      const colon = w[2].indexOf(":");
      if (colon < 0) continue;
      if (Number.parseInt(w[2].slice(0, colon), 10) !== major) continue;
      if (Number.parseInt(w[2].slice(colon + 1), 10) !== minor) continue;
      const dash = w.indexOf("-", 6);
      if (dash < 0 || dash + 2 >= w.length) continue;
      const source = decodeOctal(w[dash + 2]);
      const base = source.slice(source.lastIndexOf("/") + 1);
      if (base === device) return decodeOctal(w[4]);
    }
    return null;
  }

  #define(host: Host, d: Disk, spec: ChartSpec, dims: readonly DimSpec[]): Group {
    return defineChart(host, this.#origin, spec, dims, d.labels());
  }

  #spec(
    d: Disk,
    type: string,
    context: string,
    title: string,
    units: string,
    chartType: ChartSpec["chartType"],
    priority: number,
    detail: boolean,
  ): ChartSpec {
    return {
      id: `${type}.${d.device}`,
      title,
      units,
      family: d.family,
      context,
      chartType,
      priority,
      detail,
    };
  }

  #collectDisk(host: Host, deltaUs: number, d: Disk, doDc: boolean, doFl: boolean): void {
    const f = this.#f;
    const reads = f[0], mreads = f[1], readsectors = f[2], readms = f[3];
    const writes = f[4], mwrites = f[5], writesectors = f[6], writems = f[7];
    const queuedIos = f[8], busyMs = f[9], backlogMs = f[10];
    const discards = f[11], mdiscards = f[12], discardsectors = f[13], discardms = f[14];
    const flushes = f[15], flushms = f[16];
    let lastReads = 0,
      lastReadsectors = 0,
      lastReadms = 0,
      lastWrites = 0,
      lastWritesectors = 0,
      lastWritems = 0;
    let lastBusyMs = 0,
      lastDiscards = 0,
      lastDiscardsectors = 0,
      lastDiscardms = 0,
      lastFlushes = 0,
      lastFlushms = 0;
    const ue = this.updateEvery;

    if (d.doIo === YES || (d.doIo === AUTO && (readsectors || writesectors || discardsectors))) {
      d.doIo = YES;
      d.io ??= this.#define(
        host,
        d,
        this.#spec(d, "disk", "disk.io", "Disk I/O Bandwidth", "KiB/s", "area", 2000, false),
        [
          ["reads", null, "incremental", SECTOR_SIZE, 1024],
          ["writes", null, "incremental", -SECTOR_SIZE, 1024],
        ],
      );
      lastReadsectors = d.io.dims[0].lastCollected;
      lastWritesectors = d.io.dims[1].lastCollected;
      put(d.io, deltaUs, readsectors, writesectors);
    }

    if (doDc && d.doIo === YES && d.doExt !== NO) {
      d.extIo ??= this.#define(
        host,
        d,
        this.#spec(d, "disk_ext", "disk_ext.io", "Amount of Discarded Data", "KiB/s", "area", 2001, false),
        [["discards", null, "incremental", SECTOR_SIZE, 1024]],
      );
      lastDiscardsectors = d.extIo.dims[0].lastCollected;
      put(d.extIo, deltaUs, discardsectors);
    }

    if (d.doOps === YES || (d.doOps === AUTO && (reads || writes || discards || flushes))) {
      d.doOps = YES;
      d.ops ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_ops",
          "disk.ops",
          "Disk Completed I/O Operations",
          "operations/s",
          "line",
          2010,
          true,
        ),
        [["reads", null, "incremental", 1, 1], ["writes", null, "incremental", -1, 1]],
      );
      lastReads = d.ops.dims[0].lastCollected;
      lastWrites = d.ops.dims[1].lastCollected;
      put(d.ops, deltaUs, reads, writes);
    }

    if (doDc && d.doOps === YES && d.doExt !== NO) {
      d.extOps ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_ext_ops",
          "disk_ext.ops",
          "Disk Completed Extended I/O Operations",
          "operations/s",
          "line",
          2011,
          true,
        ),
        doFl
          ? [["discards", null, "incremental", 1, 1], ["flushes", null, "incremental", 1, 1]]
          : [["discards", null, "incremental", 1, 1]],
      );
      lastDiscards = d.extOps.dims[0].lastCollected;
      if (d.extOps.dims.length > 1) lastFlushes = d.extOps.dims[1].lastCollected;
      put(d.extOps, deltaUs, discards, flushes);
    }

    if (d.doQops === YES || (d.doQops === AUTO && queuedIos)) {
      d.doQops = YES;
      d.qops ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_qops",
          "disk.qops",
          "Disk Current I/O Operations",
          "operations",
          "line",
          2015,
          true,
        ),
        [["operations", null, "absolute", 1, 1]],
      );
      put(d.qops, deltaUs, queuedIos);
    }

    if (d.doBacklog === YES || (d.doBacklog === AUTO && backlogMs)) {
      d.doBacklog = YES;
      d.backlog ??= this.#define(
        host,
        d,
        this.#spec(d, "disk_backlog", "disk.backlog", "Disk Backlog", "milliseconds", "area", 2020, true),
        [["backlog", null, "incremental", 1, 1]],
      );
      put(d.backlog, deltaUs, backlogMs);
    }

    if (d.doUtil === YES || (d.doUtil === AUTO && busyMs)) {
      d.doUtil = YES;
      d.busy ??= this.#define(
        host,
        d,
        this.#spec(d, "disk_busy", "disk.busy", "Disk Busy Time", "milliseconds", "area", 2030, true),
        [["busy", null, "incremental", 1, 1]],
      );
      lastBusyMs = d.busy.dims[0].lastCollected;
      put(d.busy, deltaUs, busyMs);

      d.util ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_util",
          "disk.util",
          "Disk Utilization Time",
          "% of time working",
          "area",
          2040,
          true,
        ),
        [["utilization", null, "absolute", 1, 1]],
      );
      let utilization = Math.trunc((busyMs - lastBusyMs) / (10 * ue));
      if (utilization > 100) utilization = 100;
      put(d.util, deltaUs, utilization);
    }

    if (d.doMops === YES || (d.doMops === AUTO && (mreads || mwrites || mdiscards))) {
      d.doMops = YES;
      d.mops ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_mops",
          "disk.mops",
          "Disk Merged Operations",
          "merged operations/s",
          "line",
          2080,
          true,
        ),
        [["reads", null, "incremental", 1, 1], ["writes", null, "incremental", -1, 1]],
      );
      put(d.mops, deltaUs, mreads, mwrites);
    }

    if (doDc && d.doMops === YES && d.doExt !== NO) {
      d.extMops ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_ext_mops",
          "disk_ext.mops",
          "Disk Merged Discard Operations",
          "merged operations/s",
          "line",
          2081,
          true,
        ),
        [["discards", null, "incremental", 1, 1]],
      );
      put(d.extMops, deltaUs, mdiscards);
    }

    if (d.doIotime === YES || (d.doIotime === AUTO && (readms || writems || discardms || flushms))) {
      d.doIotime = YES;
      d.iotime ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_iotime",
          "disk.iotime",
          "Disk Total I/O Time",
          "milliseconds/s",
          "line",
          2090,
          true,
        ),
        [["reads", null, "incremental", 1, 1], ["writes", null, "incremental", -1, 1]],
      );
      lastReadms = d.iotime.dims[0].lastCollected;
      lastWritems = d.iotime.dims[1].lastCollected;
      put(d.iotime, deltaUs, readms, writems);
    }

    if (doDc && d.doIotime === YES && d.doExt !== NO) {
      d.extIotime ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_ext_iotime",
          "disk_ext.iotime",
          "Disk Total I/O Time for Extended Operations",
          "milliseconds/s",
          "line",
          2091,
          true,
        ),
        doFl
          ? [["discards", null, "incremental", 1, 1], ["flushes", null, "incremental", 1, 1]]
          : [["discards", null, "incremental", 1, 1]],
      );
      lastDiscardms = d.extIotime.dims[0].lastCollected;
      if (d.extIotime.dims.length > 1) lastFlushms = d.extIotime.dims[1].lastCollected;
      put(d.extIotime, deltaUs, discardms, flushms);
    }

    // Differential charts: only from the second collection on (Netdata's `if (dt)`).
    if (this.#firstRun) return;

    if (
      (d.doIotime === YES || (d.doIotime === AUTO && (readms || writems))) &&
      (d.doOps === YES || (d.doOps === AUTO && (reads || writes)))
    ) {
      d.await ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_await",
          "disk.await",
          "Average Completed I/O Operation Time",
          "milliseconds/operation",
          "line",
          2050,
          true,
        ),
        [["reads", null, "absolute", 1, 1], ["writes", null, "absolute", -1, 1]],
      );
      put(
        d.await,
        deltaUs,
        ratio(readms - lastReadms, reads - lastReads),
        ratio(writems - lastWritems, writes - lastWrites),
      );
    }

    if (doDc && d.doIotime === YES && d.doOps === YES && d.doExt !== NO) {
      d.extAwait ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_ext_await",
          "disk_ext.await",
          "Average Completed Extended I/O Operation Time",
          "milliseconds/operation",
          "line",
          2051,
          true,
        ),
        doFl
          ? [["discards", null, "absolute", 1, 1], ["flushes", null, "absolute", 1, 1]]
          : [["discards", null, "absolute", 1, 1]],
      );
      put(
        d.extAwait,
        deltaUs,
        ratio(discardms - lastDiscardms, discards - lastDiscards),
        ratio(flushms - lastFlushms, flushes - lastFlushes),
      );
    }

    if (
      (d.doIo === YES || (d.doIo === AUTO && (readsectors || writesectors))) &&
      (d.doOps === YES || (d.doOps === AUTO && (reads || writes)))
    ) {
      d.avgsz ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_avgsz",
          "disk.avgsz",
          "Average Completed I/O Operation Bandwidth",
          "KiB/operation",
          "area",
          2060,
          true,
        ),
        [["reads", null, "absolute", SECTOR_SIZE, 1024], ["writes", null, "absolute", -SECTOR_SIZE, 1024]],
      );
      put(
        d.avgsz,
        deltaUs,
        ratio(readsectors - lastReadsectors, reads - lastReads),
        ratio(writesectors - lastWritesectors, writes - lastWrites),
      );
    }

    if (doDc && d.doIo === YES && d.doOps === YES && d.doExt !== NO) {
      d.extAvgsz ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_ext_avgsz",
          "disk_ext.avgsz",
          "Average Amount of Discarded Data",
          "KiB/operation",
          "area",
          2060,
          true,
        ),
        [["discards", null, "absolute", SECTOR_SIZE, 1024]],
      );
      put(d.extAvgsz, deltaUs, ratio(discardsectors - lastDiscardsectors, discards - lastDiscards));
    }

    if (
      (d.doUtil === YES || (d.doUtil === AUTO && busyMs)) &&
      (d.doOps === YES || (d.doOps === AUTO && (reads || writes)))
    ) {
      d.svctm ??= this.#define(
        host,
        d,
        this.#spec(
          d,
          "disk_svctm",
          "disk.svctm",
          "Average Service Time",
          "milliseconds/operation",
          "line",
          2070,
          true,
        ),
        [["svctm", null, "absolute", 1, 1]],
      );
      put(d.svctm, deltaUs, ratio(busyMs - lastBusyMs, reads - lastReads + writes - lastWrites));
    }
  }
}

/** Decodes mountinfo's `\ooo` escapes (space is `\040`). */
function decodeOctal(s: string): string {
  if (s.indexOf("\\") < 0) return s;
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}
