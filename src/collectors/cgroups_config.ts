/**
 * The cgroups collector's settings: netdata.conf's `[plugin:cgroups]` (switches through the
 * collectors' option lookup, numbers, patterns and paths as the config loader checked them) with
 * Netdata 1.37.1's defaults, and which hierarchy to read (v1 or the unified v2) as it decides it.
 * Kept apart so the collector gets one plain object and tests can build one.
 * @module
 */

import { AUTO, NO, YES } from "./_helper.ts";
import type { EnableLookup } from "./_table.ts";
import { ENABLED_PATHS, RENAME_PATHS, SEARCH_PATHS, SYSTEMD_SERVICES } from "./cgroups_naming.ts";
import { PRIO_CONTAINERS } from "./cgroups_define.ts";

const SECTION = "plugin:cgroups";

/** The on/off/auto switches (`YES`, `NO`, `AUTO`). */
export interface CgroupsSwitches {
  cpu: number;
  cpuPerCore: number;
  throttling: number;
  shares: number;
  memory: number;
  detailed: number;
  failcnt: number;
  swap: number;
  ioBytes: number;
  ioOps: number;
  throttleBytes: number;
  throttleOps: number;
  queued: number;
  merged: number;
  /** cpu some, cpu full (no key: follows cpu some), memory some, memory full, io some, io full. */
  pressure: number[];
  services: boolean;
  /** "report used memory": memory.stat also for services (v1), so their usage leaves out inactive file. */
  usedMemory: boolean;
  /** "enable systemd services detailed memory" (v1): the services.mem_rss ... mem_pgpgout charts. */
  servicesDetailed: boolean;
}

/** Everything the collector reads from `[plugin:cgroups]`, defaults filled in. */
export interface CgroupsSettings {
  /** True: the unified hierarchy (v2); false: v1. */
  unified: boolean;
  updateEvery: number;
  checkEverySec: number;
  priority: number;
  recheckBlkio: number;
  recheckFailcnt: number;
  recheckDetailed: number;
  maxCgroups: number;
  /** 0: no limit. */
  maxDepth: number;
  enabledPaths: string;
  enabledNames: string;
  searchPaths: string;
  renamePaths: string;
  servicePaths: string;
  /** v1 hierarchies: the configured path, else from /proc/self/mountinfo, else /sys/fs/cgroup/<controller>. */
  paths: V1Paths;
  /** The v2 root: the configured path, else the cgroup2 mount point, else /sys/fs/cgroup. */
  unifiedPath: string;
  /** /proc/meminfo for the RAM limit (null: under the proc root). */
  meminfo: string | null;
  sw: CgroupsSwitches;
}

/** Inputs of {@link cgroupsSettings}. */
export interface SettingsInput {
  /** The agent's `update every`. */
  updateEvery: number;
  procRoot: string;
  sysRoot: string;
  /** What `systemd --version` prints (default: runs it; tests pass a text or null for none). */
  systemdVersion?: () => string | null;
  enable?: EnableLookup;
  /** `[plugin:cgroups]`'s checked numbers, patterns and paths. */
  values?: Readonly<Record<string, string | number>>;
}

/** Resolves `[plugin:cgroups]` as Netdata 1.37.1's read_cgroup_plugin_configuration() does. */
export function cgroupsSettings(input: SettingsInput): CgroupsSettings {
  const e = input.enable ?? ((_s, _o, d) => d);
  const on = (key: string, dflt: number) => e(SECTION, key, dflt);
  const v = input.values ?? {};
  const num = (key: string, dflt: number) => typeof v[key] === "number" ? v[key] as number : dflt;
  const str = (key: string, dflt: string) => typeof v[key] === "string" ? v[key] as string : dflt;
  const path = (key: string) => typeof v[key] === "string" ? v[key] as string : null;
  // Netdata raises both intervals to at least the agent's (it does so silently; the loader has
  // checked that they are whole seconds).
  const updateEvery = Math.max(num("update every", input.updateEvery), input.updateEvery);
  const checkEverySec = Math.max(num("check for new cgroups every", 10 * updateEvery), updateEvery);
  const useUnified = on("use unified cgroups", AUTO);
  const mounts = cgroupMounts(input.procRoot, input.sysRoot);
  const unified = useUnified === AUTO
    ? detectUnified(input.procRoot, input.sysRoot, input.systemdVersion ?? systemdVersion)
    : useUnified === YES;
  // The v2 root: the configured path, else the cgroup2 mount point, else /sys/fs/cgroup.
  const unifiedPath = path("path to unified cgroups") ?? mounts.unified ?? input.sysRoot + "/fs/cgroup";
  const sw: CgroupsSwitches = {
    cpu: on("enable cpuacct stat (total CPU)", AUTO),
    cpuPerCore: on("enable cpuacct usage (per core CPU)", AUTO),
    throttling: on("enable cpuacct cpu throttling", YES),
    shares: on("enable cpuacct cpu shares", NO),
    memory: on("enable memory", AUTO),
    detailed: on("enable detailed memory", AUTO),
    failcnt: on("enable memory limits fail count", AUTO),
    swap: on("enable swap memory", AUTO),
    ioBytes: on("enable blkio bandwidth", AUTO),
    ioOps: on("enable blkio operations", AUTO),
    throttleBytes: on("enable blkio throttle bandwidth", AUTO),
    throttleOps: on("enable blkio throttle operations", AUTO),
    queued: on("enable blkio queued operations", AUTO),
    merged: on("enable blkio merged operations", AUTO),
    pressure: [
      on("enable cpu pressure", AUTO),
      0,
      on("enable memory some pressure", AUTO),
      on("enable memory full pressure", AUTO),
      on("enable io some pressure", AUTO),
      on("enable io full pressure", AUTO),
    ],
    services: on("enable systemd services", YES) !== NO,
    usedMemory: on("report used memory", YES) !== NO,
    servicesDetailed: on("enable systemd services detailed memory", NO) !== NO,
  };
  if (unified) {
    // What the unified hierarchy has no file for, and its memory.stat is not used for services.
    sw.cpuPerCore =
      sw.failcnt =
      sw.throttleBytes =
      sw.throttleOps =
      sw.queued =
      sw.merged =
        NO;
    sw.usedMemory = sw.servicesDetailed = false;
  } else {
    sw.pressure.fill(NO); // cgroups v1 has no pressure files
  }
  const v1Path = (ctl: keyof V1Paths) =>
    path(`path to /sys/fs/cgroup/${ctl}`) ?? mounts.v1.get(ctl) ?? `${input.sysRoot}/fs/cgroup/${ctl}`;
  const p = num("containers priority", PRIO_CONTAINERS);
  return {
    unified,
    updateEvery,
    checkEverySec,
    priority: p < 1 ? PRIO_CONTAINERS : p,
    recheckBlkio: num("recheck zero blkio every iterations", 10),
    recheckFailcnt: num("recheck zero memory failcnt every iterations", 10),
    recheckDetailed: num("recheck zero detailed memory every iterations", 10),
    maxCgroups: num("max cgroups to allow", 1000),
    maxDepth: num("max cgroups depth to monitor", 0),
    enabledPaths: str("enable by default cgroups matching", ENABLED_PATHS),
    enabledNames: str("enable by default cgroups names matching", "*"),
    searchPaths: str("search for cgroups in subpaths matching", SEARCH_PATHS),
    renamePaths: str("run script to rename cgroups matching", RENAME_PATHS),
    servicePaths: str("cgroups to match as systemd services", SYSTEMD_SERVICES),
    paths: {
      cpuacct: v1Path("cpuacct"),
      cpuset: v1Path("cpuset"),
      blkio: v1Path("blkio"),
      memory: v1Path("memory"),
      devices: v1Path("devices"),
    },
    unifiedPath,
    meminfo: path("meminfo filename to monitor"),
    sw,
  };
}

/** The mount point of each v1 hierarchy the collector reads. */
export interface V1Paths {
  cpuacct: string;
  cpuset: string;
  blkio: string;
  memory: string;
  devices: string;
}

/**
 * The cgroup mounts in `/proc/self/mountinfo`: v1's by super option (controller name; the first
 * mount naming it, as Netdata's mountinfo_find_by_filesystem_super_option()) and the first cgroup2
 * mount point. Mount points under /sys are taken under `sysRoot` (as Netdata prefixes its host
 * prefix), so a test's /proc and /sys stay together. Empty when mountinfo cannot be read.
 */
export function cgroupMounts(
  procRoot: string,
  sysRoot: string,
): { v1: Map<string, string>; unified: string | null } {
  const v1 = new Map<string, string>();
  let unified: string | null = null;
  let text: string;
  try {
    text = Deno.readTextFileSync(procRoot + "/self/mountinfo");
  } catch {
    return { v1, unified };
  }
  for (const line of text.split("\n")) {
    // `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS`
    const dash = line.indexOf(" - ");
    if (dash < 0) continue;
    const [fstype, , superOpts = ""] = line.slice(dash + 3).split(" ");
    let mountPoint = unescapeMount(line.slice(0, dash).split(" ")[4] ?? "");
    if (mountPoint === "/sys" || mountPoint.startsWith("/sys/")) mountPoint = sysRoot + mountPoint.slice(4);
    if (fstype === "cgroup2") unified ??= mountPoint;
    if (fstype !== "cgroup") continue;
    for (const o of superOpts.split(",")) if (!v1.has(o)) v1.set(o, mountPoint);
  }
  return { v1, unified };
}

/** mountinfo's octal escapes (`\040` for a space). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * Netdata 1.37.1's cgroups_try_detect_version(), true for v2: the kernel must know cgroup2; then
 * /sys/fs/cgroup itself a cgroup2 mount is v2; else systemd decides (`default-hierarchy=legacy` or
 * `hybrid` is v1; `unified` is v2 unless the kernel command line has
 * `systemd.unified_cgroup_hierarchy=0`); without systemd (or /proc/cmdline) the answer is v1.
 */
export function detectUnified(
  procRoot: string,
  sysRoot: string,
  systemd: () => string | null,
): boolean {
  try {
    if (!Deno.readTextFileSync(procRoot + "/filesystems").includes("cgroup2")) return false;
  } catch { /* unreadable (a fixture): go on */ }
  if (isUnified(sysRoot + "/fs/cgroup")) return true;
  const m = /default-hierarchy=(\w+)/.exec(systemd() ?? "");
  if (m === null || m[1] !== "unified") return false;
  try {
    return !Deno.readTextFileSync(procRoot + "/cmdline").includes("systemd.unified_cgroup_hierarchy=0");
  } catch {
    return false;
  }
}

/** `systemd --version` (or RHEL's /usr/lib/systemd/systemd); null when neither runs. */
function systemdVersion(): string | null {
  for (const cmd of ["systemd", "/usr/lib/systemd/systemd"]) {
    try {
      const out = new Deno.Command(cmd, { args: ["--version"], stdout: "piped", stderr: "null" })
        .outputSync();
      if (out.success) return new TextDecoder().decode(out.stdout);
    } catch { /* not installed */ }
  }
  return null;
}

/** Whether `root` is a cgroup2 mount (it has cgroup.controllers, which no v1 hierarchy has). */
function isUnified(root: string): boolean {
  try {
    Deno.statSync(root + "/cgroup.controllers");
    return true;
  } catch {
    return false;
  }
}
