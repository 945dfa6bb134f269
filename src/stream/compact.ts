/**
 * Compact rounds between our agents (capability COMPACT, PROTOCOL.md §13.2): a collection round as one
 * line, `@<slot> <µs> <value>...`, with each dimension's value as its change since the chart's previous
 * round on this connection. The encoder (child side) and the decoder (parent side) keep the same state
 * by seeing the same lines: a slot per chart id in the order of its first `CHART` line, the dimensions
 * of its last definition, and the last value of each; every definition, text round (`BEGIN`) and
 * replication (`RBEGIN`) of a chart forgets its values, so the next record carries them whole.
 * Pure: strings in, strings and numbers out.
 * @module
 */

import type { Chart, Dimension } from "../host/mod.ts";
import { formatCollected } from "./encode.ts";
import { MAX_LINE_BYTES, parseCollected } from "./protocol.ts";

/** The first character of a compact record. */
export const COMPACT_MARK = "@";

/** One chart's state on one connection, on either side. */
class SlotState {
  readonly slot: number;
  readonly chartId: string;
  /** The dimension ids of the chart's last definition on this connection, in order. */
  ids: string[] = [];
  /** Sender: the dimensions those ids were at definition; receiver: resolved on the first record. */
  dims: Dimension[] | undefined = undefined;
  /** The last value of each dimension, valid where `known` is 1. */
  prev = new Float64Array(0);
  known = new Uint8Array(0);

  constructor(slot: number, chartId: string) {
    this.slot = slot;
    this.chartId = chartId;
  }

  /** Forgets the values: the next record carries each whole. */
  forget(): void {
    if (this.known.length !== this.ids.length) {
      this.prev = new Float64Array(this.ids.length);
      this.known = new Uint8Array(this.ids.length);
    } else this.known.fill(0);
  }
}

/** The µs field: `n` is 1,000,000 + 1000·n µs (a 1 s chart's step in ms, less 1000), `u<n>` exactly n. */
function encodeUs(us: number): string {
  return us % 1000 === 0 && us <= Number.MAX_SAFE_INTEGER ? String(us / 1000 - 1000) : `u${us}`;
}

/** The sender's side of one connection: chart rounds in, compact records out. */
export class CompactEncoder {
  readonly #slots = new Map<string, SlotState>();

  /** `chart`'s definition (CHART + its DIMENSION lines) was sent: its slot now has those dimensions. */
  defined(chart: Chart): void {
    let st = this.#slots.get(chart.id);
    if (st === undefined) this.#slots.set(chart.id, st = new SlotState(this.#slots.size, chart.id));
    st.dims = chart.dimensions.slice();
    st.ids = st.dims.map((d) => d.id);
    st.forget();
  }

  /** `chart`'s values were sent otherwise (a text round, a replication): the next record sends them whole. */
  forget(chart: Chart): void {
    this.#slots.get(chart.id)?.forget();
  }

  /** Every chart's values are forgotten (queued records were dropped). */
  forgetAll(): void {
    for (const st of this.#slots.values()) st.forget();
  }

  /**
   * The record of `chart`'s round that just ended (its dimensions' `collected` and `updated`), or
   * undefined when it must go as text: a chart not defined on this connection, dimensions changed since
   * its definition, or a record over the line limit. The caller then sends `BEGIN`/`SET`/`END` and calls
   * {@link forget}.
   */
  round(chart: Chart, deltaUs: number): string | undefined {
    const st = this.#slots.get(chart.id);
    const dims = chart.dimensions;
    if (st === undefined || st.dims === undefined || st.dims.length !== dims.length) return undefined;
    let s = `${COMPACT_MARK}${st.slot} ${encodeUs(deltaUs > 0 ? Math.round(deltaUs) : 0)}`;
    const prev = st.prev;
    const known = st.known;
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i];
      if (d !== st.dims[i]) return undefined;
      const v = d.collected;
      if (!d.updated || !Number.isFinite(v)) {
        s += " _"; // not collected: the text path sends no SET (or an empty one)
        continue;
      }
      if (known[i] === 1 && Number.isSafeInteger(v)) {
        const delta = v - prev[i];
        if (Number.isSafeInteger(delta)) {
          s += delta === 0 ? " 0" : ` ${delta}`;
          prev[i] = v;
          continue;
        }
      }
      // Whole, exactly as SET writes it; a value a double cannot step exactly is sent whole each time.
      s += ` =${formatCollected(v)}`;
      known[i] = Number.isSafeInteger(v) ? 1 : 0;
      prev[i] = v;
    }
    if (s.length >= MAX_LINE_BYTES) return undefined;
    return s + "\n";
  }
}

/** A decoded record, valid until the next call of {@link CompactDecoder.decode}. */
export interface CompactRound {
  /** The chart's id (the caller looks it up and checks it is defined). */
  chartId: string;
  /** The µs `BEGIN` would carry. */
  us: number;
  /** The dimension ids of the chart's definition, in the record's order. */
  ids: readonly string[];
  /** Per dimension: the raw value, or NaN when not collected in this round. */
  values: Float64Array;
}

/** The receiver's side of one connection: protocol lines seen, compact records decoded. */
export class CompactDecoder {
  readonly #slots: SlotState[] = [];
  readonly #byId = new Map<string, SlotState>();
  /** The chart the next `DIMENSION` line belongs to (as the ingest's current chart). */
  #current: SlotState | undefined;
  #values = new Float64Array(64);
  readonly #round: CompactRound = { chartId: "", us: 0, ids: [], values: this.#values };

  /**
   * Follows a text line's effect on the state (`w` its words, `n` how many): `CHART` assigns or keeps
   * its slot and starts its dimension list; `DIMENSION` adds to it; `BEGIN` and `RBEGIN` forget the
   * chart's values.
   */
  seen(w: readonly string[], n: number): void {
    switch (w[0]) {
      case "CHART": {
        const id = n > 1 ? w[1] : "";
        let st = this.#byId.get(id);
        if (st === undefined) {
          st = new SlotState(this.#slots.length, id);
          this.#slots.push(st);
          this.#byId.set(id, st);
        }
        st.ids = [];
        st.dims = undefined;
        st.forget();
        this.#current = st;
        return;
      }
      case "DIMENSION": {
        const st = this.#current;
        if (st === undefined || n < 2 || st.ids.includes(w[1])) return;
        st.ids.push(w[1]);
        st.forget();
        return;
      }
      case "BEGIN":
      case "RBEGIN": {
        if (n < 2 || w[1] === "") return;
        this.#current = this.#byId.get(w[1]);
        this.#current?.forget();
        return;
      }
      case "FLUSH":
        this.#current = undefined;
    }
  }

  /**
   * Decodes one record (the line without its newline).
   * @throws {SyntaxError} naming what is wrong: an unknown slot, a bad µs or value, a change for a
   * value not sent whole since the chart's last definition, a result beyond 2^53, a count of values
   * other than the chart's dimensions.
   */
  decode(text: string): CompactRound {
    let i = 1;
    const len = text.length;
    const word = (): string => {
      while (i < len && text.charCodeAt(i) === 0x20) i++;
      const start = i;
      while (i < len && text.charCodeAt(i) !== 0x20) i++;
      return text.slice(start, i);
    };
    const slotText = word();
    const slot = /^\d{1,9}$/.test(slotText) ? Number(slotText) : -1;
    const st = slot >= 0 && slot < this.#slots.length ? this.#slots[slot] : undefined;
    if (st === undefined) throw new SyntaxError(`compact record of unknown slot "${slotText.slice(0, 20)}"`);
    const usText = word();
    let us: number;
    if (usText.charCodeAt(0) === 0x75 /* u */) {
      us = /^\d+$/.test(usText.slice(1)) ? Number(usText.slice(1)) : -1;
    } else {
      us = /^-?\d{1,12}$/.test(usText) ? (Number(usText) + 1000) * 1000 : -1;
    }
    if (!(us >= 0)) throw new SyntaxError(`compact record has a bad time "${usText.slice(0, 20)}"`);
    const count = st.ids.length;
    if (this.#values.length < count) {
      this.#values = new Float64Array(Math.max(count, this.#values.length * 2));
    }
    const values = this.#values;
    const prev = st.prev;
    const known = st.known;
    // Per value, one pass over its characters: no string for "_" or a change (the common cases).
    for (let k = 0; k < count; k++) {
      while (i < len && text.charCodeAt(i) === 0x20) i++;
      if (i === len) {
        throw new SyntaxError(`compact record has ${k} values, the chart has ${count} dimensions`);
      }
      const start = i;
      const c = text.charCodeAt(i);
      if (c === 0x5f /* _ */ && (i + 1 === len || text.charCodeAt(i + 1) === 0x20)) {
        i++;
        values[k] = NaN;
        continue;
      }
      if (c === 0x3d /* = */) {
        while (i < len && text.charCodeAt(i) !== 0x20) i++;
        const v = parseCollected(text.slice(start + 1, i));
        if (!Number.isFinite(v)) throw new SyntaxError(`compact record value ${k + 1} is not a number`);
        values[k] = v;
        prev[k] = v;
        known[k] = Number.isSafeInteger(v) ? 1 : 0;
        continue;
      }
      if (c === 0x2d /* - */) i++;
      const digitsAt = i;
      let change = 0;
      while (i < len) {
        const x = text.charCodeAt(i) - 0x30;
        if (x < 0 || x > 9) break;
        change = change * 10 + x;
        i++;
      }
      if (i === digitsAt || i - digitsAt > 16 || (i < len && text.charCodeAt(i) !== 0x20)) {
        while (i < len && text.charCodeAt(i) !== 0x20) i++;
        const t = text.slice(start, Math.min(i, start + 20));
        throw new SyntaxError(`compact record value ${k + 1} is not a change: "${t}"`);
      }
      if (known[k] !== 1) {
        throw new SyntaxError(`compact record changes value ${k + 1}, which was not sent whole before`);
      }
      const v = prev[k] + (c === 0x2d ? -change : change);
      if (change > Number.MAX_SAFE_INTEGER || !Number.isSafeInteger(v)) {
        throw new SyntaxError(`compact record value ${k + 1} is beyond 2^53`);
      }
      values[k] = v;
      prev[k] = v;
    }
    if (word() !== "") {
      throw new SyntaxError(`compact record has more values than the chart's ${count} dimensions`);
    }
    const r = this.#round;
    // As after BEGIN, later chart-scoped lines are about this chart.
    this.#current = st;
    r.chartId = st.chartId;
    r.us = us;
    r.ids = st.ids;
    r.values = values;
    return r;
  }
}
