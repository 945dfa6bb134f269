import { assert } from "../../tests/_helpers/assert.ts";
import { parseLeadingInt, parseQuery, splitTarget, Tokenizer, urlDecode } from "./url.ts";

const decodes: { input: string; want: string | undefined }[] = [
  { input: "a+b", want: "a b" },
  { input: "ms%7Cflip", want: "ms|flip" },
  { input: "%26", want: "&" },
  { input: "caf%C3%A9", want: "café" },
  { input: "%0a", want: undefined },
  { input: "%7f", want: undefined },
  { input: "%00", want: undefined },
  { input: "%zz", want: undefined },
  { input: "%4", want: undefined },
  { input: "%C3", want: undefined },
  { input: "plain", want: "plain" },
];

for (const c of decodes) {
  Deno.test(`urlDecode(${JSON.stringify(c.input)}) is ${JSON.stringify(c.want)}`, () => {
    assert.equal(urlDecode(c.input), c.want);
  });
}

Deno.test("splitTarget() splits at ? or an encoded %3F", () => {
  assert.deepEqual(splitTarget("http://h:1/api/v1/data?chart=a"), { path: "/api/v1/data", query: "chart=a" });
  assert.deepEqual(splitTarget("http://h/api/v1/data%3Fchart=a"), { path: "/api/v1/data", query: "chart=a" });
  assert.deepEqual(splitTarget("http://h//api"), { path: "//api", query: undefined });
});

Deno.test("Tokenizer skips empty segments like mystrsep()", () => {
  const t = new Tokenizer("//api//v1/info/");
  assert.equal(t.next("/"), "api");
  assert.equal(t.rest, "/v1/info/");
  assert.equal(t.next("/"), "v1");
  assert.equal(t.rest, "info/");
  const end = new Tokenizer("x");
  assert.equal(end.next("/"), "x");
  assert.equal(end.rest, undefined);
  assert.equal(end.next("/"), "");
});

Deno.test("parseQuery() drops empty names and values, joins dimensions, last wins otherwise", () => {
  const q = parseQuery("chart=&after=-60&after=-30&dims=a&dimension=b&&=x&flag&all");
  assert.equal(q.get("chart"), undefined);
  assert.equal(q.get("after"), "-30");
  assert.equal(q.joined("dimension", "dims"), "|a|b");
  assert.deepEqual(q.tokens, [
    "chart=",
    "after=-60",
    "after=-30",
    "dims=a",
    "dimension=b",
    "=x",
    "flag",
    "all",
  ]);
});

Deno.test("parseLeadingInt() reads a minus and leading digits only, like str2l()", () => {
  assert.deepEqual(["-600", "60s", "abc", "+5", " 7", undefined].map(parseLeadingInt), [
    -600,
    60,
    0,
    0,
    0,
    0,
  ]);
});
