/**
 * The one-file binaries (issue #15): `tests/compile.sh` (what `make binary` / `make binary-arm64`
 * run) builds the self-extracting executable here (no denort on our machines); the x86_64 one runs
 * directly, the aarch64 one under Debian's qemu-user-static with the arm64 cross libc
 * (tests/setup.sh). Each prints its version and streams as a headless child into a local parent.
 * A full deno as DENORT_BIN is refused.
 * @module
 */

import { assert } from "./_helpers/assert.ts";
import { confDir, startAgent, waitFor } from "./_helpers/agent.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const KEY = "11111111-2222-3333-4444-555555555555";
const QEMU = "/usr/bin/qemu-aarch64-static";

async function sh(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, env, cwd: ROOT, stdout: "piped", stderr: "piped" })
    .output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

async function build(target: string, out: string, env: Record<string, string> = {}) {
  return await sh("bash", ["tests/compile.sh", target, out], { DENO: Deno.execPath(), ...env });
}

/** Runs the binary `bin` as a headless child of a local parent until the parent has it. */
async function streamsIntoParent(bin: string, env: Record<string, string>, hostname: string) {
  const conf = await confDir({ "stream.conf": `[${KEY}]\n    enabled = yes\n` });
  const childConf = await confDir({ "agent.conf": "[db]\n    mode = none\n[web]\n    mode = none\n" });
  const data = await Deno.makeTempDir();
  const parent = await startAgent({ args: ["--config", conf, "--hostname", "bin-parent"] });
  const child = new Deno.Command(bin, {
    args: [
      "--config",
      childConf,
      "--role",
      "child",
      "--stream-to",
      new URL(parent.url).host,
      "--api-key",
      KEY,
      "--hostname",
      hostname,
      "--data-dir",
      data,
    ],
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    await waitFor(
      () => new RegExp(`Child ${hostname} connected`).test(parent.output()),
      60000,
      `${hostname} streaming into the parent`,
    );
  } catch (e) {
    console.error(parent.output().slice(-3000));
    throw e;
  } finally {
    child.kill("SIGTERM");
    const err = new TextDecoder().decode((await child.output()).stderr);
    await parent.stop();
    if (!/Child .* connected/.test(parent.output())) console.error(err.slice(-3000));
    for (const d of [conf, childConf, data]) await Deno.remove(d, { recursive: true });
  }
}

Deno.test({ name: "make binary: x86_64 self-extracting agent", sanitizeResources: false }, async (t) => {
  const dir = await Deno.makeTempDir();
  const bin = `${dir}/agent`;
  const env = { AGENT_RUNTIME_DIR: `${dir}/runtime` };
  try {
    const b = await build("x86_64-unknown-linux-gnu", bin);
    assert.equal(b.code, 0, b.stderr);
    await t.step("prints its version, also when four start at once on an empty cache", async () => {
      const runs = await Promise.all([1, 2, 3, 4].map(() => sh(bin, ["--version"], env)));
      for (const r of runs) assert.equal(r.stdout.trim(), "0.1.0", r.stderr);
      const dirs = [...Deno.readDirSync(`${dir}/runtime`)].map((e) => e.name).filter((n) =>
        !n.startsWith(".")
      );
      assert.equal(dirs.length, 1, dirs.join(" "));
      assert.match(dirs[0], /^[0-9a-f]{64}$/);
    });
    await t.step("streams as a headless child into a local parent", async () => {
      await streamsIntoParent(bin, env, "bin-x64");
    });
    await t.step("a damaged file says so and does not start", async () => {
      const bytes = await Deno.readFile(bin);
      bytes[bytes.length - 1000] ^= 0xff;
      await Deno.writeFile(`${dir}/damaged`, bytes, { mode: 0o755 });
      const r = await sh(`${dir}/damaged`, ["--version"], { AGENT_RUNTIME_DIR: `${dir}/runtime2` });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /is damaged: its archive has checksum [0-9a-f]{64}, expected [0-9a-f]{64}/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "make binary-arm64: the aarch64 agent runs under qemu-aarch64 and streams to a parent",
  sanitizeResources: false,
}, async () => {
  await Deno.stat(QEMU);
  const dir = await Deno.makeTempDir();
  const bin = `${dir}/agent-arm64`;
  const env = {
    AGENT_RUNTIME_DIR: `${dir}/runtime`,
    AGENT_EXEC_WRAPPER: QEMU,
    QEMU_LD_PREFIX: "/usr/aarch64-linux-gnu",
  };
  try {
    const b = await build("aarch64-unknown-linux-gnu", bin);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["agent-arm64"], "one file");
    const v = await sh(bin, ["--version"], env);
    assert.equal(v.stdout.trim(), "0.1.0", v.stderr);
    const runtime = [...Deno.readDirSync(`${dir}/runtime`)].find((e) => !e.name.startsWith("."))!;
    const elf = await Deno.readFile(`${dir}/runtime/${runtime.name}/deno`);
    assert.equal(new DataView(elf.buffer).getUint16(18, true), 183, "e_machine is EM_AARCH64");
    await streamsIntoParent(bin, env, "bin-arm64");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("make binary refuses a full deno as DENORT_BIN", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await build("x86_64-unknown-linux-gnu", `${dir}/agent`, { DENORT_BIN: Deno.execPath() });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /is a full Deno, not denort/);
    assert.equal([...Deno.readDirSync(dir)].length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
