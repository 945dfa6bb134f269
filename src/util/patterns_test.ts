import { assert } from "../../tests/_helpers/assert.ts";
import { API_SEPARATORS, compileSimplePattern, isValidPattern } from "../util/patterns.ts";

const cases: { pattern: string; separators?: string; input: string; want: boolean | undefined }[] = [
  { pattern: "user", input: "user", want: true },
  { pattern: "user", input: "users", want: undefined },
  { pattern: "*", input: "anything", want: true },
  { pattern: "use*", input: "user", want: true },
  { pattern: "*er", input: "user", want: true },
  { pattern: "*se*", input: "user", want: true },
  { pattern: "u*r", input: "user", want: true },
  { pattern: "u*r", input: "usex", want: undefined },
  { pattern: "a*b*c", input: "axxbyyc", want: true },
  { pattern: "a*b*c", input: "acb", want: undefined },
  { pattern: "!user *", input: "user", want: false },
  { pattern: "!user *", input: "system", want: true },
  { pattern: "* !user", input: "user", want: true },
  { pattern: "!*.tmp", input: "x.log", want: undefined },
  { pattern: "a\\ b", input: "a b", want: true },
  { pattern: "", input: "x", want: undefined },
  { pattern: "x", input: "", want: undefined },
  { pattern: "|user,system", separators: API_SEPARATORS, input: "system", want: true },
  { pattern: "!user,*", separators: API_SEPARATORS, input: "user", want: false },
  { pattern: "*,!user", separators: API_SEPARATORS, input: "user", want: true },
  { pattern: "cpu.cpu*|!cpu.cpu1", separators: API_SEPARATORS, input: "cpu.cpu1", want: true },
  { pattern: "user system", separators: API_SEPARATORS, input: "user system", want: true },
];

for (const c of cases) {
  Deno.test(`compileSimplePattern(${JSON.stringify(c.pattern)}) on ${JSON.stringify(c.input)} is ${c.want}`, () => {
    const p = compileSimplePattern(c.pattern, { separators: c.separators });
    assert.equal(p(c.input), c.want);
  });
}

Deno.test("isValidPattern() rejects empty and a lone asterisk", () => {
  assert.deepEqual([undefined, "", "*", "|*", "a"].map(isValidPattern), [false, false, false, true, true]);
});
