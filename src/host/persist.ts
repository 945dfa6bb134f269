/**
 * A host's metadata on disk (`host.json` beside its dbengine files): identity, labels, system
 * info and every chart and dimension definition, so that a restarted parent serves its children
 * at once, before they reconnect. Written atomically (temp file + rename) when definitions change.
 * @module
 */

import type { ChartDef, DimensionDef, Label } from "./defs.ts";
import type { Chart, ChartObserver } from "./chart.ts";
import type { Host } from "./host.ts";

const FILE = "host.json";
const VERSION = 1;

/** What host.json holds. */
export interface HostMeta {
  version: number;
  hostname: string;
  machineGuid: string;
  program: string;
  agentVersion: string;
  os: string;
  timezone: string;
  abbrevTimezone: string;
  utcOffset: number;
  updateEvery: number;
  hops: number;
  labels: [string, string, number][];
  systemInfo: [string, string][];
  charts: { def: ChartDef; labels: [string, string, number][]; dimensions: DimensionDef[] }[];
}

/** The metadata of `host` as a plain object. */
export function hostMeta(host: Host): HostMeta {
  const labels = (m: Map<string, Label>) =>
    [...m].map(([k, l]) => [k, l.value, l.source] as [string, string, number]);
  return {
    version: VERSION,
    hostname: host.hostname,
    machineGuid: host.machineGuid,
    program: host.program,
    agentVersion: host.version,
    os: host.os,
    timezone: host.timezone,
    abbrevTimezone: host.abbrevTimezone,
    utcOffset: host.utcOffset,
    updateEvery: host.updateEvery,
    hops: host.state.hops,
    labels: labels(host.labels),
    systemInfo: [...host.systemInfo],
    charts: [...host.charts.values()].map((c) => ({
      def: c.def(),
      labels: labels(c.labels),
      dimensions: c.dimensions.map((d) => d.def()),
    })),
  };
}

/** Writes `<dir>/host.json` atomically. */
export function saveHostMeta(host: Host, dir: string): void {
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = `${dir}/${FILE}.tmp`;
  Deno.writeTextFileSync(tmp, JSON.stringify(hostMeta(host)));
  Deno.renameSync(tmp, `${dir}/${FILE}`);
}

/**
 * Reads `<dir>/host.json`.
 * @throws {SyntaxError} naming the file when it is not a host metadata document.
 * @throws {Deno.errors.NotFound} when there is none.
 */
export function loadHostMeta(dir: string): HostMeta {
  const file = `${dir}/${FILE}`;
  const text = Deno.readTextFileSync(file);
  let meta: HostMeta;
  try {
    meta = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`${file}: not JSON: ${(e as Error).message}`);
  }
  if (meta?.version !== VERSION || typeof meta.machineGuid !== "string" || !Array.isArray(meta.charts)) {
    throw new SyntaxError(`${file}: not a host metadata file of version ${VERSION}`);
  }
  return meta;
}

/** Applies saved metadata to a fresh host: labels, system info, charts and dimensions. */
export function applyHostMeta(host: Host, meta: HostMeta): void {
  host.program = meta.program;
  host.version = meta.agentVersion;
  host.os = meta.os;
  host.timezone = meta.timezone;
  host.abbrevTimezone = meta.abbrevTimezone;
  host.utcOffset = meta.utcOffset;
  host.updateEvery = meta.updateEvery;
  host.state.hops = meta.hops;
  host.labels = new Map(meta.labels.map(([k, v, s]) => [k, { value: v, source: s }]));
  for (const [k, v] of meta.systemInfo) host.systemInfo.set(k, v);
  for (const c of meta.charts) {
    const chart = host.defineChart(c.def);
    for (const [k, v, s] of c.labels) chart.labels.set(k, { value: v, source: s });
    for (const d of c.dimensions) chart.defineDimension(d);
  }
}

/**
 * Keeps `<dir>/host.json` up to date: marks the host dirty when a definition changes, and
 * `flush()` (called on a timer and at shutdown) writes it when dirty.
 */
export class HostMetaWriter implements ChartObserver {
  readonly #host: Host;
  readonly #dir: string;
  #dirty = true;

  constructor(host: Host, dir: string) {
    this.#host = host;
    this.#dir = dir;
  }

  chartDefined(_chart: Chart): void {
    this.#dirty = true;
  }

  roundDone(): void {}

  hostLabelsChanged(): void {
    this.#dirty = true;
  }

  /** Writes host.json when something changed since the last write. */
  flush(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    saveHostMeta(this.#host, this.#dir);
  }
}
