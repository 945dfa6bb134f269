import { assert } from "../../tests/_helpers/assert.ts";
import { DEBIAN, errors, KEY, testCase } from "./_testdata.ts";
import { dumpConfig } from "./dump.ts";
import { buildConfig, type BuildOptions } from "./load.ts";
import { type AgentConfig, formatProblem } from "./types.ts";

/** The config without what depends on where it was read from. */
function comparable(c: AgentConfig): unknown {
  return {
    ...c,
    files: undefined,
    sources: undefined,
    receivers: [...c.receivers.values()].map((r) => ({ name: r.name, type: r.type, values: [...r.values] })),
    exporting: c.exporting &&
      { ...c.exporting, instances: c.exporting.instances.map((i) => ({ ...i, file: "", line: 0 })) },
  };
}

Deno.test("dumpConfig() output reads back to the same config", async (t) => {
  const cases: { name: string; opts: () => BuildOptions | Promise<BuildOptions> }[] = [
    { name: "built-in, standalone", opts: () => ({ role: "standalone", systemHostname: "h" }) },
    { name: "built-in, parent", opts: () => ({ role: "parent", systemHostname: "h" }) },
    {
      name: "built-in, child with flags",
      opts: () => ({ role: "child", systemHostname: "h", overrides: { streamTo: "p:1", apiKey: KEY } }),
    },
    { name: "every key", opts: () => testCase("good/every_key.conf") },
    { name: "older names", opts: () => testCase("good/netdata_1_37_names.conf") },
    { name: "Netdata sections", opts: () => testCase("good/netdata_sections.conf") },
    { name: "stream every key", opts: () => testCase("good/stream_every_key.conf") },
    {
      name: "exporting instances",
      opts: () => ({
        role: "parent",
        systemHostname: "h",
        exporting: {
          file: "exporting.conf",
          text: "[exporting:global]\n enabled = yes\n update every = 5\n" +
            "[prometheus_remote_write:https:vm]\n destination = vm:8428\n remote write URL path = /api/v1/write\n" +
            " username = u\n password = p\n queue disk space MB = 10\n" +
            "[graphite:g]\n destination = g:2003 g2\n data source = as collected\n send hosts matching = !localhost *\n" +
            "[json:off]\n enabled = no\n destination = j\n",
        },
      }),
    },
    {
      name: "Debian netdata.conf and stream.conf",
      opts: () => ({
        role: "parent",
        configDir: DEBIAN,
        agent: { text: Deno.readTextFileSync(`${DEBIAN}/netdata.conf`), file: "netdata.conf" },
        stream: { text: Deno.readTextFileSync(`${DEBIAN}/stream.conf`), file: "stream.conf" },
      }),
    },
    {
      name: "all overrides",
      opts: () => ({
        role: "proxy",
        systemHostname: "h",
        overrides: {
          hostname: "x",
          port: 0,
          bind: "127.0.0.1 unix:/tmp/s",
          dataDir: "/d",
          memoryMode: "none",
          streamTo: "up:1",
          apiKey: KEY,
          logLevel: "debug",
          procRoot: "/host/proc",
          updateEvery: 3,
        },
      }),
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const opts = await c.opts();
      const first = buildConfig(opts);
      assert.deepEqual(errors(first), []);
      const back = buildConfig({
        role: opts.role,
        systemHostname: "another-host",
        agent: { text: dumpConfig(first.config, { file: "agent" }), file: "dump/agent.conf" },
        stream: { text: dumpConfig(first.config, { file: "stream" }), file: "dump/stream.conf" },
        exporting: { text: dumpConfig(first.config, { file: "exporting" }), file: "dump/exporting.conf" },
      });
      assert.deepEqual(back.problems.map(formatProblem), []);
      assert.deepEqual(comparable(back.config), comparable(first.config));
    });
  }
});

Deno.test("dumpConfig() says where each value came from when no file set it", () => {
  const { config } = buildConfig({
    role: "parent",
    systemHostname: "h",
    agent: { text: "[web]\nmode = none\n", file: "a.conf" },
    overrides: { port: 0, procRoot: "/tmp/fixture" },
  });
  const text = dumpConfig(config);
  assert.ok(text.includes("\t# default for --role parent\n\tmode = dbengine\n"), text);
  assert.ok(text.includes("\t# from --port\n\tdefault port = 0\n"), text);
  assert.ok(text.includes("\t# default\n\tallow streaming from = *\n"), text);
  assert.ok(text.includes("\n\n[web]\n\tmode = none\n"), "a value from a file has no comment");
  assert.ok(text.includes("\tssl key =\n"), "empty values have no trailing space");
  assert.ok(
    text.includes('\t# /proc is read from "/tmp/fixture", which no netdata.conf key can express\n'),
    text,
  );
  assert.ok(text.includes("# ---------------- agent.conf ----------------\n"));
  assert.ok(text.includes("# ---------------- stream.conf ----------------\n"));
  assert.ok(text.includes("\n[MACHINE_GUID]\n\ttype = machine\n"));
});
