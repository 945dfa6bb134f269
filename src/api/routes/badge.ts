/**
 * `/api/v1/badge.svg` (Netdata 1.37.1's web/api/badges): a shields.io-style SVG showing an alarm's
 * value coloured by its status (`alarm=`), or a chart's value from a one-point query. Same
 * parameters and template; text widths are estimated (Netdata measures Verdana 11 from a table),
 * and `value_color` takes Netdata's conditions (`red>80|orange>50|green`).
 * @module
 */

import { formatValueAndUnit } from "../../health/format.ts";
import {
  createTarget,
  OPT_DISPLAY_ABS,
  OPT_NOT_ALIGNED,
  OPT_PERCENTAGE,
  parseDataOptions,
  parseGroupMethod,
  runQuery,
  targetWindow,
  tooLargeMessage,
} from "../query/mod.ts";
import { rowValue } from "../format_table.ts";
import { type Reply, type RouteContext, textReply } from "../reply.ts";
import { STATUS } from "../../health/expression.ts";

const COLORS: Record<string, string> = {
  brightgreen: "4c1",
  green: "97CA00",
  yellow: "dfb317",
  yellowgreen: "a4a61d",
  orange: "fe7d37",
  red: "e05d44",
  blue: "007ec6",
  grey: "555",
  gray: "555",
  lightgrey: "9f9f9f",
  lightgray: "9f9f9f",
};

const PADDING = 4;

/** Netdata's parse_color_argument(): 3 or 6 hex digits, or a colour name; else `def`. */
function color(arg: string | undefined, def: string): string {
  if (arg === undefined || arg.length < 2 || arg.length >= 20) return def;
  if (/^([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(arg)) return arg;
  return COLORS[arg] ?? def;
}

/**
 * Netdata's calc_colorz(): `value_color` may be `COLOR<VALUE|COLOR>=VALUE|COLOR:null|COLOR`, the
 * first term whose condition holds for `value` (or that has none) wins; values are integers.
 */
export function pickColor(spec: string, value: number): string {
  const v0 = Number.isFinite(value) ? value : NaN;
  let chosen = "";
  for (const term of spec.split("|")) {
    const m = /^([^!=:<>(){}]*)(!=?|=|:|[>)}]=?|[<({](?:=|[>)}])?)?(.*)$/.exec(term)!;
    chosen = m[1];
    const op = m[2];
    if (op === undefined) break;
    const text = m[3];
    const v = text === "" || text === "null" ? NaN : Number.parseInt(text, 10);
    if (Number.isNaN(v0) || Number.isNaN(v)) {
      if (Number.isNaN(v0) && Number.isNaN(v)) break;
      continue;
    }
    const c = op[0];
    const eq = op.length > 1 && op[1] === "=";
    const ne = c === "!" || (op.length > 1 && /[>)}]/.test(op[1]) && /[<({]/.test(c));
    const hit = ne
      ? v0 !== v
      : c === "=" || c === ":"
      ? v0 === v
      : /[>)}]/.test(c)
      ? (eq ? v0 >= v : v0 > v)
      : (eq ? v0 <= v : v0 < v);
    if (hit) break;
    chosen = "";
  }
  return chosen || spec;
}

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Estimated Verdana 11px text width. */
function textWidth(s: string): number {
  let w = 0;
  for (const c of s) {
    w += /[mwMW%@]/.test(c) ? 10 : /[il.,:;'|!I ]/.test(c) ? 3.5 : /[A-Z0-9]/.test(c) ? 7.5 : 6.5;
  }
  return w;
}

/** The SVG of a badge (Netdata's buffer_svg() template). */
export function badgeSvg(
  label: string,
  value: number,
  o: {
    units: string;
    labelColor?: string;
    valueColor?: string;
    precision?: number;
    scale?: number;
    abs?: boolean;
  },
): string {
  const units = o.units;
  const scale = Math.max(100, o.scale ?? 100) / 100;
  const valueColor = pickColor(o.valueColor || (Number.isFinite(value) ? "4c1" : "999"), value);
  const text = formatValueAndUnit(o.abs ? Math.abs(value) : value, units, { precision: o.precision ?? -1 });
  const lw = (textWidth(label) + PADDING * 2) * scale;
  const vw = (textWidth(text) + PADDING * 2) * scale;
  const tw = lw + vw, h = 20 * scale, fs = 11 * scale, off = 5.8 * scale, rc = 3 * scale;
  const f = (n: number) => n.toFixed(2);
  const l = xml(label), v = xml(text);
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${
    f(tw)
  }" height="${f(h)}">` +
    `<linearGradient id="smooth" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>` +
    `<stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<mask id="round"><rect class="bdge-ttl-width" width="${f(tw)}" height="${f(h)}" rx="${
      f(rc)
    }" fill="#fff"/></mask>` +
    `<g mask="url(#round)"><rect class="bdge-rect-lbl" width="${f(lw)}" height="${f(h)}" fill="#${
      color(o.labelColor, "555")
    }"/>` +
    `<rect class="bdge-rect-val" x="${f(lw)}" width="${f(vw)}" height="${f(h)}" fill="#${
      color(valueColor, "555")
    }"/>` +
    `<rect class="bdge-ttl-width" width="${f(tw)}" height="${f(h)}" fill="url(#smooth)"/></g>` +
    `<g text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="${f(fs)}">` +
    `<text class="bdge-lbl-lbl" x="${f(lw / 2)}" y="${
      Math.ceil(h - off)
    }" fill="#010101" fill-opacity=".3">${l}</text>` +
    `<text class="bdge-lbl-lbl" x="${f(lw / 2)}" y="${Math.ceil(h - off - 1)}" fill="#fff">${l}</text>` +
    `<text class="bdge-lbl-val" x="${f(lw + vw / 2 - 1)}" y="${
      Math.ceil(h - off)
    }" fill="#010101" fill-opacity=".3">${v}</text>` +
    `<text class="bdge-lbl-val" x="${f(lw + vw / 2 - 1)}" y="${
      Math.ceil(h - off - 1)
    }" fill="#fff">${v}</text>` +
    `</g></svg>`;
}

const STATUS_COLORS: Record<number, string> = {
  [STATUS.CRITICAL]: "red",
  [STATUS.WARNING]: "orange",
  [STATUS.CLEAR]: "brightgreen",
  [STATUS.UNDEFINED]: "lightgrey",
  // Netdata says "#000", which its colour parser rejects: the badge is grey (555).
  [STATUS.UNINITIALIZED]: "#000",
};

function svg(body: string, refresh = 0): Reply {
  return {
    status: 200,
    type: "image/svg+xml",
    body,
    ...(refresh > 0 ? { headers: [["Refresh", String(refresh)]] as [string, string][] } : {}),
  };
}

/** Handles `/api/v1/badge.svg?chart=...[&alarm=...]`. */
export function badgeRoute(ctx: RouteContext): Reply {
  const p = ctx.params;
  const chartId = p.get("chart");
  if (!chartId) {
    return { status: 400, type: "text/plain; charset=utf-8", body: "No chart id is given at the request." };
  }
  const int = (k: string, d: number) => {
    const v = p.get(k);
    const n = v ? Number.parseInt(v, 10) : NaN;
    return Number.isFinite(n) ? n : d;
  };
  const scale = int("scale", 100);
  const chart = ctx.host.chart(chartId);
  if (chart === undefined) return svg(badgeSvg("chart not found", NaN, { units: "", scale }));
  const alarmName = p.get("alarm");
  const alarm = alarmName !== undefined
    ? ctx.health?.of(ctx.host)?.byChart.get(chart.id)?.find((a) => a.name === alarmName)
    : undefined;
  if (alarmName !== undefined && alarm === undefined) {
    return svg(badgeSvg("alarm not found", NaN, { units: "", scale }));
  }
  const options = parseDataOptions(p.get("options"));
  const multiply = int("multiply", 1) || 1, divide = int("divide", 1) || 1;
  const dims = p.joined("dimension", "dim", "dimensions", "dims");
  const label = p.get("label") ??
    (alarmName !== undefined ? alarmName.replace(/_/g, " ") : dims ? dims.replace(/^\|/, "") : chart.name);
  const units = p.get("units") ??
    (alarm ? alarm.units : (options & OPT_PERCENTAGE) !== 0 ? "%" : chart.units);
  const after = int("after", -chart.updateEvery), before = int("before", 0);
  const refreshText = p.get("refresh");
  let refresh = 0;
  if (refreshText === "auto") {
    refresh = alarm
      ? alarm.updateEvery
      : (options & OPT_NOT_ALIGNED) !== 0
      ? chart.updateEvery
      : Math.abs(before - after);
  } else if (refreshText) refresh = Math.abs(int("refresh", 0));
  const o = {
    labelColor: p.get("label_color"),
    valueColor: p.get("value_color"),
    precision: int("precision", -1),
    scale,
    abs: (options & OPT_DISPLAY_ABS) !== 0,
  };
  if (alarm !== undefined) {
    const v = Number.isFinite(alarm.value) ? alarm.value * multiply / divide : alarm.value;
    return svg(
      badgeSvg(label, v, { ...o, units, valueColor: o.valueColor ?? STATUS_COLORS[alarm.status] ?? "grey" }),
      refresh,
    );
  }
  let value = NaN;
  const nowSec = Math.floor(ctx.nowMs / 1000);
  if (chart.lastEntrySec() >= nowSec - chart.updateEvery * ctx.host.gapWhenLostIterationsAbove) {
    const target = createTarget({
      host: ctx.host,
      chart,
      charts: chart.id,
      contexts: undefined,
      dimensions: dims,
      chartLabelKey: undefined,
      chartLabelsFilter: undefined,
      after,
      before,
      points: int("points", 1),
      gtime: 0,
      options,
      nowSec,
    }); // deno-fmt-ignore
    const window = target && targetWindow(target);
    const tooLarge = target && window && tooLargeMessage(target, window, ctx.config.web.maxQueryValues);
    if (tooLarge) return textReply(400, tooLarge);
    const run = target && window && runQuery(target, {
      group: parseGroupMethod(p.get("group")),
      groupOptions: p.get("group_options"),
      scratch: ctx.state.scratch,
      window,
    });
    if (run && run.result.rows > 0) {
      const v = rowValue(run.result, run.result.rows - 1, options);
      if (v !== undefined) value = v * multiply / divide;
    }
  }
  return svg(badgeSvg(label, value, { ...o, units }), refresh);
}
