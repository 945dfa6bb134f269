/**
 * The agent's log in a real systemd-journald: a standalone journald in its own namespace
 * (`systemd-journald NS`, socket `/run/systemd/journal.NS/socket`), a parent and a child logging
 * to it with `[logs] daemon = journal`, and `journalctl --namespace NS MESSAGE_ID=...` finding the
 * connection events with their structured fields. Needs root (journald) and Debian's systemd
 * package (tests/setup.sh).
 * @module
 */

import { assert } from "./_helpers/assert.ts";
import { confDir, waitFor } from "./_helpers/agent.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

const JOURNALD = "/lib/systemd/systemd-journald";
const KEY = "11111111-2222-3333-4444-555555555555";
const isRoot = Deno.uid() === 0;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Spawns main.ts (its log goes to the journal, so there is nothing to read on stderr). */
function spawn(args: string[], env: Record<string, string>, dataDir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "run", "--data-dir", dataDir, "--log-level", "debug", ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function journal(ns: string, ...match: string[]): Promise<Record<string, string>[]> {
  const out = await new Deno.Command("journalctl", {
    args: [`--namespace=${ns}`, "-o", "json", "--no-pager", ...match],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l)
  );
}

Deno.test({
  name: "journald: connection events carry Netdata's MESSAGE_IDs and structured fields",
  ignore: !isRoot,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await Deno.stat(JOURNALD);
  const ns = `agenttest${Deno.pid}`;
  const journald = new Deno.Command(JOURNALD, { args: [ns], stdout: "null", stderr: "null" }).spawn();
  const socket = `/run/systemd/journal.${ns}/socket`;
  const conf = await confDir({
    "agent.conf": "[logs]\n    daemon = journal\n",
    "stream.conf": `[${KEY}]\n    enabled = yes\n`,
  });
  const childConf = await confDir({
    "agent.conf": "[logs]\n    daemon = journal\n[db]\n    mode = none\n[web]\n    mode = none\n",
  });
  const env = { AGENT_JOURNAL_SOCKET: socket };
  const port = freePort();
  const procs: Deno.ChildProcess[] = [];
  const data = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  try {
    await waitFor(() => Deno.stat(socket).then(() => true), 10000, "journald's socket");
    procs.push(
      spawn(
        ["--config", conf, "--bind", "127.0.0.1", "--port", String(port), "--hostname", "jp"],
        env,
        data[0],
      ),
    );
    await waitFor(
      async () =>
        (await journal(ns, "SYSLOG_IDENTIFIER=agent", `MESSAGE=listening http://127.0.0.1:${port}`)).length >
          0,
      20000,
      "the parent's listening line in the journal",
    );
    procs.push(spawn(
      [
        "--config",
        childConf,
        "--role",
        "child",
        "--stream-to",
        `127.0.0.1:${port}`,
        "--api-key",
        KEY,
        "--hostname",
        "jc",
      ],
      env,
      data[1],
    ));
    const onParent = await waitFor(
      async () => {
        const e = await journal(ns, "MESSAGE_ID=ed4cdb8f1beb4ad3b57cb3cae2d162fa");
        return e.find((x) => /connected/.test(x.MESSAGE)) && e;
      },
      20000,
      "the child's connection on the parent",
    );
    const c = onParent.find((x) => /connected/.test(x.MESSAGE))!;
    assert.equal(c.PRIORITY, "6");
    assert.equal(c.SYSLOG_IDENTIFIER, "agent");
    assert.match(c.PEER, /^127\.0\.0\.1:\d+$/);
    assert.equal(c.KEY, "11111111…");
    assert.match(c.MACHINE_GUID, /^[0-9a-f-]{36}$/);
    assert.equal(c.HOST, "jc");
    assert.match(c.REASON, /capabilities/);
    const onChild = await waitFor(
      async () => {
        const e = await journal(ns, "MESSAGE_ID=6e2e3839067648968b646045dbf28d66");
        return e.find((x) => /onnected/.test(x.MESSAGE)) && e;
      },
      20000,
      "the parent's connection on the child",
    );
    const p = onChild.find((x) => /onnected/.test(x.MESSAGE))!;
    assert.equal(p.DESTINATION, `127.0.0.1:${port}`);
    assert.match(p.MACHINE_GUID, /^[0-9a-f-]{36}$/);
    assert.equal(p.KEY, "11111111…");
    // Priorities let `journalctl -p warning` filter.
    const warnings = await journal(ns, "-p", "warning", "SYSLOG_IDENTIFIER=agent");
    assert.ok(warnings.every((w) => Number(w.PRIORITY) <= 4));
  } finally {
    for (const p of procs) {
      p.kill("SIGTERM");
      await p.status;
    }
    for (const d of data) await Deno.remove(d, { recursive: true });
    journald.kill("SIGTERM");
    await journald.status;
    // The namespace's runtime directory and journal files.
    const machineId = (await Deno.readTextFile("/etc/machine-id")).trim();
    for (const d of [`/run/systemd/journal.${ns}`, `/var/log/journal/${machineId}.${ns}`]) {
      await Deno.remove(d, { recursive: true }).catch(() => {});
    }
    await Deno.remove(conf, { recursive: true });
    await Deno.remove(childConf, { recursive: true });
  }
});
