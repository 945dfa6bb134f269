import { assert } from "../../tests/_helpers/assert.ts";
import { evaluate } from "./evaluate.ts";
import { formatConstant, parseExpression } from "./expression.ts";

const VARS: Record<string, number> = { this: 90, status: 3, a: 2, b: 3, "system.ram.used": 10, nan: NaN };
const lookup = (n: string) => VARS[n] ?? ({ WARNING: 3, CRITICAL: 4, CLEAR: 1 } as Record<string, number>)[n];

Deno.test("parseExpression() prints Netdata's parsed_as form", () => {
  const cases: { input: string; want: string }[] = [
    { input: "$this > 80", want: "(${this} > 80)" },
    { input: "1 + 2 * 3", want: "(1 + (2 * 3))" },
    { input: "1 * 2 + 3", want: "((1 * 2) + 3)" },
    { input: "$this > 1 ? 2 : 3", want: "(${this} > (1 ? 2 : 3))" },
    { input: "($this > 1) ? 2 : 3", want: "((${this} > 1) ? 2 : 3)" },
    { input: "abs($a - 10)", want: "abs((${a} - 10))" },
    { input: "!$a && -$b", want: "(!${a} && -${b})" },
    { input: "$a AND $b OR NOT $a", want: "((${a} && ${b}) || !${a})" },
    { input: "${system.ram.used} = 1.50", want: "(${system.ram.used} == 1.5)" },
    { input: "nan", want: "nan" },
    { input: "1e3", want: "1000" },
  ];
  for (const c of cases) assert.deepStrictEqual(parseExpression(c.input).parsedAs, c.want, c.input);
});

Deno.test("parseExpression() rejects bad text with Netdata's reasons", () => {
  const cases: { input: string; want: RegExp }[] = [
    { input: "", want: /expected operand at character 1/ },
    { input: "1 +", want: /expected operand/ },
    { input: "(1 + 2", want: /missing closing parenthesis/ },
    { input: "1 2", want: /expected operator at character 3/ },
    { input: "1 ? 2", want: /missing second sub-expression/ },
    { input: "@", want: /unknown operand/ },
  ];
  for (const c of cases) assert.throws(() => parseExpression(c.input), SyntaxError, c.input);
  for (const c of cases) {
    try {
      parseExpression(c.input);
    } catch (e) {
      assert.deepStrictEqual(c.want.test(String(e)), true, `${c.input}: ${e}`);
    }
  }
});

Deno.test("evaluate() follows Netdata's NaN/Inf rules and hysteresis through $status", () => {
  const cases: { input: string; want: number; error?: string }[] = [
    { input: "1 + 2 * 3", want: 7 },
    { input: "$this > 85", want: 1 },
    { input: "($status >= $WARNING) ? ($this > 80) : ($this > 95)", want: 1 },
    { input: "$a == 2.00000001", want: 1 },
    { input: "$nan == nan", want: 1 },
    { input: "inf == -inf", want: 1 },
    { input: "$nan > 1", want: 0 },
    { input: "$nan + 1", want: NaN, error: "value is unset" },
    { input: "-inf + 1", want: NaN, error: "computed value is infinite" },
    { input: "1 / 0", want: NaN, error: "computed value is infinite" },
    { input: "$missing + 1", want: NaN, error: "undefined variable" },
    { input: "$missing > 1 || 1", want: 1 },
    { input: "!$nan", want: 1 },
    { input: "abs(-3)", want: 3 },
    { input: "${system.ram.used} * 2", want: 20 },
  ];
  for (const c of cases) {
    const r = evaluate(parseExpression(c.input), lookup);
    assert.deepStrictEqual(r.value, c.want, c.input);
    assert.deepStrictEqual(r.error, c.error ?? "", c.input);
  }
});

Deno.test("formatConstant() prints %0.7f without trailing zeros", () => {
  const cases = [{ input: 1, want: "1" }, { input: 0.5, want: "0.5" }, { input: 1e-9, want: "0" }, {
    input: -2.25,
    want: "-2.25",
  }];
  for (const c of cases) assert.deepStrictEqual(formatConstant(c.input), c.want);
});
