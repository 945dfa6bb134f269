/**
 * The receiving side of a stream, without sockets: protocol lines from one child are applied to
 * that child's Host (definitions, labels, variables, and raw values through the collection
 * pipeline, so the parent stores what Netdata would). A malformed, unknown or out-of-order line
 * throws a StreamError naming the line; the caller closes that connection.
 * @module
 */

import { type Chart, type ChartType, type Host, type Label, parseAlgorithm } from "../host/mod.ts";
import { isUuid } from "../config/schema.ts";
import { COMPACT_MARK, CompactDecoder } from "./compact.ts";
import { MAX_LINE_BYTES, parseCollected, splitWords } from "./protocol.ts";
import { type ReasonCode, REASONS } from "./reasons.ts";
import { SetMatcher } from "./set_bytes.ts";

// Their home was here; importers keep finding them here.
export { MAX_LINE_BYTES, parseCollected };

/** Why a stream ended, as logged and shown per node: a named reason and the line at fault. */
export class StreamError extends Error {
  /** The reason's name (reasons.ts), e.g. `"UNKNOWN_KEYWORD"`. */
  readonly code: ReasonCode;
  constructor(code: ReasonCode, message: string) {
    super(message);
    this.name = "StreamError";
    this.code = code;
  }

  /** The reason's short text, e.g. "unknown keyword". */
  get reason(): string {
    return REASONS[this.code];
  }
}

const CHART_TYPES = new Set(["line", "area", "stacked"]);
/** Largest `update every` taken from a child (a day, like our own setting's range). */
const MAX_UPDATE_EVERY = 86400;

/** A whole number of seconds in 1..86400, or undefined (the caller keeps its default). */
function updateEveryOf(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const ue = Number(text);
  return ue >= 1 && ue <= MAX_UPDATE_EVERY ? ue : undefined;
}

/**
 * A replication time (seconds or microseconds): a whole number that doubles hold exactly, else 0.
 * Larger values would stall the collection pipeline's slot loop (it steps in `update every` µs).
 */
function timeOf(text: string): number {
  if (!/^\d+$/.test(text)) return 0;
  const t = Number(text);
  return Number.isSafeInteger(t) ? t : 0;
}

/** Bytes of `s` in UTF-8, without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Hooks the ingest calls; all optional. */
export interface IngestHooks {
  /** A chart's definition is complete (CHART_DEFINITION_END, or its first BEGIN). */
  chartDefinitionEnd?(chart: Chart, firstSec: number, lastSec: number, childNowSec: number): void;
  /** A replication reply ended (REND); `done` false means the parent must ask again. */
  replayEnd?(chart: Chart, r: ReplayEnd): void;
}

/** The fields of a `REND` line. */
export interface ReplayEnd {
  updateEvery: number;
  firstSec: number;
  lastSec: number;
  done: boolean;
  afterSec: number;
  beforeSec: number;
  childNowSec: number;
}

/** Applies one child's protocol lines to its host. */
export class StreamIngest {
  readonly host: Host;
  /** Lines applied so far (for messages). */
  lineNo = 0;
  /** Samples (SET values) received. */
  samples = 0;
  #words: string[] = [];
  #chart: Chart | undefined;
  #inRound: Chart | undefined;
  #pendingLabels = new Map<string, Label>();
  #pendingChartLabels = new Map<string, Label>();
  #inFunctionResult = false;
  /** Replication: the chart of the current RBEGIN group and the end time of its current point. */
  #replay: Chart | undefined;
  #replayEndSec = 0;
  /** Replicated points accepted (`RBEGIN ''` windows), for the operators' view. */
  replayedPoints = 0;
  #hooks: IngestHooks;
  /** Charts whose definitions were announced to observers on this connection. */
  #announced = new Set<Chart>();
  /** With COMPACT negotiated: the state that compact records refer to (PROTOCOL.md §13.2). */
  readonly #compact: CompactDecoder | undefined;
  /** The SET lines taken as bytes ({@link setBytes}). */
  readonly #sets = new SetMatcher();

  /** `opts.compact`: the link negotiated COMPACT, so `@` lines are compact rounds. */
  constructor(host: Host, hooks: IngestHooks = {}, opts: { compact?: boolean } = {}) {
    this.host = host;
    this.#hooks = hooks;
    this.#compact = opts.compact ? new CompactDecoder() : undefined;
  }

  /**
   * Applies the line `b[start, end)` (UTF-8, without its newline) when it is a plain `SET` of a
   * dimension of the open round, without decoding it; returns false, having done nothing, for any
   * other line, which the caller then decodes and gives to {@link line}. It is the receiver's only
   * fast path: {@link line} takes a SET through the general path.
   */
  setBytes(b: Uint8Array, start: number, end: number): boolean {
    const chart = this.#inRound;
    if (chart === undefined || this.#inFunctionResult) return false;
    const d = this.#sets.match(chart, b, start, end);
    if (d === undefined) return false;
    this.lineNo++;
    chart.set(d, this.#sets.value);
    this.samples++;
    return true;
  }

  /**
   * Applies one line (without its newline).
   * @throws {StreamError} for an unknown keyword, a reference to an undefined chart or
   * dimension, or missing arguments.
   */
  line(text: string): void {
    this.lineNo++;
    if (this.#inFunctionResult) {
      if (text.startsWith("FUNCTION_RESULT_END")) this.#inFunctionResult = false;
      return;
    }
    if (text.length > MAX_LINE_BYTES / 3 && utf8Length(text) > MAX_LINE_BYTES) {
      throw new StreamError(
        "LINE_TOO_LONG",
        `line ${this.lineNo} is ${text.length} bytes, over ${MAX_LINE_BYTES}`,
      );
    }
    if (this.#compact !== undefined && text.startsWith(COMPACT_MARK)) return this.#compactRound(text);
    const w = this.#words;
    const n = splitWords(text, w);
    if (n === 0) return;
    this.#compact?.seen(w, n);
    switch (w[0]) {
      case "SET":
        return this.#set(n, text);
      case "BEGIN":
        return this.#begin(n, text);
      case "END":
        return this.#end();
      case "CHART":
        return this.#defineChart(n, text);
      case "DIMENSION":
        return this.#dimension(n, text);
      case "CLABEL":
        if (n < 4) this.#bad("CLABEL needs a name, a value and a source", text);
        this.#pendingChartLabels.set(w[1], { value: w[2], source: Number(w[3]) || 0 });
        return;
      case "CLABEL_COMMIT": {
        const chart = this.#current("CLABEL_COMMIT", text);
        if (this.#pendingChartLabels.size === 0) this.#bad("CLABEL_COMMIT without CLABEL", text);
        chart.labels.clear();
        for (const [k, v] of this.#pendingChartLabels) chart.labels.set(k, v);
        this.#pendingChartLabels.clear();
        return;
      }
      case "LABEL": {
        if (n < 4) this.#bad("LABEL needs a name, a source and a value", text);
        const value = n > 4 ? w.slice(3, n).join(" ") : w[3];
        this.#pendingLabels.set(w[1], { value, source: Number(w[2]) || 0 });
        return;
      }
      case "OVERWRITE":
        this.host.labels = this.#pendingLabels;
        this.#pendingLabels = new Map();
        for (const o of this.host.observers) o.hostLabelsChanged?.();
        return;
      case "CLAIMED_ID": {
        if (n < 3) this.#bad("CLAIMED_ID needs a machine GUID and a claim id", text);
        if (!isUuid(w[1]) || (w[2] !== "NULL" && !isUuid(w[2]))) {
          this.#bad("CLAIMED_ID arguments must be UUIDs", text);
        }
        if (w[1].toLowerCase() === this.host.machineGuid) this.host.claimId = w[2] === "NULL" ? null : w[2];
        return;
      }
      case "VARIABLE":
        return this.#variable(n, text);
      case "FUNCTION":
        // A function definition inside a chart definition; calls are not supported yet.
        return;
      case "CHART_DEFINITION_END": {
        const chart = this.#current("CHART_DEFINITION_END", text);
        this.#announce(chart);
        this.#hooks.chartDefinitionEnd?.(chart, Number(w[1]) || 0, Number(w[2]) || 0, Number(w[3]) || 0);
        return;
      }
      case "RBEGIN":
        return this.#rbegin(n, text);
      case "RSET":
        return this.#rset(n, text);
      case "RDSTATE":
        return this.#rdstate(n, text);
      case "RSSTATE":
        return this.#rsstate(n, text);
      case "REND":
        return this.#rend(n, text);
      case "FUNCTION_RESULT_BEGIN":
        this.#inFunctionResult = true;
        return;
      case "FLUSH":
        this.#chart = undefined;
        return;
      default:
        throw new StreamError(
          "UNKNOWN_KEYWORD",
          `line ${this.lineNo}: unknown keyword "${w[0].slice(0, 40)}"`,
        );
    }
  }

  /** Closes an unfinished round (connection lost mid-round) without storing it. */
  abort(): void {
    this.#inRound?.abortRound();
    this.#inRound = undefined;
  }

  #bad(what: string, text: string): never {
    throw new StreamError("BAD_LINE", `line ${this.lineNo}: ${what}: ${JSON.stringify(text.slice(0, 200))}`);
  }

  #current(keyword: string, text: string): Chart {
    if (this.#chart === undefined) this.#bad(`${keyword} without a current chart`, text);
    return this.#chart;
  }

  #announce(chart: Chart): void {
    if (this.#announced.has(chart)) return;
    this.#announced.add(chart);
    chart.defined();
  }

  #defineChart(n: number, text: string): void {
    const w = this.#words;
    const id = n > 1 ? w[1] : "";
    const dot = id.indexOf(".");
    if (dot <= 0 || dot === id.length - 1) this.#bad('CHART needs a "type.id"', text);
    const type = id.slice(0, dot);
    let name = n > 2 ? w[2] : "";
    if (name === "NULL" || name === "(NULL)") name = "";
    if (name.startsWith(type + ".")) name = name.slice(type.length + 1);
    const fullName = name === "" || `${type}.${name}` === id ? id : `${type}.${name}`;
    const options = n > 10 ? w[10] : "";
    const chartType = n > 7 && CHART_TYPES.has(w[7]) ? w[7] as ChartType : "line";
    const priority = n > 8 && /^\d+$/.test(w[8]) ? Number(w[8]) : 1000;
    const ue = (n > 9 ? updateEveryOf(w[9]) : undefined) ?? this.host.updateEvery;
    const existing = this.host.charts.get(id);
    if (existing !== undefined && existing.inRound) this.#bad("CHART inside a BEGIN/END round", text);
    const chart = this.host.defineChart({
      id,
      name: fullName,
      title: n > 3 ? w[3] : "",
      units: n > 4 && w[4] !== "" ? w[4] : "unknown",
      family: n > 5 && w[5] !== "" ? w[5] : id.slice(dot + 1),
      context: n > 6 && w[6] !== "" ? w[6] : id,
      chartType,
      priority,
      updateEvery: ue,
      obsolete: options.includes("obsolete"),
      detail: options.includes("detail"),
      hidden: options.includes("hidden"),
      storeFirst: options.includes("store_first"),
      plugin: n > 11 ? w[11] : "",
      module: n > 12 ? w[12] : "",
    });
    this.#chart = chart;
    this.#announced.delete(chart);
  }

  #dimension(n: number, text: string): void {
    const chart = this.#current("DIMENSION", text);
    const w = this.#words;
    if (n < 2 || w[1] === "") this.#bad("DIMENSION needs an id", text);
    const options = n > 6 ? w[6] : "";
    const mult = n > 4 ? parseCollected(w[4]) : 1;
    const div = n > 5 ? parseCollected(w[5]) : 1;
    chart.defineDimension({
      id: w[1],
      name: n > 2 && w[2] !== "" ? w[2] : w[1],
      algorithm: parseAlgorithm(n > 3 ? w[3] : ""),
      multiplier: Number.isFinite(mult) && mult !== 0 ? mult : 1,
      divisor: Number.isFinite(div) && div !== 0 ? div : 1,
      hidden: options.includes("hidden"),
      noreset: options.includes("noreset") || options.includes("nooverflow"),
      obsolete: options.includes("obsolete"),
    });
  }

  #begin(n: number, text: string): void {
    const w = this.#words;
    if (n < 2) this.#bad("BEGIN needs a chart id", text);
    if (this.#inRound !== undefined) this.#bad(`BEGIN before the END of "${this.#inRound.id}"`, text);
    const chart = this.host.charts.get(w[1]);
    if (chart === undefined) this.#bad(`BEGIN of undefined chart "${w[1]}"`, text);
    this.#announce(chart);
    const us = n > 2 && /^\d+$/.test(w[2]) ? Number(w[2]) : 0;
    this.#chart = chart;
    this.#inRound = chart;
    chart.begin(us);
  }

  #set(n: number, text: string): void {
    const chart = this.#inRound;
    if (chart === undefined) this.#bad("SET outside a BEGIN/END round", text);
    const w = this.#words;
    if (n < 2) this.#bad("SET needs a dimension id", text);
    const d = chart.dimension(w[1]);
    if (d === undefined) this.#bad(`SET of undefined dimension "${w[1]}" in chart "${chart.id}"`, text);
    if (n < 3 || w[2] === "") return; // empty value: not collected this round
    const v = parseCollected(w[2]);
    if (!Number.isFinite(v)) this.#bad(`SET value is not a number`, text);
    chart.set(d, v);
    this.samples++;
  }

  /** A compact round (PROTOCOL.md §13.2): the same calls as its BEGIN, SETs and END would make. */
  #compactRound(text: string): void {
    if (this.#inRound !== undefined) this.#bad(`compact round before the END of "${this.#inRound.id}"`, text);
    let r;
    try {
      r = this.#compact!.decode(text);
    } catch (e) {
      this.#bad((e as Error).message, text);
    }
    const chart = this.host.charts.get(r.chartId);
    if (chart === undefined) this.#bad(`compact round of undefined chart "${r.chartId}"`, text);
    this.#announce(chart);
    this.#chart = chart;
    this.#inRound = chart; // a failure below drops the round (abort), as in a text round
    chart.begin(r.us);
    for (let i = 0; i < r.ids.length; i++) {
      const v = r.values[i];
      if (v !== v) continue; // NaN: not collected in this round
      const d = chart.dimension(r.ids[i]);
      if (d === undefined) {
        this.#bad(`compact round of undefined dimension "${r.ids[i]}" in "${chart.id}"`, text);
      }
      chart.set(d, v);
      this.samples++;
    }
    this.#inRound = undefined;
    chart.end();
  }

  #end(): void {
    const chart = this.#inRound;
    if (chart === undefined) throw new StreamError("BAD_LINE", `line ${this.lineNo}: END without BEGIN`);
    this.#inRound = undefined;
    chart.end();
  }

  #rbegin(n: number, text: string): void {
    const w = this.#words;
    if (n >= 2 && w[1] !== "") {
      const chart = this.host.charts.get(w[1]);
      if (chart === undefined) this.#bad(`RBEGIN of undefined chart "${w[1]}"`, text);
      this.#replay = chart;
      this.#chart = chart;
      this.#replayEndSec = 0;
    }
    const chart = this.#replay;
    if (chart === undefined) this.#bad("RBEGIN '' without a chart", text);
    if (n >= 4) {
      const start = timeOf(w[2]);
      const end = timeOf(w[3]);
      const now = n >= 5 ? timeOf(w[4]) : Math.floor(this.host.nowUs() / 1e6) + 5;
      // Netdata accepts a point only when it is a forward window that is not in the future.
      this.#replayEndSec = start < end && end < now + chart.updateEvery + 1 ? end : 0;
      if (this.#replayEndSec !== 0) this.replayedPoints++;
    }
  }

  #rset(n: number, text: string): void {
    const chart = this.#replay;
    if (chart === undefined) this.#bad("RSET without RBEGIN", text);
    const w = this.#words;
    if (n < 2) this.#bad("RSET needs a dimension id", text);
    const d = chart.dimension(w[1]);
    if (d === undefined) this.#bad(`RSET of undefined dimension "${w[1]}" in chart "${chart.id}"`, text);
    if (this.#replayEndSec === 0) return;
    const flags = n > 3 ? w[3] : "";
    const v = n > 2 && !flags.includes("E") ? Number(w[2]) : NaN;
    this.host.store.append(d.seriesId, this.#replayEndSec - (this.#replayEndSec % chart.updateEvery), v);
    d.collections++;
    this.samples++;
  }

  #rdstate(n: number, text: string): void {
    const chart = this.#replay;
    if (chart === undefined) this.#bad("RDSTATE without RBEGIN", text);
    const w = this.#words;
    const d = n > 1 ? chart.dimension(w[1]) : undefined;
    if (d === undefined) this.#bad(`RDSTATE of undefined dimension "${w[1] ?? ""}"`, text);
    const us = n > 2 ? timeOf(w[2]) : 0;
    if (us > d.lastCollectedUs) d.lastCollectedUs = us;
    if (n > 3) {
      d.lastCollected = parseCollected(w[3]) || 0;
      // The child's last collected value counts as one received here, so the next SET gives a rate
      // and the chart's first point after a replication is stored, as on the child (a v1.37.1
      // parent leaves that slot empty).
      if (d.collections === 0 && us !== 0) d.collections = 1;
    }
    if (n > 4) d.lastCalculated = Number(w[4]) || 0;
    if (n > 5) d.lastStored = Number(w[5]);
  }

  #rsstate(n: number, text: string): void {
    const chart = this.#replay;
    if (chart === undefined) this.#bad("RSSTATE without RBEGIN", text);
    const w = this.#words;
    const collected = n > 1 ? timeOf(w[1]) : 0;
    const updated = n > 2 ? timeOf(w[2]) : 0;
    chart.continueFrom(collected, updated);
  }

  #rend(n: number, text: string): void {
    const chart = this.#replay;
    if (chart === undefined) this.#bad("REND without RBEGIN", text);
    if (n < 7) this.#bad("REND needs at least six arguments", text);
    const w = this.#words;
    const r: ReplayEnd = {
      updateEvery: updateEveryOf(w[1]) ?? chart.updateEvery,
      firstSec: Number(w[2]) || 0,
      lastSec: Number(w[3]) || 0,
      done: w[4] === "true",
      afterSec: Number(w[5]) || 0,
      beforeSec: Number(w[6]) || 0,
      childNowSec: n > 7 ? Number(w[7]) || 0 : 0,
    };
    if (r.done) {
      if (r.updateEvery !== chart.updateEvery) chart.setUpdateEvery(r.updateEvery);
      chart.resync = false;
    }
    this.#replay = undefined;
    this.#hooks.replayEnd?.(chart, r);
  }

  #variable(n: number, text: string): void {
    const w = this.#words;
    let i = 1;
    let scope: "host" | "chart" = this.#chart !== undefined ? "chart" : "host";
    if (n > 1) {
      const s = w[1].toUpperCase();
      if (s === "HOST" || s === "GLOBAL") {
        scope = "host";
        i = 2;
      } else if (s === "CHART" || s === "LOCAL") {
        scope = "chart";
        i = 2;
      }
    }
    if (n <= i || w[i] === "") this.#bad("VARIABLE needs a name", text);
    const value = n > i + 1 ? Number(w[i + 1]) : NaN;
    if (scope === "chart" && this.#chart !== undefined) this.#chart.variables.set(w[i], value);
    else this.host.variables.set(w[i], value);
  }
}
