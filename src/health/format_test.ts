import { assert } from "../../tests/_helpers/assert.ts";
import { formatValueAndUnit } from "./format.ts";

Deno.test("formatValueAndUnit() prints values like Netdata's format_value_and_unit()", () => {
  const cases: [number, string, number | undefined, string][] = [
    [95.34, "%", undefined, "95.3%"],
    [1234.6, "MiB", undefined, "1235 MiB"],
    [5.678, "load", undefined, "5.68 load"],
    [0.5, "percentage", undefined, "0.5%"],
    [0.01234, "ms", undefined, "0.0123 ms"],
    [10, "things", undefined, "10 things"],
    [NaN, "MiB", undefined, "-"],
    [0, "seconds", undefined, "now"],
    [90061, "seconds ago", undefined, "1 day 01:01:01 ago"],
    [3725, "seconds", undefined, "01:02:05"],
    [1, "on/off", undefined, "on"],
    [0, "ok/failed", undefined, "failed"],
    [3.14159, "x", 2, "3.14 x"],
  ];
  for (const [v, u, p, want] of cases) {
    assert.equal(formatValueAndUnit(v, u, p === undefined ? {} : { precision: p }), want, `${v} ${u}`);
  }
});
