import { assert } from "../../tests/_helpers/assert.ts";
import { dashboardFile, dashboardFiles } from "./mod.ts";

async function gzipSize(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

Deno.test("dashboard: the whole page (HTML, JS, CSS) is under 200 KB gzipped", async () => {
  let total = 0;
  for (const { file } of dashboardFiles()) total += await gzipSize(file.body);
  assert.ok(total < 200 * 1024, `${total} bytes gzipped`);
  assert.ok(total > 20 * 1024, `${total} bytes gzipped: uPlot is in it`);
});

Deno.test("dashboard: index.html loads every asset by a relative, content-hashed URL", () => {
  const html = dashboardFile("/")!.body;
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((r) => r !== "data:,");
  assert.deepEqual(
    refs.map((r) => r.replace(/\?v=[0-9a-f]{8}$/, "")).sort(),
    dashboardFiles().slice(1).map((f) => f.name).sort(),
  );
  for (const r of refs) assert.match(r, /^dashboard\/[a-z.]+\?v=[0-9a-f]{8}$/, r);
  assert.equal(dashboardFile("/index.html"), dashboardFile(""));
  assert.equal(dashboardFile("/dashboard/nosuch.js"), undefined);
  assert.equal(dashboardFile("/toString"), undefined);
  assert.match(
    dashboardFile("/", { hostname: "<a&b>" })!.body,
    /<title>&#60;a&#38;b&#62; - dashboard<\/title>/,
  );
});

Deno.test("dashboard: the page calls only Netdata API v1 by relative URLs (so it works under /host/X/ and a sub-path)", () => {
  const js = dashboardFile("/dashboard/app.js")!.body;
  assert.doesNotMatch(js, /["'`]\/api\//, "no absolute /api/ path");
  const calls = [...js.matchAll(/["'`](api\/v1\/[a-z_]+)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(calls)].sort(), [
    "api/v1/alarm_log",
    "api/v1/alarms",
    "api/v1/charts",
    "api/v1/data",
    "api/v1/info",
  ]);
});
