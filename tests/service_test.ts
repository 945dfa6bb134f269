/**
 * Running as a systemd service: conf/agent.service passes `systemd-analyze verify` (Debian's
 * systemd package, tests/setup.sh), and the agent speaks sd_notify to `NOTIFY_SOCKET` (READY=1
 * when it serves, RELOADING=1 and READY=1 around a SIGHUP reload, STOPPING=1); a log file is
 * reopened on SIGHUP (logrotate).
 * @module
 */

import { assert } from "./_helpers/assert.ts";
import { startAgent, waitFor } from "./_helpers/agent.ts";

const UNIT = new URL("../conf/agent.service", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;

Deno.test("conf/agent.service passes systemd-analyze verify", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // verify wants ExecStart's binary to exist: point it at a stand-in.
    const bin = `${dir}/agent`;
    await Deno.writeTextFile(bin, "#!/bin/sh\n");
    await Deno.chmod(bin, 0o755);
    const unit = (await Deno.readTextFile(UNIT)).replaceAll("/usr/local/bin/agent", bin);
    assert.match(unit, /^Type=notify$/m);
    assert.match(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    assert.doesNotMatch(unit, /^MemoryDenyWriteExecute/m);
    await Deno.writeTextFile(`${dir}/agent.service`, unit);
    const out = await new Deno.Command("/usr/bin/systemd-analyze", {
      args: ["verify", "--man=no", `${dir}/agent.service`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.equal(text.trim(), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "the agent tells NOTIFY_SOCKET READY=1, RELOADING=1 then READY=1 on SIGHUP, and STOPPING=1",
  sanitizeResources: false,
}, async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/notify`;
  const sock = Deno.listenDatagram({ transport: "unixpacket", path });
  const got: string[] = [];
  const reading = (async () => {
    try {
      for (;;) {
        const [data] = await sock.receive();
        got.push(new TextDecoder().decode(data));
      }
    } catch { /* closed */ }
  })();
  const agent = await startAgent({ env: { NOTIFY_SOCKET: path } });
  try {
    await waitFor(() => got.some((g) => g.includes("READY=1")), 10000, "READY=1");
    agent.process.kill("SIGHUP");
    await waitFor(() => got.filter((g) => g.includes("READY=1")).length === 2, 10000, "READY=1 after reload");
    assert.ok(got.some((g) => g === "RELOADING=1\n"), got.join("|"));
  } finally {
    assert.equal(await agent.stop(), 0);
  }
  await waitFor(() => got.some((g) => g === "STOPPING=1\n"), 5000, "STOPPING=1");
  sock.close();
  await reading;
  await Deno.remove(dir, { recursive: true });
});

Deno.test("logrotate: the log file named in [logs] daemon is reopened on SIGHUP", async () => {
  const dir = await Deno.makeTempDir();
  const log = `${dir}/logs/error.log`;
  await Deno.mkdir(`${dir}/logs`);
  await Deno.mkdir(`${dir}/conf`);
  await Deno.writeTextFile(
    `${dir}/conf/agent.conf`,
    `[directories]\n    log = ${dir}/logs\n[logs]\n    daemon = error.log\n`,
  );
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "run", "--config", `${dir}/conf`, "--data-dir", `${dir}/data`, "--port", "0"],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const read = (p: string) => Deno.readTextFile(p).catch(() => "");
  try {
    await waitFor(async () => /listening http/.test(await read(log)), 20000, "listening in the log file");
    await Deno.rename(log, `${log}.1`);
    proc.kill("SIGHUP");
    await waitFor(async () => /Reloaded stream\.conf/.test(await read(log)), 10000, "a new log file");
    assert.doesNotMatch(await read(log), /listening http/);
    assert.match(await read(`${log}.1`), /listening http/);
  } finally {
    proc.kill("SIGTERM");
    const out = await proc.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    await Deno.remove(dir, { recursive: true });
  }
});
