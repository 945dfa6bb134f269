import { assert } from "../../tests/_helpers/assert.ts";
import { makeHost, NOW_SEC, storedChart, testAgent } from "./_helper.ts";

const CHILD_GUID = "fa57ff3a-e5ea-11f1-83f5-02fc00000001";

function agentWithChild() {
  const a = testAgent();
  storedChart(a.localhost, "system.load", ["load1"], NOW_SEC - 100, [[1, 2, 3]]);
  const child = makeHost({ hostname: "nd-child", guid: CHILD_GUID });
  storedChart(child, "system.cpu", ["user"], NOW_SEC - 100, [[5, 6, 7]]);
  a.hosts.add(child);
  return { ...a, child };
}

const errorCases: {
  name: string;
  path: string;
  method?: string;
  status: number;
  body: string;
  type?: string;
}[] = [
  { name: "/api/ asks for a version", path: "/api/", status: 400, body: "Which API version?" },
  {
    name: "an unknown API version is html",
    path: "/api/v2/info",
    status: 404,
    body: "Unsupported API version: v2",
    type: "text/html; charset=utf-8",
  },
  { name: "/api/v1 asks for a command", path: "/api/v1", status: 400, body: "Which API v1 command?" },
  {
    name: "/api/v1/ is an empty command",
    path: "/api/v1/",
    status: 404,
    body: "Unsupported v1 API command: ",
  },
  {
    name: "unknown commands",
    path: "/api/v1/nosuch",
    status: 404,
    body: "Unsupported v1 API command: nosuch",
  },
  {
    name: "a trailing slash is part of the command, html-escaped",
    path: "/api/v1/info/",
    status: 404,
    body: "Unsupported v1 API command: info&#x2F;",
  },
  {
    name: "/api/v1//info keeps the empty segment in the command",
    path: "/api/v1//info",
    status: 404,
    body: "Unsupported v1 API command: &#x2F;info",
  },
  {
    name: "ML commands are absent",
    path: "/api/v1/ml_info",
    status: 404,
    body: "Unsupported v1 API command: ml_info",
  },
  {
    name: "a badge without a chart is Netdata's 400",
    path: "/api/v1/badge.svg",
    status: 400,
    body: "No chart id is given at the request.",
  },
  {
    name: "functions are forbidden",
    path: "/api/v1/functions",
    status: 403,
    body: "You are not allowed to access this resource.",
  },
  {
    name: "unknown hosts are html",
    path: "/host/nosuch/api/v1/info",
    status: 404,
    body: "This netdata does not maintain a database for host: nosuch",
    type: "text/html; charset=utf-8",
  },
  {
    name: "host names are matched case-sensitively",
    path: "/host/ND-CHILD/api/v1/info",
    status: 404,
    body: "This netdata does not maintain a database for host: ND-CHILD",
    type: "text/html; charset=utf-8",
  },
  {
    name: "nesting hosts",
    path: "/host/nd-child/host/nd-parent/api/v1/info",
    status: 400,
    body: "Nesting of hosts is not allowed.",
  },
  {
    name: "a control character in the query",
    path: "/api/v1/info?x=%0a",
    status: 400,
    body: "URL not valid. I don't understand you...\r\n",
  },
  {
    name: "bad escapes in the path",
    path: "/api/v1/in%zzfo",
    status: 400,
    body: "URL not valid. I don't understand you...\r\n",
  },
  { name: "POST", path: "/api/v1/info", method: "POST", status: 400, body: "I don't understand you...\r\n" },
  { name: "PUT", path: "/api/v1/info", method: "PUT", status: 400, body: "I don't understand you...\r\n" },
  {
    name: "a missing static file",
    path: "/nosuchfile.html",
    status: 404,
    body: "File does not exist, or is not accessible: &#x2F;nosuchfile.html",
    type: "text/html; charset=utf-8",
  },
  {
    name: "chart without chart=",
    path: "/api/v1/chart",
    status: 400,
    body: "No chart id is given at the request.",
  },
  {
    name: "chart with an empty chart=",
    path: "/api/v1/chart?chart=",
    status: 400,
    body: "No chart id is given at the request.",
  },
  { name: "chart unknown", path: "/api/v1/chart?chart=a<b", status: 404, body: "Chart is not found: a&lt;b" },
  {
    name: "alarm_variables unknown chart",
    path: "/api/v1/alarm_variables?chart=x",
    status: 404,
    body: "Chart is not found: x",
  },
  {
    name: "data without chart or context",
    path: "/api/v1/data",
    status: 400,
    body: "No chart or context is given.",
  },
  {
    name: "data with chart=*",
    path: "/api/v1/data?chart=*",
    status: 400,
    body: "No chart or context is given.",
  },
  {
    name: "data on an unknown chart",
    path: "/api/v1/data?chart=nosuch",
    status: 404,
    body: "No metrics where matched to query.",
  },
  {
    name: "data with a dimension that matches nothing",
    path: "/api/v1/data?chart=system.load&dimensions=nosuch",
    status: 404,
    body: "No metrics where matched to query.",
  },
  {
    name: "data with a window older than retention",
    path: `/api/v1/data?chart=system.load&after=${NOW_SEC - 5000}&before=${NOW_SEC - 4000}`,
    status: 404,
    body: "No metrics where matched to query.",
  },
  {
    name: "data with a timeout already exceeded",
    path: "/api/v1/data?chart=system.load&after=-200&timeout=-1",
    status: 503,
    body: "Query timeout exceeded",
  },
  {
    name: "allmetrics with an unknown format",
    path: "/api/v1/allmetrics?format=xml",
    status: 400,
    body: "Which format? 'shell', 'prometheus', 'prometheus_all_hosts' and 'json' are currently supported.",
  },
  {
    name: "context without context=",
    path: "/api/v1/context",
    status: 400,
    body: "No context is given at the request.",
  },
  {
    name: "context unknown is an empty json 404",
    path: "/api/v1/context?context=nosuch",
    status: 404,
    body: "",
    type: "application/json; charset=utf-8",
  },
  {
    name: "registry without an action",
    path: "/api/v1/registry",
    status: 400,
    body: "Invalid registry request - you need to set an action: hello, access, delete, search",
  },
];

for (const c of errorCases) {
  Deno.test(`app: ${c.name} -> ${c.status}`, async () => {
    const a = agentWithChild();
    const r = await a.get(c.path, { method: c.method ?? "GET" });
    assert.equal(r.status, c.status);
    assert.equal(r.body, c.body);
    assert.equal(r.headers.get("content-type"), c.type ?? "text/plain; charset=utf-8");
    assert.equal(r.headers.get("cache-control"), "no-cache, no-store, must-revalidate");
    assert.equal(r.headers.get("pragma"), "no-cache");
  });
}

Deno.test("app: HEAD answers 400", async () => {
  const a = agentWithChild();
  const r = await a.get("/api/v1/info", { method: "HEAD" });
  assert.equal(r.status, 400);
});

Deno.test("app: OPTIONS answers the CORS pre-flight on any path", async () => {
  const a = agentWithChild();
  const r = await a.get("/api/v1/data?chart=x", {
    method: "OPTIONS",
    headers: { Origin: "http://example.com" },
  });
  assert.equal(r.status, 200);
  assert.equal(r.body, "OK");
  assert.equal(r.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(r.headers.get("access-control-allow-origin"), "http://example.com");
  assert.equal(r.headers.get("access-control-allow-credentials"), "true");
  assert.equal(r.headers.get("access-control-allow-methods"), "GET, OPTIONS");
  assert.equal(
    r.headers.get("access-control-allow-headers"),
    "accept, x-requested-with, origin, content-type, cookie, pragma, cache-control, x-auth-token",
  );
  assert.equal(r.headers.get("access-control-max-age"), "1209600");
});

Deno.test("app: CORS echoes the Origin, else *", async () => {
  const a = agentWithChild();
  const echoed = await a.get("/api/v1/info", { headers: { Origin: "http://dash.example" } });
  assert.equal(echoed.headers.get("access-control-allow-origin"), "http://dash.example");
  assert.equal(echoed.headers.get("access-control-allow-credentials"), "true");
  const star = await a.get("/api/v1/info");
  assert.equal(star.headers.get("access-control-allow-origin"), "*");
  assert.equal(star.headers.get("server"), "agent/v0.1.0");
});

Deno.test("app: no-cache answers expire after update_every, cacheable ones after a day", async () => {
  const a = agentWithChild();
  const info = await a.get("/api/v1/info");
  assert.equal(info.headers.get("cache-control"), "no-cache, no-store, must-revalidate");
  assert.equal(info.headers.get("pragma"), "no-cache");
  assert.equal(info.headers.get("date"), new Date(NOW_SEC * 1000 + 123).toUTCString());
  assert.equal(info.headers.get("expires"), new Date(NOW_SEC * 1000 + 1123).toUTCString());
  const charts = await a.get("/api/v1/charts");
  assert.equal(charts.headers.get("cache-control"), "public");
  assert.equal(charts.headers.get("pragma"), null);
  assert.equal(charts.headers.get("expires"), new Date(NOW_SEC * 1000 + 123 + 86400_000).toUTCString());
});

Deno.test("app: data is cacheable only for absolute windows", async () => {
  const a = agentWithChild();
  const rel = await a.get("/api/v1/data?chart=system.load&after=-10");
  assert.equal(rel.headers.get("cache-control"), "no-cache, no-store, must-revalidate");
  const abs = await a.get(`/api/v1/data?chart=system.load&after=${NOW_SEC - 100}&before=${NOW_SEC - 90}`);
  assert.equal(abs.status, 200);
  assert.equal(abs.headers.get("cache-control"), "public");
});

Deno.test("app: empty path segments are skipped (//api/v1/info, /api//v1/info)", async () => {
  const a = agentWithChild();
  for (const p of ["//api/v1/info", "/api//v1/info", "//api/v1/alarms?active"]) {
    const r = await a.get(p);
    assert.equal(r.status, 200, p);
  }
});

Deno.test("app: /host/<name|guid|localhost>/ selects the host for the API", async () => {
  const a = agentWithChild();
  for (
    const [prefix, want] of [
      ["/host/nd-child", "nd-child"],
      ["/host/" + CHILD_GUID, "nd-child"],
      ["/host/localhost", "nd-parent"],
      ["/host/nd-parent", "nd-parent"],
      ["//host//nd-child/", "nd-child"],
    ]
  ) {
    const r = await a.get(prefix + "/api/v1/charts");
    assert.equal(r.status, 200, prefix);
    assert.equal(JSON.parse(r.body).hostname, want, prefix);
  }
  const data = await a.get("/host/nd-child/api/v1/data?chart=system.cpu&after=-200");
  assert.equal(data.status, 200);
  assert.equal((await a.get("/host/nd-child/api/v1/data?chart=system.load")).status, 404);
});

Deno.test("app: /host/localhost/host/<child>/ is not nesting (the outer host is this agent)", async () => {
  const a = agentWithChild();
  const r = await a.get("/host/localhost/host/nd-child/api/v1/charts");
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).hostname, "nd-child");
});

Deno.test("app: /host/<name> without a slash redirects with 308, honouring X-Forwarded-*", async () => {
  const a = agentWithChild();
  const plain = await a.get("http://127.0.0.1:19999/host/nd-child");
  assert.equal(plain.status, 308);
  assert.equal(plain.headers.get("location"), "http://127.0.0.1:19999/host/nd-child/");
  const fwd = await a.get("http://127.0.0.1:19999/host/nd-child", {
    headers: { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "dash.example.com" },
  });
  assert.equal(fwd.headers.get("location"), "https://dash.example.com/host/nd-child/");
  const unknown = await a.get("/host/whatever");
  assert.equal(unknown.status, 308, "the redirect comes before the host lookup");
});

Deno.test("app: the dashboard is served at /, under /host/<name|guid>/ and its assets relative to both", async () => {
  const a = agentWithChild();
  for (const p of ["/", "/index.html", "/host/nd-child/", "/host/fa57ff3a-e5ea-11f1-83f5-02fc00000001/"]) {
    const r = await a.get(p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(r.headers.get("cache-control"), "no-cache, no-store, must-revalidate", p);
    const src = /src="(dashboard\/app\.js\?v=[0-9a-f]{8})"/.exec(r.body);
    assert.ok(src, `${p}: relative app.js with a content hash`);
    const js = await a.get(p.replace(/index\.html$/, "") + src[1]);
    assert.equal(js.status, 200, `${p}${src[1]}`);
    assert.equal(js.headers.get("content-type"), "application/javascript; charset=utf-8");
    assert.equal(js.headers.get("cache-control"), "public");
    assert.match(js.body, /api\/v1\/charts/);
  }
  for (const asset of ["dashboard/uplot.js", "dashboard/uplot.css", "dashboard/style.css"]) {
    assert.equal((await a.get("/" + asset)).status, 200, asset);
  }
  assert.match((await a.get("/dashboard/uplot.js")).body, /MIT License[\s\S]*var uPlot=/);
  assert.equal((await a.get("/dashboard/nosuch.js")).status, 404);
  assert.equal((await a.get("/host/nosuch/")).status, 404);
});

Deno.test("app: gzip when the client accepts it", async () => {
  const a = agentWithChild();
  const res = await a.app.request("/api/v1/info", { headers: { "Accept-Encoding": "gzip" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-encoding"), "gzip");
  const text = await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  assert.equal(JSON.parse(text).uid, "dc25b32c-e5ea-11f1-b3d9-02fc00000001");
  assert.equal(res.headers.get("vary"), "Accept-Encoding");
  const refused = await a.app.request("/api/v1/info", { headers: { "Accept-Encoding": "br, gzip;q=0" } });
  assert.equal(refused.headers.get("content-encoding"), null, "gzip;q=0 refuses gzip");
  assert.equal(JSON.parse(await refused.text()).uid, "dc25b32c-e5ea-11f1-b3d9-02fc00000001");
  const tiny = await a.app.request("/api/v1/nosuch", { headers: { "Accept-Encoding": "gzip" } });
  assert.equal(tiny.headers.get("content-encoding"), null, "an answer under 1 KiB is sent as it is");
  await tiny.body?.cancel();
});

Deno.test("app: [web] enable gzip compression and gzip compression level take effect", async () => {
  const sizes: number[] = [];
  for (const web of [{ gzipLevel: 1 }, { gzipLevel: 9 }, { enableGzip: false }]) {
    const a = testAgent(undefined, web);
    for (let i = 0; i < 20; i++) {
      a.hosts.add(makeHost({ hostname: `child-${i}`, guid: `dc25b32c-e5ea-11f1-b3d9-0200000000${10 + i}` }));
    }
    const res = await a.app.request("/api/v1/info", { headers: { "Accept-Encoding": "gzip" } });
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(Number(res.headers.get("content-length")), body.length);
    const gzipped = res.headers.get("content-encoding") === "gzip";
    assert.equal(gzipped, web.enableGzip !== false, JSON.stringify(web));
    const text = gzipped
      ? await new Response(new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
      : new TextDecoder().decode(body);
    assert.equal(JSON.parse(text).mirrored_hosts.length, 21);
    sizes.push(body.length);
  }
  assert.ok(sizes[1] < sizes[0], `level 9 (${sizes[1]} bytes) is smaller than level 1 (${sizes[0]})`);
  assert.ok(sizes[0] < sizes[2] / 2, `level 1 (${sizes[0]} bytes) beside plain (${sizes[2]})`);
});

Deno.test("app: two API instances keep separate Prometheus scrape windows", async () => {
  const a = agentWithChild();
  const b = agentWithChild();
  const q = "/api/v1/allmetrics?format=prometheus&help=yes&server=s1";
  await a.get(q);
  const second = await a.get(q);
  assert.match(second.body, /last seen 0 seconds ago/);
  const other = await b.get(q);
  assert.match(other.body, /FIRST SEEN/);
});

Deno.test("app: netdata.conf is plain text", async () => {
  const a = agentWithChild();
  const r = await a.get("/netdata.conf");
  assert.equal(r.status, 200);
  assert.match(r.body, /\[global\]\n\thostname = nd-parent\n/);
});

Deno.test("app: the client address from Deno.serve's info (or agent.ts's { info }) keys Prometheus windows", async () => {
  const a = agentWithChild();
  const q = "http://x/api/v1/allmetrics?format=prometheus&help=yes";
  const deno = await a.app.fetch(new Request(q), { remoteAddr: { hostname: "10.0.0.1" } });
  assert.match(await deno.text(), /FIRST SEEN prometheus "10\.0\.0\.1"/);
  const wrapped = await a.app.fetch(new Request(q), { info: { remoteAddr: { hostname: "10.0.0.2" } } });
  assert.match(await wrapped.text(), /FIRST SEEN prometheus "10\.0\.0\.2"/);
});
