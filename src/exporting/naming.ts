/**
 * Netdata's metric naming, shared by `/api/v1/allmetrics?format=prometheus` and the exporting
 * connectors, so both give a metric the same name: `prometheus_name_copy()`,
 * `prometheus_label_copy()`, `prometheus_units_copy()` (exporting/prometheus/prometheus.c) and
 * `exporting_name_copy()` (exporting/process_data.c) of Netdata 1.37.1. Pure string functions.
 * @module
 */

/** Netdata's "old units" (`oldunits=yes`) of the Prometheus exporter. */
const OLD_UNITS: Record<string, string> = {
  "KiB/s": "kilobytes/s",
  "MiB/s": "MB/s",
  "GiB/s": "GB/s",
  "KiB": "KB",
  "MiB": "MB",
  "GiB": "GB",
  "inodes": "Inodes",
  "percentage": "percent",
  "faults/s": "page faults/s",
  "KiB/operation": "kilobytes per operation",
  "milliseconds/operation": "ms per operation",
};

const NOT_ALNUM = /[^A-Za-z0-9]/gu;
const NOT_ALNUM_DOT = /[^A-Za-z0-9.]/gu;

/** One `_` per UTF-8 byte of `c`: Netdata replaces byte by byte. */
function underscores(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp < 0x80 ? "_" : cp < 0x800 ? "__" : cp < 0x10000 ? "___" : "____";
}

/** Netdata's prometheus_name_copy(): every byte that is not alphanumeric becomes `_`. */
export function promName(s: string): string {
  return s.replace(NOT_ALNUM, underscores);
}

/** Netdata's prometheus_label_copy(): backslash-escapes `"`, `\` and newline. */
export function promLabel(s: string): string {
  return s.replace(/["\\\n]/g, (c) => "\\" + c);
}

/**
 * Netdata's prometheus_units_copy(): the units part of an `average` metric name, e.g.
 * `percentage` -> `_percentage`, `KiB/s` -> `_KiB_persec`, `%` -> `_percent`.
 */
export function promUnits(units: string, oldUnits: boolean): string {
  const s = oldUnits ? OLD_UNITS[units] ?? units : units;
  if (s === "%") return "_percent";
  if (s.length > 2 && s.endsWith("/s")) return "_" + promName(s.slice(0, -2)) + "_persec";
  return "_" + promName(s);
}

/**
 * Netdata's exporting_name_copy() (graphite, opentsdb): every byte but `.` and alphanumerics
 * becomes `_`.
 */
export function exportingName(s: string): string {
  return s.replace(NOT_ALNUM_DOT, underscores);
}

/** Netdata's sanitize_graphite_label_value(): whitespace, `;` and `~` become `_`. */
export function graphiteLabelValue(s: string): string {
  return s.replace(/[\s;~]/g, "_");
}

/**
 * Netdata's sanitize_opentsdb_label_value(): ASCII that is not alphanumeric or one of `-./`
 * becomes `_` (UTF-8 text is kept).
 */
export function opentsdbLabelValue(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\x00-\x2c\x3a-\x40\x5b-\x60\x7b-\x7f]/g, "_");
}
