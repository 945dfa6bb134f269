import { assert } from "../../tests/_helpers/assert.ts";
import { formatFixed, formatNumber, htmlEscape, jsDate, jsonString, localDateTime } from "./format.ts";

const numbers: { value: number; want: string }[] = [
  { value: 0, want: "0" },
  { value: 54, want: "54" },
  { value: 0.5025126, want: "0.5025126" },
  { value: 64.572865, want: "64.572865" },
  { value: -85.87423, want: "-85.87423" },
  { value: 1.0075757575, want: "1.0075758" },
  { value: 2.99999999, want: "3" },
  { value: 0.1 + 0.2, want: "0.3" },
  { value: 1e-7, want: "0.0000001" },
  { value: 4e-8, want: "0" },
  { value: 5e-8, want: "0" },
  { value: 6e-8, want: "0.0000001" },
  { value: -4e-8, want: "-0" },
  { value: 1e21, want: "1000000000000000000000" },
  { value: 123456789012.25, want: "123456789012.25" },
  { value: NaN, want: "null" },
  { value: Infinity, want: "null" },
  { value: -Infinity, want: "null" },
];

for (const c of numbers) {
  Deno.test(`formatNumber(${c.value}) prints ${c.want}`, () => {
    assert.equal(formatNumber(c.value), c.want);
  });
}

Deno.test("formatFixed() is printf's %0.Nf without exponents", () => {
  assert.equal(formatFixed(1.52, 7), "1.5200000");
  assert.equal(formatFixed(1, 5), "1.00000");
  assert.equal(formatFixed(2e21, 2), "2000000000000000000000.00");
  assert.equal(formatFixed(NaN, 7), "null");
});

Deno.test("htmlEscape() escapes like Netdata, slash included", () => {
  assert.equal(htmlEscape(`info/<a href="x">&'`), "info&#x2F;&lt;a href=&quot;x&quot;&gt;&amp;&#x27;");
});

Deno.test("jsonString() escapes quotes, backslashes and control characters", () => {
  assert.equal(jsonString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
});

Deno.test("localDateTime() and jsDate() use local time, jsDate with a zero-based month", () => {
  const t = new Date(2026, 10, 21, 20, 39, 58).getTime() / 1000;
  assert.equal(localDateTime(t), "2026-11-21 20:39:58");
  assert.equal(jsDate(t), "Date(2026,10,21,20,39,58)");
  const early = new Date(2026, 0, 2, 3, 4, 5).getTime() / 1000;
  assert.equal(localDateTime(early), "2026-01-02 03:04:05");
  assert.equal(jsDate(early), "Date(2026,0,2,3,4,5)");
});
