/**
 * cgroups v2 (the unified hierarchy at /sys/fs/cgroup): Netdata 1.37.1's cgroups.plugin charts for
 * containers (`cgroup_<name>.cpu`, `.mem_usage`, `.io`, pressure, ...) and the `services.*` charts of
 * systemd services, with its default enable / search / rename patterns, the chart variables
 * `$cpu_limit` (on `.cpu`) and `$memory_limit` / `$memory_and_swap_limit` (on `.mem_usage`).
 *
 * Cost: the tree is walked every `checkEverySec` (Netdata's "check for new cgroups every", 10 s);
 * a cgroup's files are opened once, when it is found, and re-read from offset 0 every tick into
 * reused buffers. A file that fails to read (the cgroup went away) asks for a walk at the next tick.
 *
 * Names: a docker container (`docker-<id>.scope`, `/docker/<id>`) is named as Netdata's
 * cgroup-name.sh does, from the Docker API on /var/run/docker.sock (asked in the background; the
 * answer is used at the next walk) or else the id's first 12 characters; systemd-nspawn and LXC 4
 * payloads by their path; anything else by its path. cgroups v1 (and the hybrid layout) is not
 * collected: the module is off there.
 *
 * Files: cgroups_naming.ts (patterns, ids, cgroup-name.sh), cgroups_cgroup.ts (the per-cgroup record),
 * cgroups_read.ts (the file readers), cgroups_charts.ts (container charts), cgroups_services.ts
 * (`services.*`); this file discovers cgroups and runs the tick.
 * @module
 */

import type { Host } from "../host/mod.ts";
import { AUTO, NO, obsoleteChart, type Origin, YES } from "./_helper.ts";
import type { EnableLookup } from "./_table.ts";
import { Cgroup, chartsOf, closeFiles, openFile as open, PRESSURES } from "./cgroups_cgroup.ts";
import { CgroupCharts } from "./cgroups_charts.ts";
import {
  chartIdOf,
  type ContainerNames,
  dockerApiNames,
  ENABLED_PATHS,
  fixId,
  fixName,
  RENAME_PATHS,
  scriptName,
  SEARCH_PATHS,
  serviceTitle,
  skipSlash,
  SYSTEMD_SERVICES,
} from "./cgroups_naming.ts";
import { CgroupReader } from "./cgroups_read.ts";
import { S_CPU, S_IO_READ, S_MEM, S_OPS_READ, S_SWAP, ServiceCharts } from "./cgroups_services.ts";
import type { Collector } from "./collector.ts";
import { simplePattern } from "./diskspace.ts";

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

const PLUGIN = "cgroups.plugin";
const MODULE_CGROUPS = "/sys/fs/cgroup";
const MODULE_SYSTEMD = "systemd";
const SECTION = "plugin:cgroups";
/** Netdata's defaults: "max cgroups to allow", RRD_ID_LENGTH_MAX. */
const MAX_CGROUPS = 1000, ID_LENGTH_MAX = 200;

/** Options of {@link CgroupsCollector}. */
export interface CgroupsOptions {
  procRoot: string;
  sysRoot: string;
  updateEvery: number;
  enable?: EnableLookup;
  /** Seconds between walks of the tree (default 10 × update every, as Netdata). */
  checkEverySec?: number;
  /** Container names (default: the Docker API on /var/run/docker.sock). */
  names?: ContainerNames;
}

/** Collects cgroups v2. */
export class CgroupsCollector implements Collector {
  readonly name = "cgroups";
  readonly updateEvery: number;
  readonly #root: string;
  readonly #checkEverySec: number;
  readonly #names: ContainerNames;
  readonly #dockerNames = new Map<string, string | null>();
  readonly #asked = new Set<string>();
  readonly #cgroups = new Map<string, Cgroup>();
  readonly #reader = new CgroupReader();
  readonly #enabledPaths = simplePattern(ENABLED_PATHS);
  readonly #searchPaths = simplePattern(SEARCH_PATHS);
  readonly #renamePaths = simplePattern(RENAME_PATHS);
  readonly #servicePaths = simplePattern(SYSTEMD_SERVICES);
  readonly #sw: {
    cpu: number;
    throttling: number;
    memory: number;
    detailed: number;
    swap: number;
    ioBytes: number;
    ioOps: number;
    pressure: number[];
    services: boolean;
  };
  readonly #charts: CgroupCharts;
  readonly #services: ServiceCharts;
  #sinceWalkSec = Infinity;
  #closed = false;

  /**
   * @throws {Deno.errors.NotFound} when /sys/fs/cgroup is not a cgroups v2 hierarchy (v1, hybrid,
   * or none): createCollectors then leaves the module off.
   */
  constructor(opts: CgroupsOptions) {
    this.updateEvery = opts.updateEvery;
    this.#root = opts.sysRoot + "/fs/cgroup";
    try {
      Deno.statSync(this.#root + "/cgroup.controllers");
    } catch (err) {
      throw new Deno.errors.NotFound(
        `"${this.#root}" is not a cgroups v2 (unified) hierarchy; cgroups v1 is not collected`,
        { cause: err },
      );
    }
    const origin: Origin = { plugin: PLUGIN, module: MODULE_CGROUPS, updateEvery: opts.updateEvery };
    const systemdOrigin: Origin = { plugin: PLUGIN, module: MODULE_SYSTEMD, updateEvery: opts.updateEvery };
    this.#checkEverySec = Math.max(opts.checkEverySec ?? 10 * opts.updateEvery, opts.updateEvery);
    this.#names = opts.names ?? dockerApiNames();
    const e = opts.enable ?? ((_s, _o, d) => d);
    const on = (key: string, dflt: number) => e(SECTION, key, dflt);
    this.#sw = {
      cpu: on("enable cpuacct stat (total CPU)", AUTO),
      throttling: on("enable cpuacct cpu throttling", YES),
      memory: on("enable memory", AUTO),
      detailed: on("enable detailed memory", AUTO),
      swap: on("enable swap memory", AUTO),
      ioBytes: on("enable blkio bandwidth", AUTO),
      ioOps: on("enable blkio operations", AUTO),
      pressure: [
        on("enable cpu pressure", AUTO),
        0, // cpu has no "full" switch: Netdata charts it when the file has the line
        on("enable memory some pressure", AUTO),
        on("enable memory full pressure", AUTO),
        on("enable io some pressure", AUTO),
        on("enable io full pressure", AUTO),
      ],
      services: on("enable systemd services", YES) !== NO,
    };
    this.#charts = new CgroupCharts(origin, this.#reader, {
      cpus: systemCpus(opts.procRoot),
      ramTotal: memTotal(opts.procRoot),
      updateEvery: opts.updateEvery,
    });
    this.#services = new ServiceCharts(systemdOrigin);
  }

  collect(host: Host, deltaUs: number): void {
    this.#sinceWalkSec += this.updateEvery;
    if (this.#sinceWalkSec >= this.#checkEverySec || this.#reader.walkSoon) {
      this.#sinceWalkSec = 0;
      this.#reader.walkSoon = false;
      this.#discover();
    }
    for (const cg of this.#cgroups.values()) {
      if (!cg.enabled || cg.pendingRenames > 0) continue;
      this.#reader.read(cg);
    }
    const counts = this.#services.counts;
    counts.fill(0);
    for (const cg of this.#cgroups.values()) {
      if (!cg.enabled || cg.pendingRenames > 0) continue;
      if (cg.service) {
        if (!this.#sw.services) continue;
        if (cg.cpuUpdated && cg.cpuOn === YES) counts[S_CPU]++;
        if (cg.usageUpdated && cg.usageOn === YES) counts[S_MEM]++;
        if (cg.swapUpdated && cg.swapOn === YES) counts[S_SWAP]++;
        if (cg.ioUpdated && cg.ioBytesOn === YES) counts[S_IO_READ]++;
        if (cg.ioUpdated && cg.ioOpsOn === YES) counts[S_OPS_READ]++;
        continue;
      }
      this.#charts.chart(host, cg, deltaUs);
    }
    if (this.#sw.services) this.#services.chart(host, this.#cgroups.values(), deltaUs);
  }

  close(): void {
    this.#closed = true;
    for (const cg of this.#cgroups.values()) closeFiles(cg);
  }

  // ---------------------------------------------------------------- discovery

  #discover(): void {
    for (const cg of this.#cgroups.values()) cg.available = false;
    this.#walk(this.#root, "/");
    for (const cg of this.#cgroups.values()) this.#process(cg);
    for (const cg of this.#cgroups.values()) {
      if (cg.available && cg.enabled && cg.pendingRenames === 0) this.#openFiles(cg);
    }
    for (const [id, cg] of this.#cgroups) {
      if (cg.available) continue;
      for (const c of chartsOf(cg)) obsoleteChart(c);
      closeFiles(cg);
      this.#cgroups.delete(id);
    }
  }

  /** Netdata's discovery_find_dir_in_subdirs(): adds `rel`, descends when the search pattern allows. */
  #walk(dir: string, rel: string): void {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return; // removed while walking
    }
    const known = this.#cgroups.get(rel);
    if (known !== undefined) known.available = true;
    else if (this.#cgroups.size < MAX_CGROUPS) this.#cgroups.set(rel, new Cgroup(rel));
    if (!this.#searchPaths(rel)) return;
    for (const e of entries) {
      if (!e.isDirectory) continue;
      this.#walk(`${dir}/${e.name}`, rel === "/" ? `/${e.name}` : `${rel}/${e.name}`);
    }
  }

  /** Netdata's discovery_process_cgroup(): service or container, name, enabled. */
  #process(cg: Cgroup): void {
    if (!cg.available || cg.processed) return;
    if (cg.firstTime) {
      cg.firstTime = false;
      if (this.#sw.services && this.#servicePaths(cg.id)) {
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
    cg.enabled = this.#enabledPaths(cg.id);
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

  /** Netdata's discovery_update_filenames() for the unified hierarchy: opens what exists. */
  #openFiles(cg: Cgroup): void {
    const dir = this.#root + (cg.id === "/" ? "" : cg.id);
    const sw = this.#sw;
    if ((sw.ioBytes !== NO || sw.ioOps !== NO) && cg.ioStat === null) {
      cg.ioStat = open(dir + "/io.stat");
      cg.ioBytesOn = sw.ioBytes;
      cg.ioOpsOn = sw.ioOps;
    }
    if ((sw.cpu !== NO || sw.throttling !== NO) && cg.cpuStat === null) {
      cg.cpuStat = open(dir + "/cpu.stat");
      if (cg.cpuStat !== null) {
        cg.cpuOn = sw.cpu;
        cg.throttlingOn = sw.throttling;
        cg.cpuMax = open(dir + "/cpu.max");
      }
    }
    // memory.stat: containers only (Netdata's "report used memory" is off for v2).
    if (sw.detailed !== NO && !cg.service && cg.memStat === null) {
      cg.memStat = open(dir + "/memory.stat");
      cg.memStatOn = sw.detailed === YES ? YES : AUTO;
    }
    if (sw.memory !== NO && cg.memCurrent === null) {
      cg.memCurrent = open(dir + "/memory.current");
      if (cg.memCurrent !== null) {
        cg.usageOn = sw.memory;
        cg.memMax = open(dir + "/memory.max");
      }
    }
    if (sw.swap !== NO && cg.swapCurrent === null) {
      cg.swapCurrent = open(dir + "/memory.swap.current");
      if (cg.swapCurrent !== null) {
        cg.swapOn = sw.swap;
        cg.swapMax = open(dir + "/memory.swap.max");
      }
    }
    if (cg.service) return; // no pressure charts for services
    for (let k = 0; k < PRESSURES.length; k++) {
      const someSw = sw.pressure[2 * k], fullSw = k === 0 ? someSw : sw.pressure[2 * k + 1];
      if ((someSw === NO && fullSw === NO) || cg.pressures.some((p) => p.kind === k)) continue;
      const file = open(`${dir}/${PRESSURES[k].file}`);
      if (file === null) continue;
      cg.pressures.push({
        file,
        kind: k,
        someOn: someSw !== NO,
        fullOn: fullSw !== NO,
        someShare: null,
        someTime: null,
        fullShare: null,
        fullTime: null,
      });
    }
  }

  // ---------------------------------------------------------------- reading
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
function memTotal(procRoot: string): number {
  try {
    const m = /^MemTotal:\s+(\d+)/m.exec(Deno.readTextFileSync(procRoot + "/meminfo"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
