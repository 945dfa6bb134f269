import { testChart, testHost } from "../host/_fixture.ts";
import { assert } from "../../tests/_helpers/assert.ts";
import { SetMatcher } from "./set_bytes.ts";

function chartWith(ids: string[]) {
  const host = testHost({ hostname: "c", guid: "11111111-0000-0000-0000-000000000009", clock: { us: 1e15 } });
  const chart = testChart(host, { id: "a.b" });
  for (const id of ids) {
    chart.defineDimension({ id, name: id, algorithm: "absolute", multiplier: 1, divisor: 1 });
  }
  return chart;
}

/** The id and value SetMatcher finds in `line`, or undefined. */
function match(
  m: SetMatcher,
  chart: ReturnType<typeof chartWith>,
  line: string,
): [string, number] | undefined {
  const b = new TextEncoder().encode(`xx${line}\nSET`); // the line inside a larger buffer
  const d = m.match(chart, b, 2, 2 + b.length - 6);
  return d === undefined ? undefined : [d.id, m.value];
}

Deno.test("SetMatcher finds dimensions in any order, the next one first, and sees new ones", () => {
  const chart = chartWith(["d0", "d1", "d2"]);
  const m = new SetMatcher();
  for (let round = 0; round < 2; round++) {
    assert.deepStrictEqual(match(m, chart, 'SET "d0" = 10'), ["d0", 10]);
    assert.deepStrictEqual(match(m, chart, 'SET "d1" = 11'), ["d1", 11]);
    assert.deepStrictEqual(match(m, chart, 'SET "d2" = 12'), ["d2", 12]);
  }
  assert.deepStrictEqual(match(m, chart, "SET d2 = 7"), ["d2", 7]);
  assert.deepStrictEqual(match(m, chart, "SET 'd0' -3"), ["d0", -3]);
  assert.equal(match(m, chart, 'SET "d3" = 1'), undefined, "not defined yet");
  chart.defineDimension({ id: "d3", name: "d3", algorithm: "absolute", multiplier: 1, divisor: 1 });
  assert.deepStrictEqual(match(m, chart, 'SET "d3" = 1'), ["d3", 1]);
  assert.equal(match(m, chart, 'SET "d" = 1'), undefined, "a prefix of an id is not the id");
  assert.equal(match(m, chart, 'SET "d00" = 1'), undefined, "nor is a longer one");
});

Deno.test("SetMatcher matches UTF-8 ids byte for byte and leaves every other spelling to the text path", () => {
  const chart = chartWith(["é€", "x"]);
  const m = new SetMatcher();
  assert.deepStrictEqual(match(m, chart, 'SET "é€" = 5'), ["é€", 5]);
  assert.deepStrictEqual(match(m, chart, 'SET "x" = 7 \r'), ["x", 7]);
  assert.deepStrictEqual(match(m, chart, "SET x = 0"), ["x", 0]);
  assert.deepStrictEqual(match(m, chart, "SET x = 123456789012345"), ["x", 123456789012345]);
  for (
    const line of [
      "SET x = 010", // octal
      "SET x = 0x1F", // hex
      "SET x = 12.9", // a fraction
      "SET x = 1234567890123456", // more digits than the fast path takes
      'SET "x" =', // no value
      'SET "x\\"" = 1', // an escape
      'SET x" = 1', // a quote inside an unquoted id
      "SET x = 5 5", // trailing words
      "SETx = 5",
      "BEGIN x 1",
      'SET "x = 5', // no closing quote
    ]
  ) {
    assert.equal(match(m, chart, line), undefined, line);
  }
});
