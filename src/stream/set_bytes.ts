/**
 * The receiver's hot path on bytes: a `SET <id> = <plain decimal>` line is matched against the
 * open chart's dimensions and its value parsed straight from the received bytes, without decoding
 * the line to a string or building the id: a child sends its dimensions in the same order every
 * round, so the dimension after the one last set is tried first. Anything else (another keyword,
 * an id that needs unescaping, hex, octal, fractions, an unknown dimension) is not matched, and the
 * caller takes the line through the string path, which handles (or rejects) it as before.
 * @module
 */

import type { Chart, Dimension } from "../host/mod.ts";

const S = 0x53;
const E = 0x45;
const T = 0x54;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;

/** Lines longer than this go the string path (which checks the line length limit). */
const MAX_FAST_LINE = 1024;

/** The UTF-8 bytes of a chart's dimension ids, in `chart.dimensions` order. */
interface IdBytes {
  /** Every id, one after the other. */
  bytes: Uint8Array;
  /** Where id `k` starts (`offs[k]`) and ends (`offs[k + 1]`). */
  offs: number[];
}

/** Matches SET lines of one connection, given as bytes. */
export class SetMatcher {
  /** The value of the last {@link match} that found a dimension. */
  value = 0;
  readonly #ids = new Map<Chart, IdBytes>();
  readonly #enc = new TextEncoder();
  /** The chart of the last match and the index after its dimension: tried first next time. */
  #chart: Chart | undefined;
  #next = 0;

  /**
   * The dimension of `chart` that the line `b[start, end)` (without its newline) sets, with its
   * value in {@link value}; undefined when the line is not a plain SET of a known dimension.
   */
  match(chart: Chart, b: Uint8Array, start: number, end: number): Dimension | undefined {
    if (end - start > MAX_FAST_LINE || end - start < 7) return undefined;
    if (b[start] !== S || b[start + 1] !== E || b[start + 2] !== T || b[start + 3] !== SPACE) {
      return undefined;
    }
    let i = start + 4;
    while (i < end && b[i] === SPACE) i++;
    let idStart: number;
    let idEnd: number;
    const q = b[i];
    if (q === DQUOTE || q === SQUOTE) {
      idStart = ++i;
      while (i < end && b[i] !== q) {
        if (b[i] === BACKSLASH) return undefined;
        i++;
      }
      if (i === end) return undefined;
      idEnd = i++;
    } else {
      idStart = i;
      while (i < end) {
        const c = b[i];
        if (c === SPACE || c === EQ || c === TAB) break;
        if (c === BACKSLASH || c === DQUOTE || c === SQUOTE) return undefined;
        i++;
      }
      if (i === idStart) return undefined;
      idEnd = i;
    }
    while (i < end && (b[i] === SPACE || b[i] === EQ || b[i] === TAB)) i++;
    let neg = false;
    if (i < end && b[i] === MINUS) {
      neg = true;
      i++;
    }
    const digitsAt = i;
    let v = 0;
    while (i < end) {
      const c = b[i] - ZERO;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      i++;
    }
    const digits = i - digitsAt;
    // No digits, a leading zero (octal in strtoll), or more than doubles hold exactly: string path.
    if (digits === 0 || digits > 15 || (digits > 1 && b[digitsAt] === ZERO)) return undefined;
    while (i < end) {
      const c = b[i];
      if (c !== SPACE && c !== CR && c !== TAB) return undefined;
      i++;
    }
    const k = this.#find(chart, b, idStart, idEnd);
    if (k < 0) return undefined;
    this.value = neg ? -v : v;
    return chart.dimensions[k];
  }

  /** Index in `chart.dimensions` of the id `b[from, to)`, or -1. */
  #find(chart: Chart, b: Uint8Array, from: number, to: number): number {
    const dims = chart.dimensions;
    let ids = this.#ids.get(chart);
    if (ids === undefined || ids.offs.length !== dims.length + 1) ids = this.#encode(chart);
    if (this.#chart !== chart) {
      this.#chart = chart;
      this.#next = 0;
    }
    const n = dims.length;
    const first = this.#next < n ? this.#next : 0;
    for (let tried = 0, k = first; tried < n; tried++, k = k + 1 === n ? 0 : k + 1) {
      if (sameBytes(ids, k, b, from, to)) {
        this.#next = k + 1;
        return k;
      }
    }
    return -1;
  }

  /** (Re)builds the id bytes of `chart` (its dimensions are only ever added). */
  #encode(chart: Chart): IdBytes {
    const parts = chart.dimensions.map((d) => this.#enc.encode(d.id));
    let total = 0;
    for (const p of parts) total += p.length;
    const bytes = new Uint8Array(total);
    const offs = [0];
    for (const p of parts) {
      bytes.set(p, offs[offs.length - 1]);
      offs.push(offs[offs.length - 1] + p.length);
    }
    const ids = { bytes, offs };
    this.#ids.set(chart, ids);
    return ids;
  }
}

/** Whether id `k` of `ids` is the bytes `b[from, to)`. */
function sameBytes(ids: IdBytes, k: number, b: Uint8Array, from: number, to: number): boolean {
  const at = ids.offs[k];
  const len = ids.offs[k + 1] - at;
  if (len !== to - from) return false;
  const bytes = ids.bytes;
  for (let j = 0; j < len; j++) if (bytes[at + j] !== b[from + j]) return false;
  return true;
}
