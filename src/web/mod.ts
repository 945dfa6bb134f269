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

export { dashboardFile, dashboardFiles, type WebFile } from "./assets.ts";
