import { assert } from "../../tests/_helpers/assert.ts";
import {
  bindTo,
  bool,
  duration,
  formatBind,
  formatBytes,
  int,
  levenshtein,
  nonEmpty,
  oneOf,
  type RawValue,
  size,
  suggest,
  uuid,
} from "./schema.ts";
import { type BindSpec, type ConfigProblem, formatProblem } from "./types.ts";

const raw = (value: string, section = "s", key = "k"): RawValue => ({
  value,
  file: "f.conf",
  line: 7,
  section,
  key,
});

/** Runs a getter and returns its value and formatted problems. */
function run<T>(get: (r: RawValue, p: ConfigProblem[]) => T, r: RawValue): { value: T; problems: string[] } {
  const problems: ConfigProblem[] = [];
  const value = get(r, problems);
  return { value, problems: problems.map(formatProblem) };
}

Deno.test("bool() reads Netdata's boolean words and nothing else", async (t) => {
  const cases: { input: string; want: boolean | undefined; problem?: string }[] = [
    { input: "yes", want: true },
    { input: "YES", want: true },
    { input: "true", want: true },
    { input: "On", want: true },
    { input: "no", want: false },
    { input: "False", want: false },
    { input: "off", want: false },
    {
      input: "1",
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected "yes" or "no", got "1" ' +
        '(Netdata reads "1" as "no"; write "yes" or "no")',
    },
    {
      input: "maybe",
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected "yes" or "no", got "maybe"',
    },
    {
      input: '"yes"',
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected "yes" or "no", got "\\"yes\\"" ' +
        "(quotes are part of the value: Netdata does not strip them)",
    },
  ];
  for (const c of cases) {
    await t.step(c.input, () => {
      const got = run(bool, raw(c.input));
      assert.equal(got.value, c.want);
      assert.deepEqual(got.problems, c.problem ? [c.problem] : []);
    });
  }
});

Deno.test("int() and duration() state the accepted range instead of clamping", async (t) => {
  const cases: {
    name: string;
    get: (r: RawValue, p: ConfigProblem[]) => number | undefined;
    input: RawValue;
    want: number | undefined;
    problem?: string;
  }[] = [
    { name: "int in range", get: (r, p) => int(r, p, { min: 1, max: 5 }), input: raw("5"), want: 5 },
    { name: "negative int", get: (r, p) => int(r, p, { min: -5, max: 5 }), input: raw("-3"), want: -3 },
    {
      name: "int out of range",
      get: (r, p) => int(r, p, { min: 1, max: 5, unit: "tiers" }),
      input: raw("6"),
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Value of "k" in [s] is out of range: expected 1 to 5 tiers, got "6"',
    },
    {
      name: "hex is not an int (Netdata's strtoll would take it)",
      get: (r, p) => int(r, p, { min: 0, max: 100 }),
      input: raw("0x10"),
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected an integer, got "0x10"',
    },
    { name: "plain seconds", get: (r, p) => duration(r, p, { min: 1, max: 600 }), input: raw("5"), want: 5 },
    { name: "5s", get: (r, p) => duration(r, p, { min: 1, max: 600 }), input: raw("5s"), want: 5 },
    { name: "1m", get: (r, p) => duration(r, p, { min: 1, max: 600 }), input: raw("1m"), want: 60 },
    { name: "1.5h", get: (r, p) => duration(r, p, { min: 1, max: 86400 }), input: raw("1.5h"), want: 5400 },
    { name: "1d", get: (r, p) => duration(r, p, { min: 1, max: 86400 }), input: raw("1d"), want: 86400 },
    { name: "1w", get: (r, p) => duration(r, p, { min: 1, max: 604800 }), input: raw("1w"), want: 604800 },
    {
      name: "the style guide's example",
      get: (r, p) => duration(r, p, { min: 1, max: 600 }),
      input: raw("fast", "global", "update every"),
      want: undefined,
      problem: 'f.conf:7: error: [global] update every: Cannot parse "update every" in [global]: ' +
        'expected a duration like "1s", got "fast"',
    },
    {
      name: "a fraction of a second",
      get: (r, p) => duration(r, p, { min: 1, max: 600 }),
      input: raw("0.5"),
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected a duration like "1s", got "0.5"',
    },
    {
      name: "duration out of range",
      get: (r, p) => duration(r, p, { min: 1, max: 600 }),
      input: raw("1h"),
      want: undefined,
      problem:
        'f.conf:7: error: [s] k: Value of "k" in [s] is out of range: expected 1 to 600 seconds, got "1h"',
    },
    {
      name: "an inline comment gets a hint",
      get: (r, p) => duration(r, p, { min: 1, max: 600 }),
      input: raw("1 # one second"),
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected a duration like "1s", ' +
        'got "1 # one second" (Netdata has no inline comments: "#" and what follows are part of the value)',
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = run(c.get, c.input);
      assert.equal(got.value, c.want);
      assert.deepEqual(got.problems, c.problem ? [c.problem] : []);
    });
  }
});

Deno.test("size() reads plain numbers in its unit and binary units", async (t) => {
  const bytes = (r: RawValue, p: ConfigProblem[]) => size(r, p, { unit: "bytes", min: 1024, max: 1024 ** 3 });
  const mib = (r: RawValue, p: ConfigProblem[]) => size(r, p, { unit: "MiB", min: 64, max: 1024 * 1024 });
  const cases: {
    name: string;
    get: (r: RawValue, p: ConfigProblem[]) => number | undefined;
    input: string;
    want: number | undefined;
    problem?: string;
  }[] = [
    { name: "plain bytes", get: bytes, input: "10485760", want: 10485760 },
    { name: "10MiB in bytes", get: bytes, input: "10MiB", want: 10485760 },
    { name: "lower-case unit", get: bytes, input: "64kib", want: 65536 },
    { name: "plain MiB", get: mib, input: "256", want: 256 },
    { name: "1GiB in MiB", get: mib, input: "1GiB", want: 1024 },
    {
      name: "bytes that are not whole MiB",
      get: mib,
      input: "100B",
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected a size like "256MiB", got "100B"',
    },
    {
      name: "decimal units are not guessed",
      get: bytes,
      input: "10MB",
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected a size like "10MiB", got "10MB"',
    },
    {
      name: "range in readable units",
      get: mib,
      input: "32",
      want: undefined,
      problem:
        'f.conf:7: error: [s] k: Value of "k" in [s] is out of range: expected 64MiB to 1TiB, got "32"',
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = run(c.get, raw(c.input));
      assert.equal(got.value, c.want);
      assert.deepEqual(got.problems, c.problem ? [c.problem] : []);
    });
  }
  assert.equal(formatBytes(10485760), "10MiB");
  assert.equal(formatBytes(1000), "1000B");
});

Deno.test("oneOf(), uuid() and nonEmpty() report what they expected", async (t) => {
  const cases: {
    name: string;
    get: (r: RawValue, p: ConfigProblem[]) => string | undefined;
    input: string;
    want: string | undefined;
    problem?: string;
  }[] = [
    { name: "enum hit", get: (r, p) => oneOf(r, p, { values: ["ram", "none"] }), input: "ram", want: "ram" },
    {
      name: "enum is case-sensitive, like Netdata",
      get: (r, p) => oneOf(r, p, { values: ["ram", "none"] }),
      input: "RAM",
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected one of "ram", "none", got "RAM"',
    },
    {
      name: "uuid",
      get: (r, p) => uuid(r, p),
      input: "11111111-2222-3333-4444-55555555AAAA",
      want: "11111111-2222-3333-4444-55555555AAAA",
    },
    { name: "empty uuid when allowed", get: (r, p) => uuid(r, p, { allowEmpty: true }), input: "", want: "" },
    {
      name: "quoted uuid",
      get: (r, p) => uuid(r, p),
      input: '"11111111-2222-3333-4444-555555555555"',
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected a UUID like ' +
        '"11111111-2222-3333-4444-555555555555", got "\\"11111111-2222-3333-4444-555555555555\\"" ' +
        "(quotes are part of the value: Netdata does not strip them)",
    },
    {
      name: "empty uuid when not allowed",
      get: (r, p) => uuid(r, p),
      input: "",
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot parse "k" in [s]: expected a UUID like ' +
        '"11111111-2222-3333-4444-555555555555", got ""',
    },
    {
      name: "empty directory",
      get: (r, p) => nonEmpty(r, p, { what: "a directory" }),
      input: "",
      want: undefined,
      problem: 'f.conf:7: error: [s] k: Cannot use "k" in [s]: expected a directory, got ""',
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = run(c.get, raw(c.input));
      assert.equal(got.value, c.want);
      assert.deepEqual(got.problems, c.problem ? [c.problem] : []);
    });
  }
});

const ALL = ["dashboard", "registry", "badges", "management", "streaming", "netdata.conf"];

Deno.test("bindTo() reads Netdata's bind to syntax", async (t) => {
  const cases: { name: string; input: string; want: BindSpec[] | undefined; problems?: string[] }[] = [
    {
      name: "star without port",
      input: "*",
      want: [{ host: "*", port: 19999, ssl: "none", acl: ALL }] as BindSpec[],
    },
    {
      name: "several entries, spaces and commas",
      input: "127.0.0.1:8080, [::1]:8081  any",
      want: [
        { host: "127.0.0.1", port: 8080, ssl: "none", acl: ALL },
        { host: "::1", port: 8081, ssl: "none", acl: ALL },
        { host: "*", port: 19999, ssl: "none", acl: ALL },
      ] as BindSpec[],
    },
    {
      name: "acl and ssl, Netdata's form",
      input: "tcp:10.0.0.1:443=dashboard|streaming^SSL=force",
      want: [{ host: "10.0.0.1", port: 443, ssl: "force", acl: ["dashboard", "streaming"] }] as BindSpec[],
    },
    {
      name: "ssl straight after the port",
      input: "*:19999^SSL=optional",
      want: [{ host: "*", port: 19999, ssl: "optional", acl: ALL }] as BindSpec[],
    },
    {
      name: "port 0",
      input: "127.0.0.1:0",
      want: [{ host: "127.0.0.1", port: 0, ssl: "none", acl: ALL }] as BindSpec[],
    },
    {
      name: "unix socket",
      input: "unix:/run/agent.sock",
      want: [{
        host: "/run/agent.sock",
        port: 0,
        ssl: "none",
        acl: ALL,
        unixPath: "/run/agent.sock",
      }] as BindSpec[],
    },
    { name: "empty list", input: "", want: [] },
    {
      name: "bad entries are each reported",
      input: "*:abc ::1 [::1 eth%0 udp:*:1 *:1=dashbord *:2^TLS *:70000",
      want: undefined,
      problems: [
        'f.conf:7: error: [web] bind to: Cannot parse "bind to" in [web]: expected a port from 0 to 65535 in entry "*:abc", got "abc"',
        'f.conf:7: error: [web] bind to: Cannot parse "bind to" in [web]: expected an IPv6 address in brackets, like "[::1]:19999" in entry "::1", got "::1"',
        'f.conf:7: error: [web] bind to: Cannot parse "bind to" in [web]: expected "]" after the IPv6 address in entry "[::1", got "[::1"',
        'f.conf:7: error: [web] bind to: Cannot parse "bind to" in [web]: expected an address without a network interface ("%IFACE" is not supported) in entry "eth%0", got "eth%0"',
        'f.conf:7: error: [web] bind to: Cannot parse "bind to" in [web]: expected a TCP address or "unix:/path" (the web server does not listen on UDP) in entry "udp:*:1", got "udp:"',
        'f.conf:7: error: [web] bind to: Cannot parse "bind to" in [web]: expected access lists from "dashboard", "registry", "badges", "management", "streaming", "netdata.conf" separated by "|" in entry "*:1=dashbord", got "dashbord"',
        'f.conf:7: error: [web] bind to: Cannot parse "bind to" in [web]: expected "^SSL=force" or "^SSL=optional" in entry "*:2^TLS", got "^TLS"',
        'f.conf:7: error: [web] bind to: Cannot parse "bind to" in [web]: expected a port from 0 to 65535 in entry "*:70000", got "70000"',
      ],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = run((r, p) => bindTo(r, p, { defaultPort: 19999 }), raw(c.input, "web", "bind to"));
      assert.deepEqual(got.value, c.want);
      assert.deepEqual(got.problems, c.problems ?? []);
    });
  }
});

Deno.test("formatBind() writes entries that bindTo() reads back the same", () => {
  const specs: BindSpec[] = [
    { host: "*", port: 19999, ssl: "none", acl: ALL } as BindSpec,
    { host: "::1", port: 1, ssl: "optional", acl: ALL } as BindSpec,
    { host: "10.0.0.1", port: 443, ssl: "force", acl: ["streaming"] },
    { host: "h", port: 2, ssl: "none", acl: ["dashboard", "badges"] },
    { host: "/run/a.sock", port: 0, ssl: "none", acl: ALL, unixPath: "/run/a.sock" } as BindSpec,
  ];
  const text = specs.map(formatBind).join(" ");
  assert.equal(
    text,
    "*:19999 [::1]:1=dashboard|registry|badges|management|streaming|netdata.conf^SSL=optional " +
      "10.0.0.1:443=streaming^SSL=force h:2=dashboard|badges unix:/run/a.sock",
  );
  const back = run((r, p) => bindTo(r, p, { defaultPort: 9 }), raw(text, "web", "bind to"));
  assert.deepEqual(back, { value: specs, problems: [] });
});

Deno.test("suggest() finds the nearest key or none", async (t) => {
  const keys = ["bind to", "default port", "mode", "allow connections from"];
  const cases: { input: string; want: string | undefined }[] = [
    { input: "bind too", want: "bind to" },
    { input: "Bind To", want: "bind to" },
    { input: "defualt port", want: "default port" },
    { input: "mod", want: "mode" },
    { input: "allow connection from", want: "allow connections from" },
    { input: "completely different", want: undefined },
  ];
  for (const c of cases) {
    await t.step(c.input, () => assert.equal(suggest(c.input, keys), c.want));
  }
  assert.equal(levenshtein("kitten", "sitting"), 3);
  assert.equal(levenshtein("", "abc"), 3);
});
