import { assert } from "../../tests/_helpers/assert.ts";
import { parseHealthDuration, parseLookup, parseRules } from "./rules.ts";

Deno.test("parseLookup() reads method, window, at, every, options, of and foreach", () => {
  const cases = [
    {
      input: "average -1m unaligned of user,system",
      want: { group: "average", after: -60, before: 0, options: ["unaligned"], dimensions: "user,system" },
    },
    {
      input: "sum -10m at -1m absolute match-names of a foreach *",
      want: { group: "sum", after: -600, before: -60, options: ["absolute", "match-names"], dimensions: "a" },
    },
    { input: "incremental-sum -30s", want: { group: "incremental_sum", after: -30, before: 0, options: [] } },
    {
      input: "max -1h percentage foreach *",
      want: { group: "max", after: -3600, before: 0, options: ["percentage"] },
    },
  ];
  for (const c of cases) {
    const l = parseLookup(c.input, (m) => assert.fail(m));
    assert.equal(l.group, c.want.group, c.input);
    assert.equal(l.after, c.want.after, c.input);
    assert.equal(l.before, c.want.before, c.input);
    assert.deepStrictEqual(l.options, c.want.options, c.input);
    assert.equal(l.dimensions, c.want.dimensions, c.input);
  }
  assert.throws(() => parseLookup("avg -1m", () => {}), SyntaxError);
  assert.throws(() => parseLookup("average", () => {}), SyntaxError);
});

Deno.test("parseHealthDuration() reads Netdata's units and never", () => {
  const cases = [["10", 10], ["-1m", -60], ["1h", 3600], ["2d", 172800], ["never", 0], ["1M", 2592000], [
    "x",
    undefined,
  ]];
  for (const [input, want] of cases) assert.equal(parseHealthDuration(input as string), want, String(input));
});

Deno.test("parseRules() reads entities, continuations, delay and repeat, and reports problems by line", () => {
  const text = `# comment
 alarm: test_alarm
    on: test.chart
  calc: $value \\
        * 2
 every: 10s
  warn: $this > 500
  crit: $this > 900
 delay: up 1m down 5m multiplier 1.5
repeat: warning 2m critical 1m
options: no-clear-notification
  info: it's "quoted"

template: no_every
      on: some.context
    calc: 1

template: bad_expr
      on: ctx
  lookup: average -1m
    warn: $this >
  bogus: 1
`;
  const r = parseRules(text, "t.conf");
  assert.equal(r.rules.length, 2);
  const a = r.rules[0];
  assert.equal(a.source, "2@t.conf");
  assert.equal(a.calc?.parsedAs, "(${value} * 2)");
  assert.equal(a.every, 10);
  assert.deepStrictEqual(a.delay, { up: 60, down: 300, multiplier: 1.5, max: 450 });
  assert.equal(a.warnRepeatEvery, 120);
  assert.equal(a.critRepeatEvery, 60);
  assert.equal(a.noClearNotification, true);
  assert.equal(a.info, "it s  quoted ");
  const b = r.rules[1];
  assert.equal(b.name, "bad_expr");
  assert.equal(b.every, 60);
  assert.equal(b.warn, undefined);
  assert.deepStrictEqual(r.warnings.map((w) => [w.line, w.message.split(":")[0]]), [
    [14, 'template "no_every" has no frequency ("every") and is ignored'],
    [21, 'warn of template "bad_expr" has an unparseable expression "$this >"'],
    [22, 'template "bad_expr" has unknown key "bogus"'],
  ]);
});
