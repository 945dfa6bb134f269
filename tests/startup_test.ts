/**
 * What stops a start says so in one line, with the right exit code: a taken port (1), an
 * unreadable config file (2), TLS material that does not load (2).
 * @module
 */

import { assert } from "./_helpers/assert.ts";
import { confDir, runCli, startAgent, waitFor } from "./_helpers/agent.ts";

Deno.test("a taken port, an unreadable config and bad TLS files: one line each and the exit code", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  const data = await Deno.makeTempDir();
  const unreadable = await confDir({});
  await Deno.mkdir(`${unreadable}/agent.conf`); // a directory: unreadable even for root
  const tls = await confDir({
    "agent.conf":
      "[web]\n    bind to = 127.0.0.1:0^SSL=force\n    ssl key = key.pem\n    ssl certificate = cert.pem\n",
    "key.pem": "not a key\n",
    "cert.pem": "not a certificate\n",
  });
  const rows = [
    {
      name: "taken port",
      args: ["--bind", "127.0.0.1", "--port", String(port), "--log-level", "error"],
      code: 1,
      want: new RegExp(
        `Cannot start: cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use`,
      ),
    },
    {
      name: "unreadable config",
      args: ["--config", unreadable],
      code: 2,
      want: /agent\.conf: error: Cannot read configuration file: Is a directory/,
    },
    {
      name: "bad TLS material",
      args: ["--config", tls],
      code: 2,
      want: /ssl key.*expected a PEM private key/,
    },
  ];
  try {
    for (const row of rows) {
      const r = await runCli(["run", "--data-dir", data, ...row.args]);
      const out = r.stdout + r.stderr;
      assert.equal(r.code, row.code, `${row.name}:\n${out}`);
      assert.equal(out.split("\n").filter((l) => row.want.test(l)).length, 1, `${row.name}:\n${out}`);
    }
  } finally {
    taken.close();
    for (const d of [data, unreadable, tls]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("on shutdown the side that stops names itself, the other names its peer", async () => {
  const key = "11111111-2222-3333-4444-555555555555";
  const conf = await confDir({ "stream.conf": `[${key}]\n    enabled = yes\n` });
  const parent = await startAgent({ args: ["--config", conf, "--hostname", "sp"] });
  const childArgs = (name: string) => ({
    args: ["--role", "child", "--stream-to", new URL(parent.url).host, "--api-key", key, "--hostname", name],
  });
  const a = await startAgent(childArgs("sa"));
  const b = await startAgent(childArgs("sb"));
  try {
    await waitFor(() =>
      /Child sa connected/.test(parent.output()) && /Child sb connected/.test(parent.output())
    );
    // The child stops: it says it shut down; the parent says the child closed.
    await a.stop();
    await waitFor(() => /Child sa disconnected/.test(parent.output()), 5000, "sa disconnected");
    assert.match(a.output(), /Stream of sa to \S+ disconnected: closed by this agent: shutting down/);
    assert.match(parent.output(), /Child sa disconnected from \S+: connection closed by the child/);
    // The parent stops: it says it shut down; the child says the parent closed.
    await parent.stop();
    assert.match(parent.output(), /Child sb disconnected from \S+: closed by this agent: shutting down/);
    await waitFor(() => /Stream of sb to \S+ disconnected/.test(b.output()), 5000, "sb disconnected");
    assert.match(b.output(), /Stream of sb to \S+ disconnected: parent closed the connection/);
  } catch (e) {
    for (const p of [parent, a, b]) console.error(p.output().slice(-4000));
    throw e;
  } finally {
    for (const p of [a, b, parent]) await p.stop();
    await Deno.remove(conf, { recursive: true });
  }
});
