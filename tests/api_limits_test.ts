/**
 * Bounded work per API request, on a real agent process: the limit answers of `/api/v1/data`
 * (Netdata's clamps where it has them, our 400 naming the parameters, the 503 of a busy agent),
 * fuzzed requests that never get a 5xx, and a burst of heavy requests after which the agent still
 * answers and its RSS is bounded.
 * @module
 */

import { assert } from "./_helpers/assert.ts";
import { confDir, waitFor, withAgent } from "./_helpers/agent.ts";
import { burst, rssMiB } from "./bench/api_burst.ts";

const CONF = `[web]
    max values per query = 1000000
    max large answers at once = 1
`;

/** GETs `path` and reads the whole body as text. */
async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(base + path, { headers });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

Deno.test("/api/v1/data: Netdata's clamps, a 400 naming the parameters over 'max values per query', a 503 with Retry-After when large answers are busy", async () => {
  const conf = await confDir({ "agent.conf": CONF });
  try {
    await withAgent({ args: ["--config", conf, "--memory-mode", "ram"] }, async (a) => {
      const data = "/api/v1/data?chart=system.cpu&format=json";
      let first = await get(a.url, `${data}&after=-2`);
      for (let i = 0; i < 50 && first.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        first = await get(a.url, `${data}&after=-2`);
      }
      assert.deepStrictEqual(first.status, 200, first.text);

      // Netdata's answers for numbers: `points` is clamped to the window, bad numbers are defaults.
      const cases: { name: string; path: string; rows: (n: number) => boolean }[] = [
        { name: "points above the window", path: `${data}&after=-60&points=99999999`, rows: (n) => n <= 61 },
        { name: "points not a number", path: `${data}&after=-60&points=abc`, rows: (n) => n <= 61 },
        { name: "negative points", path: `${data}&after=-60&points=-5`, rows: (n) => n <= 61 },
        { name: "after not a number", path: `${data}&after=xyz&points=10`, rows: (n) => n <= 10 },
        {
          name: "a century wide",
          path: `${data}&after=1&before=4000000000&points=100`,
          rows: (n) => n <= 100,
        },
        {
          name: "86400 points of one chart",
          path: `${data}&after=-86400&points=86400`,
          rows: (n) => n <= 86400,
        },
      ];
      for (const c of cases) {
        const r = await get(a.url, c.path);
        assert.deepStrictEqual(r.status, 200, `${c.name}: ${r.text.slice(0, 200)}`);
        const rows = JSON.parse(r.text).data.length;
        assert(c.rows(rows), `${c.name}: ${rows} rows`);
      }

      // Ours: rows × dimensions over the limit is a 400 that names what to change.
      const big = await get(a.url, "/api/v1/data?context=*s*&after=-86400&points=86400");
      assert.deepStrictEqual(big.status, 400, big.text);
      for (
        const word of [
          '"points"',
          '"dimensions"',
          '"max values per query" in [web] (1000000)',
          "86400 points",
        ]
      ) {
        assert(big.text.includes(word), `no ${word} in ${JSON.stringify(big.text)}`);
      }
      const badge = await get(a.url, "/api/v1/badge.svg?chart=system.cpu&after=-86400&points=86400");
      assert.deepStrictEqual(badge.status, 200, "a badge of one chart fits");

      // A large answer held by a client that does not read it takes the only slot: the next one
      // is told to retry, and once the first is gone the slot is free again.
      const plain = { "Accept-Encoding": "identity" };
      // objectrows: about 15 MB, more than the loopback socket buffers take, so it stays unsent.
      const held = await fetch(`${a.url}${data}&after=-86400&points=86400&options=objectrows`, {
        headers: plain,
      });
      assert.deepStrictEqual(held.status, 200);
      const busy = await get(a.url, `${data}&after=-43200&points=43200`, plain);
      assert.deepStrictEqual(busy.status, 503, busy.text.slice(0, 200));
      assert.deepStrictEqual(busy.headers.get("retry-after"), "1");
      assert(busy.text.includes("busy"), busy.text);
      const small = await get(a.url, `${data}&after=-60`);
      assert.deepStrictEqual(small.status, 200, "small answers are never refused");
      await held.body?.cancel();
      let again = { status: 0, text: "" };
      for (let i = 0; i < 50 && again.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await get(a.url, `${data}&after=-43200&points=43200`, plain);
      }
      assert.deepStrictEqual(again.status, 200, "the slot is given back when the client goes away");
    });
  } finally {
    await Deno.remove(conf, { recursive: true });
  }
});

/** Values a fuzzer puts into parameters. */
const NASTY = [
  "",
  "0",
  "-1",
  "1",
  "abc",
  "99999999999999999999",
  "-99999999999999999999",
  "1e308",
  "NaN",
  "%00",
  "*",
  "!*",
  "|||",
  "system.cpu",
  "*s*",
  "2000000000",
  "-86400",
  "86400",
  "x".repeat(3000),
];
const PARAMS = [
  "chart",
  "context",
  "after",
  "before",
  "points",
  "group",
  "gtime",
  "options",
  "dimensions",
  "format",
  "tier",
  "timeout",
  "group_options",
  "filter",
  "chart_label_key",
]; // deno-fmt-ignore
const PATHS = ["/api/v1/data", "/api/v1/badge.svg", "/api/v1/allmetrics", "/api/v1/charts", "/api/v1/contexts",
  "/api/v1/context", "/api/v1/chart", "/api/v1/alarm_log", "/api/v1/weights"]; // deno-fmt-ignore

Deno.test("fuzzed API requests never get a 5xx, and after a burst of heavy requests the agent answers with its RSS bounded", async () => {
  await withAgent({ args: ["--memory-mode", "ram", "--log-level", "info"] }, async (a) => {
    await new Promise((r) => setTimeout(r, 2000));
    // A seeded generator, so a failure can be replayed.
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const bad: string[] = [];
    for (let i = 0; i < 400; i++) {
      const pairs: string[] = [];
      for (let k = rand(6); k >= 0; k--) {
        pairs.push(`${PARAMS[rand(PARAMS.length)]}=${encodeURIComponent(NASTY[rand(NASTY.length)])}`);
      }
      const path = `${PATHS[rand(PATHS.length)]}?${pairs.join("&")}`;
      const r = await fetch(a.url + path);
      await r.arrayBuffer();
      if (r.status >= 500) bad.push(`${r.status} ${path.slice(0, 200)}`);
    }
    assert.deepStrictEqual(bad, [], "5xx answers");

    const pid = a.process.pid;
    const result = await burst(a.url, pid, { requests: 300, concurrency: 50, settleMs: 5000 });
    console.log(
      `RSS before ${result.beforeMiB.toFixed(0)} MiB, peak ${result.peakMiB.toFixed(0)}, ` +
        `after ${result.afterMiB.toFixed(0)}; ${JSON.stringify(result.statuses)}`,
    );
    assert(result.infoOk, "/api/v1/info does not answer after the burst");
    assert((result.statuses[200] ?? 0) > 0, "no heavy request was answered");
    assert((result.statuses[400] ?? 0) > 0, "no heavy request was refused as too large");
    // At most 4 large answers at once, printed into a reused buffer: measured +190 MiB at the
    // peak (+490 when every answer was a concatenated string, Netdata 1.37.1 passes +3 GiB).
    assert(result.peakMiB - result.beforeMiB < 400, `RSS grew by ${result.peakMiB - result.beforeMiB} MiB`);
    // V8 returns freed heap pages some 20-30 s after the burst, at once (measured: back from 339
    // to 114 MiB, 21 s later, with a baseline of 116 MiB taken after the fuzzing).
    const t0 = Date.now();
    await waitFor(() => rssMiB(pid) - result.beforeMiB < 120, 60_000, "RSS back within 120 MiB of before");
    console.log(`RSS ${rssMiB(pid).toFixed(0)} MiB ${((Date.now() - t0) / 1000).toFixed(0)} s later`);
  });
});
