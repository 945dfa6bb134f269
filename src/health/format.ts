/**
 * Netdata 1.37.1's format_value_and_unit() (web/api/badges): the `value_string` of alarms, log
 * entries and notifications, and the text of badges.
 * @module
 */

const UNIT_FORMATS: Record<string, string> = {
  seconds: "seconds",
  "seconds ago": "seconds ago",
  minutes: "minutes",
  "minutes ago": "minutes ago",
  hours: "hours",
  "hours ago": "hours ago",
  "on/off": "onoff",
  "on-off": "onoff",
  onoff: "onoff",
  "up/down": "updown",
  "up-down": "updown",
  updown: "updown",
  "ok/error": "okerror",
  "ok-error": "okerror",
  okerror: "okerror",
  "ok/failed": "okfailed",
  "ok-failed": "okfailed",
  okfailed: "okfailed",
  empty: "empty",
  null: "empty",
  percentage: "percent",
  percent: "percent",
  pcent: "percent",
};

const pad2 = (n: number) => String(n).padStart(2, "0");

/** A number with auto precision (or `precision` digits) and its unit, e.g. `95.3%`, `1234 MiB`. */
export function formatValueAndUnit(value: number, units: string, opts: { precision?: number } = {}): string {
  const precision = opts.precision ?? -1;
  const format = UNIT_FORMATS[units] ?? "";
  const finite = Number.isFinite(value);
  if (format.startsWith("seconds") || format.startsWith("minutes") || format.startsWith("hours")) {
    if (value === 0) return "now";
    if (!finite) return "undefined";
    const ago = format.endsWith(" ago") ? " ago" : "";
    const v = Math.trunc(value);
    if (format.startsWith("seconds")) {
      const d = Math.trunc(v / 86400), h = Math.trunc((v % 86400) / 3600);
      const m = Math.trunc((v % 3600) / 60), s = v % 60;
      return d
        ? `${d} ${d === 1 ? "day" : "days"} ${pad2(h)}:${pad2(m)}:${pad2(s)}${ago}`
        : `${pad2(h)}:${pad2(m)}:${pad2(s)}${ago}`;
    }
    if (format.startsWith("minutes")) {
      const d = Math.trunc(v / 1440), h = Math.trunc((v % 1440) / 60), m = v % 60;
      return d ? `${d}d ${pad2(h)}h ${pad2(m)}m${ago}` : `${h}h ${m}m${ago}`;
    }
    const d = Math.trunc(v / 24), h = v % 24;
    return d ? `${d}d ${h}h${ago}` : `${h}h${ago}`;
  }
  if (format === "onoff") return value !== 0 ? "on" : "off";
  if (format === "updown") return value !== 0 ? "up" : "down";
  if (format === "okerror") return value !== 0 ? "ok" : "error";
  if (format === "okfailed") return value !== 0 ? "ok" : "failed";
  if (format === "empty") units = "";
  else if (format === "percent") units = "%";
  if (!finite) return "-";
  const sep = /^[A-Za-z0-9]/.test(units) ? " " : "";
  if (precision >= 0) return value.toFixed(Math.min(precision, 50)) + sep + units;
  const abs = Math.abs(value);
  let s: string;
  if (abs >= 1000) return value.toFixed(0) + sep + units;
  else if (abs >= 10) s = value.toFixed(1);
  else if (abs >= 0.1) s = value.toFixed(2);
  else if (abs >= 0.01) s = value.toFixed(4);
  else if (abs >= 0.001) s = value.toFixed(5);
  else if (abs >= 0.0001) s = value.toFixed(6);
  else s = value.toFixed(7);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s + sep + units;
}
