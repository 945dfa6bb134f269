import { assert } from "../../../tests/_helpers/assert.ts";
import { pickColor } from "./badge.ts";

Deno.test("pickColor() follows Netdata's value_color conditions", () => {
  const cases: [string, number, string][] = [
    ["red", 5, "red"],
    ["red>80|orange>50|green", 90, "red"],
    ["red>80|orange>50|green", 60, "orange"],
    ["red>80|orange>50|green", 10, "green"],
    ["green<=10|red", 10, "green"],
    ["grey:null|green", NaN, "grey"],
    ["grey:null|green", 3, "green"],
    ["blue=3|green", 3, "blue"],
    ["blue!=3|green", 3, "green"],
    ["red>80", 10, "red>80"],
  ];
  for (const [spec, v, want] of cases) assert.equal(pickColor(spec, v), want, `${spec} @ ${v}`);
});
