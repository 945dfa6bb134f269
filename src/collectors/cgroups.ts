/**
 * cgroups, v1 (a hierarchy per controller under /sys/fs/cgroup) or v2 (the unified hierarchy), as
 * Netdata 1.37.1's cgroups.plugin charts them for containers (`cgroup_<name>.cpu`, `.mem_usage`,
 * `.io`, pressure, ...) and systemd services (`services.*`), with `[plugin:cgroups]`'s switches,
 * intervals and patterns (cgroups_config.ts; Netdata's defaults), and the chart variables
 * `$cpu_limit` (on `.cpu`) and `$memory_limit` / `$memory_and_swap_limit` (on `.mem_usage`).
 *
 * Cost: the tree is walked every `checkEverySec` (Netdata's "check for new cgroups every", 10 s);
 * a cgroup's files are opened once, when it is found, and re-read from offset 0 every tick into
 * reused buffers. A file that fails to read (the cgroup went away) asks for a walk at the next tick.
 *
 * Names: a docker container (`docker-<id>.scope`, `/docker/<id>`) is named as Netdata's
 * cgroup-name.sh does, from the Docker API on /var/run/docker.sock (asked in the background; the
 * answer is used at the next walk) or else the id's first 12 characters; systemd-nspawn and LXC 4
 * payloads by their path; anything else by its path. Which hierarchy: "use unified cgroups" (auto:
 * v2 when /sys/fs/cgroup is a cgroup2 mount, else v1, as Netdata decides on a host without systemd).
 *
 * Files: cgroups_config.ts (settings), cgroups_naming.ts (patterns, ids, cgroup-name.sh),
 * cgroups_cgroup.ts (the per-cgroup record), cgroups_read.ts (v2 readers), cgroups_v1.ts (v1 mounts,
 * files and readers), cgroups_charts.ts + cgroups_v1_charts.ts + cgroups_pressure.ts (container
 * charts), cgroups_services.ts (`services.*`); this file discovers cgroups and runs the tick.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { NO, obsoleteChart, type Origin, YES } from "./_helper.ts";
import type { EnableLookup } from "./_table.ts";
import {
  B_MERGED,
  B_QUEUED,
  B_THROTTLE_BYTES,
  B_THROTTLE_OPS,
  Cgroup,
  chartsOf,
  closeFiles,
} from "./cgroups_cgroup.ts";
import { CgroupCharts, USER_HZ } from "./cgroups_charts.ts";
import { type CgroupsSettings, cgroupsSettings, type V1Paths } from "./cgroups_config.ts";
import {
  chartIdOf,
  type ContainerNames,
  dockerApiNames,
  fixId,
  fixName,
  scriptName,
  serviceTitle,
  skipSlash,
} from "./cgroups_naming.ts";
import { CgroupReader, openFilesV2 } from "./cgroups_read.ts";
import {
  S_CPU,
  S_FAILCNT,
  S_IO_READ,
  S_MEM,
  S_MEM_DETAILED,
  S_MERGED,
  S_OPS_READ,
  S_QUEUED,
  S_SWAP,
  S_THROTTLE_IO,
  S_THROTTLE_OPS,
  ServiceCharts,
} from "./cgroups_services.ts";
import { openFilesV1, readV1 } from "./cgroups_v1.ts";
import type { Collector } from "./collector.ts";
import { compileSimplePattern } from "../util/patterns.ts";

export {
  type ContainerNames,
  dockerApiNames,
  ENABLED_PATHS,
  fixId,
  fixName,
  RENAME_PATHS,
  scriptName,
  SEARCH_PATHS,
  SYSTEMD_SERVICES,
} from "./cgroups_naming.ts";
export { type CgroupsSettings, cgroupsSettings } from "./cgroups_config.ts";

const PLUGIN = "cgroups.plugin";
const MODULE_CGROUPS = "/sys/fs/cgroup";
const MODULE_SYSTEMD = "systemd";
/** RRD_ID_LENGTH_MAX. */
const ID_LENGTH_MAX = 200;

/** Options of {@link CgroupsCollector}. */
export interface CgroupsOptions {
  procRoot: string;
  sysRoot: string;
  /** The agent's `update every` ("update every" in `[plugin:cgroups]` may raise it). */
  updateEvery: number;
  enable?: EnableLookup;
  /** `[plugin:cgroups]`'s numbers, patterns and paths, as the config loader checked them. */
  settings?: Readonly<Record<string, string | number>>;
  /** Seconds between walks of the tree (overrides "check for new cgroups every"; tests). */
  checkEverySec?: number;
  /** Container names (default: the Docker API on /var/run/docker.sock). */
  names?: ContainerNames;
  /** What `systemd --version` prints, for "use unified cgroups = auto" (default: runs it). */
  systemdVersion?: () => string | null;
}

/** Collects cgroups v1 or v2. */
export class CgroupsCollector implements Collector {
  readonly name = "cgroups";
  readonly updateEvery: number;
  readonly #set: CgroupsSettings;
  /** The v2 root, or null for v1. */
  readonly #root: string | null;
  readonly #v1: V1Paths | null;
  readonly #names: ContainerNames;
  readonly #dockerNames = new Map<string, string | null>();
  readonly #asked = new Set<string>();
  readonly #cgroups = new Map<string, Cgroup>();
  readonly #reader: CgroupReader;
  readonly #enabledPaths: (s: string) => boolean;
  readonly #enabledNames: (s: string) => boolean;
  readonly #searchPaths: (s: string) => boolean;
  readonly #renamePaths: (s: string) => boolean;
  readonly #servicePaths: (s: string) => boolean;
  readonly #charts: CgroupCharts;
  readonly #services: ServiceCharts;
  #sinceWalkSec = Infinity;
  #closed = false;

  /**
   * @throws {Deno.errors.NotFound} when there is no cgroup hierarchy to read (no v2 root, and no
   * v1 cpuacct, memory or blkio hierarchy): createCollectors then leaves the module off.
   */
  constructor(opts: CgroupsOptions) {
    const set = cgroupsSettings({
      updateEvery: opts.updateEvery,
      procRoot: opts.procRoot,
      sysRoot: opts.sysRoot,
      systemdVersion: opts.systemdVersion,
      enable: opts.enable,
      values: opts.settings,
    });
    if (opts.checkEverySec !== undefined) set.checkEverySec = Math.max(opts.checkEverySec, set.updateEvery);
    this.#set = set;
    this.updateEvery = set.updateEvery;
    if (set.unified) {
      this.#root = set.unifiedPath;
      this.#v1 = null;
      try {
        Deno.statSync(this.#root + "/cgroup.controllers");
      } catch (err) {
        throw new Deno.errors.NotFound(`"${this.#root}" is not a cgroups v2 (unified) hierarchy`, {
          cause: err,
        });
      }
    } else {
      this.#root = null;
      this.#v1 = set.paths;
      const b = this.#v1;
      if (![b.cpuacct, b.memory, b.blkio].some(isDir)) {
        throw new Deno.errors.NotFound(
          `No cgroups v1 hierarchy to read ("${b.cpuacct}", "${b.memory}", "${b.blkio}") and no cgroups v2 root`,
        );
      }
    }
    this.#reader = new CgroupReader({ recheckBlkio: set.recheckBlkio, recheckDetailed: set.recheckDetailed });
    this.#enabledPaths = simplePattern(set.enabledPaths);
    this.#enabledNames = simplePattern(set.enabledNames);
    this.#searchPaths = simplePattern(set.searchPaths);
    this.#renamePaths = simplePattern(set.renamePaths);
    this.#servicePaths = simplePattern(set.servicePaths);
    const ue = set.updateEvery;
    const origin: Origin = { plugin: PLUGIN, module: MODULE_CGROUPS, updateEvery: ue };
    const systemdOrigin: Origin = { plugin: PLUGIN, module: MODULE_SYSTEMD, updateEvery: ue };
    this.#names = opts.names ?? dockerApiNames();
    this.#charts = new CgroupCharts(origin, this.#reader, {
      cpus: systemCpus(opts.procRoot),
      ramTotal: memTotal(set.meminfo ?? opts.procRoot + "/meminfo"),
      updateEvery: ue,
      priority: set.priority,
      v1: !set.unified,
    });
    this.#services = new ServiceCharts(systemdOrigin, { cpuDivisor: set.unified ? 1000000 : USER_HZ });
  }

  /** The settings in effect (`[plugin:cgroups]` with defaults, and the hierarchy chosen). */
  get settings(): Readonly<CgroupsSettings> {
    return this.#set;
  }

  collect(host: Host, deltaUs: number): void {
    this.#sinceWalkSec += this.updateEvery;
    if (this.#sinceWalkSec >= this.#set.checkEverySec || this.#reader.walkSoon) {
      this.#sinceWalkSec = 0;
      this.#reader.walkSoon = false;
      this.#discover();
    }
    const v1 = this.#v1 !== null;
    for (const cg of this.#cgroups.values()) {
      if (!cg.enabled || cg.pendingRenames > 0) continue;
      if (v1) readV1(cg, this.#reader, this.#set);
      else this.#reader.read(cg);
    }
    const sw = this.#set.sw, services = sw.services;
    const counts = this.#services.counts;
    counts.fill(0);
    for (const cg of this.#cgroups.values()) {
      if (!cg.enabled || cg.pendingRenames > 0) continue;
      if (cg.service) {
        if (!services) continue;
        if (cg.cpuUpdated && cg.cpuOn === YES) counts[S_CPU]++;
        if (cg.usageUpdated && cg.usageOn === YES) counts[S_MEM]++;
        if (cg.failcntUpdated && cg.failcntOn === YES) counts[S_FAILCNT]++;
        if (sw.servicesDetailed && cg.memStatUpdated && cg.memStatOn !== NO) counts[S_MEM_DETAILED]++;
        if (cg.swapUpdated && cg.swapOn === YES) counts[S_SWAP]++;
        if (cg.ioBytesUpdated && cg.ioBytesOn === YES) counts[S_IO_READ]++;
        if (cg.ioOpsUpdated && cg.ioOpsOn === YES) counts[S_OPS_READ]++;
        if (v1) {
          const b = cg.blkio;
          if (b[B_THROTTLE_BYTES].updated && b[B_THROTTLE_BYTES].on === YES) counts[S_THROTTLE_IO]++;
          if (b[B_THROTTLE_OPS].updated && b[B_THROTTLE_OPS].on === YES) counts[S_THROTTLE_OPS]++;
          if (b[B_QUEUED].updated && b[B_QUEUED].on === YES) counts[S_QUEUED]++;
          if (b[B_MERGED].updated && b[B_MERGED].on === YES) counts[S_MERGED]++;
        }
        continue;
      }
      this.#charts.chart(host, cg, deltaUs);
    }
    if (services) this.#services.chart(host, this.#cgroups.values(), deltaUs);
  }

  close(): void {
    this.#closed = true;
    for (const cg of this.#cgroups.values()) closeFiles(cg);
  }

  // ---------------------------------------------------------------- discovery

  #discover(): void {
    for (const cg of this.#cgroups.values()) cg.available = false;
    if (this.#root !== null) this.#walk(this.#root, "/");
    else this.#walkV1(this.#v1!);
    for (const cg of this.#cgroups.values()) this.#process(cg);
    for (const cg of this.#cgroups.values()) {
      if (cg.available && cg.enabled && cg.pendingRenames === 0) {
        if (this.#v1 !== null) openFilesV1(cg, this.#v1, this.#set.sw);
        else openFilesV2(cg, this.#root!, this.#set.sw);
      }
    }
    for (const [id, cg] of this.#cgroups) {
      if (cg.available) continue;
      for (const c of chartsOf(cg)) obsoleteChart(c);
      closeFiles(cg);
      this.#cgroups.delete(id);
    }
  }

  /** discovery_find_all_cgroups_v1(): the union of the cpuacct, blkio, memory and devices trees. */
  #walkV1(b: V1Paths): void {
    const sw = this.#set.sw;
    if (sw.cpu !== NO || sw.cpuPerCore !== NO) this.#walk(b.cpuacct, "/");
    if (
      [sw.ioBytes, sw.ioOps, sw.throttleBytes, sw.throttleOps, sw.queued, sw.merged].some((v) => v !== NO)
    ) {
      this.#walk(b.blkio, "/");
    }
    if ([sw.memory, sw.detailed, sw.swap, sw.failcnt].some((v) => v !== NO)) this.#walk(b.memory, "/");
    this.#walk(b.devices, "/");
  }

  /** Netdata's discovery_find_dir_in_subdirs(): adds `rel`, descends when the search pattern allows. */
  #walk(dir: string, rel: string): void {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return; // removed while walking, or no such hierarchy
    }
    const known = this.#cgroups.get(rel);
    if (known !== undefined) known.available = true;
    else if (this.#cgroups.size < this.#set.maxCgroups && !this.#tooDeep(rel)) {
      this.#cgroups.set(rel, new Cgroup(rel));
    }
    if (!this.#searchPaths(rel)) return;
    for (const e of entries) {
      if (!e.isDirectory) continue;
      this.#walk(`${dir}/${e.name}`, rel === "/" ? `/${e.name}` : `${rel}/${e.name}`);
    }
  }

  /** "max cgroups depth to monitor": the slashes of the id (0: no limit). */
  #tooDeep(rel: string): boolean {
    const max = this.#set.maxDepth;
    if (max <= 0) return false;
    let depth = 0;
    for (let i = 0; i < rel.length; i++) if (rel.charCodeAt(i) === 47) depth++;
    return depth > max;
  }

  /** Netdata's discovery_process_cgroup(): service or container, name, enabled. */
  #process(cg: Cgroup): void {
    if (!cg.available || cg.processed) return;
    if (cg.firstTime) {
      cg.firstTime = false;
      if (this.#set.sw.services && this.#servicePaths(cg.id)) {
        cg.service = true;
        cg.title = serviceTitle(cg.id);
      } else if (this.#renamePaths(cg.id)) {
        cg.pendingRenames = 2;
      }
    }
    if (cg.pendingRenames > 0) {
      this.#rename(cg);
      if (cg.pendingRenames > 0) return;
    }
    cg.processed = true;
    if (cg.chartId.length + "cgroup_".length >= ID_LENGTH_MAX) return;
    cg.type = fixId("cgroup_" + cg.chartId);
    if (cg.service) {
      cg.enabled = true;
      return;
    }
    cg.enabled = this.#enabledNames(cg.title) && this.#enabledPaths(cg.id);
    if (!cg.enabled) return;
    for (const o of this.#cgroups.values()) {
      if (o !== cg && o.enabled && o.chartId === cg.chartId) {
        cg.enabled = false; // a duplicate chart id, as Netdata's discovery_is_cgroup_duplicate()
        return;
      }
    }
  }

  /** One go of cgroup-name.sh: a name now, or (docker) an answer awaited until the next walk. */
  #rename(cg: Cgroup): void {
    cg.pendingRenames--;
    const s = scriptName(cg.intermediate);
    let name: string;
    if ("docker" in s) {
      const id = s.docker;
      if (!this.#asked.has(id)) {
        // Asked once, in the background; the answer (or null) is there by the next walk.
        this.#asked.add(id);
        this.#askDocker(id);
      }
      const known = this.#dockerNames.get(id);
      if (typeof known === "string") {
        cg.pendingRenames = 0;
        name = known;
      } else {
        // cgroup-name.sh exits "retry" with the short id; the last retry keeps it.
        if (cg.pendingRenames > 0) return;
        name = id.slice(0, 12);
      }
    } else {
      cg.pendingRenames = 0;
      name = s.name;
    }
    name = name.trim();
    if (name === "") return;
    cg.title = fixName(skipSlash(name));
    cg.chartId = chartIdOf(name);
  }

  #askDocker(id: string): void {
    this.#names(id).then(
      (name) => {
        if (!this.#closed) this.#dockerNames.set(id, name);
      },
      () => {
        if (!this.#closed) this.#dockerNames.set(id, null);
      },
    );
  }
}

/** Netdata's get_system_cpus(): the `cpuN` lines of /proc/stat; 1 when it cannot be read. */
function systemCpus(procRoot: string): number {
  try {
    const text = Deno.readTextFileSync(procRoot + "/stat");
    const n = text.match(/^cpu\d+ /gm)?.length ?? 0;
    return n > 0 ? n : 1;
  } catch {
    return 1;
  }
}

/** /proc/meminfo's MemTotal in bytes; 0 when it cannot be read (then no RAM limit charts, as Netdata). */
function memTotal(meminfo: string): number {
  try {
    const m = /^MemTotal:\s+(\d+)/m.exec(Deno.readTextFileSync(meminfo));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A Netdata simple pattern (SIMPLE_PATTERN_EXACT) as a yes/no test: no match is no. */
function simplePattern(text: string): (s: string) => boolean {
  const p = compileSimplePattern(text);
  return (s) => p(s) === true;
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
