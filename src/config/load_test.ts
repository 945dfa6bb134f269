import { assert } from "../../tests/_helpers/assert.ts";
import { ALL_ACL, confFiles, DEBIAN, errors, KEY, readOut, testCase } from "./_testdata.ts";
import { buildConfig, type BuildOptions, loadConfig } from "./load.ts";
import { type AgentConfig, formatProblem, type Role } from "./types.ts";

/** Reads a dotted path (`global.memoryMode`, `web.bindTo.0.port`) from a config. */
function at(config: AgentConfig, path: string): unknown {
  let v: unknown = config;
  for (const part of path.split(".")) {
    if (v instanceof Map) v = v.get(part);
    else v = (v as Record<string, unknown>)[part];
  }
  return v;
}

Deno.test("buildConfig() reports each bad config with the exact messages of its .out file", async (t) => {
  for (const rel of confFiles("bad")) {
    await t.step(rel, () => {
      const want = readOut(rel);
      assert.ok(want, `${rel} needs a .out file`);
      const got = buildConfig(testCase(rel));
      assert.deepEqual(got.problems.map(formatProblem), want);
      assert.ok(got.problems.length > 0);
    });
  }
});

Deno.test("buildConfig() loads each good config without errors (warnings as in its .out file)", async (t) => {
  for (const rel of confFiles("good")) {
    await t.step(rel, () => {
      const got = buildConfig(testCase(rel));
      assert.deepEqual(got.problems.map(formatProblem), readOut(rel) ?? []);
    });
  }
});

Deno.test("loadConfig() loads Debian's stock netdata.conf, stream.conf and exporting.conf with warnings only", async () => {
  const r = await loadConfig({ configDir: DEBIAN, role: "parent", overrides: {} });
  assert.deepEqual(r.problems.map(formatProblem), [
    `${DEBIAN}/netdata.conf:14: warning: [global] run as user: Ignoring "run as user" in [global]: ` +
    "the agent does not use this Netdata key",
    `${DEBIAN}/netdata.conf:15: warning: [global] web files owner: Ignoring "web files owner" in [global]: ` +
    "the agent does not use this Netdata key",
    `${DEBIAN}/netdata.conf:16: warning: [global] web files group: Ignoring "web files group" in [global]: ` +
    "the agent does not use this Netdata key",
  ]);
  const c = r.config;
  assert.deepEqual(c.files, {
    agent: `${DEBIAN}/netdata.conf`,
    stream: `${DEBIAN}/stream.conf`,
    exporting: `${DEBIAN}/exporting.conf`,
  });
  // "bind socket to IP" is Netdata's older name of [web] bind to.
  assert.deepEqual(c.web.bindTo, [{ host: "127.0.0.1", port: 19999, ssl: "none", acl: ALL_ACL }]);
  assert.equal(c.global.memoryMode, "dbengine");
  assert.equal(c.stream.enabled, false);
  assert.equal(c.stream.timeoutSec, 60);
  assert.deepEqual([...c.receivers.keys()], ["API_KEY", "MACHINE_GUID"]);
  const machine = c.receivers.get("MACHINE_GUID")!;
  assert.equal(machine.type, "machine");
  assert.equal(machine.line, 194);
  assert.equal(machine.values.get("postpone alarms on connect seconds"), "60");
});

Deno.test("buildConfig() resolves defaults, roles, files and overrides", async (t) => {
  const cases: { name: string; opts: BuildOptions; want: Record<string, unknown> }[] = [
    {
      name: "built-in defaults, standalone",
      opts: { role: "standalone", systemHostname: "test-host" },
      want: {
        "role": "standalone",
        "files": {},
        "global.hostname": "test-host",
        "global.updateEvery": 1,
        "global.memoryMode": "ram",
        "global.historySec": 3600,
        "global.gapWhenLostIterationsAbove": 1,
        "global.logLevel": "info",
        "global.procRoot": "/proc",
        "web.mode": "static-threaded",
        "web.bindTo": [{ host: "*", port: 19999, ssl: "none", acl: ALL_ACL }],
        "web.defaultPort": 19999,
        "web.sslKey": "",
        "web.allowConnectionsFrom": "localhost *",
        "web.allowStreamingFrom": "*",
        "directories": {
          config: "",
          lib: "/var/lib/agent",
          cache: "/var/cache/agent",
          log: "/var/log/agent",
          healthConfig: "",
          stockHealthConfig: "",
        },
        "health": {
          enabled: true,
          scriptToExecuteOnAlarm: "",
          runAtLeastEverySec: 10,
          maxLogEntries: 1000,
          defaultRepeatWarningSec: 0,
          defaultRepeatCriticalSec: 0,
          postponeHibernationSec: 60,
          enableStockConfig: true,
          webhookUrl: "",
          silencersFile: "",
        },
        "db": {
          enableReplication: true,
          secondsToReplicate: 86400,
          secondsPerReplicationStep: 600,
          dbengineMultihostDiskSpaceMB: 256,
          storageTiers: 3,
        },
        "stream": {
          enabled: false,
          destination: "",
          destinations: [],
          apiKey: "",
          timeoutSec: 600,
          defaultPort: 19999,
          sendChartsMatching: "*",
          bufferSizeBytes: 10485760,
          reconnectDelaySec: 5,
          initialClockResyncIterations: 60,
          enableCompression: true,
          enableCompactRounds: true,
          sslSkipCertificateVerification: false,
          caPath: "",
          caFile: "",
        },
        "receivers.API_KEY.type": "api",
        "receivers.MACHINE_GUID.type": "machine",
        "sources.db/mode": "default",
      },
    },
    {
      name: "--role parent keeps metrics in dbengine",
      opts: { role: "parent", systemHostname: "h" },
      want: {
        "global.memoryMode": "dbengine",
        "stream.enabled": false,
        "sources.db/mode": "default for --role parent",
      },
    },
    {
      name: "--role child streams, with --stream-to and --api-key",
      opts: { role: "child", systemHostname: "h", overrides: { streamTo: "parent:19999", apiKey: KEY } },
      want: {
        "global.memoryMode": "ram",
        "stream.enabled": true,
        "stream.destination": "parent:19999",
        "stream.apiKey": KEY,
        "sources.stream/enabled": "--stream-to",
        "sources.stream/api key": "--api-key",
      },
    },
    {
      name: "--role proxy is both",
      opts: { role: "proxy", systemHostname: "h", overrides: { streamTo: "parent", apiKey: KEY } },
      want: { "global.memoryMode": "dbengine", "stream.enabled": true },
    },
    {
      name: "a file wins over the role",
      opts: {
        role: "parent",
        systemHostname: "h",
        agent: { text: "[db]\nmode = ram\n", file: "a.conf" },
        stream: { text: "[stream]\nenabled = no\n", file: "s.conf" },
      },
      want: {
        "global.memoryMode": "ram",
        "sources.db/mode": "a.conf:2",
        "files": { agent: "a.conf", stream: "s.conf" },
      },
    },
    {
      name: "every key of agent.conf",
      opts: testCase("good/every_key.conf"),
      want: {
        "global.hostname": "node-1",
        "global.procRoot": "/host/proc",
        "global.updateEvery": 2,
        "global.memoryMode": "dbengine",
        "global.historySec": 3600,
        "global.gapWhenLostIterationsAbove": 3,
        "global.logLevel": "debug",
        "db": {
          enableReplication: false,
          secondsToReplicate: 86400,
          secondsPerReplicationStep: 300,
          dbengineMultihostDiskSpaceMB: 1024,
          storageTiers: 3,
        },
        "web.bindTo": [
          { host: "127.0.0.1", port: 8080, ssl: "none", acl: ALL_ACL },
          { host: "::1", port: 8081, ssl: "optional", acl: ["dashboard", "streaming"] },
          { host: "/run/agent.sock", port: 0, ssl: "none", acl: ALL_ACL, unixPath: "/run/agent.sock" },
        ],
        "web.defaultPort": 8080,
        "web.sslKey": "/etc/agent/key.pem",
        "web.sslCertificate": "/etc/agent/cert.pem",
        "web.allowConnectionsFrom": "localhost 10.*",
        "web.allowStreamingFrom": "10.*",
        "web.enableGzip": false,
        "web.gzipLevel": 7,
        "directories": {
          config: "/etc/agent",
          lib: "/srv/agent/lib",
          cache: "/srv/agent/cache",
          log: "/srv/agent/log",
          healthConfig: "/etc/agent/health.d",
          stockHealthConfig: "/usr/lib/netdata/conf.d/health.d",
        },
        "health": {
          enabled: false,
          scriptToExecuteOnAlarm: "/usr/lib/netdata/plugins.d/alarm-notify.sh",
          runAtLeastEverySec: 5,
          maxLogEntries: 500,
          defaultRepeatWarningSec: 600,
          defaultRepeatCriticalSec: 0,
          postponeHibernationSec: 30,
          enableStockConfig: false,
          webhookUrl: "http://127.0.0.1:9000/alarms",
          silencersFile: "/var/lib/agent/silencers.json",
        },
      },
    },
    {
      name: "Netdata 1.37's older [global] names",
      opts: testCase("good/netdata_1_37_names.conf"),
      want: {
        "global.updateEvery": 5,
        "global.memoryMode": "none",
        // 1h at 5s per point: 720 points
        "global.historySec": 3600,
        "global.gapWhenLostIterationsAbove": 2,
        "global.logLevel": "warning",
        "web.bindTo": [{ host: "127.0.0.1", port: 8080, ssl: "none", acl: ALL_ACL }],
        "web.defaultPort": 8080,
        "directories": {
          config: "/etc/netdata",
          lib: "/var/lib/netdata",
          cache: "/var/cache/netdata",
          log: "/var/log/netdata",
          healthConfig: "/etc/netdata/health.d",
          stockHealthConfig: "",
        },
        "sources.db/mode": "good/netdata_1_37_names.conf:4",
      },
    },
    {
      name: "collector switches: plugins, proc modules and module options",
      opts: testCase("good/collector_switches.conf"),
      want: {
        "collectors": {
          plugins: { idlejitter: false, timex: true },
          modules: { "/proc/net/stat/conntrack": false },
          options: {
            "/proc/net/netstat": { "bandwidth": "yes", "TCP SYN cookies": "no" },
            "/proc/interrupts": { "interrupts per core": "auto" },
            "diskspace:/boot": { "space usage": "no" },
            "plugin:timex": { "time offset": "no" },
            "plugin:cgroups": { "enable cpu pressure": "no" },
          },
          settings: { "plugin:cgroups": { "check for new cgroups every": 10 } },
        },
      },
    },
    {
      name: "values keep # and quotes verbatim",
      opts: testCase("good/netdata_sections.conf"),
      want: { "global.hostname": "box#1" },
    },
    {
      name: "every key of stream.conf and receiver sections",
      opts: testCase("good/stream_every_key.conf"),
      want: {
        "stream": {
          enabled: true,
          destination: "parent-a:19999 [fd00::1]:19999:SSL",
          destinations: [
            { text: "parent-a:19999", host: "parent-a", port: 19999, ssl: false },
            { text: "[fd00::1]:19999:SSL", host: "fd00::1", port: 19999, ssl: true },
          ],
          apiKey: KEY,
          timeoutSec: 60,
          defaultPort: 20000,
          sendChartsMatching: "!apps.* *",
          bufferSizeBytes: 1048576,
          reconnectDelaySec: 10,
          initialClockResyncIterations: 0,
          enableCompression: false,
          enableCompactRounds: false,
          sslSkipCertificateVerification: true,
          caPath: "/etc/ssl/certs",
          caFile: "/etc/ssl/certs/parent.pem",
        },
        "receivers.11111111-2222-3333-4444-555555555555.type": "api",
        "receivers.11111111-2222-3333-4444-555555555555.line": 18,
        "receivers.11111111-2222-3333-4444-555555555555.values.default history": "7200",
        "receivers.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.type": "machine",
        "receivers.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.values.proxy api key": "",
        "receivers.11111111-2222-3333-4444-555555555555.enabled": true,
        "receivers.11111111-2222-3333-4444-555555555555.defaults": {
          historyEntries: 7200,
          memoryMode: "ram",
          healthEnabled: "auto",
          postponeAlarmsOnConnectSec: 30,
          proxyEnabled: true,
          proxyDestinations: [{ text: "upstream:19999", host: "upstream", port: 19999, ssl: false }],
          proxyApiKey: "66666666-7777-8888-9999-000000000000",
          proxySendChartsMatching: "*",
        },
        "receivers.11111111-2222-3333-4444-555555555555.own": {
          enableCompression: true,
          enableReplication: true,
          secondsToReplicate: 3600,
          secondsPerReplicationStep: 300,
        },
        "receivers.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.updateEvery": 2,
        "receivers.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.own.proxyDestinations": [],
      },
    },
    {
      name: "every override",
      opts: {
        role: "standalone",
        systemHostname: "h",
        agent: {
          text: "[web]\nbind to = 127.0.0.1:19999 unix:/tmp/a.sock\n[global]\nhostname = file\n",
          file: "a",
        },
        overrides: {
          hostname: "flag",
          port: 0,
          dataDir: "/tmp/data",
          memoryMode: "none",
          logLevel: "error",
          procRoot: "/tmp/fixture/proc0",
          updateEvery: 2,
        },
      },
      want: {
        "global.hostname": "flag",
        "web.defaultPort": 0,
        // --port wins over the ports in the file; the unix socket keeps its path
        "web.bindTo": [
          { host: "127.0.0.1", port: 0, ssl: "none", acl: ALL_ACL },
          { host: "/tmp/a.sock", port: 0, ssl: "none", acl: ALL_ACL, unixPath: "/tmp/a.sock" },
        ],
        "directories.lib": "/tmp/data",
        "global.memoryMode": "none",
        "global.logLevel": "error",
        "global.procRoot": "/tmp/fixture/proc0",
        "global.updateEvery": 2,
        "global.historySec": 7200,
        "sources.global/hostname": "--hostname",
        "sources.web/bind to": "--port",
      },
    },
    {
      name: "--bind replaces bind to",
      opts: {
        role: "standalone",
        systemHostname: "h",
        overrides: { bind: "127.0.0.1 [::1]:9000", port: 8000 },
      },
      want: {
        "web.bindTo": [
          { host: "127.0.0.1", port: 8000, ssl: "none", acl: ALL_ACL },
          { host: "::1", port: 8000, ssl: "none", acl: ALL_ACL },
        ],
        "sources.web/bind to": "--bind",
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = buildConfig(c.opts);
      assert.deepEqual(errors(r), []);
      for (const [path, want] of Object.entries(c.want)) {
        assert.deepEqual(at(r.config, path), want, path);
      }
    });
  }
});

Deno.test("buildConfig() names the flag of a bad override", async (t) => {
  const cases: { name: string; opts: BuildOptions; want: string[] }[] = [
    {
      name: "port out of range",
      opts: { role: "standalone", overrides: { port: 70000 } },
      want: [
        '--port: error: [web] default port: Value of "default port" in [web] is out of range: expected 0 to 65535, got "70000"',
      ],
    },
    {
      name: "update every of 0",
      opts: { role: "standalone", overrides: { updateEvery: 0 } },
      want: [
        "--update-every: error: [db] update every: " +
        'Value of "update every" in [db] is out of range: expected 1 to 600 seconds, got "0"',
      ],
    },
    {
      name: "api key that is not a UUID",
      opts: { role: "standalone", overrides: { apiKey: "abc" } },
      want: [
        '--api-key: error: [stream] api key: Cannot parse "api key" in [stream]: ' +
        'expected a UUID like "11111111-2222-3333-4444-555555555555", got "abc"',
      ],
    },
    {
      name: "memory mode and log level from an unchecked command line",
      opts: {
        role: "standalone",
        overrides: { memoryMode: "save" as "ram", logLevel: "loud" as "info" },
      },
      want: [
        '--memory-mode: error: [db] mode: Cannot parse "mode" in [db]: expected one of "ram", "dbengine", "none", got "save"',
        '--log-level: error: [logs] level: Cannot parse "level" in [logs]: ' +
        'expected one of "debug", "info", "warning", "error", got "loud"',
      ],
    },
    {
      name: "bad --bind",
      opts: { role: "standalone", overrides: { bind: "*:http" } },
      want: [
        '--bind: error: [web] bind to: Cannot parse "bind to" in [web]: ' +
        'expected a port from 0 to 65535 in entry "*:http", got "http"',
      ],
    },
    {
      name: "empty strings",
      opts: { role: "standalone", overrides: { hostname: "", dataDir: "", procRoot: "" } },
      want: [
        '--hostname: error: [global] hostname: Cannot use "hostname" in [global]: expected a host name, got ""',
        '--proc-root: error: [global] host access prefix: Cannot use "host access prefix" in [global]: ' +
        'expected a directory, got ""',
        '--data-dir: error: [directories] lib: Cannot use "lib" in [directories]: expected a directory, got ""',
      ],
    },
    {
      name: "--stream-to without --api-key under --role child",
      opts: { role: "child", overrides: { streamTo: "parent" } },
      want: [
        '--stream-to: error: [stream] enabled: Cannot enable streaming: "destination" and "api key" in [stream] ' +
        'must both be set, missing "api key"',
      ],
    },
    {
      name: "unknown role",
      opts: { role: "leader" as Role },
      want: [
        '--role: error: Cannot use --role: expected one of "standalone", "child", "parent", "proxy", got "leader"',
      ],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = buildConfig({ systemHostname: "h", ...c.opts });
      assert.deepEqual(r.problems.map(formatProblem), c.want);
    });
  }
});

Deno.test("loadConfig() returns a deeply frozen config", async () => {
  const { config } = await loadConfig({ role: "standalone", overrides: {} });
  assert.ok(
    Object.isFrozen(config) && Object.isFrozen(config.global) && Object.isFrozen(config.web.bindTo[0]),
  );
  assert.throws(() => {
    (config.global as { hostname: string }).hostname = "x";
  }, TypeError);
  assert.throws(() => (config.web.bindTo as unknown[]).push({}), TypeError);
  assert.throws(() => (config.receivers as Map<string, unknown>).set("x", {}), TypeError);
  assert.throws(
    () => (config.receivers.get("API_KEY")!.values as Map<string, string>).delete("type"),
    TypeError,
  );
});

Deno.test("loadConfig() reads agent.conf, else netdata.conf, else the built-in copies", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "agent-config-test-" });
  try {
    await t.step("an empty directory means the built-in files", async () => {
      const r = await loadConfig({ configDir: dir, role: "standalone", overrides: {} });
      assert.deepEqual(r.problems.map(formatProblem), []);
      assert.deepEqual(r.config.files, {});
      assert.equal(r.config.directories.config, dir);
      assert.equal(r.config.sources?.get("directories/config"), "--config");
    });
    await t.step("netdata.conf is read when agent.conf is missing", async () => {
      await Deno.writeTextFile(`${dir}/netdata.conf`, "[db]\n  mode = none\n");
      const r = await loadConfig({ configDir: dir, role: "standalone", overrides: {} });
      assert.deepEqual(r.config.files, { agent: `${dir}/netdata.conf` });
      assert.equal(r.config.global.memoryMode, "none");
    });
    await t.step("agent.conf wins over netdata.conf, and stream.conf is read", async () => {
      await Deno.writeTextFile(`${dir}/agent.conf`, "[db]\n  mode = dbengine\n");
      await Deno.writeTextFile(`${dir}/stream.conf`, `[${KEY}]\n  enabled = yes\n`);
      const r = await loadConfig({ configDir: dir + "/", role: "standalone", overrides: {} });
      assert.deepEqual(r.config.files, { agent: `${dir}/agent.conf`, stream: `${dir}/stream.conf` });
      assert.equal(r.config.global.memoryMode, "dbengine");
      assert.deepEqual([...r.config.receivers.keys()], [KEY]);
    });
    await t.step("a missing directory is an error", async () => {
      const r = await loadConfig({ configDir: `${dir}/nope`, role: "standalone", overrides: {} });
      assert.equal(r.problems.length, 1);
      assert.match(formatProblem(r.problems[0]), /\/nope: error: Cannot read the config directory: /);
    });
    await t.step("a file is not a directory", async () => {
      const r = await loadConfig({ configDir: `${dir}/agent.conf`, role: "standalone", overrides: {} });
      assert.deepEqual(r.problems.map(formatProblem), [
        `${dir}/agent.conf: error: Cannot read the config directory: it is not a directory`,
      ]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the shipped conf/agent.conf and conf/stream.conf load without any problem", async (t) => {
  for (const role of ["standalone", "parent"] as const) {
    await t.step(role, async () => {
      const r = await loadConfig({ role, overrides: {} });
      assert.deepEqual(r.problems.map(formatProblem), []);
      assert.equal(r.config.global.hostname, Deno.hostname());
    });
  }
});
