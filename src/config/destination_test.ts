import { assert } from "../../tests/_helpers/assert.ts";
import { type DestinationError, destinations, parseDestination } from "./destination.ts";
import { type ConfigProblem, type Destination, formatProblem } from "./types.ts";

Deno.test("parseDestination() reads Netdata's [PROTOCOL:]HOST[%INTERFACE][:PORT][:SSL]", async (t) => {
  const cases: { name: string; input: string; want: Omit<Destination, "text"> | DestinationError }[] = [
    { name: "a host", input: "parent", want: { host: "parent", port: 19999, ssl: false } },
    { name: "a host and port", input: "parent:20000", want: { host: "parent", port: 20000, ssl: false } },
    { name: "an IPv4 address", input: "10.0.0.1:1", want: { host: "10.0.0.1", port: 1, ssl: false } },
    { name: "TLS", input: "parent:19999:SSL", want: { host: "parent", port: 19999, ssl: true } },
    { name: "TLS in lower case", input: "parent:ssl", want: { host: "parent", port: 19999, ssl: true } },
    { name: "tcp: prefix", input: "tcp:parent:5", want: { host: "parent", port: 5, ssl: false } },
    {
      name: "IPv6 in brackets",
      input: "[fd00::1]:19998",
      want: { host: "fd00::1", port: 19998, ssl: false },
    },
    { name: "IPv6 without a port", input: "[::1]", want: { host: "::1", port: 19999, ssl: false } },
    { name: "IPv6 with TLS", input: "[::1]:3:SSL", want: { host: "::1", port: 3, ssl: true } },
    {
      name: "an interface",
      input: "parent%eth0:7",
      want: { host: "parent", port: 7, ssl: false, interface: "eth0" },
    },
    {
      name: "unix: socket",
      input: "unix:/run/agent.sock",
      want: { host: "", port: 0, ssl: false, unixPath: "/run/agent.sock" },
    },
    {
      name: "bare socket path",
      input: "/run/a.sock",
      want: { host: "", port: 0, ssl: false, unixPath: "/run/a.sock" },
    },
    {
      name: "port over 65535",
      input: "parent:99999",
      want: { expected: "a port from 1 to 65535", got: "99999" },
    },
    { name: "port 0", input: "parent:0", want: { expected: "a port from 1 to 65535", got: "0" } },
    {
      name: "port not a number",
      input: "parent:http",
      want: { expected: "a port from 1 to 65535", got: "http" },
    },
    { name: "three parts", input: "x:y:z", want: { expected: "a port from 1 to 65535", got: "y:z" } },
    {
      name: "IPv6 without brackets",
      input: "fd00::1",
      want: { expected: 'an IPv6 address in brackets, like "[fd00::1]:19999"', got: "fd00::1" },
    },
    {
      name: "unclosed bracket",
      input: "[::1:19999",
      want: { expected: '"]" after the IPv6 address', got: "[::1:19999" },
    },
    {
      name: "a name in brackets",
      input: "[parent]:1",
      want: { expected: "an IPv6 address in brackets", got: "parent" },
    },
    {
      name: "text after the bracket",
      input: "[::1]x",
      want: { expected: "a port from 1 to 65535", got: "x" },
    },
    { name: "no host", input: ":19999", want: { expected: "a host name or an IP address", got: ":19999" } },
    {
      name: "a bad host",
      input: "par/ent:1",
      want: { expected: "a host name or an IP address", got: "par/ent" },
    },
    {
      name: "empty interface",
      input: "parent%:1",
      want: { expected: 'a network interface after "%"', got: "" },
    },
    {
      name: "UDP",
      input: "udp:parent:1",
      want: { expected: 'a TCP destination or "unix:/path" (streaming does not run over UDP)', got: "udp:" },
    },
    {
      name: "unix: without a path",
      input: "unix:",
      want: { expected: 'a socket path after "unix:"', got: "" },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = parseDestination(c.input, 19999);
      const want = "expected" in c.want ? c.want : { text: c.input, ...c.want };
      assert.deepEqual(got, want);
    });
  }
});

Deno.test("destinations() reports every bad entry of a list, and reads an empty value as no destination", async (t) => {
  const cases: { name: string; input: string; want: string[] | number }[] = [
    { name: "empty", input: "", want: 0 },
    { name: "spaces and commas", input: "a:1 b:2,c:3:SSL", want: 3 },
    {
      name: "two bad entries",
      input: "a:1 x:y:z parent:99999",
      want: [
        'f:3: error: [stream] destination: Cannot parse "destination" in [stream]: expected a port from 1 to ' +
        '65535 in entry "x:y:z", got "y:z"',
        'f:3: error: [stream] destination: Cannot parse "destination" in [stream]: expected a port from 1 to ' +
        '65535 in entry "parent:99999", got "99999"',
      ],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const problems: ConfigProblem[] = [];
      const raw = { value: c.input, file: "f", line: 3, section: "stream", key: "destination" };
      const got = destinations(raw, problems, { defaultPort: 19999 });
      if (typeof c.want === "number") {
        assert.deepEqual(problems, []);
        assert.equal(got?.length, c.want);
      } else {
        assert.equal(got, undefined);
        assert.deepEqual(problems.map(formatProblem), c.want);
      }
    });
  }
});
