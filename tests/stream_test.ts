/**
 * Streaming between our own agents, as real processes on 127.0.0.1: every setup of the seed
 * documents (child -> parent, proxy, headless collector, failover, TLS, active-active parents).
 */
import { assert } from "./_helpers/assert.ts";
import {
  type AgentProcess,
  confDir,
  getJson,
  startInto as start,
  waitFor,
  withAgents,
} from "./_helpers/agent.ts";
import { freePort } from "./_helpers/netdata.ts";
import { compareAll, describe } from "./_helpers/fidelity.ts";

const KEY = "11111111-2222-3333-4444-555555555555";
const PARENT_STREAM_CONF = `[${KEY}]\n    enabled = yes\n`;

function hostPort(url: string): string {
  return new URL(url).host;
}

/** Waits until `parent` lists `hostname` as reachable with data in system.cpu. */
async function waitChild(parent: AgentProcess, hostname: string, timeoutMs = 15000, seconds = 3) {
  await waitFor(
    async () => {
      const info = await getJson(`${parent.url}/api/v1/info`);
      const st = info.mirrored_hosts_status.find((h: { hostname: string }) => h.hostname === hostname);
      if (!st?.reachable) return false;
      const c = await getJson(`${parent.url}/host/${hostname}/api/v1/chart?chart=system.cpu`);
      return c.last_entry - c.first_entry >= seconds;
    },
    timeoutMs,
    `${hostname} on ${parent.url}`,
  );
}

/**
 * Every chart the child serves agrees, slot for slot, with the copy on a node that received it,
 * over the last seconds both hold (the slot still being collected left out).
 */
async function assertSameValues(child: AgentProcess, childName: string, other: AgentProcess) {
  const c = await getJson(`${other.url}/host/${childName}/api/v1/chart?chart=system.cpu`);
  const to = c.last_entry - 1;
  const from = Math.max(c.first_entry + 2, to - 5);
  const f = await compareAll(child.url, `${other.url}/host/${childName}`, from, to, undefined, {
    afterMirrorFirst: true,
  });
  assert.ok(f.charts >= 40 && f.cells >= f.charts * 2, describe(f));
  assert.equal(f.equal, f.cells, describe(f));
}

Deno.test("our child streams to our parent: the parent serves the same values, and both log the link", async () => {
  await withAgents(async (s) => {
    const parent = await start(s, {
      args: ["--config", await confDir({ "stream.conf": PARENT_STREAM_CONF }), "--hostname", "p-1"],
    });
    const child = await start(s, {
      args: ["--role", "child", "--stream-to", hostPort(parent.url), "--api-key", KEY, "--hostname", "c-1"],
    });
    await waitChild(parent, "c-1", 20000, 8);
    const info = await getJson(`${parent.url}/api/v1/info`);
    assert.deepEqual(info.mirrored_hosts, ["p-1", "c-1"]);
    const st = info.mirrored_hosts_status[1];
    assert.equal(st.hops, 1);
    const childInfo = await getJson(`${child.url}/api/v1/info`);
    assert.equal(childInfo["stream-enabled"], true);
    assert.equal(childInfo.streaming.sender.connected, true);
    assert.equal(st.guid, childInfo.uid);
    // by GUID too
    await getJson(`${parent.url}/host/${childInfo.uid}/api/v1/charts`);
    await assertSameValues(child, "c-1", parent);
    assert.match(parent.output(), /msg_id=ed4cdb8f1beb4ad3b57cb3cae2d162fa/);
    assert.match(
      child.output(),
      /msg_id=6e2e3839067648968b646045dbf28d66.*connected|connected.*msg_id=6e2e3839067648968b646045dbf28d66/,
    );
    assert.doesNotMatch(
      parent.output() + child.output(),
      new RegExp(KEY),
      "the whole API key never appears in logs",
    );
  });
});

Deno.test("child -> proxy -> parent: the parent keeps the child's identity with hops 2", async () => {
  await withAgents(async (s) => {
    const parent = await start(s, {
      args: ["--config", await confDir({ "stream.conf": PARENT_STREAM_CONF }), "--hostname", "p-2"],
    });
    const proxyConf = await confDir({
      "stream.conf": `[stream]\n    enabled = yes\n    destination = ${
        hostPort(parent.url)
      }\n    api key = ${KEY}\n${PARENT_STREAM_CONF}`,
    });
    const proxy = await start(s, { args: ["--role", "proxy", "--config", proxyConf, "--hostname", "x-2"] });
    const child = await start(s, {
      args: ["--role", "child", "--stream-to", hostPort(proxy.url), "--api-key", KEY, "--hostname", "c-2"],
    });
    await waitChild(proxy, "c-2");
    await waitChild(parent, "c-2", 25000, 8);
    const info = await getJson(`${parent.url}/api/v1/info`);
    const byName = Object.fromEntries(
      info.mirrored_hosts_status.map((h: { hostname: string }) => [h.hostname, h]),
    );
    assert.equal(byName["x-2"].hops, 1);
    assert.equal(byName["c-2"].hops, 2);
    const childInfo = await getJson(`${child.url}/api/v1/info`);
    assert.equal(byName["c-2"].guid, childInfo.uid, "the proxy forwards the child's own machine GUID");
    const labels = (await getJson(`${parent.url}/host/c-2/api/v1/info`)).host_labels;
    assert.equal(
      labels._kernel_version,
      childInfo.host_labels._kernel_version,
      "the child's labels travel along",
    );
    await assertSameValues(child, "c-2", parent);
  });
});

Deno.test("failover: the first destination is down, the child uses the second; when that dies it goes back", async () => {
  await withAgents(async (s) => {
    const portA = freePort();
    const parentB = await start(s, {
      args: ["--config", await confDir({ "stream.conf": PARENT_STREAM_CONF }), "--hostname", "p-b"],
    });
    const childConf = await confDir({
      "stream.conf": `[stream]\n    enabled = yes\n    destination = 127.0.0.1:${portA} ${
        hostPort(parentB.url)
      }\n    api key = ${KEY}\n    reconnect delay seconds = 1\n    timeout seconds = 5\n`,
    });
    const child = await start(s, { args: ["--config", childConf, "--hostname", "c-3"] });
    await waitChild(parentB, "c-3");
    const parentA = await start(s, {
      args: [
        "--config",
        await confDir({ "stream.conf": PARENT_STREAM_CONF }),
        "--hostname",
        "p-a",
        "--port",
        String(portA),
      ],
    });
    await parentB.stop();
    await waitChild(parentA, "c-3", 20000);
    const sender = (await getJson(`${child.url}/api/v1/info`)).streaming.sender;
    assert.equal(sender.destination, `127.0.0.1:${portA}`);
    assert.ok(sender.failovers >= 1, JSON.stringify(sender));
    assert.match(child.output(), /connection failed: ECONNREFUSED|Cannot stream c-3 to 127\.0\.0\.1:\d+/);
  });
});

Deno.test("refusals: unknown key, disabled key, and an address not in allow from", async () => {
  await withAgents(async (s) => {
    const otherKey = "99999999-8888-7777-6666-555555555555";
    const disabled = "22222222-2222-3333-4444-555555555555";
    const parent = await start(s, {
      args: [
        "--config",
        await confDir({
          "stream.conf":
            `${PARENT_STREAM_CONF}[${disabled}]\n    enabled = no\n[33333333-2222-3333-4444-555555555555]\n    enabled = yes\n    allow from = 10.*\n`,
        }),
        "--hostname",
        "p-4",
      ],
    });
    const cases = [
      { key: otherKey, name: "c-unknown", parentSays: /unknown API key/ },
      { key: disabled, name: "c-disabled", parentSays: /API key is disabled/ },
      {
        key: "33333333-2222-3333-4444-555555555555",
        name: "c-notallowed",
        parentSays: /address not allowed/,
      },
    ];
    const children = await Promise.all(
      cases.map((c) =>
        start(s, {
          args: [
            "--role",
            "child",
            "--stream-to",
            hostPort(parent.url),
            "--api-key",
            c.key,
            "--hostname",
            c.name,
          ],
        })
      ),
    );
    await waitFor(() => cases.every((c) => c.parentSays.test(parent.output())), 15000, "all refusals logged");
    for (const [i, child] of children.entries()) {
      await waitFor(() => /not permitted/.test(child.output()), 10000, `${cases[i].name} logs its refusal`);
      assert.match(child.output(), /postponed 60 s/);
    }
    const info = await getJson(`${parent.url}/api/v1/info`);
    assert.deepEqual(info.mirrored_hosts, ["p-4"]);
  });
});

async function selfSignedCert(dir: string): Promise<{ key: string; cert: string }> {
  // The docs' recipe (a CA used as the end entity).
  const out = await new Deno.Command("/usr/bin/openssl", {
    args: [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha512",
      "-x509",
      "-days",
      "365",
      "-keyout",
      `${dir}/key.pem`,
      "-out",
      `${dir}/cert.pem`,
      "-subj",
      "/CN=localhost",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return { key: `${dir}/key.pem`, cert: `${dir}/cert.pem` };
}

Deno.test("TLS: the docs' self-signed certificate works with skip verification and is refused without it", async () => {
  await withAgents(async (s) => {
    const dir = await Deno.makeTempDir();
    const { key, cert } = await selfSignedCert(dir);
    const parentConf = await confDir({
      "agent.conf":
        `[web]\n    bind to = 127.0.0.1:0^SSL=force\n    ssl key = ${key}\n    ssl certificate = ${cert}\n`,
      "stream.conf": PARENT_STREAM_CONF,
    });
    const parent = await start(s, {
      args: ["--config", parentConf, "--hostname", "p-5", "--bind", "127.0.0.1^SSL=force"],
    });
    assert.match(parent.url, /^https:/);
    const dest = `${hostPort(parent.url)}:SSL`;
    const skip = await confDir({
      "stream.conf":
        `[stream]\n    enabled = yes\n    destination = ${dest}\n    api key = ${KEY}\n    ssl skip certificate verification = yes\n`,
    });
    const verify = await confDir({
      "stream.conf":
        `[stream]\n    enabled = yes\n    destination = ${dest}\n    api key = ${KEY}\n    reconnect delay seconds = 1\n`,
    });
    await start(s, { args: ["--config", skip, "--hostname", "c-tls"] });
    const refused = await start(s, { args: ["--config", verify, "--hostname", "c-verify"] });
    // The parent's API is TLS-only now; read it with node's client that can skip verification.
    const infoOf = async () => {
      using client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(cert)] });
      const r = await fetch(`${parent.url}/api/v1/info`, { client }).catch(() => undefined);
      return r ? await r.json() : undefined;
    };
    await waitFor(
      () => /Cannot stream c-verify.*(certificate|self.signed|SSL)/i.test(refused.output()),
      15000,
      "c-verify refused",
    );
    await waitFor(
      () => /Child c-tls connected/.test(parent.output()),
      15000,
      "c-tls connected over TLS",
    );
    const info = await infoOf();
    if (info) assert.ok(!info.mirrored_hosts.includes("c-verify"));
    assert.doesNotMatch(parent.output(), /Child c-verify connected/);
    await Deno.remove(dir, { recursive: true });
  });
});

Deno.test("headless collector: no store, no web, and it still streams", async () => {
  await withAgents(async (s) => {
    const parent = await start(s, {
      args: ["--config", await confDir({ "stream.conf": PARENT_STREAM_CONF }), "--hostname", "p-6"],
    });
    const childConf = await confDir({
      "agent.conf": "[db]\n    mode = none\n[web]\n    mode = none\n",
      "stream.conf": `[stream]\n    enabled = yes\n    destination = ${
        hostPort(parent.url)
      }\n    api key = ${KEY}\n`,
    });
    const child = await start(s, { args: ["--config", childConf, "--hostname", "c-6"], noWeb: true });
    await waitChild(parent, "c-6");
    assert.doesNotMatch(child.output(), /listening/);
    assert.match(child.output(), /memory mode none/);
    const d = await getJson(`${parent.url}/host/c-6/api/v1/data?chart=system.ram&after=-2&format=json`);
    assert.ok(d.data.length >= 1 && d.data[0][1] > 0, JSON.stringify(d));
  });
});

Deno.test("parent restart: the child reconnects by itself and the restarted parent gets its data", async () => {
  await withAgents(async (s) => {
    const port = freePort();
    const pconf = await confDir({ "stream.conf": PARENT_STREAM_CONF });
    let parent = await start(s, { args: ["--config", pconf, "--hostname", "p-7", "--port", String(port)] });
    const childConf = await confDir({
      "stream.conf":
        `[stream]\n    enabled = yes\n    destination = 127.0.0.1:${port}\n    api key = ${KEY}\n    reconnect delay seconds = 1\n`,
    });
    const child = await start(s, { args: ["--config", childConf, "--hostname", "c-7"] });
    await waitChild(parent, "c-7");
    await parent.stop();
    await waitFor(() => /disconnected/.test(child.output()), 10000, "the child notices");
    parent = await start(s, { args: ["--config", pconf, "--hostname", "p-7", "--port", String(port)] });
    await waitChild(parent, "c-7", 20000);
    assert.equal((await getJson(`${child.url}/api/v1/info`)).streaming.sender.connections, 2);
  });
});

Deno.test("two parents streaming to each other (active-active) do not loop", async () => {
  await withAgents(async (s) => {
    const portA = freePort();
    const portB = freePort();
    const conf = (to: number) =>
      confDir({
        "stream.conf":
          `[stream]\n    enabled = yes\n    destination = 127.0.0.1:${to}\n    api key = ${KEY}\n    reconnect delay seconds = 1\n${PARENT_STREAM_CONF}`,
      });
    const a = await start(s, {
      args: [
        "--role",
        "parent",
        "--config",
        await conf(portB),
        "--hostname",
        "aa-a",
        "--port",
        String(portA),
      ],
    });
    const b = await start(s, {
      args: [
        "--role",
        "parent",
        "--config",
        await conf(portA),
        "--hostname",
        "aa-b",
        "--port",
        String(portB),
      ],
    });
    const child = await start(s, {
      args: ["--role", "child", "--stream-to", hostPort(a.url), "--api-key", KEY, "--hostname", "aa-c"],
    });
    await waitChild(a, "aa-c");
    await waitChild(b, "aa-c", 20000);
    await waitChild(a, "aa-b", 20000);
    // Let the loop attempts happen, then count connections: each refused once, then postponed.
    await new Promise((r) => setTimeout(r, 4000));
    const infoA = await getJson(`${a.url}/api/v1/info`);
    const infoB = await getJson(`${b.url}/api/v1/info`);
    assert.deepEqual([...infoA.mirrored_hosts].sort(), ["aa-a", "aa-b", "aa-c"]);
    assert.deepEqual([...infoB.mirrored_hosts].sort(), ["aa-a", "aa-b", "aa-c"]);
    const hopsB = Object.fromEntries(
      infoB.mirrored_hosts_status.map((h: { hostname: string; hops: number }) => [h.hostname, h.hops]),
    );
    assert.equal(hopsB["aa-c"], 2);
    const logs = a.output() + b.output();
    const refusedSame = logs.match(/Refused child \S+ from .*machine GUID is this agent's own/g) ?? [];
    const refusedAlready = logs.match(/Refused child \S+ from .*host already connected/g) ?? [];
    assert.ok(
      refusedSame.length >= 1 && refusedSame.length <= 4,
      `SAME_LOCALHOST refusals: ${refusedSame.length}`,
    );
    assert.ok(refusedAlready.length <= 1, `ALREADY_STREAMING refusals: ${refusedAlready.length}`);
    const connects = (a.output().match(/Child \S+ connected/g) ?? []).length;
    assert.ok(connects <= 3, `parent A accepted ${connects} connections`);
    assert.ok(child.output().length > 0);
  });
});

Deno.test("TLS: a CA-signed certificate works with verification on; the wrong CA is refused with a clear log line", async () => {
  await withAgents(async (s) => {
    const tls = new URL("./fixtures/tls/", import.meta.url).pathname;
    const parent = await start(s, {
      args: [
        "--config",
        await confDir({
          "agent.conf": `[web]\n    ssl key = ${tls}server.key\n    ssl certificate = ${tls}server.pem\n`,
          "stream.conf": PARENT_STREAM_CONF,
        }),
        "--hostname",
        "p-ca",
        "--bind",
        "127.0.0.1^SSL=force",
      ],
    });
    const dest = `${hostPort(parent.url)}:SSL`;
    const childConf = (caFile: string) =>
      confDir({
        "stream.conf":
          `[stream]\n    enabled = yes\n    destination = ${dest}\n    api key = ${KEY}\n    CAfile = ${caFile}\n    reconnect delay seconds = 1\n`,
      });
    await start(s, { args: ["--config", await childConf(`${tls}ca.pem`), "--hostname", "c-ca-ok"] });
    const wrong = await start(s, {
      args: ["--config", await childConf(`${tls}cert.pem`), "--hostname", "c-ca-wrong"],
    });
    await waitFor(
      () => /Child c-ca-ok connected/.test(parent.output()),
      15000,
      "c-ca-ok connected with verification",
    );
    await waitFor(
      () => /Cannot stream c-ca-wrong to \S+: .*(certificate|verify|self.signed)/i.test(wrong.output()),
      15000,
      "c-ca-wrong refused",
    );
    assert.doesNotMatch(parent.output(), /Child c-ca-wrong connected/);
  });
});

Deno.test("rate limit: with 'accept a streaming request every seconds' a second request is told the server is busy", async () => {
  await withAgents(async (s) => {
    const parent = await start(s, {
      args: [
        "--config",
        await confDir({
          "agent.conf": "[web]\n    accept a streaming request every seconds = 60\n",
          "stream.conf": PARENT_STREAM_CONF,
        }),
      ],
    });
    const { hostname, port } = new URL(parent.url);
    const handshake = async (guid: string) => {
      const conn = await Deno.connect({ hostname, port: Number(port) });
      await conn.write(new TextEncoder().encode(
        `STREAM key=${KEY}&hostname=rl-${
          guid.slice(0, 4)
        }&machine_guid=${guid}&ver=960 HTTP/1.1\r\nUser-Agent: t/1\r\n\r\n`,
      ));
      const buf = new Uint8Array(200);
      const n = await conn.read(buf);
      conn.close();
      return new TextDecoder().decode(buf.subarray(0, n ?? 0));
    };
    assert.match(
      await handshake("aaaaaaaa-0000-0000-0000-000000000001"),
      /^Hit me baby, push them over with the version=960$/,
    );
    assert.equal(
      await handshake("aaaaaaaa-0000-0000-0000-000000000002"),
      "The server is too busy now to accept this request. Try later.",
    );
  });
});

Deno.test("[web] ACLs: a listener without =streaming refuses STREAM; allow connections from closes others", async () => {
  await withAgents(async (s) => {
    const dashOnly = await start(s, {
      args: [
        "--config",
        await confDir({ "stream.conf": PARENT_STREAM_CONF }),
        "--bind",
        "127.0.0.1=dashboard",
      ],
    });
    const { hostname, port } = new URL(dashOnly.url);
    const conn = await Deno.connect({ hostname, port: Number(port) });
    await conn.write(new TextEncoder().encode(
      `STREAM key=${KEY}&hostname=acl&machine_guid=bbbbbbbb-0000-0000-0000-000000000001&ver=960 HTTP/1.1\r\nUser-Agent: t/1\r\n\r\n`,
    ));
    const buf = new Uint8Array(100);
    const n = await conn.read(buf);
    conn.close();
    assert.equal(
      new TextDecoder().decode(buf.subarray(0, n ?? 0)),
      "You are not allowed to access this resource.",
    );
    assert.equal(
      (await getJson(`${dashOnly.url}/api/v1/info`)).mirrored_hosts.length,
      1,
      "the dashboard still works",
    );

    const closed = await start(s, {
      args: ["--config", await confDir({ "agent.conf": "[web]\n    allow connections from = 10.*\n" })],
    });
    const r = await fetch(`${closed.url}/api/v1/info`).then(() => "answered", (e) => `failed: ${e}`);
    assert.match(r, /^failed/);
  });
});

Deno.test("headless proxy: memory mode none forwards every child without storing it", async () => {
  await withAgents(async (s) => {
    const parent = await start(s, {
      args: ["--config", await confDir({ "stream.conf": PARENT_STREAM_CONF }), "--hostname", "p-hp"],
    });
    const proxyConf = await confDir({
      "agent.conf": "[db]\n    mode = none\n",
      "stream.conf": `[stream]\n    enabled = yes\n    destination = ${
        hostPort(parent.url)
      }\n    api key = ${KEY}\n${PARENT_STREAM_CONF}`,
    });
    const proxy = await start(s, { args: ["--config", proxyConf, "--hostname", "x-hp"] });
    const child = await start(s, {
      args: ["--role", "child", "--stream-to", hostPort(proxy.url), "--api-key", KEY, "--hostname", "c-hp"],
    });
    await waitChild(parent, "c-hp", 25000, 8);
    await assertSameValues(child, "c-hp", parent);
    // The proxy knows the child but holds no points for it.
    const c = await getJson(`${proxy.url}/host/c-hp/api/v1/chart?chart=system.cpu`);
    assert.equal(c.last_entry, 0);
    assert.equal(c.first_entry, 0);
  });
});
