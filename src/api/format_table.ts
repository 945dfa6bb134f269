/**
 * The data formatters of `/api/v1/data` (Netdata's web/api/formatters): json, datatable, csv and
 * its relatives, ssv and array. They print a QueryResult's visible columns, newest row first
 * unless `flip`. Like Netdata, percentage printing resets r.min/r.max on every row.
 * @module
 */

import { formatNumber, jsDate, jsonEscape, localDateTime } from "./format.ts";
import type { TextSink } from "./sink.ts";
import {
  OPT_ABSOLUTE,
  OPT_GOOGLE_JSON,
  OPT_LABEL_QUOTES,
  OPT_MILLISECONDS,
  OPT_MIN2MAX,
  OPT_NULL2ZERO,
  OPT_OBJECTSROWS,
  OPT_PERCENTAGE,
  OPT_REVERSED,
  OPT_SECONDS,
  type QueryResult,
  VALUE_EMPTY,
} from "./query/mod.ts";

/** Netdata's per-row percentage total: every queried column (hidden too), after `abs`. */
function rowTotal(r: QueryResult, row: number, options: number): number {
  let total = 0;
  const base = row * r.cols;
  const abs = (options & OPT_ABSOLUTE) !== 0;
  for (let c = 0; c < r.cols; c++) {
    let n = r.v[base + c];
    if (abs && n < 0) n = -n;
    total += n;
  }
  return total === 0 ? 1 : total;
}

/** Row indexes in print order: newest first, oldest first with `reversed`. */
function rowOrder(r: QueryResult, options: number): { start: number; end: number; step: number } {
  return (options & OPT_REVERSED) !== 0
    ? { start: 0, end: r.rows, step: 1 }
    : { start: r.rows - 1, end: -1, step: -1 };
}

/**
 * The value cells of a table, row by row: empty as null (or 0 with `null2zero`), else after `abs`
 * and, with `percentage`, as a share of the row total. Percentage rows also reset and widen
 * r.min/r.max, as Netdata does.
 */
class Cells {
  readonly #r: QueryResult;
  readonly #options: number;
  readonly #abs: boolean;
  readonly #percentage: boolean;
  readonly #null2zero: boolean;
  #total = 1;
  #rowStart = false;

  constructor(r: QueryResult, options: number) {
    this.#r = r;
    this.#options = options;
    this.#abs = (options & OPT_ABSOLUTE) !== 0;
    this.#percentage = (options & OPT_PERCENTAGE) !== 0;
    this.#null2zero = (options & OPT_NULL2ZERO) !== 0;
  }

  /** Starts row `i` (its total, for percentages). */
  row(i: number): void {
    if (!this.#percentage) return;
    this.#total = rowTotal(this.#r, i, this.#options);
    this.#rowStart = true;
  }

  /** The text of value `idx` of the current row. */
  text(idx: number): string {
    const r = this.#r;
    if ((r.o[idx] & VALUE_EMPTY) !== 0) return this.#null2zero ? "0" : "null";
    let n = r.v[idx];
    if (this.#abs && n < 0) n = -n;
    if (this.#percentage) {
      n = n * 100 / this.#total;
      if (this.#rowStart) {
        r.min = r.max = n;
        this.#rowStart = false;
      }
      if (n < r.min) r.min = n;
      if (n > r.max) r.max = n;
    }
    return formatNumber(n);
  }
}

/** Options of {@link formatJson}. */
export interface JsonOptions {
  /** Column labels (dimension names). */
  names: readonly string[];
  /** `options=` flags. */
  options: number;
  /** Google's `datatable` shape instead of `json`. */
  datatable: boolean;
}

/** Netdata's rrdr2json(): `json`, `jsonp` and (with `datatable`) the Google `datatable`. */
export function formatJson(w: TextSink, r: QueryResult, o: JsonOptions): void {
  const names = o.names;
  const datatable = o.datatable;
  let options = o.options;
  const google = (options & OPT_GOOGLE_JSON) !== 0;
  let kq: string, sq: string, preDate: string, postDate = "", preLabel: string, postLabel: string;
  let preValue: string, postValue = "", postLine: string, dataBegin: string, normalAnnotation = "";
  let objectRowsTime = "";
  let jsDates: boolean;
  let datesWithNew = false;
  if (datatable) {
    jsDates = true;
    kq = google ? "" : '"';
    sq = google ? "'" : '"';
    preDate = `        {${kq}c${kq}:[{${kq}v${kq}:${sq}`;
    postDate = `${sq}}`;
    preLabel = `,\n     {${kq}id${kq}:${sq}${sq},${kq}label${kq}:${sq}`;
    postLabel = `${sq},${kq}pattern${kq}:${sq}${sq},${kq}type${kq}:${sq}number${sq}}`;
    preValue = `,{${kq}v${kq}:`;
    postValue = "}";
    postLine = "]}";
    dataBegin = `\n  ],\n    ${kq}rows${kq}:\n [\n`;
    normalAnnotation = `,{${kq}v${kq}:null},{${kq}v${kq}:null}`;
    w.add(
      `{\n ${kq}cols${kq}:\n [\n` +
        `        {${kq}id${kq}:${sq}${sq},${kq}label${kq}:${sq}time${sq},${kq}pattern${kq}:${sq}${sq},${kq}type${kq}:${sq}datetime${sq}},\n` +
        `        {${kq}id${kq}:${sq}${sq},${kq}label${kq}:${sq}${sq},${kq}pattern${kq}:${sq}${sq},${kq}type${kq}:${sq}string${sq},${kq}p${kq}:{${kq}role${kq}:${sq}annotation${sq}}},\n` +
        `        {${kq}id${kq}:${sq}${sq},${kq}label${kq}:${sq}${sq},${kq}pattern${kq}:${sq}${sq},${kq}type${kq}:${sq}string${sq},${kq}p${kq}:{${kq}role${kq}:${sq}annotationText${sq}}}`,
    );
    options &= ~OPT_OBJECTSROWS;
  } else {
    kq = '"';
    sq = '"';
    jsDates = google;
    datesWithNew = google;
    const objectRows = (options & OPT_OBJECTSROWS) !== 0;
    preDate = objectRows ? " { " : " [ ";
    preLabel = ',"';
    postLabel = '"';
    preValue = ",";
    postLine = objectRows ? "}" : "]";
    dataBegin = `],\n    ${kq}data${kq}:\n [\n`;
    w.add(`{\n ${kq}labels${kq}: [${sq}time${sq}`);
    if (objectRows) objectRowsTime = `${kq}time${kq}: `;
  }
  const finish = "\n]\n}";
  const objectRows = (options & OPT_OBJECTSROWS) !== 0;

  let visible = 0;
  for (let c = 0; c < r.cols; c++) {
    if (!r.visible(c, options)) continue;
    w.add(preLabel + jsonEscape(names[c]) + postLabel);
    visible++;
  }
  if (visible === 0) w.add(preLabel + "no data" + postLabel);
  w.add(dataBegin);
  if (visible === 0) {
    w.add(finish);
    return;
  }

  const { start, end, step } = rowOrder(r, options);
  const ms = (options & OPT_MILLISECONDS) !== 0;
  const cells = new Cells(r, options);
  for (let i = start; i !== end; i += step) {
    if (i !== start) w.add(",\n");
    w.add(preDate);
    if (objectRows) w.add(objectRowsTime);
    if (jsDates) {
      if (datesWithNew) w.add("new ");
      w.add(jsDate(r.t[i]));
      w.add(postDate);
      if (datatable) w.add(normalAnnotation);
    } else {
      w.add(formatNumber(r.t[i]));
      if (ms) w.add("000");
      w.add(postDate);
    }
    cells.row(i);
    const base = i * r.cols;
    for (let c = 0; c < r.cols; c++) {
      if (!r.visible(c, options)) continue;
      w.add(preValue);
      if (objectRows) w.add(`${kq}${jsonEscape(names[c])}${kq}: `);
      w.add(cells.text(base + c));
      w.add(postValue);
    }
    w.add(postLine);
  }
  w.add(finish);
}

/** Options of {@link formatCsv}. */
export interface CsvOptions {
  /** Column labels (dimension names). */
  names: readonly string[];
  /** `options=` flags. */
  options: number;
  startLine: string;
  separator: string;
  endLine: string;
  betweenLines: string;
  /** Print the `:---:` line after the header. */
  markdown: boolean;
  /** Escape names for use inside a JSON string (jsonwrap). */
  escape: (s: string) => string;
}

/** Netdata's rrdr2csv(): csv, tsv, markdown, html and csvjsonarray. */
export function formatCsv(w: TextSink, r: QueryResult, o: CsvOptions): void {
  const names = o.names;
  const options = o.options;
  const q = (options & OPT_LABEL_QUOTES) !== 0 ? '"' : "";
  let visible = 0;
  for (let c = 0; c < r.cols; c++) {
    if (!r.visible(c, options)) continue;
    if (visible === 0) w.add(o.startLine + q + "time" + q);
    w.add(o.separator + q + o.escape(names[c]) + q);
    visible++;
  }
  w.add(o.endLine);
  if (o.markdown) {
    visible = 0;
    for (let c = 0; c < r.cols; c++) {
      if (!r.visible(c, options)) continue;
      if (visible === 0) w.add(o.startLine + q + ":---:" + q);
      w.add(o.separator + q + ":---:" + q);
      visible++;
    }
    w.add(o.endLine);
  }
  if (visible === 0) return;

  const { start, end, step } = rowOrder(r, options);
  const numericTime = (options & (OPT_SECONDS | OPT_MILLISECONDS)) !== 0;
  const ms = (options & OPT_MILLISECONDS) !== 0;
  const cells = new Cells(r, options);
  for (let i = start; i !== end; i += step) {
    w.add(o.betweenLines + o.startLine);
    if (numericTime) {
      w.add(formatNumber(r.t[i]));
      if (ms) w.add("000");
    } else {
      w.add(localDateTime(r.t[i]));
    }
    cells.row(i);
    const base = i * r.cols;
    for (let c = 0; c < r.cols; c++) {
      if (!r.visible(c, options)) continue;
      w.add(o.separator);
      w.add(cells.text(base + c));
    }
    w.add(o.endLine);
  }
}

/**
 * Netdata's rrdr2value(): one number for a row, the sum of the visible columns after `abs` and
 * `percentage` (`max - min` with `min2max`); undefined when every value is empty.
 */
export function rowValue(r: QueryResult, row: number, options: number): number | undefined {
  const base = row * r.cols;
  const percentage = (options & OPT_PERCENTAGE) !== 0;
  const abs = (options & OPT_ABSOLUTE) !== 0;
  const total = percentage ? rowTotal(r, row, options) : 1;
  let setMinMax = percentage;
  let sum = 0;
  let min = 0;
  let max = 0;
  let allNull = true;
  let init = true;
  for (let c = 0; c < r.cols; c++) {
    if (!r.visible(c, options)) continue;
    let n = r.v[base + c];
    if (abs && n < 0) n = -n;
    if (percentage) {
      n = n * 100 / total;
      if (setMinMax) {
        r.min = r.max = n;
        setMinMax = false;
      }
      if (n < r.min) r.min = n;
      if (n > r.max) r.max = n;
    }
    if (init) {
      if (n > 0) {
        min = 0;
        max = n;
      } else {
        min = n;
        max = 0;
      }
      init = false;
    }
    if ((r.o[base + c] & VALUE_EMPTY) === 0) {
      allNull = false;
      sum += n;
    }
    if (n < min) min = n;
    if (n > max) max = n;
  }
  if (allNull) return undefined;
  return (options & OPT_MIN2MAX) !== 0 ? max - min : sum;
}

/** Options of {@link formatSsv}. */
export interface SsvOptions {
  options: number;
  prefix: string;
  separator: string;
  suffix: string;
}

/** Netdata's rrdr2ssv(): `ssv`, `ssvcomma` and `array`; min/max become the range of the row values. */
export function formatSsv(w: TextSink, r: QueryResult, o: SsvOptions): void {
  const { options, separator, suffix } = o;
  w.add(o.prefix);
  const { start, end, step } = rowOrder(r, options);
  for (let i = start; i !== end; i += step) {
    const value = rowValue(r, i, options);
    const v = value === undefined ? 0 : value;
    if (i !== start) {
      if (r.min > v) r.min = v;
      if (r.max < v) r.max = v;
      w.add(separator);
    } else {
      r.min = v;
      r.max = v;
    }
    if (value === undefined) w.add((options & OPT_NULL2ZERO) !== 0 ? "0" : "null");
    else w.add(formatNumber(v));
  }
  w.add(suffix);
}
