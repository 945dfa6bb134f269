/**
 * /proc/net/stat/nf_conntrack: the netfilter.conntrack_* charts of Netdata 1.37's
 * proc_net_stat_conntrack.c (per-CPU hex counters summed; connections from the first line that
 * has them), or only netfilter.conntrack_sockets from /proc/sys/net/netfilter/nf_conntrack_count
 * when the stat file is absent; and the host variable `$netfilter_conntrack_max`, read every 10 s.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import {
  type ChartSpec,
  defineChart,
  type DimSpec,
  NO,
  type Origin,
  PLUGIN_PROC,
  setHostVariable,
  YES,
} from "./_helper.ts";
import { DEFAULTS, type EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, readSmallFile, Scanner } from "./proc_file.ts";

const MODULE = "/proc/net/stat/nf_conntrack";
const MAX_EVERY_US = 10_000_000;

// Columns of the stat file.
const ENTRIES = 0, SEARCHED = 1, FOUND = 2, NEW = 3, INVALID = 4, IGNORE = 5, DELETE = 6, DELETE_LIST = 7;
const INSERT = 8, INSERT_FAILED = 9, DROP = 10, EARLY_DROP = 11, ICMP_ERROR = 12, EXPECT_NEW = 13;
const EXPECT_CREATE = 14, EXPECT_DELETE = 15, SEARCH_RESTART = 16;
const COLUMNS = 17;

interface Spec {
  option: string;
  spec: ChartSpec;
  dims: readonly (readonly [column: number, id: string, multiplier: number])[];
}

function spec(id: string, title: string, units: string, priority: number, detail: boolean): ChartSpec {
  return {
    id: `netfilter.${id}`,
    title,
    units,
    family: "conntrack",
    context: `netfilter.${id}`,
    chartType: "line",
    priority,
    detail,
  };
}

/** Netdata's charts after the connections one, in its order. */
const CHARTS: readonly Spec[] = [
  {
    option: "netfilter new connections",
    spec: spec("conntrack_new", "Connection Tracker New Connections", "connections/s", 8701, false),
    dims: [[NEW, "new", 1], [IGNORE, "ignore", -1], [INVALID, "invalid", -1]],
  },
  {
    option: "netfilter connection changes",
    spec: spec("conntrack_changes", "Connection Tracker Changes", "changes/s", 8702, true),
    dims: [[INSERT, "inserted", 1], [DELETE, "deleted", -1], [DELETE_LIST, "delete_list", -1]],
  },
  {
    option: "netfilter connection expectations",
    spec: spec("conntrack_expect", "Connection Tracker Expectations", "expectations/s", 8703, true),
    dims: [[EXPECT_CREATE, "created", 1], [EXPECT_DELETE, "deleted", -1], [EXPECT_NEW, "new", 1]],
  },
  {
    option: "netfilter connection searches",
    spec: spec("conntrack_search", "Connection Tracker Searches", "searches/s", 8710, true),
    dims: [[SEARCHED, "searched", 1], [SEARCH_RESTART, "restarted", -1], [FOUND, "found", 1]],
  },
  {
    option: "netfilter errors",
    spec: spec("conntrack_errors", "Connection Tracker Errors", "events/s", 8705, true),
    dims: [[ICMP_ERROR, "icmp_error", 1], [INSERT_FAILED, "insert_failed", -1], [DROP, "drop", -1], [
      EARLY_DROP,
      "early_drop",
      -1,
    ]],
  },
];

/** Each chart's columns, in dimension order. */
const COLUMNS_OF: readonly Int32Array[] = CHARTS.map((c) => Int32Array.from(c.dims, (d) => d[0]));
const SOCKETS_COLUMNS = Int32Array.of(ENTRIES);

interface Live {
  chart: Chart;
  dims: Dimension[];
}

/** Collects netfilter's connection tracker statistics. */
export class ConntrackCollector implements Collector {
  readonly name = "proc:/proc/net/stat/nf_conntrack";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #stat: ProcFile | null;
  readonly #count: ProcFile | null;
  readonly #maxPath: string;
  readonly #scan = new Scanner();
  readonly #sum = new Float64Array(COLUMNS);
  readonly #on: boolean[];
  readonly #doSockets: boolean;
  readonly #live: (Live | null)[] = CHARTS.map(() => null);
  #sockets: Live | null = null;
  #sinceMaxUs = MAX_EVERY_US;

  /** @throws {Deno.errors.NotFound} when neither the stat file nor nf_conntrack_count exists. */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    const enable = opts.enable ?? DEFAULTS;
    this.#maxPath = opts.procRoot + "/sys/net/netfilter/nf_conntrack_max";
    let stat: ProcFile | null = null;
    try {
      stat = new ProcFile(opts.procRoot + "/net/stat/nf_conntrack", 4096);
    } catch { /* the connection count alone, below */ }
    this.#stat = stat;
    const full = stat !== null;
    this.#on = CHARTS.map((c) => enable(MODULE, c.option, full ? YES : NO) !== NO);
    // Without the stat file Netdata charts connections from nf_conntrack_count (or gives up).
    this.#count = full ? null : new ProcFile(opts.procRoot + "/sys/net/netfilter/nf_conntrack_count", 64);
    this.#doSockets = enable(MODULE, "netfilter connections", YES) !== NO;
  }

  collect(host: Host, deltaUs: number): void {
    const sum = this.#sum;
    sum.fill(0);
    const s = this.#scan;
    if (this.#stat !== null) {
      const n = this.#stat.read();
      s.reset(this.#stat.bytes, n);
      s.nextLine(); // the header
      for (; !s.done; s.nextLine()) {
        if (s.wordsLeft() < COLUMNS) continue;
        for (let c = 0; c < COLUMNS; c++) {
          s.word();
          const v = hex(s.buf, s.ws, s.we);
          if (c === ENTRIES) {
            if (sum[ENTRIES] === 0) sum[ENTRIES] = v;
          } else {
            sum[c] += v;
          }
        }
      }
    } else {
      const n = this.#count!.read();
      s.reset(this.#count!.bytes, n);
      sum[ENTRIES] = s.uint();
    }

    this.#sinceMaxUs += deltaUs;
    if (this.#sinceMaxUs >= MAX_EVERY_US) {
      this.#sinceMaxUs = 0;
      const max = readSmallFile(this.#maxPath);
      if (max !== null && /^\d+$/.test(max)) setHostVariable(host, "netfilter_conntrack_max", Number(max));
    }

    if (this.#doSockets) {
      this.#sockets ??= defineChart(
        host,
        this.#origin,
        spec("conntrack_sockets", "Connection Tracker Connections", "active connections", 8700, false),
        [["connections", null, "absolute", 1, 1]],
      );
      put(this.#sockets, deltaUs, sum, SOCKETS_COLUMNS);
    }
    for (let i = 0; i < CHARTS.length; i++) {
      if (!this.#on[i]) continue;
      const c = CHARTS[i];
      const live = this.#live[i] ??= defineChart(
        host,
        this.#origin,
        c.spec,
        c.dims.map(([, id, m]): DimSpec => [id, null, "incremental", m, 1]),
      );
      put(live, deltaUs, sum, COLUMNS_OF[i]);
    }
  }

  close(): void {
    this.#stat?.close();
    this.#count?.close();
  }
}

function put(live: Live, deltaUs: number, sum: Float64Array, columns: Int32Array): void {
  live.chart.begin(deltaUs);
  for (let j = 0; j < live.dims.length; j++) live.chart.set(live.dims[j], sum[columns[j]]);
  live.chart.end();
}

/** `strtoull(word, NULL, 16)`. */
function hex(buf: Uint8Array, start: number, end: number): number {
  let v = 0;
  for (let p = start; p < end; p++) {
    const c = buf[p];
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) break;
    v = v * 16 + d;
  }
  return v;
}
