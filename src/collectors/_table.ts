/**
 * Table-driven charts for /proc files of named counters (private to this folder): /proc/net/netstat,
 * /proc/net/snmp, /proc/net/snmp6, /proc/vmstat, ... Each collector describes its charts as data
 * (Netdata's ids, titles, dimensions and which counter feeds each dimension) grouped by the
 * netdata.conf option that turns them on, and Netdata's "auto" rule: a group starts once one of
 * its counters is non-zero, then stays.
 *
 * Parsing writes counters into one `Float64Array` by index (no string per value); the charts read
 * them from there.
 * @module
 */

import type { Algorithm, Chart, Dimension, Host } from "../host/mod.ts";
import { AUTO, type ChartSpec, defineChart, NO, type Origin, YES } from "./_helper.ts";
import { bytesEqual, KeyTable, type Scanner } from "./proc_file.ts";

/** `[source key, dimension id, name (null: the id), algorithm, multiplier, divisor]`. */
export type TableDim = readonly [
  key: string,
  id: string,
  name: string | null,
  algorithm: Algorithm,
  multiplier: number,
  divisor: number,
];

/** One chart: its definition and where each dimension's value comes from. */
export interface TableChart {
  spec: ChartSpec;
  dims: readonly TableDim[];
}

/** Charts turned on and off together by one netdata.conf option. */
export interface TableGroup {
  /** Netdata's config section after `plugin:proc:`, e.g. `/proc/net/snmp`. */
  section: string;
  /** The option in that section, e.g. `ipv4 packets`. */
  option: string;
  /** Counters whose non-zero value starts the group; default: every dimension's. */
  auto?: readonly string[];
  /** Default `auto` (Netdata's CONFIG_BOOLEAN_AUTO); `yes` for charts that always exist. */
  start?: number;
  charts: readonly TableChart[];
}

/**
 * Reads a module option from netdata.conf: `[plugin:proc:<section>] <option>` as NO, YES or AUTO,
 * `dflt` when unset.
 */
export type EnableLookup = (section: string, option: string, dflt: number) => number;

/** The default lookup: every option keeps its default. */
export const DEFAULTS: EnableLookup = (_s, _o, dflt) => dflt;

interface LiveChart {
  chart: Chart;
  dims: Dimension[];
}

/** A set of counters by key, parsed from a file and charted by groups. */
export class CounterTable {
  /** Counter values by index; kept between reads like Netdata's statics. */
  readonly values: Float64Array;
  readonly #keys: string[] = [];
  readonly #byKey = new Map<string, number>();
  readonly #groups: readonly TableGroup[];
  readonly #state: Int8Array;
  readonly #autoIdx: Int32Array[] = [];
  readonly #dimIdx: Int32Array[][] = [];
  readonly #live: (LiveChart | null)[][] = [];
  readonly #origin: Origin;

  /**
   * `enable` reads the groups' options (default: every group `auto`); `extraKeys` are counters
   * parsed for other uses than charts (a variable).
   */
  constructor(
    origin: Origin,
    groups: readonly TableGroup[],
    opts: { enable?: EnableLookup; extraKeys?: readonly string[] } = {},
  ) {
    const enable = opts.enable ?? DEFAULTS;
    this.#origin = origin;
    this.#groups = groups;
    this.#state = new Int8Array(groups.length);
    for (const k of opts.extraKeys ?? []) this.#index(k);
    for (const g of groups) {
      for (const c of g.charts) for (const d of c.dims) this.#index(d[0]);
      for (const k of g.auto ?? []) this.#index(k);
    }
    this.values = new Float64Array(this.#keys.length);
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      this.#state[i] = enable(g.section, g.option, g.start ?? AUTO);
      const auto = g.auto ?? g.charts.flatMap((c) => c.dims.map((d) => d[0]));
      this.#autoIdx.push(Int32Array.from(auto, (k) => this.#byKey.get(k)!));
      this.#dimIdx.push(g.charts.map((c) => Int32Array.from(c.dims, (d) => this.#byKey.get(d[0])!)));
      this.#live.push(g.charts.map(() => null));
    }
  }

  /** Every key, in index order. */
  get keys(): readonly string[] {
    return this.#keys;
  }

  /** Index of a key, or -1. */
  indexOf(key: string): number {
    return this.#byKey.get(key) ?? -1;
  }

  /** Defines (when first due) and updates every group that is on. */
  update(host: Host, deltaUs: number): void {
    const v = this.values;
    for (let g = 0; g < this.#groups.length; g++) {
      const st = this.#state[g];
      if (st === NO) continue;
      if (st === AUTO) {
        const auto = this.#autoIdx[g];
        let any = false;
        for (let i = 0; i < auto.length; i++) {
          if (v[auto[i]] !== 0) {
            any = true;
            break;
          }
        }
        if (!any) continue;
        this.#state[g] = YES;
      }
      const group = this.#groups[g];
      const live = this.#live[g];
      for (let c = 0; c < group.charts.length; c++) {
        let lc = live[c];
        if (lc === null) {
          const spec = group.charts[c];
          lc = defineChart(
            host,
            this.#origin,
            spec.spec,
            spec.dims.map((d) => [d[1], d[2], d[3], d[4], d[5]]),
          );
          live[c] = lc;
        }
        const idx = this.#dimIdx[g][c];
        const chart = lc.chart, dims = lc.dims;
        chart.begin(deltaUs);
        for (let i = 0; i < dims.length; i++) chart.set(dims[i], v[idx[i]]);
        chart.end();
      }
    }
  }

  /** The chart of `id` once defined (tests, variables). */
  chart(id: string): Chart | null {
    for (let g = 0; g < this.#groups.length; g++) {
      const cs = this.#groups[g].charts;
      for (let c = 0; c < cs.length; c++) if (cs[c].spec.id === id) return this.#live[g][c]?.chart ?? null;
    }
    return null;
  }

  #index(key: string): number {
    let i = this.#byKey.get(key);
    if (i === undefined) {
      i = this.#keys.length;
      this.#keys.push(key);
      this.#byKey.set(key, i);
    }
    return i;
  }
}

/** The current word as a signed integer (`"-1"` is -1), leading digits only. */
export function wordInt(s: Scanner): number {
  if (s.ws < s.we && s.buf[s.ws] === 45) {
    s.ws++;
    const n = s.wordUint();
    s.ws--;
    return -n;
  }
  return s.wordUint();
}

/**
 * Parses files of header/value line pairs (`TcpExt: SyncookiesSent ...` then `TcpExt: 0 ...`,
 * as /proc/net/netstat and /proc/net/snmp) into a {@link CounterTable}: the keys it wants are
 * `<prefix>.<name>`, e.g. `TcpExt.TCPSynRetrans`.
 */
export class PairParser {
  readonly #prefixes: KeyTable;
  readonly #names: KeyTable[] = [];
  readonly #target: Int32Array[] = [];
  readonly #signed: Uint8Array[] = [];
  /** Per prefix: the last header seen (after the prefix) and its columns' name indices. */
  readonly #header: (Uint8Array | null)[] = [];
  readonly #cols: Int32Array[] = [];

  /** `signed`: keys whose value may be negative (`Tcp.MaxConn`). */
  constructor(table: CounterTable, prefixes: readonly string[], signed: readonly string[] = []) {
    this.#prefixes = new KeyTable(prefixes);
    for (const p of prefixes) {
      const names = table.keys.filter((k) => k.startsWith(p + ".")).map((k) => k.slice(p.length + 1));
      this.#names.push(new KeyTable(names));
      this.#target.push(Int32Array.from(names, (n) => table.indexOf(`${p}.${n}`)));
      this.#signed.push(Uint8Array.from(names, (n) => signed.includes(`${p}.${n}`) ? 1 : 0));
      this.#header.push(null);
      this.#cols.push(new Int32Array(0));
    }
  }

  /**
   * Reads every known pair of `buf[0..n)` into `values`. `h` and `v` are two scanners (the header
   * and the value line are walked side by side).
   */
  parse(buf: Uint8Array, n: number, h: Scanner, v: Scanner, values: Float64Array): void {
    h.reset(buf, n);
    v.reset(buf, n);
    while (!h.done) {
      if (!h.word()) {
        h.nextLine();
        continue;
      }
      const p = this.#prefixes.find(buf, h.ws, h.we);
      if (p < 0) {
        h.nextLine();
        continue;
      }
      // The header's names, from the prefix to the end of the line.
      const hs = h.pos;
      let he = hs;
      while (he < n && buf[he] !== 10) he++;
      // The value line follows and starts with the same prefix.
      v.pos = h.pos;
      if (!v.nextLine() || !v.word() || !bytesSame(buf, h.ws, h.we, v.ws, v.we)) {
        h.nextLine();
        continue;
      }
      // Kernels do not change a header between reads: map its columns once, compare bytes after.
      const cached = this.#header[p];
      if (cached === null || !bytesEqual(buf, hs, he, cached)) this.#mapColumns(p, buf, hs, he, h);
      const cols = this.#cols[p], target = this.#target[p], signed = this.#signed[p];
      for (let c = 0; c < cols.length; c++) {
        if (!v.word()) break;
        const k = cols[c];
        if (k >= 0) values[target[k]] = signed[k] === 1 ? wordInt(v) : v.wordUint();
      }
      // Continue after the value line.
      h.pos = v.pos;
      h.nextLine();
    }
  }

  /** Slow path: which known name each header column holds (-1: none), for header `buf[hs..he)`. */
  #mapColumns(p: number, buf: Uint8Array, hs: number, he: number, h: Scanner): void {
    const names = this.#names[p];
    const cols: number[] = [];
    h.pos = hs;
    while (h.word()) cols.push(names.find(buf, h.ws, h.we));
    this.#cols[p] = Int32Array.from(cols);
    this.#header[p] = buf.slice(hs, he);
  }
}

/**
 * Parses files of `key value` lines (/proc/net/snmp6, /proc/vmstat) into a {@link CounterTable}
 * whose keys are the file's keys.
 */
export class KeyValueParser {
  readonly #names: KeyTable;
  readonly #target: Int32Array;

  /** `keys`: the table's keys that this file holds (default: all). */
  constructor(table: CounterTable, keys: readonly string[] = table.keys) {
    this.#names = new KeyTable(keys);
    this.#target = Int32Array.from(keys, (k) => table.indexOf(k));
  }

  /** Reads every known `key value` line of `buf[0..n)` into `values`. */
  parse(buf: Uint8Array, n: number, s: Scanner, values: Float64Array): void {
    s.reset(buf, n);
    for (; !s.done; s.nextLine()) {
      if (!s.word()) continue;
      const k = this.#names.find(buf, s.ws, s.we);
      if (k < 0 || !s.word()) continue;
      values[this.#target[k]] = s.wordUint();
    }
  }
}

function bytesSame(buf: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  for (let i = 0; i < a1 - a0; i++) if (buf[a0 + i] !== buf[b0 + i]) return false;
  return true;
}

/**
 * Parses files of `<PREFIX>: name value name value ...` lines (/proc/net/sockstat) into a
 * {@link CounterTable} whose keys are `<PREFIX>.<name>`, e.g. `TCP.inuse`.
 */
export class InlinePairParser {
  readonly #prefixes: KeyTable;
  readonly #names: KeyTable[] = [];
  readonly #target: Int32Array[] = [];

  constructor(table: CounterTable, prefixes: readonly string[]) {
    this.#prefixes = new KeyTable(prefixes);
    for (const p of prefixes) {
      const names = table.keys.filter((k) => k.startsWith(p + ".")).map((k) => k.slice(p.length + 1));
      this.#names.push(new KeyTable(names));
      this.#target.push(Int32Array.from(names, (n) => table.indexOf(`${p}.${n}`)));
    }
  }

  /** Reads every known `name value` of `buf[0..n)` into `values` (`s` splits on ":"). */
  parse(buf: Uint8Array, n: number, s: Scanner, values: Float64Array): void {
    s.reset(buf, n);
    for (; !s.done; s.nextLine()) {
      if (!s.word()) continue;
      const p = this.#prefixes.find(buf, s.ws, s.we);
      if (p < 0) continue;
      const names = this.#names[p], target = this.#target[p];
      while (s.word()) {
        const k = names.find(buf, s.ws, s.we);
        if (!s.word()) break;
        if (k >= 0) values[target[k]] = s.wordUint();
      }
    }
  }
}
