/**
 * The dashboard: one HTML page, its script and style sheet, and uPlot (from npm, MIT), all
 * embedded in the program by text imports, so the compiled binary serves them with no files on
 * disk and no network. app.ts serves them at `/` and under every `/host/<id>/` prefix:
 *
 * - `index.html` (also for `/`): the shell; it loads `dashboard/*` by relative URLs.
 * - `dashboard/app.js`: the page logic. It calls only Netdata API v1 (`info`, `charts`, `data`,
 *   `alarms`, `alarm_log`) relative to the page's own directory, so the same page works at `/`, at
 *   `/host/NAME/`, behind a reverse proxy at a sub-path, and against a real Netdata 1.37 agent.
 * - `dashboard/style.css`, `dashboard/uplot.js`, `dashboard/uplot.css`.
 *
 * Asset URLs in the HTML carry a content hash (`?v=…`), so the assets are cacheable for a day
 * while the HTML itself is not.
 *
 * @example
 * ```ts
 * import { dashboardFile } from "./mod.ts";
 * const page = dashboardFile("/"); // { type: "text/html; charset=utf-8", body: "<!DOCTYPE html>…" }
 * ```
 * @module
 */

import indexHtml from "./index.html" with { type: "text" };
import appJs from "./app.js" with { type: "text" };
import styleCss from "./style.css" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import uplotLicense from "uplot/LICENSE" with { type: "text" };

const CT_HTML = "text/html; charset=utf-8";
const CT_JS = "application/javascript; charset=utf-8";
const CT_CSS = "text/css; charset=utf-8";

/** One embedded file. */
export interface WebFile {
  /** Content-Type as sent. */
  type: string;
  body: string;
  /** Whether it may be cached (the assets: their URLs carry a content hash). */
  cacheable: boolean;
}

/** 32-bit FNV-1a of a string, as 8 hex digits: a cache buster, not a checksum. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

const ASSETS: Record<string, WebFile> = {
  "dashboard/app.js": { type: CT_JS, body: appJs, cacheable: true },
  "dashboard/style.css": { type: CT_CSS, body: styleCss, cacheable: true },
  "dashboard/uplot.js": {
    type: CT_JS,
    body: `/*\n${uplotLicense.trim()}\n*/\n${uplotJs}`,
    cacheable: true,
  },
  "dashboard/uplot.css": { type: CT_CSS, body: uplotCss, cacheable: true },
};

const INDEX: WebFile = {
  type: CT_HTML,
  body: indexHtml.replace(/"(dashboard\/[a-z.]+)"/g, (_, p: string) => {
    const f = ASSETS[p];
    if (f === undefined) throw new TypeError(`index.html refers to an unknown asset: "${p}"`);
    return `"${p}?v=${fnv1a(f.body)}"`;
  }),
  cacheable: false,
};

/** Escapes text for an HTML element. */
function htmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The embedded file for a path below the page's base (`""`, `/`, `/index.html`,
 * `/dashboard/app.js`, …), or undefined. With `hostname`, the page's title names the node before
 * its script runs.
 */
export function dashboardFile(path: string, opts: { hostname?: string } = {}): WebFile | undefined {
  if (path === "" || path === "/" || path === "/index.html") {
    if (opts.hostname === undefined) return INDEX;
    const title = `<title>${htmlText(opts.hostname)} - dashboard</title>`;
    return { ...INDEX, body: INDEX.body.replace(/<title>[^<]*<\/title>/, () => title) };
  }
  return Object.hasOwn(ASSETS, path.slice(1)) ? ASSETS[path.slice(1)] : undefined;
}

/** Every file the page loads (HTML first), with its name: for page-weight figures. */
export function dashboardFiles(): { name: string; file: WebFile }[] {
  return [
    { name: "index.html", file: INDEX },
    ...Object.entries(ASSETS).map(([name, file]) => ({ name, file })),
  ];
}
