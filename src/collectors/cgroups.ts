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
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { AUTO, defineChart, type DimSpec, NO, obsoleteChart, type Origin, YES } from "./_helper.ts";
import type { EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { simplePattern } from "./diskspace.ts";
import { KeyTable, ProcFile, Scanner } from "./proc_file.ts";

const PLUGIN = "cgroups.plugin";
const MODULE_CGROUPS = "/sys/fs/cgroup";
const MODULE_SYSTEMD = "systemd";
const SECTION = "plugin:cgroups";
/** NETDATA_CHART_PRIO_CGROUPS_CONTAINERS, NETDATA_CHART_PRIO_CGROUPS_SYSTEMD. */
const PRIO = 40000, PRIO_SYSTEMD = 19000;
/** Netdata's defaults: "max cgroups to allow", "recheck zero ... every iterations", RRD_ID_LENGTH_MAX. */
const MAX_CGROUPS = 1000, RECHECK_ZERO = 10, ID_LENGTH_MAX = 200;
const MIB = 1048576;

/** Netdata 1.37.1's "enable by default cgroups matching". */
export const ENABLED_PATHS = `!*/init.scope !/system.slice/run-*.scope *.scope /machine.slice/*.service
  */kubepods/pod*/* */kubepods/*/pod*/* */*-kubepods-pod*/* */*-kubepods-*-pod*/* !*kubepods* !*kubelet*
  !*/vcpu* !*/emulator !*.mount !*.partition !*.service !*.socket !*.slice !*.swap !*.user !/ !/docker
  !*/libvirt !/lxc !/lxc/*/* !/lxc.monitor* !/lxc.pivot !/lxc.payload !/machine !/qemu !/system !/systemd
  !/user *`;
/** "search for cgroups in subpaths matching". */
export const SEARCH_PATHS = `!*/init.scope !*-qemu !*.libvirt-qemu !/init.scope !/system !/systemd !/user
  !/user.slice !/lxc/*/* !/lxc.monitor !/lxc.payload/*/* !/lxc.payload.* *`;
/** "run script to rename cgroups matching". */
export const RENAME_PATHS = `!/ !*.mount !*.socket !*.partition /machine.slice/*.service !*.service
  !*.slice !*.swap !*.user !init.scope !*.scope/vcpu* !*.scope/emulator *.scope *docker* *lxc* *qemu*
  */kubepods/pod*/* */kubepods/*/pod*/* */*-kubepods-pod*/* */*-kubepods-*-pod*/* !*kubepods* !*kubelet*
  *.libvirt-qemu *`;
/** "cgroups to match as systemd services". */
export const SYSTEMD_SERVICES = `!/system.slice/*/*.service /system.slice/*.service`;

/** Asks a container engine for a container's name: null when it has none to give. */
export type ContainerNames = (dockerId: string) => Promise<string | null>;

/** Netdata's netdata_fix_chart_id(): lower case; letters, digits, `.`, `_`, `-` kept, `,` to `.`, the rest `_`. */
export function fixId(s: string): string {
  return s.toLowerCase().replace(/,/g, ".").replace(/[^a-z0-9._-]/g, "_");
}

/** Netdata's netdata_fix_chart_name(): as fixId() but `/` is kept and `\` becomes `/`. */
export function fixName(s: string): string {
  return s.toLowerCase().replace(/,/g, ".").replace(/\\/g, "/").replace(/[^a-z0-9./_-]/g, "_");
}

/** A cgroup path without its leading slash ("/" stays), as cgroup_chart_id_strdupz() takes it. */
function skipSlash(s: string): string {
  if (s === "") return "/";
  return s[0] === "/" && s.length > 1 ? s.slice(1) : s;
}

/** cgroup_chart_id_strdupz() + substitute_dots_in_id(). */
function chartIdOf(name: string): string {
  return fixId(skipSlash(name)).replace(/\./g, "-");
}

/**
 * What cgroup-name.sh answers for a cgroup (`intermediate` is its path as a chart id), when no
 * engine has to be asked; `{ docker }` when the Docker API has to be.
 */
export function scriptName(intermediate: string): { name: string } | { docker: string } {
  if (/^.*docker[-_/.][a-fA-F0-9]+[-_.]?.*$/.test(intermediate)) {
    const id = /^.*docker[-_/]([a-fA-F0-9]+)[-_.]?.*$/.exec(intermediate)?.[1] ?? "";
    if (id.length === 64 || id.length === 12) return { docker: id };
  } else if (/^.*libpod-[a-fA-F0-9]+.*$/.test(intermediate)) {
    const id = /^.*libpod-([a-fA-F0-9]+).*$/.exec(intermediate)![1];
    if (id.length === 64) return { name: id.slice(0, 12) };
  } else if (/machine.slice[_/].*\.service/.test(intermediate)) {
    return { name: intermediate.replace(/.*machine.slice[_/](.*)\.service/, "$1") };
  } else if (/lxc.payload.*/.test(intermediate)) {
    return { name: intermediate.replace(/lxc\.payload\.(.*)/, "$1") };
  }
  return { name: intermediate.length > 100 ? intermediate.slice(0, 100) : intermediate };
}

/** Reads a container's name from the Docker Engine API over its unix socket (cgroup-name.sh's way). */
export function dockerApiNames(socketPath = "/var/run/docker.sock", timeoutMs = 2000): ContainerNames {
  return async (id) => {
    let conn: Deno.UnixConn;
    try {
      conn = await Deno.connect({ transport: "unix", path: socketPath });
    } catch {
      return null;
    }
    const timer = setTimeout(() => conn.close(), timeoutMs);
    try {
      const req = new TextEncoder().encode(`GET /containers/${id}/json HTTP/1.0\r\nHost: localhost\r\n\r\n`);
      for (let off = 0; off < req.length;) off += await conn.write(req.subarray(off));
      const chunks: Uint8Array[] = [];
      const buf = new Uint8Array(16384);
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        chunks.push(buf.slice(0, n));
      }
      const text = new TextDecoder().decode(concat(chunks));
      const sep = text.indexOf("\r\n\r\n");
      if (!/^HTTP\/1\.[01] 200/.test(text) || sep < 0) return null;
      const body = JSON.parse(text.slice(sep + 4)) as { Name?: string; Config?: { Env?: string[] } };
      // Nomad's tasks are named by namespace, job, task and allocation, as cgroup-name.sh does.
      const env = new Map(
        (body.Config?.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
      );
      const nomad = ["NOMAD_NAMESPACE", "NOMAD_JOB_NAME", "NOMAD_TASK_NAME", "NOMAD_SHORT_ALLOC_ID"].map((
        k,
      ) => env.get(k) ?? "");
      if (nomad.every((v) => v !== "")) return nomad.join("-");
      const name = (body.Name ?? "").replace(/^\//, "");
      return name === "" ? null : name;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
      try {
        conn.close();
      } catch { /* closed by the timer */ }
    }
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** One chart and its dimensions. */
interface ChartDims {
  chart: Chart;
  dims: Dimension[];
}

/** A pressure file (cpu, memory or io) of one cgroup. */
interface Pressure {
  file: ProcFile;
  /** Index in PRESSURES. */
  kind: number;
  someOn: boolean;
  fullOn: boolean;
  someShare: ChartDims | null;
  someTime: ChartDims | null;
  fullShare: ChartDims | null;
  fullTime: ChartDims | null;
}

/** Netdata's pressure charts per cgroup: file, chart id words, family, title word, context word, priority. */
const PRESSURES = [
  { file: "cpu.pressure", share: "cpu", time: "cpu", family: "cpu", title: "CPU", ctx: "cpu", prio: 2200 },
  {
    file: "memory.pressure",
    share: "mem",
    time: "memory",
    family: "mem",
    title: "Memory",
    ctx: "memory",
    prio: 2300,
  },
  { file: "io.pressure", share: "io", time: "io", family: "disk", title: "I/O", ctx: "io", prio: 2400 },
] as const;

const CPU_KEYS = new KeyTable(["user_usec", "system_usec", "nr_periods", "nr_throttled", "throttled_usec"]);
const MEM_KEYS = new KeyTable([
  "anon",
  "kernel_stack",
  "slab",
  "sock",
  "anon_thp",
  "file",
  "file_writeback",
  "file_dirty",
  "pgfault",
  "pgmajfault",
  "inactive_file",
]);
const M_ANON = 0, M_FILE = 5, M_WRITEBACK = 6, M_DIRTY = 7, M_PGFAULT = 8, M_PGMAJFAULT = 9, M_INACTIVE = 10;

/** One cgroup directory. Every field is set here, so all cgroups share one shape. */
class Cgroup {
  readonly id: string;
  /** Its path as a chart id, before renaming (cgroup-name.sh's second argument). */
  readonly intermediate: string;
  chartId: string;
  title: string;
  service = false;
  enabled = false;
  available = true;
  processed = false;
  firstTime = true;
  pendingRenames = 0;
  dockerId: string | null = null;
  /** The chart type, `cgroup_<chartId>`. */
  type = "";

  cpuStat: ProcFile | null = null;
  cpuMax: ProcFile | null = null;
  memStat: ProcFile | null = null;
  memCurrent: ProcFile | null = null;
  memMax: ProcFile | null = null;
  swapCurrent: ProcFile | null = null;
  swapMax: ProcFile | null = null;
  ioStat: ProcFile | null = null;
  readonly pressures: Pressure[] = [];

  cpuOn = NO;
  throttlingOn = NO;
  cpuUpdated = false;
  user = 0;
  system = 0;
  nrPeriods = 0;
  nrThrottled = 0;
  throttledNs = 0;
  throttledPerc = 0;
  /** (user + system) × 100 at the previous cpu_limit round. */
  prevCpuUsage = 0;
  cpuLimitVar = false;

  memStatOn = NO;
  memStatDelay = 0;
  memStatUpdated = false;
  hasDirty = false;
  readonly mem = new Float64Array(MEM_KEYS.keys.length);
  usageOn = NO;
  usageUpdated = false;
  usage = 0;
  swapOn = NO;
  swapUpdated = false;
  swap = 0;

  ioBytesOn = NO;
  ioOpsOn = NO;
  ioDelay = 0;
  ioUpdated = false;
  readBytes = 0;
  writeBytes = 0;
  readOps = 0;
  writeOps = 0;

  cpu: ChartDims | null = null;
  cpuLimit: ChartDims | null = null;
  throttled: ChartDims | null = null;
  throttledDuration: ChartDims | null = null;
  memChart: ChartDims | null = null;
  writeback: ChartDims | null = null;
  pgfaults: ChartDims | null = null;
  memUsage: ChartDims | null = null;
  memUsageLimit: ChartDims | null = null;
  memUtilization: ChartDims | null = null;
  io: ChartDims | null = null;
  servicedOps: ChartDims | null = null;
  /** Its dimensions on the services.* charts, by chart index (SERVICE_CHARTS). */
  readonly serviceDims: (Dimension | null)[] = [null, null, null, null, null, null, null];

  constructor(id: string) {
    this.id = id;
    this.intermediate = fixId(skipSlash(id));
    this.chartId = chartIdOf(id);
    this.title = fixName(skipSlash(id));
  }
}

/** services.* charts: id, title, units, family, priority, multiplier, divisor, algorithm. */
const SERVICE_CHARTS = [
  [
    "cpu",
    "Systemd Services CPU utilization (100% = 1 core)",
    "percentage",
    "cpu",
    0,
    100,
    1000000,
    "incremental",
  ],
  ["mem_usage", "Systemd Services Used Memory", "MiB", "mem", 10, 1, MIB, "absolute"],
  ["swap_usage", "Systemd Services Swap Memory Used", "MiB", "swap", 100, 1, MIB, "absolute"],
  ["io_read", "Systemd Services Disk Read Bandwidth", "KiB/s", "disk", 120, 1, 1024, "incremental"],
  ["io_write", "Systemd Services Disk Write Bandwidth", "KiB/s", "disk", 130, 1, 1024, "incremental"],
  ["io_ops_read", "Systemd Services Disk Read Operations", "operations/s", "disk", 140, 1, 1, "incremental"],
  [
    "io_ops_write",
    "Systemd Services Disk Write Operations",
    "operations/s",
    "disk",
    150,
    1,
    1,
    "incremental",
  ],
] as const;
const S_CPU = 0, S_MEM = 1, S_SWAP = 2, S_IO_READ = 3, S_IO_WRITE = 4, S_OPS_READ = 5, S_OPS_WRITE = 6;

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
  readonly #origin: Origin;
  readonly #systemdOrigin: Origin;
  readonly #checkEverySec: number;
  readonly #names: ContainerNames;
  readonly #dockerNames = new Map<string, string | null>();
  readonly #asked = new Set<string>();
  readonly #cgroups = new Map<string, Cgroup>();
  readonly #scan = new Scanner("=|");
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
  readonly #cpus: number;
  readonly #ramTotal: number;
  readonly #services: (ChartDims | null)[] = SERVICE_CHARTS.map(() => null);
  /** Reused by the services round: how many services have each chart on. */
  readonly #serviceCounts = new Int32Array(SERVICE_CHARTS.length);
  #sinceWalkSec = Infinity;
  #walkSoon = false;
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
    this.#origin = { plugin: PLUGIN, module: MODULE_CGROUPS, updateEvery: opts.updateEvery };
    this.#systemdOrigin = { plugin: PLUGIN, module: MODULE_SYSTEMD, updateEvery: opts.updateEvery };
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
    this.#cpus = systemCpus(opts.procRoot);
    this.#ramTotal = memTotal(opts.procRoot);
  }

  collect(host: Host, deltaUs: number): void {
    this.#sinceWalkSec += this.updateEvery;
    if (this.#sinceWalkSec >= this.#checkEverySec || this.#walkSoon) {
      this.#sinceWalkSec = 0;
      this.#walkSoon = false;
      this.#discover();
    }
    for (const cg of this.#cgroups.values()) {
      if (!cg.enabled || cg.pendingRenames > 0) continue;
      this.#read(cg);
    }
    const counts = this.#serviceCounts;
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
      this.#chartCgroup(host, cg, deltaUs);
    }
    if (this.#sw.services) this.#chartServices(host, deltaUs);
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

  /** Reads `f` whole; -1 (and a walk at the next tick) when the cgroup is gone. */
  #readFile(f: ProcFile): number {
    try {
      return f.read();
    } catch {
      this.#walkSoon = true;
      return -1;
    }
  }

  #read(cg: Cgroup): void {
    const s = this.#scan;
    if (cg.ioStat !== null && !(cg.ioBytesOn === AUTO && cg.ioOpsOn === AUTO && cg.ioDelay-- > 0)) {
      const n = this.#readFile(cg.ioStat);
      cg.ioUpdated = n >= 0;
      if (n >= 0) {
        // `MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...`: words 2, 4, 6 and 8, summed over disks.
        let rb = 0, wb = 0, ro = 0, wo = 0;
        s.reset(cg.ioStat.bytes, n);
        while (!s.done) {
          if (s.word()) {
            s.word();
            rb += s.uint();
            s.word();
            wb += s.uint();
            s.word();
            ro += s.uint();
            s.word();
            wo += s.uint();
          }
          s.nextLine();
        }
        cg.readBytes = rb;
        cg.writeBytes = wb;
        cg.readOps = ro;
        cg.writeOps = wo;
        if (cg.ioBytesOn === AUTO && (rb || wb)) cg.ioBytesOn = YES;
        if (cg.ioOpsOn === AUTO && (ro || wo)) cg.ioOpsOn = YES;
        if (cg.ioBytesOn === AUTO && cg.ioOpsOn === AUTO) cg.ioDelay = RECHECK_ZERO;
      }
    }
    if (cg.cpuStat !== null) {
      const n = this.#readFile(cg.cpuStat);
      cg.cpuUpdated = n >= 0;
      if (n >= 0) {
        const lastPeriods = cg.nrPeriods, lastThrottled = cg.nrThrottled;
        s.reset(cg.cpuStat.bytes, n);
        while (!s.done) {
          if (s.word()) {
            const k = CPU_KEYS.find(s.buf, s.ws, s.we);
            if (k >= 0) {
              const v = s.uint();
              if (k === 0) cg.user = v;
              else if (k === 1) cg.system = v;
              else if (k === 2) cg.nrPeriods = v;
              else if (k === 3) cg.nrThrottled = v;
              else cg.throttledNs = v * 1000;
            }
          }
          s.nextLine();
        }
        const dp = cg.nrPeriods >= lastPeriods ? cg.nrPeriods - lastPeriods : 0;
        const dt = cg.nrThrottled >= lastThrottled ? cg.nrThrottled - lastThrottled : 0;
        cg.throttledPerc = dp === 0 ? 0 : Math.trunc(dt / dp * 100);
        if (cg.cpuOn === AUTO && (cg.user || cg.system)) cg.cpuOn = YES;
      }
    }
    if (cg.memStat !== null && !(cg.memStatOn === AUTO && cg.memStatDelay-- > 0)) {
      const n = this.#readFile(cg.memStat);
      cg.memStatUpdated = n >= 0;
      if (n >= 0) {
        const m = cg.mem;
        s.reset(cg.memStat.bytes, n);
        while (!s.done) {
          if (s.word()) {
            const k = MEM_KEYS.find(s.buf, s.ws, s.we);
            if (k >= 0) {
              m[k] = s.uint();
              if (k === M_DIRTY) cg.hasDirty = true;
            }
          }
          s.nextLine();
        }
        if (cg.memStatOn === AUTO) {
          // Netdata's test leaves "file" out.
          if (anyBut(m, M_FILE)) cg.memStatOn = YES;
          else cg.memStatDelay = RECHECK_ZERO;
        }
      }
    }
    if (cg.memCurrent !== null) {
      const v = this.#readNumber(cg.memCurrent);
      cg.usageUpdated = v >= 0;
      if (v >= 0) {
        cg.usage = v;
        if (cg.usageOn === AUTO && v) cg.usageOn = YES;
        if (cg.memStatUpdated) {
          const inactive = cg.mem[M_INACTIVE];
          cg.usage = v > inactive ? v - inactive : 0;
        }
      }
    }
    if (cg.swapCurrent !== null) {
      const v = this.#readNumber(cg.swapCurrent);
      cg.swapUpdated = v >= 0;
      if (v >= 0) {
        cg.swap = v;
        if (cg.swapOn === AUTO && v) cg.swapOn = YES;
      }
    }
  }

  /** A file holding one number; "max" is 2^64 - 1; -1 when it cannot be read. */
  #readNumber(f: ProcFile): number {
    const n = this.#readFile(f);
    if (n < 0) return -1;
    const b = f.bytes;
    if (n >= 3 && b[0] === 109 && b[1] === 97 && b[2] === 120) return U64_MAX;
    this.#scan.reset(b, n);
    return this.#scan.uint();
  }

  // ---------------------------------------------------------------- charts

  #define(
    host: Host,
    cg: Cgroup,
    id: string,
    title: string,
    units: string,
    family: string,
    context: string,
    chartType: "line" | "area" | "stacked",
    prio: number,
    dims: readonly DimSpec[],
  ): ChartDims {
    const { chart, dims: d } = defineChart(host, this.#origin, {
      id: `${cg.type}.${id}`,
      title,
      units,
      family,
      context: `cgroup.${context}`,
      chartType,
      priority: PRIO + prio,
    }, dims);
    return { chart, dims: d };
  }

  #chartCgroup(host: Host, cg: Cgroup, deltaUs: number): void {
    if (cg.cpuUpdated && cg.cpuOn === YES) {
      cg.cpu ??= this.#define(
        host,
        cg,
        "cpu",
        "CPU Usage (100% = 1 core)",
        "percentage",
        "cpu",
        "cpu",
        "stacked",
        0,
        [
          ["user", null, "incremental", 100, 1000000],
          ["system", null, "incremental", 100, 1000000],
        ],
      );
      put2(cg.cpu, deltaUs, cg.user, cg.system);
      if (cg.cpuMax !== null) this.#cpuLimit(host, cg, deltaUs);
    }
    if (cg.cpuUpdated && cg.throttlingOn === YES) {
      // Netdata makes these two on their first round and fills them from the second.
      if (cg.throttled === null) {
        cg.throttled = this.#define(
          host,
          cg,
          "throttled",
          "CPU Throttled Runnable Periods",
          "percentage",
          "cpu",
          "throttled",
          "line",
          10,
          [["throttled", null, "absolute", 1, 1]],
        );
      } else put1(cg.throttled, deltaUs, cg.throttledPerc);
      if (cg.throttledDuration === null) {
        cg.throttledDuration = this.#define(
          host,
          cg,
          "throttled_duration",
          "CPU Throttled Time Duration",
          "ms",
          "cpu",
          "throttled_duration",
          "line",
          15,
          [["duration", null, "incremental", 1, 1000000]],
        );
      } else put1(cg.throttledDuration, deltaUs, cg.throttledNs);
    }
    if (cg.memStatUpdated && cg.memStatOn === YES) {
      const m = cg.mem;
      if (cg.memChart === null) {
        cg.memChart = this.#define(host, cg, "mem", "Memory Usage", "MiB", "mem", "mem", "stacked", 220, [
          ["anon", null, "absolute", 1, MIB],
          ["kernel_stack", null, "absolute", 1, MIB],
          ["slab", null, "absolute", 1, MIB],
          ["sock", null, "absolute", 1, MIB],
          ["anon_thp", null, "absolute", 1, MIB],
          ["file", null, "absolute", 1, MIB],
        ]);
      }
      const c = cg.memChart;
      c.chart.begin(deltaUs);
      for (let i = 0; i < 6; i++) c.chart.set(c.dims[i], m[M_ANON + i]);
      c.chart.end();
      if (cg.writeback === null) {
        const dims: DimSpec[] = cg.hasDirty ? [["dirty", null, "absolute", 1, MIB]] : [];
        dims.push(["writeback", null, "absolute", 1, MIB]);
        cg.writeback = this.#define(
          host,
          cg,
          "writeback",
          "Writeback Memory",
          "MiB",
          "mem",
          "writeback",
          "area",
          300,
          dims,
        );
      }
      const w = cg.writeback;
      w.chart.begin(deltaUs);
      if (w.dims.length === 2) w.chart.set(w.dims[0], m[M_DIRTY]);
      w.chart.set(w.dims[w.dims.length - 1], m[M_WRITEBACK]);
      w.chart.end();
      cg.pgfaults ??= this.#define(
        host,
        cg,
        "pgfaults",
        "Memory Page Faults",
        "MiB/s",
        "mem",
        "pgfaults",
        "line",
        500,
        [
          ["pgfault", null, "incremental", PAGE, MIB],
          ["pgmajfault", "swap", "incremental", -PAGE, MIB],
        ],
      );
      put2(cg.pgfaults, deltaUs, m[M_PGFAULT], m[M_PGMAJFAULT]);
    }
    if (cg.usageUpdated && cg.usageOn === YES) {
      cg.memUsage ??= this.#define(
        host,
        cg,
        "mem_usage",
        "Used Memory",
        "MiB",
        "mem",
        "mem_usage",
        "stacked",
        210,
        [
          ["ram", null, "absolute", 1, MIB],
          ["swap", null, "absolute", 1, MIB],
        ],
      );
      put2(cg.memUsage, deltaUs, cg.usage, cg.swap);
      this.#memLimit(host, cg, deltaUs);
    }
    if (cg.ioUpdated && cg.ioBytesOn === YES) {
      cg.io ??= this.#define(
        host,
        cg,
        "io",
        "I/O Bandwidth (all disks)",
        "KiB/s",
        "disk",
        "io",
        "area",
        1200,
        [
          ["read", null, "incremental", 1, 1024],
          ["write", null, "incremental", -1, 1024],
        ],
      );
      put2(cg.io, deltaUs, cg.readBytes, cg.writeBytes);
    }
    if (cg.ioUpdated && cg.ioOpsOn === YES) {
      cg.servicedOps ??= this.#define(
        host,
        cg,
        "serviced_ops",
        "Serviced I/O Operations (all disks)",
        "operations/s",
        "disk",
        "serviced_ops",
        "line",
        1200,
        [
          ["read", null, "incremental", 1, 1],
          ["write", null, "incremental", -1, 1],
        ],
      );
      put2(cg.servicedOps, deltaUs, cg.readOps, cg.writeOps);
    }
    // Netdata charts pressure in the order cpu, memory, io.
    for (let k = 0; k < PRESSURES.length; k++) {
      for (const p of cg.pressures) if (p.kind === k) this.#pressure(host, cg, p, deltaUs);
    }
  }

  /** update_cpu_limits2() and the cpu_limit chart, `$cpu_limit` on `.cpu`. */
  #cpuLimit(host: Host, cg: Cgroup, deltaUs: number): void {
    const f = cg.cpuMax!;
    const n = this.#readFile(f);
    if (n < 0) {
      cg.cpuMax = null; // Netdata stops updating the limit
      f.close();
      return;
    }
    const s = this.#scan;
    s.reset(f.bytes, n);
    s.word();
    const isMax = s.we - s.ws === 3 && s.buf[s.ws] === 109 && s.buf[s.ws + 1] === 97 &&
      s.buf[s.ws + 2] === 120;
    const quotaRaw = isMax ? 0 : s.wordUint();
    const period = s.uint();
    const cpus = this.#cpus;
    const quotaUs = isMax ? period * cpus : quotaRaw;
    if (!cg.cpuLimitVar) {
      cg.cpuLimitVar = true; // Netdata creates the variable on the first round and sets it from the second
      return;
    }
    const quota = quotaUs > 0 ? quotaUs / period : 0;
    const value = quota > 0 && quota < cpus ? quota * 100 : cpus * 100;
    const usage = (cg.user + cg.system) * 100;
    if (value) {
      if (cg.cpuLimit === null) {
        cg.cpuLimit = this.#define(
          host,
          cg,
          "cpu_limit",
          "CPU Usage within the limits",
          "percentage",
          "cpu",
          "cpu_limit",
          "line",
          -1,
          [["used", null, "absolute", 1, 1000000]],
        );
        cg.prevCpuUsage = usage;
      }
      const used = 100 * (usage - cg.prevCpuUsage) / (value * this.updateEvery);
      put1(cg.cpuLimit, deltaUs, used > 0 ? Math.trunc(used) : 0);
      cg.prevCpuUsage = usage;
      cg.cpu!.chart.variables.set("cpu_limit", value);
    }
  }

  /** update_memory_limits(): `$memory_limit`, `$memory_and_swap_limit`, mem_usage_limit, mem_utilization. */
  #memLimit(host: Host, cg: Cgroup, deltaUs: number): void {
    const vars = cg.memUsage!.chart.variables;
    if (cg.memMax !== null) {
      const limit = this.#readNumber(cg.memMax);
      if (limit < 0) {
        cg.memMax.close();
        cg.memMax = null;
      } else {
        vars.set("memory_limit", mib(limit));
        const ram = this.#ramTotal;
        if (ram > 0) {
          const memoryLimit = limit < ram ? limit : ram;
          cg.memUsageLimit ??= this.#define(
            host,
            cg,
            "mem_usage_limit",
            "Used RAM within the limits",
            "MiB",
            "mem",
            "mem_usage_limit",
            "stacked",
            200,
            [
              ["available", null, "absolute", 1, MIB],
              ["used", null, "absolute", 1, MIB],
            ],
          );
          put2(cg.memUsageLimit, deltaUs, memoryLimit - cg.usage, cg.usage);
          cg.memUtilization ??= this.#define(
            host,
            cg,
            "mem_utilization",
            "Memory Utilization",
            "percentage",
            "mem",
            "mem_utilization",
            "area",
            199,
            [["utilization", null, "absolute", 1, 1]],
          );
          if (memoryLimit) put1(cg.memUtilization, deltaUs, Math.floor(cg.usage * 100 / memoryLimit));
        }
      }
    }
    if (cg.swapMax !== null) {
      const limit = this.#readNumber(cg.swapMax);
      if (limit < 0) {
        cg.swapMax.close();
        cg.swapMax = null;
      } else vars.set("memory_and_swap_limit", mib(limit));
    }
  }

  /** cgroup2_read_pressure() and its charts. */
  #pressure(host: Host, cg: Cgroup, p: Pressure, deltaUs: number): void {
    const n = this.#readFile(p.file);
    if (n < 0) return;
    const s = this.#scan;
    s.reset(p.file.bytes, n);
    if (s.done) return;
    // `some avg10=A avg60=B avg300=C total=T` (and a `full` line on newer kernels); Netdata reads
    // the full total from the first line too.
    s.word();
    s.word();
    const s10 = s.decimal();
    s.word();
    const s60 = s.decimal();
    s.word();
    const s300 = s.decimal();
    s.word();
    const total = Math.floor(s.uint() / 1000);
    const hasFull = s.nextLine();
    const r = PRESSURES[p.kind];
    if (p.someOn) {
      p.someShare ??= this.#pressureShare(host, cg, r, "some", 0);
      p.someTime ??= this.#pressureTime(host, cg, r, "some", 20);
      put3(p.someShare, deltaUs, Math.trunc(s10 * 100), Math.trunc(s60 * 100), Math.trunc(s300 * 100));
      put1(p.someTime, deltaUs, total);
    }
    if (p.fullOn && hasFull) {
      s.word();
      s.word();
      const f10 = s.decimal();
      s.word();
      const f60 = s.decimal();
      s.word();
      const f300 = s.decimal();
      p.fullShare ??= this.#pressureShare(host, cg, r, "full", 40);
      p.fullTime ??= this.#pressureTime(host, cg, r, "full", 60);
      put3(p.fullShare, deltaUs, Math.trunc(f10 * 100), Math.trunc(f60 * 100), Math.trunc(f300 * 100));
      put1(p.fullTime, deltaUs, total);
    }
  }

  #pressureShare(host: Host, cg: Cgroup, r: (typeof PRESSURES)[number], kind: string, at: number): ChartDims {
    return this.#define(
      host,
      cg,
      `${r.share}_${kind}_pressure`,
      `${r.title} ${kind} pressure`,
      "percentage",
      r.family,
      `${r.ctx}_${kind}_pressure`,
      "line",
      r.prio + at,
      [
        [`${kind} 10`, null, "absolute", 1, 100],
        [`${kind} 60`, null, "absolute", 1, 100],
        [`${kind} 300`, null, "absolute", 1, 100],
      ],
    );
  }

  #pressureTime(host: Host, cg: Cgroup, r: (typeof PRESSURES)[number], kind: string, at: number): ChartDims {
    return this.#define(
      host,
      cg,
      `${r.time}_${kind}_pressure_stall_time`,
      `${r.title} ${kind} pressure stall time`,
      "ms",
      r.family,
      `${r.ctx}_${kind}_pressure_stall_time`,
      "line",
      r.prio + at,
      [
        ["time", null, "incremental", 1, 1],
      ],
    );
  }

  /** update_systemd_services_charts(): one dimension per service on each services.* chart. */
  #chartServices(host: Host, deltaUs: number): void {
    const counts = this.#serviceCounts;
    // io_write and io_ops_write follow their read charts.
    counts[S_IO_WRITE] = counts[S_IO_READ];
    counts[S_OPS_WRITE] = counts[S_OPS_READ];
    const charts = this.#services;
    for (let i = 0; i < SERVICE_CHARTS.length; i++) {
      if (counts[i] === 0) continue;
      if (charts[i] === null) {
        const [id, title, units, family, prio] = SERVICE_CHARTS[i];
        const { chart } = defineChart(host, this.#systemdOrigin, {
          id: `services.${id}`,
          title,
          units,
          family,
          context: `services.${id}`,
          chartType: "stacked",
          priority: PRIO_SYSTEMD + prio,
        }, []);
        charts[i] = { chart, dims: [] };
      }
      charts[i]!.chart.begin(deltaUs);
    }
    for (const cg of this.#cgroups.values()) {
      if (!cg.service || !cg.enabled || cg.pendingRenames > 0) continue;
      if (counts[S_CPU] && cg.cpuUpdated) this.#serviceSet(cg, S_CPU, cg.user + cg.system);
      if (counts[S_MEM] && cg.usageUpdated) this.#serviceSet(cg, S_MEM, cg.usage);
      if (counts[S_SWAP] && cg.swapUpdated) this.#serviceSet(cg, S_SWAP, cg.swap);
      if (counts[S_IO_READ] && cg.ioUpdated) {
        this.#serviceSet(cg, S_IO_READ, cg.readBytes);
        this.#serviceSet(cg, S_IO_WRITE, cg.writeBytes);
      }
      if (counts[S_OPS_READ] && cg.ioUpdated) {
        this.#serviceSet(cg, S_OPS_READ, cg.readOps);
        this.#serviceSet(cg, S_OPS_WRITE, cg.writeOps);
      }
    }
    for (let i = 0; i < SERVICE_CHARTS.length; i++) {
      if (counts[i] !== 0) charts[i]!.chart.end();
    }
  }

  #serviceSet(cg: Cgroup, i: number, v: number): void {
    const c = this.#services[i]!.chart;
    let d = cg.serviceDims[i];
    if (d === null) {
      const [, , , , , mul, div, algorithm] = SERVICE_CHARTS[i];
      d = c.defineDimension({
        id: cg.chartId,
        name: cg.title,
        algorithm,
        multiplier: mul,
        divisor: div,
        hidden: false,
      });
      cg.serviceDims[i] = d;
      c.defined();
    }
    c.set(d, v);
  }
}

/** Netdata 1.37.1's page size for the pgfaults charts is sysconf(_SC_PAGESIZE); 4 KiB on x86_64 and a Pi. */
const PAGE = 4096;

/** "max": UINT64_MAX (2^64 as a double). */
const U64_MAX = 18446744073709551615;

/** A limit in whole MiB as Netdata's unsigned division gives it ("max" is 2^64 - 1, not 2^64). */
function mib(bytes: number): number {
  return bytes === U64_MAX ? 17592186044415 : Math.floor(bytes / MIB);
}

function anyBut(m: Float64Array, skip: number): boolean {
  for (let i = 0; i < m.length; i++) if (i !== skip && m[i] !== 0) return true;
  return false;
}

function put1(c: ChartDims, deltaUs: number, a: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.end();
}

function put2(c: ChartDims, deltaUs: number, a: number, b: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.set(c.dims[1], b);
  c.chart.end();
}

function put3(c: ChartDims, deltaUs: number, a: number, b: number, d: number): void {
  c.chart.begin(deltaUs);
  c.chart.set(c.dims[0], a);
  c.chart.set(c.dims[1], b);
  c.chart.set(c.dims[2], d);
  c.chart.end();
}

function open(path: string): ProcFile | null {
  try {
    return new ProcFile(path, 512);
  } catch {
    return null;
  }
}

function closeFiles(cg: Cgroup): void {
  for (
    const f of [
      cg.cpuStat,
      cg.cpuMax,
      cg.memStat,
      cg.memCurrent,
      cg.memMax,
      cg.swapCurrent,
      cg.swapMax,
      cg.ioStat,
    ]
  ) {
    f?.close();
  }
  for (const p of cg.pressures) p.file.close();
}

function chartsOf(cg: Cgroup): Chart[] {
  const out: Chart[] = [];
  for (
    const c of [
      cg.cpu,
      cg.cpuLimit,
      cg.throttled,
      cg.throttledDuration,
      cg.memChart,
      cg.writeback,
      cg.pgfaults,
      cg.memUsage,
      cg.memUsageLimit,
      cg.memUtilization,
      cg.io,
      cg.servicedOps,
    ]
  ) if (c !== null) out.push(c.chart);
  for (const p of cg.pressures) {
    for (const c of [p.someShare, p.someTime, p.fullShare, p.fullTime]) if (c !== null) out.push(c.chart);
  }
  return out;
}

/** convert_cgroup_to_systemd_service(): the unit's name without its extension. */
function serviceTitle(id: string): string {
  let s = id.slice(id.lastIndexOf("/") + 1);
  const dot = s.lastIndexOf(".");
  if (dot > 0) s = s.slice(0, dot);
  return fixName(skipSlash(s));
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
