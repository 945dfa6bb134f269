/**
 * Debian's chromium driven by playwright-core, for the dashboard tests and the bench: start it,
 * count the pixels a chart really drew, save screenshots into test-artifacts/. A test that needs it
 * fails when /usr/bin/chromium is missing: `make test` installs it (tests/setup.sh).
 * @module
 */

import { type Browser, chromium, type Page } from "playwright-core";
import { dashboardFile } from "../../src/web/mod.ts";

export const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = new URL("../../test-artifacts/dashboard/", import.meta.url).pathname;

/** Whether chromium is installed (the bench reports without it; tests fail in {@link withPage}). */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** A page in a fresh headless chromium, with every request URL and page error recorded. */
export interface BrowserPage {
  page: Page;
  /** URLs requested so far, in order. */
  requests: string[];
  /** Uncaught page errors (a failing test prints them). */
  errors: string[];
}

/**
 * Runs `fn` with a new page of a new chromium; always closes the browser.
 * @throws {Error} chromium is not installed, or what `fn` throws
 */
export async function withPage<T>(
  fn: (p: BrowserPage) => Promise<T>,
  opts: { width?: number; height?: number } = {},
): Promise<T> {
  if (!hasChromium()) {
    throw new Error(
      `Cannot start chromium: "${CHROMIUM}" not installed; ` +
        "run `sudo apt-get install -y chromium` (make test does it as root)",
    );
  }
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const errors: string[] = [];
  let page: Page | undefined;
  try {
    const context = await browser.newContext({
      viewport: { width: opts.width ?? 1400, height: opts.height ?? 1000 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(20000);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(e.message));
    return await fn({ page, requests, errors });
  } catch (e) {
    const name = `failed-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await screenshot(page!, name).then(() => console.error(`screenshot: ${ARTIFACTS}${name}.png`), () => {});
    if (errors.length > 0) console.error(`--- page errors ---\n${errors.join("\n")}`);
    throw e;
  } finally {
    await browser.close();
  }
}

/** Saves a screenshot as test-artifacts/dashboard/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

/**
 * Browser-side source of `pixels(chartId, hue)`: how many pixels of the chart's canvas are coloured
 * (not white, grey or black: the grid, axes and text), optionally only those of one hue ("blue":
 * the first dimension's colour). Evaluated as a string, so no DOM types are needed here.
 */
const PIXELS = `(id, hue) => {
  const c = document.querySelector('[data-chart="' + id + '"] canvas');
  if (!c || c.width === 0) return 0;
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], g = d[i + 1], b = d[i + 2];
    if (d[i + 3] < 60 || Math.max(r, g, b) - Math.min(r, g, b) < 50) continue;
    if (hue === "blue" && !(b > r + 50 && b > g + 30)) continue;
    n++;
  }
  return n;
}`;

/** Coloured pixels the chart drew (see {@link PIXELS}). */
export async function chartPixels(page: Page, chartId: string, hue = ""): Promise<number> {
  return await page.evaluate(`(${PIXELS})(${JSON.stringify(chartId)}, ${JSON.stringify(hue)})`) as number;
}

/** Waits until the chart drew at least `min` coloured pixels (of `hue`); returns the count. */
export async function waitPixels(page: Page, chartId: string, min = 200, hue = ""): Promise<number> {
  // Only charts on screen poll: bring this one into view (with all collectors on, a node has over
  // a hundred charts, and system.ram is no longer in the first screen).
  const el = await page.waitForSelector(`[data-chart="${chartId}"]`);
  await el.scrollIntoViewIfNeeded();
  const h = await page.waitForFunction(
    `(${PIXELS})(${JSON.stringify(chartId)}, ${JSON.stringify(hue)}) >= ${min} ? ` +
      `(${PIXELS})(${JSON.stringify(chartId)}, ${JSON.stringify(hue)}) : 0`,
    undefined,
    // A liveness check, not a timing target: make test runs two files at once on two cores.
    { timeout: 45_000 },
  );
  return await h.jsonValue() as number;
}

/** A reverse proxy on 127.0.0.1 serving `upstream` at the sub-path `prefix` (e.g. "/netdata/"). */
export interface SubPathProxy {
  /** Its URL including the prefix, e.g. `http://127.0.0.1:40123/netdata/`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a reverse proxy that maps `<prefix><path>` to `<upstream>/<path>`. With `serveDashboard`,
 * it answers the dashboard's own files (also under `host/<id>/`) from the embedded copy and sends
 * only the API upstream: our page in front of a real Netdata.
 */
export function subPathProxy(
  upstream: string,
  opts: { prefix?: string; serveDashboard?: boolean } = {},
): SubPathProxy {
  const prefix = opts.prefix ?? "/netdata/";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (!url.pathname.startsWith(prefix)) return new Response("not under the prefix\n", { status: 404 });
    const rest = url.pathname.slice(prefix.length - 1);
    if (opts.serveDashboard) {
      const m = /^(\/host\/[^/]+)?(\/.*)$/.exec(rest);
      const f = m && !m[2].startsWith("/api/") ? dashboardFile(m[2]) : undefined;
      if (f !== undefined) return new Response(f.body, { headers: { "content-type": f.type } });
    }
    const r = await fetch(upstream + rest + url.search, { redirect: "manual" });
    const headers = new Headers(r.headers);
    // fetch() already decoded the body
    headers.delete("content-encoding");
    headers.delete("content-length");
    headers.delete("transfer-encoding");
    return new Response(r.body, { status: r.status, headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}${prefix}`,
    close: () => server.shutdown(),
  };
}
