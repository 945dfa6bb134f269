import { assert } from "../../../tests/_helpers/assert.ts";
import { storedChart, testAgent } from "../_helper.ts";

const T = 1795293600;

/** An agent with 3 charts (8 dimensions) and small limits. */
function agent() {
  const a = testAgent(undefined, { maxQueryValues: 400_000, maxLargeAnswers: 1 });
  a.setNow(T + 1);
  storedChart(a.localhost, "system.ram", ["free", "used", "cached", "buffers"], T - 2, [
    [1, 2, 3],
    [4, 5, 6],
    [
      7,
      8,
      9,
    ],
    [1, 1, 1],
  ]);
  storedChart(a.localhost, "system.io", ["in", "out"], T - 2, [[1, 2, 3], [4, 5, 6]]);
  storedChart(a.localhost, "system.net", ["received", "sent"], T - 2, [[1, 2, 3], [4, 5, 6]]);
  return a;
}

const limits: { name: string; query: string; status: number; has: string[] }[] = [
  {
    name: "86400 points of one 4-dimension chart fit in 400,000 values",
    query: "chart=system.ram&after=-86400&points=86400",
    status: 200,
    has: ['"labels"'],
  },
  {
    name: "86400 points of 8 dimensions do not, and the 400 names what to ask less of",
    query: "context=system.*&after=-86400&points=86400",
    status: 400,
    has: [
      "86400 points × 8 dimensions = 691200 values",
      '"max values per query" in [web] (400000)',
      '"points"',
    ],
  },
  {
    name: "points beyond 86400 are clamped first, as Netdata does",
    query: "chart=system.ram&after=-31536000&points=99999999",
    status: 200,
    has: ['"labels"'],
  },
  {
    name: "a dimensions filter narrows a context query under the limit",
    query: "context=system.*&dimensions=in|out&after=-86400&points=86400",
    status: 200,
    has: ['"labels"'],
  },
];

for (const c of limits) {
  Deno.test(`/api/v1/data limits: ${c.name}`, async () => {
    const a = agent();
    const r = await a.get(`/api/v1/data?${c.query}`);
    assert.equal(r.status, c.status, r.body.slice(0, 300));
    for (const s of c.has) assert.ok(r.body.includes(s), `no ${s} in ${r.body.slice(0, 300)}`);
  });
}

Deno.test("/api/v1/data: a large answer not yet read holds the only slot; the next is a 503 with Retry-After, small ones pass", async () => {
  const a = agent();
  const large = "/api/v1/data?chart=system.ram&after=-86400&points=86400";
  const held = await a.app.request(large);
  assert.equal(held.status, 200);
  const busy = await a.get(large);
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get("retry-after"), "1");
  assert.equal((await a.get("/api/v1/data?chart=system.ram&after=-60")).status, 200);
  assert.ok((await held.text()).startsWith("{"), "the held answer is complete");
  assert.equal((await a.get(large)).status, 200, "the slot is free once the answer was read");
});
