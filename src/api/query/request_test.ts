import { assert } from "../../../tests/_helpers/assert.ts";
import { parseQuery } from "../url.ts";
import { OPT_ALL_DIMENSIONS, OPT_SELECTED_TIER } from "./options.ts";
import { type DataRequest, parseDataRequest } from "./request.ts";

const cases: { name: string; query: string; tiers?: number; want: Partial<DataRequest> }[] = [
  {
    name: "defaults: json, average, the last 600 seconds",
    query: "chart=system.cpu",
    want: {
      chart: "system.cpu",
      format: "json",
      after: -600,
      before: 0,
      points: 0,
      options: 0,
      tier: undefined,
    },
  },
  {
    name: "joins every dimension parameter",
    query: "dimension=a&dims=b&dim=c",
    want: { dimensions: "|a|b|c" },
  },
  {
    name: "unknown formats are json",
    query: "format=nosuch",
    want: { format: "json" },
  },
  { name: "tsv-excel is tsv", query: "format=tsv-excel", want: { format: "tsv" } },
  {
    name: "show_dimensions sets all-dimensions",
    query: "show_dimensions=1",
    want: { options: OPT_ALL_DIMENSIONS },
  },
  {
    name: "a stored tier is selected",
    query: "tier=1",
    tiers: 3,
    want: { tier: 1, options: OPT_SELECTED_TIER },
  },
  {
    name: "a tier the store lacks is ignored",
    query: "tier=3",
    tiers: 3,
    want: { tier: undefined, options: 0 },
  },
  {
    name: "tqx sets Google's parameters and format, sanitised",
    query: "tqx=reqId:1 2;sig:42x;out:html;responseHandler:a(b);outFileName:x y",
    want: {
      google: { version: "0.6", reqId: "1_2", sig: "42x", out: "html" },
      googleTimestamp: 42,
      format: "html",
      responseHandler: "a_b_",
      outFileName: "x_y",
    },
  },
];

for (const c of cases) {
  Deno.test(`parseDataRequest(): ${c.name}`, () => {
    const req = parseDataRequest(parseQuery(c.query), c.tiers ?? 1);
    const got: Record<string, unknown> = {};
    for (const k of Object.keys(c.want)) got[k] = req[k as keyof DataRequest];
    assert.deepEqual(got, c.want);
  });
}
