import { assert } from "./_helpers/assert.ts";
import { runCli } from "./_helpers/agent.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

Deno.test("agent --help lists the commands and options, exit 0", async () => {
  const r = await runCli(["--help"]);
  assert.equal(r.code, 0, r.stderr);
  for (const word of ["run", "keygen", "check-config", "dump-config", "--version"]) {
    assert.ok(r.stdout.includes(word), `help mentions ${word}:\n${r.stdout}`);
  }
  const sub = await runCli(["run", "--help"]);
  assert.equal(sub.code, 0);
  for (const word of ["--role", "--config", "--port", "--bind", "--hostname", "--data-dir"]) {
    assert.ok(sub.stdout.includes(word), `run --help mentions ${word}`);
  }
});

Deno.test("agent --version prints the version, exit 0", async () => {
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

Deno.test("agent keygen prints a fresh UUID each time", async () => {
  const a = await runCli(["keygen"]);
  const b = await runCli(["keygen"]);
  assert.equal(a.code, 0);
  assert.match(a.stdout.trim(), UUID);
  assert.notEqual(a.stdout.trim(), b.stdout.trim());
});

Deno.test("usage errors exit 2 with a message", async () => {
  for (const args of [["--bogus"], ["run", "--port", "99999"], ["--role", "king"], ["run", "--port"]]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /error/, args.join(" "));
  }
});

Deno.test("check-config reports every problem with file:line and exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/agent.conf`,
      "[global]\n    update every = fast\n[web]\n    bind to = *:19999\n    mdoe = none\n",
    );
    const r = await runCli(["check-config", "--config", dir]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`${dir}/agent.conf:2: .*update every`));
    assert.match(r.stderr, new RegExp(`${dir}/agent.conf:5: .*mdoe`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check-config reports a bad destination, proxy destination, TLS key file and allow from, exit 2", async () => {
  const dir = new URL("../src/config/testdata/check/four_problems", import.meta.url).pathname;
  const r = await runCli(["check-config", "--config", dir]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const want = Deno.readTextFileSync(`${dir}.out`).replaceAll("{DIR}", dir).trimEnd().split("\n");
  assert.deepEqual(r.stderr.trimEnd().split("\n"), want);
  assert.match(r.stdout, /^4 errors, 0 warnings$/m);
});

Deno.test("run with an unusable data directory is one error line and exit 1", async () => {
  const file = await Deno.makeTempFile();
  try {
    const args = ["run", "--role", "parent", "--port", "0", "--data-dir", `${file}/lib`];
    const r = await runCli(args);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr + r.stdout, /level=error .*msg="Cannot start: Not a directory/);
    assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /, "no stack trace");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("check-config accepts the embedded defaults, exit 0", async () => {
  const r = await runCli(["check-config"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /0 errors/);
});

Deno.test("run with a bad config exits 2 without starting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/agent.conf`, "[global]\n    memory mode = floppy\n");
    const r = await runCli(["run", "--config", dir, "--port", "0"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /agent\.conf:2/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dump-config prints the effective config with overrides applied", async () => {
  const r = await runCli(["dump-config", "--hostname", "dumped-node", "--port", "12345"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[global\]/);
  assert.match(r.stdout, /hostname = dumped-node/);
  assert.match(r.stdout, /12345/);
  assert.match(r.stdout, /\[stream\]/);
});

Deno.test("run exits 1 when the port is taken", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dir = await Deno.makeTempDir();
  try {
    const port = (l.addr as Deno.NetAddr).port;
    const r = await runCli(["run", "--bind", "127.0.0.1", "--port", String(port), "--data-dir", dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Cannot start/);
  } finally {
    l.close();
    await Deno.remove(dir, { recursive: true });
  }
});
