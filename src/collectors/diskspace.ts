/**
 * Disk space and inodes per mount point: disk_space.<mount> and disk_inodes.<mount>, as Netdata
 * 1.37's diskspace.plugin: mount points from /proc/self/mountinfo (first entry of a mount point
 * wins, re-read every 15 s), without dummy filesystems (proc, sysfs, devpts, ...), Netdata's
 * excluded paths and filesystems, read-only mounts (unless enabled), and read-only systemd
 * protected directories; values from statfs(2) through node:fs `statfsSync` (Deno has no statfs
 * of its own; no child process, no native code). A mount point that goes away has its charts
 * marked obsolete.
 *
 * Unlike Netdata, a mount point whose statfs is slow is not moved to a separate slower thread.
 * @module
 */

import { statfsSync } from "node:fs";
import type { Chart, Dimension, Host } from "../host/mod.ts";
import { AUTO, defineChart, NO, type Origin, YES } from "./_helper.ts";
import { DEFAULTS, type EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";

const PLUGIN = "diskspace.plugin";
const SECTION = "diskspace";
const DEFAULT_EXCLUDED_PATHS = "/proc/* /sys/* /var/run/user/* /run/user/* /snap/* /var/lib/docker/*";
const DEFAULT_EXCLUDED_FILESYSTEMS =
  "*gvfs *gluster* *s3fs *ipfs *davfs2 *httpfs *sshfs *gdfs *moosefs fusectl autofs";
const CHECK_MOUNTS_EVERY_SEC = 15;
const GIB = 1024 * 1024 * 1024;

/** gnulib's ME_DUMMY: filesystems without space of their own. */
const DUMMY = new Set([
  "autofs",
  "proc",
  "subfs",
  "debugfs",
  "devpts",
  "fusectl",
  "mqueue",
  "rpc_pipefs",
  "sysfs",
  "devfs",
  "kernfs",
  "ignore",
  "none",
]);

/** Directories systemd's ProtectHome/ProtectSystem mount read-only. */
const SYSTEMD_PROTECTED = new Set([
  "/home",
  "/root",
  "/usr",
  "/boot",
  "/efi",
  "/etc",
  "/run/user",
  "/lib",
  "/lib64",
  "/bin",
  "/sbin",
]);

/** What statfs(2) says of a filesystem (node's `StatFs`, as numbers). */
export interface FsStats {
  bsize: number;
  frsize?: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** The filesystem calls the collector makes (tests replace them). */
export interface FsAccess {
  /** @throws {Error} when the mount point cannot be queried. */
  statfs(path: string): FsStats;
  isDirectory(path: string): boolean;
}

const REAL_FS: FsAccess = {
  statfs: (path) => statfsSync(path) as unknown as FsStats,
  isDirectory(path) {
    try {
      return Deno.statSync(path).isDirectory;
    } catch {
      return false;
    }
  },
};

/** A Netdata simple pattern (space-separated globs with `*`, `!` negates): does `s` match? */
export function simplePattern(text: string): (s: string) => boolean {
  const parts = text.split(/\s+/).filter((w) => w !== "").map((w) => {
    const neg = w.startsWith("!");
    const glob = neg ? w.slice(1) : w;
    const re = new RegExp(
      "^" + glob.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$",
    );
    return { neg, re };
  });
  return (s) => {
    for (const p of parts) if (p.re.test(s)) return !p.neg;
    return false;
  };
}

/** Netdata's netdata_fix_chart_id(): anything but letters, digits, `.`, `_` and `-` becomes `_`. */
export function fixChartId(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Decodes mountinfo's octal escapes (`\040` for a space). */
function decodeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

function isReadOnly(options: string): boolean {
  return options === "ro" || options.startsWith("ro,") || options.endsWith(",ro") || options.includes(",ro,");
}

/** One line of mountinfo, as the collector needs it. */
export interface Mount {
  mountPoint: string;
  root: string;
  filesystem: string;
  readOnly: boolean;
}

/** Parses /proc/self/mountinfo (slow path, every 15 s); the first line of a mount point wins. */
export function parseMountinfo(text: string): Mount[] {
  const seen = new Set<string>();
  const out: Mount[] = [];
  for (const line of text.split("\n")) {
    const w = line.split(/[ \t]+/).filter((x) => x !== "");
    if (w.length < 5) continue;
    if (seen.has(w[4])) continue;
    seen.add(w[4]);
    const dash = w.indexOf("-", 6);
    out.push({
      root: w[3],
      mountPoint: decodeOctal(w[4]),
      readOnly: isReadOnly(w[5] ?? ""),
      filesystem: dash > 0 ? w[dash + 1] ?? "" : "",
    });
  }
  return out;
}

interface Live {
  chart: Chart;
  dims: Dimension[];
}

interface MountState {
  doSpace: number;
  doInodes: number;
  collected: boolean;
  updated: boolean;
  space: Live | null;
  inodes: Live | null;
  labels: [string, string][];
}

/** Collects disk space and inodes of every mounted filesystem. */
export class DiskspaceCollector implements Collector {
  readonly name = "diskspace";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #mountinfo: string;
  readonly #fs: FsAccess;
  readonly #enable: EnableLookup;
  readonly #excludedPaths: (s: string) => boolean;
  readonly #excludedFilesystems: (s: string) => boolean;
  readonly #states = new Map<string, MountState>();
  #mounts: Mount[] = [];
  #mountsAgeSec = CHECK_MOUNTS_EVERY_SEC;

  /** @throws {Deno.errors.NotFound} when `procRoot`/self/mountinfo cannot be read. */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup; fs?: FsAccess }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN, module: "", updateEvery: opts.updateEvery };
    this.#mountinfo = opts.procRoot + "/self/mountinfo";
    this.#fs = opts.fs ?? REAL_FS;
    this.#enable = opts.enable ?? DEFAULTS;
    // Validates the path now, so that a missing file disables the collector at start.
    Deno.statSync(this.#mountinfo);
    this.#excludedPaths = simplePattern(DEFAULT_EXCLUDED_PATHS);
    this.#excludedFilesystems = simplePattern(DEFAULT_EXCLUDED_FILESYSTEMS);
  }

  collect(host: Host, deltaUs: number): void {
    this.#mountsAgeSec += this.updateEvery;
    if (this.#mountsAgeSec >= CHECK_MOUNTS_EVERY_SEC) {
      this.#mountsAgeSec = 0;
      this.#mounts = parseMountinfo(Deno.readTextFileSync(this.#mountinfo));
    }
    for (const m of this.#mounts) {
      if (DUMMY.has(m.filesystem)) continue;
      // Mounts made by systemd's ProtectHome and ProtectSystem hardening.
      if (m.readOnly && SYSTEMD_PROTECTED.has(m.mountPoint) && m.root === m.mountPoint) continue;
      this.#one(host, deltaUs, m);
    }
    // Netdata's cleanup: a mount point not seen this round loses its charts.
    for (const st of this.#states.values()) {
      if (st.updated) {
        st.updated = false;
        continue;
      }
      if (!st.collected) continue;
      st.collected = false;
      for (const l of [st.space, st.inodes]) {
        if (l !== null) {
          l.chart.obsolete = true;
          l.chart.defined();
        }
      }
      st.space = st.inodes = null;
    }
  }

  close(): void {
    // Nothing is kept open: mountinfo is read every 15 s and statfs needs no descriptor.
  }

  #one(host: Host, deltaUs: number, m: Mount): void {
    let st = this.#states.get(m.mountPoint);
    if (st === undefined) {
      let defSpace = this.#enable(SECTION, "space usage for all disks", AUTO);
      let defInodes = this.#enable(SECTION, "inodes usage for all disks", AUTO);
      if (this.#excludedPaths(m.mountPoint) || this.#excludedFilesystems(m.filesystem)) {
        defSpace = defInodes = NO;
      }
      if ((defSpace !== NO || defInodes !== NO) && !this.#fs.isDirectory(m.mountPoint)) {
        defSpace = defInodes = NO;
      }
      const section = `${SECTION}:${m.mountPoint}`;
      st = {
        doSpace: this.#enable(section, "space usage", defSpace),
        doInodes: this.#enable(section, "inodes usage", defInodes),
        collected: false,
        updated: false,
        space: null,
        inodes: null,
        labels: [["mount_point", m.mountPoint], ["filesystem", m.filesystem], ["mount_root", m.root]],
      };
      this.#states.set(m.mountPoint, st);
    }
    st.updated = true;
    if (st.doSpace === NO && st.doInodes === NO) return;
    if (
      m.readOnly && !SYSTEMD_PROTECTED.has(m.mountPoint) && !st.collected && st.doSpace !== YES &&
      st.doInodes !== YES
    ) {
      return;
    }
    let fs: FsStats;
    try {
      fs = this.#fs.statfs(m.mountPoint);
    } catch {
      return; // gone or not permitted: no value this round, as Netdata
    }
    const bsize = fs.frsize || fs.bsize;
    const bavail = fs.bavail, btotal = fs.blocks, bfree = fs.bfree;
    const breserved = bfree - bavail;
    const bused = btotal >= bfree ? btotal - bfree : bfree - btotal;
    // statvfs(3) on Linux sets f_favail to f_ffree: nothing is reserved for root.
    const favail = fs.ffree, ftotal = fs.files;
    const freserved = 0;
    const fused = ftotal - favail;
    let rendered = false;
    if (st.doSpace === YES || (st.doSpace === AUTO && (bavail || breserved || bused))) {
      st.doSpace = YES;
      st.space ??= defineChart(host, this.#origin, {
        id: `disk_space.${fixChartId(m.mountPoint)}`,
        title: "Disk Space Usage",
        units: "GiB",
        family: m.mountPoint,
        context: "disk.space",
        chartType: "stacked",
        priority: 2023,
      }, [
        ["avail", null, "absolute", bsize, GIB],
        ["used", null, "absolute", bsize, GIB],
        ["reserved_for_root", "reserved for root", "absolute", bsize, GIB],
      ], st.labels);
      put(st.space, deltaUs, bavail, bused, breserved);
      rendered = true;
    }
    if (st.doInodes === YES || (st.doInodes === AUTO && (favail || freserved || fused))) {
      st.doInodes = YES;
      st.inodes ??= defineChart(host, this.#origin, {
        id: `disk_inodes.${fixChartId(m.mountPoint)}`,
        title: "Disk Files (inodes) Usage",
        units: "inodes",
        family: m.mountPoint,
        context: "disk.inodes",
        chartType: "stacked",
        priority: 2024,
      }, [
        ["avail", null, "absolute", 1, 1],
        ["used", null, "absolute", 1, 1],
        ["reserved_for_root", "reserved for root", "absolute", 1, 1],
      ], st.labels);
      put(st.inodes, deltaUs, favail, fused, freserved);
      rendered = true;
    }
    if (rendered) st.collected = true;
  }
}

function put(l: Live, deltaUs: number, a: number, b: number, c: number): void {
  l.chart.begin(deltaUs);
  l.chart.set(l.dims[0], a);
  l.chart.set(l.dims[1], b);
  l.chart.set(l.dims[2], c);
  l.chart.end();
}
