/**
 * A host: one monitored node (this agent, or a child streamed into it) with its charts, labels,
 * system info and its own store.
 * @module
 */

import type { MemoryMode, Store } from "../store/mod.ts";
import { Chart, type ChartHost, type ChartObserver } from "./chart.ts";
import type { ChartDef, Label } from "./defs.ts";

/** How a host reaches this agent. */
export interface HostState {
  /** True for this agent itself, or while a child's stream is connected. */
  reachable: boolean;
  /** 0 for this agent, 1 for a direct child, 2+ through proxies. */
  hops: number;
  /** Epoch seconds of the last connect or disconnect (0 for this agent). */
  sinceSec: number;
  /** Peer address of the receiving connection, when streamed. */
  peer: string;
}

/** What creates a host. */
export interface HostOptions {
  hostname: string;
  machineGuid: string;
  store: Store;
  memoryMode: MemoryMode;
  /** Default collection interval of the host, seconds. */
  updateEvery: number;
  /** Seconds of history its store keeps. */
  historySec: number;
  isLocal: boolean;
  /** Program name and version (the stream's User-Agent), e.g. "netdata" / "v1.37.1". */
  program?: string;
  version?: string;
  os?: string;
  timezone?: string;
  abbrevTimezone?: string;
  utcOffset?: number;
  /** Wall clock in microseconds (injectable for tests). */
  nowUs?: () => number;
  gapWhenLostIterationsAbove?: number;
}

/** One node's metrics. */
export class Host implements ChartHost {
  hostname: string;
  readonly machineGuid: string;
  readonly store: Store;
  readonly memoryMode: MemoryMode;
  updateEvery: number;
  readonly historySec: number;
  readonly isLocal: boolean;
  program: string;
  version: string;
  os: string;
  timezone: string;
  abbrevTimezone: string;
  utcOffset: number;
  readonly gapWhenLostIterationsAbove: number;
  /** Host labels, in the order they were set. */
  labels = new Map<string, Label>();
  /** System info as Netdata's NETDATA_SYSTEM_* / NETDATA_HOST_* variables. */
  readonly systemInfo = new Map<string, string>();
  /** Custom host variables (`VARIABLE HOST`). */
  readonly variables = new Map<string, number>();
  readonly charts = new Map<string, Chart>();
  readonly observers: ChartObserver[] = [];
  readonly state: HostState;
  /** Netdata Cloud claim id, when a child sent one. */
  claimId: string | null = null;
  #byName = new Map<string, Chart>();
  #nowUs: () => number;

  constructor(opts: HostOptions) {
    this.hostname = opts.hostname;
    this.machineGuid = opts.machineGuid;
    this.store = opts.store;
    this.memoryMode = opts.memoryMode;
    this.updateEvery = opts.updateEvery;
    this.historySec = opts.historySec;
    this.isLocal = opts.isLocal;
    this.program = opts.program ?? "agent";
    this.version = opts.version ?? "";
    this.os = opts.os ?? "linux";
    this.timezone = opts.timezone ?? "Etc/UTC";
    this.abbrevTimezone = opts.abbrevTimezone ?? "UTC";
    this.utcOffset = opts.utcOffset ?? 0;
    this.gapWhenLostIterationsAbove = opts.gapWhenLostIterationsAbove ?? 1;
    this.#nowUs = opts.nowUs ?? (() => Date.now() * 1000);
    this.state = { reachable: opts.isLocal, hops: opts.isLocal ? 0 : 1, sinceSec: 0, peer: "" };
  }

  nowUs(): number {
    return this.#nowUs();
  }

  /** Creates a chart, or updates the one with the same id. */
  defineChart(def: ChartDef): Chart {
    let chart = this.charts.get(def.id);
    if (chart === undefined) {
      chart = new Chart(this, def);
      this.charts.set(def.id, chart);
    } else {
      if (chart.name !== (def.name || def.id)) this.#byName.delete(chart.name);
      chart.update(def);
    }
    this.#byName.set(chart.name, chart);
    return chart;
  }

  /** Finds a chart by id, then by name. */
  chart(idOrName: string): Chart | undefined {
    return this.charts.get(idOrName) ?? this.#byName.get(idOrName);
  }

  /** Charts that viewers see: not hidden, not obsolete, with at least one dimension. */
  visibleCharts(): Chart[] {
    const out: Chart[] = [];
    for (const c of this.charts.values()) {
      if (!c.hidden && !c.obsolete && c.dimensions.length > 0) out.push(c);
    }
    return out;
  }
}
