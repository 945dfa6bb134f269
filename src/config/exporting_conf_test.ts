import { assert } from "../../tests/_helpers/assert.ts";
import { readExporting } from "./exporting_conf.ts";
import { parseIni } from "./ini.ts";
import { buildConfig, loadConfig } from "./load.ts";
import { type ConfigProblem, formatProblem } from "./types.ts";

function read(text: string) {
  const problems: ConfigProblem[] = [];
  const config = readExporting(parseIni(text, "exporting.conf"), problems, { hostname: "node1" });
  return { config, messages: problems.map(formatProblem) };
}

Deno.test("readExporting() reports each bad value with file:line", () => {
  const rows: { name: string; text: string; want: string[] }[] = [
    {
      name: "a bad boolean",
      text: "[exporting:global]\n enabled = maybe\n",
      want: [
        `exporting.conf:2: error: [exporting:global] enabled: Cannot parse "enabled" in [exporting:global]: expected "yes" or "no", got "maybe"`,
      ],
    },
    {
      name: "an unknown connector type, with a suggestion",
      text: "[graphit:g]\n enabled = yes\n destination = x\n",
      want: [
        `exporting.conf:1: error: [graphit:g] Unknown connector type "graphit" in section [graphit:g]: did you mean "graphite"?`,
      ],
    },
    {
      name: "an unknown key, with a suggestion",
      text: "[graphite:g]\n enabled = yes\n destination = x\n send chart matching = *\n",
      want: [
        `exporting.conf:4: error: [graphite:g] send chart matching: Unknown key "send chart matching" in [graphite:g]: did you mean "send charts matching"?`,
      ],
    },
    {
      name: "a bad data source",
      text: "[graphite:g]\n enabled = yes\n destination = x\n data source = max\n",
      want: [
        `exporting.conf:4: error: [graphite:g] data source: Cannot parse "data source" in [graphite:g]: expected one of "as collected", "average", "sum", got "max"`,
      ],
    },
    {
      name: "update every out of range",
      text: "[graphite:g]\n enabled = yes\n destination = x\n update every = 0\n",
      want: [
        `exporting.conf:4: error: [graphite:g] update every: Value of "update every" in [graphite:g] is out of range: expected 1 to 86400 seconds, got "0"`,
      ],
    },
    {
      name: "a destination port out of range",
      text: "[prometheus_remote_write:p]\n enabled = yes\n destination = h:99999\n",
      want: [
        `exporting.conf:3: error: [prometheus_remote_write:p] destination: Cannot parse "destination" in [prometheus_remote_write:p]: expected a port from 1 to 65535 in entry "h:99999", got "99999"`,
      ],
    },
    {
      name: "an enabled instance without a destination",
      text: "[json:j]\n enabled = yes\n",
      want: [
        `exporting.conf:1: error: [json:j] destination: Cannot enable [json:j]: "destination" is not set`,
      ],
    },
    {
      name: "a remote write path without a slash",
      text: "[prometheus_remote_write:p]\n enabled = yes\n destination = h\n remote write URL path = api\n",
      want: [
        `exporting.conf:4: error: [prometheus_remote_write:p] remote write URL path: Cannot parse "remote write URL path" in [prometheus_remote_write:p]: expected a path starting with "/", got "api"`,
      ],
    },
    {
      name: "a connector the agent does not have is a warning",
      text: "[kinesis:k]\n enabled = yes\n",
      want: [
        `exporting.conf:1: warning: [kinesis:k] Ignoring [kinesis:k]: the agent has no "kinesis" connector`,
      ],
    },
    {
      name: "a repeated instance name",
      text: "[graphite:a]\n destination = x\n[json:a]\n destination = y\n",
      want: [
        `exporting.conf:3: error: [json:a] Cannot use section [json:a]: instance name "a" is already used`,
      ],
    },
  ];
  for (const r of rows) assert.deepEqual(read(r.text).messages, r.want, r.name);
});

Deno.test("readExporting() applies Netdata's defaults and the global fallbacks", () => {
  const { config, messages } = read(
    "[exporting:global]\n enabled = yes\n update every = 5\n" +
      "[prometheus_remote_write:https:vm]\n destination = vm1:8428 vm2\n remote write URL path = /api/v1/write\n" +
      "[graphite:off]\n enabled = no\n destination = g\n" +
      "[opentsdb:telnet:o]\n destination = o:SSL\n data source = as collected\n update every = 1\n",
  );
  assert.deepEqual(messages, []);
  assert.equal(config.enabled, true);
  const [rw, o] = config.instances;
  assert.equal(config.instances.length, 2, "the disabled instance is left out");
  assert.equal(rw.type, "prometheus_remote_write");
  assert.equal(rw.name, "vm");
  assert.deepEqual(rw.destinations.map((d) => [d.host, d.port, d.ssl]), [["vm1", 8428, true], [
    "vm2",
    9090,
    true,
  ]]);
  assert.equal(rw.updateEverySec, 5);
  assert.equal(rw.hostname, "node1");
  assert.equal(rw.dataSource, "average");
  assert.equal(rw.sendHostsMatching, "localhost *");
  assert.equal(o.type, "opentsdb");
  assert.equal(o.dataSource, "as collected");
  assert.equal(o.updateEverySec, 1);
  assert.deepEqual(o.destinations.map((d) => [d.host, d.port, d.ssl]), [["o", 4242, true]]);
});

Deno.test("buildConfig() loads Netdata 1.37.1's stock exporting.conf without a problem", () => {
  const text = Deno.readTextFileSync(
    new URL("./testdata/netdata-1.37.1-debian/exporting.conf", import.meta.url),
  );
  const { config, problems } = buildConfig({
    role: "standalone",
    exporting: { text, file: "exporting.conf" },
    systemHostname: "n1",
  });
  assert.deepEqual(problems.filter((p) => p.file === "exporting.conf" && p.severity === "error"), []);
  assert.equal(config.exporting?.enabled, false);
  assert.equal(config.files.exporting, "exporting.conf");
});

Deno.test("buildConfig() loads the embedded exporting.conf: disabled, no problem", () => {
  const { config, problems } = buildConfig({ role: "parent", systemHostname: "n1" });
  assert.deepEqual(problems.filter((p) => p.file === "embedded:exporting.conf"), []);
  assert.equal(config.exporting?.enabled, false);
  assert.deepEqual(config.exporting?.instances, []);
});

Deno.test("loadConfig() reads DIR/exporting.conf and reports its problems with the path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exporting-conf-" });
  try {
    await Deno.writeTextFile(
      `${dir}/exporting.conf`,
      "[exporting:global]\n    enabled = yes\n[prometheus_remote_write:vm]\n    destination = vm:8428\n" +
        "    update every = soon\n",
    );
    const { problems } = await loadConfig({ configDir: dir, role: "parent" });
    assert.deepEqual(problems.map(formatProblem), [
      `${dir}/exporting.conf:5: error: [prometheus_remote_write:vm] update every: Cannot parse "update every" in ` +
      `[prometheus_remote_write:vm]: expected an integer, got "soon"`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
