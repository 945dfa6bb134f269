import { assert } from "../../tests/_helpers/assert.ts";
import { parseIni } from "./ini.ts";
import { formatProblem } from "./types.ts";

/** Sections as plain data: name@line -> { key: "value@line" }. */
function shape(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const s of parseIni(text, "t.conf").sections) {
    const entries: Record<string, string> = {};
    for (const e of s.entries.values()) entries[e.key] = `${e.value}@${e.line}`;
    out[`${s.name}@${s.line}`] = entries;
  }
  return out;
}

function problems(text: string): string[] {
  return parseIni(text, "t.conf").problems.map(formatProblem);
}

Deno.test("parseIni() reads sections and keys with their lines", async (t) => {
  const cases: {
    name: string;
    input: string;
    want: Record<string, Record<string, string>>;
    problems?: string[];
  }[] = [
    {
      name: "trims names and values, splits at the first =",
      input: "[global]\n\t  update every =  5 \n  a = b = c\n",
      want: { "global@1": { "update every": "5@2", a: "b = c@3" } },
    },
    {
      name: "keeps # inside a value (no inline comments)",
      input: "[web]\nbind to = *#x\nallow connections from = 10.* # office\n",
      want: { "web@1": { "bind to": "*#x@2", "allow connections from": "10.* # office@3" } },
    },
    {
      name: "keeps quotes in a value",
      input: '[stream]\napi key = "abc"\n',
      want: { "stream@1": { "api key": '"abc"@2' } },
    },
    {
      name: "skips # and ; comment lines and blank lines",
      input: "# top\n; also\n\n[a]\n  # k = v\n  ; k = w\n",
      want: { "a@4": {} },
    },
    {
      name: "takes section names with spaces, dots, colons and slashes verbatim",
      input:
        "[plugin:go.d]\nx = 1\n[plugin:proc:/proc/stat]\ny = 2\n[host labels]\n[11111111-2222-3333-4444-555555555555]\n",
      want: {
        "plugin:go.d@1": { x: "1@2" },
        "plugin:proc:/proc/stat@3": { y: "2@4" },
        "host labels@5": {},
        "11111111-2222-3333-4444-555555555555@6": {},
      },
    },
    {
      name: "does not trim inside the brackets, like Netdata",
      input: "[ global ]\n",
      want: { " global @1": {} },
    },
    {
      name: "matches names exactly (case-sensitive)",
      input: "[a]\nKey = 1\nkey = 2\n",
      want: { "a@1": { Key: "1@2", key: "2@3" } },
    },
    {
      name: "merges a repeated section and lets the last value win",
      input: "[a]\nx = 1\n[b]\n[a]\nx = 2\ny = 3\n",
      want: { "a@1": { x: "2@5", y: "3@6" }, "b@3": {} },
      problems: ['t.conf:5: warning: [a] x: Repeated "x" in [a]: this line wins over line 2'],
    },
    {
      name: "accepts an empty value",
      input: "[a]\nx =\n",
      want: { "a@1": { x: "@2" } },
    },
    {
      name: "handles CRLF line ends and a byte order mark",
      input: "\ufeff[a]\r\nx = 1\r\n",
      want: { "a@1": { x: "1@2" } },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.deepEqual(shape(c.input), c.want);
      assert.deepEqual(problems(c.input), c.problems ?? []);
    });
  }
});

Deno.test("parseIni() reports unusable lines with file and line", async (t) => {
  const cases: { name: string; input: string; want: string[] }[] = [
    {
      name: "reports the line of an unclosed section",
      input: "[web]\nmode = none\n[stream\nenabled = yes\n",
      want: [
        't.conf:3: error: [web] Cannot parse section header: missing "]" in "[stream"',
        't.conf:4: error: enabled: Cannot use "enabled" outside a section: add a "[section]" line above it',
      ],
    },
    {
      name: "reports a line without =",
      input: "[web]\nbind to *:19999\n",
      want: [
        't.conf:2: error: [web] Cannot parse line: expected "name = value" or "[section]", got "bind to *:19999"',
      ],
    },
    {
      name: "reports a key before any section",
      input: "hostname = x\n[global]\n",
      want: [
        't.conf:1: error: hostname: Cannot use "hostname" outside a section: add a "[section]" line above it',
      ],
    },
    {
      name: "reports an empty name",
      input: "[a]\n = 5\n",
      want: ['t.conf:2: error: [a] Cannot parse line: the name before "=" is empty in "= 5"'],
    },
    {
      name: "warns about a repeated key",
      input: "[db]\nmode = ram\nmode = none\n",
      want: ['t.conf:3: warning: [db] mode: Repeated "mode" in [db]: this line wins over line 2'],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => assert.deepEqual(problems(c.input), c.want));
  }
});
