/**
 * Text helpers shared by the endpoints: Netdata's number printers, JSON and HTML escaping, and the
 * date forms used by the csv-like formats. The data formatters are in format_table.ts (rows),
 * format_jsonwrap.ts (the jsonwrap object) and format_data.ts (`format=`).
 * @module
 */

/** Content type of JSON answers, as Netdata spells it on the wire. */
export const CT_JSON = "application/json; charset=utf-8";
/** Content type of text answers (errors, csv, ssv). */
export const CT_TEXT = "text/plain; charset=utf-8";
/** Content type of jsonp and Google datasource answers. */
export const CT_JS = "application/x-javascript; charset=utf-8";
/** Content type of html answers. */
export const CT_HTML = "text/html; charset=utf-8";
/** Content type of the Prometheus text exposition format. */
export const CT_PROMETHEUS = "text/plain; version=0.0.4";

const FRACTION_SCALE = 10_000_000;

/** Rounds half to even, like C's llrint() in the default rounding mode. */
function rint(x: number): number {
  const r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

function integerText(v: number): string {
  return v < 9007199254740992 ? String(v) : BigInt(v).toString();
}

/**
 * Netdata's `print_netdata_double()` for data values: the integer part in full (never exponent
 * form), then up to 7 rounded fractional digits with trailing zeros removed. NaN and infinities
 * print as `null`; a negative value that rounds to zero prints as `-0`.
 */
export function formatNumber(value: number): string {
  if (value !== value || value === Infinity || value === -Infinity) return "null";
  let sign = "";
  if (value < 0) {
    sign = "-";
    value = -value;
  }
  let integral = Math.trunc(value);
  let fractional = rint((value - integral) * FRACTION_SCALE);
  if (fractional >= FRACTION_SCALE) {
    integral += 1;
    fractional -= FRACTION_SCALE;
  }
  const int = integerText(integral);
  if (fractional === 0) return sign + int;
  let frac = String(fractional);
  while (frac.length < 7) frac = "0" + frac;
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  return sign + int + "." + frac.slice(0, end);
}

export { formatFixed } from "../util/number.ts";

/** JSON-escapes a string without the surrounding quotes. */
export function jsonEscape(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      const q = JSON.stringify(s);
      return q.slice(1, q.length - 1);
    }
  }
  return s;
}

/**
 * A value already printed as JSON text, for answers that keep a large part serialized between
 * requests: an endpoint that prints its fields itself copies `text` as it is, and
 * `JSON.stringify()` anywhere else still gives the same value (through `toJSON()`, slowly).
 */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** A JSON string literal. */
export function jsonString(s: string): string {
  return '"' + jsonEscape(s) + '"';
}

/** Netdata's `buffer_strcat_htmlescape()`. */
export function htmlEscape(s: string): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let r: string;
    switch (s.charCodeAt(i)) {
      case 0x26:
        r = "&amp;";
        break;
      case 0x3c:
        r = "&lt;";
        break;
      case 0x3e:
        r = "&gt;";
        break;
      case 0x22:
        r = "&quot;";
        break;
      case 0x2f:
        r = "&#x2F;";
        break;
      case 0x27:
        r = "&#x27;";
        break;
      default:
        continue;
    }
    out += s.slice(last, i) + r;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** `YYYY-MM-DD HH:MM:SS` in the agent's local time (Netdata's buffer_date()). */
export function localDateTime(tSec: number): string {
  const d = new Date(tSec * 1000);
  return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()) + " " + pad2(d.getHours()) +
    ":" + pad2(d.getMinutes()) + ":" + pad2(d.getSeconds());
}

/** `Date(2026,10,21,20,39,58)` in local time, month zero-based (Netdata's buffer_jsdate()). */
export function jsDate(tSec: number): string {
  const d = new Date(tSec * 1000);
  return "Date(" + d.getFullYear() + "," + d.getMonth() + "," + d.getDate() + "," + d.getHours() + "," +
    d.getMinutes() + "," + d.getSeconds() + ")";
}

/** An HTTP date (`Sat, 21 Nov 2026 20:36:14 GMT`). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
