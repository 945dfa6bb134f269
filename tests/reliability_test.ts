/**
 * A parent under abuse keeps serving: out of descriptors it recovers (the listener reopens),
 * half-open connections are closed by a deadline, a partial `STRE` is answered with 400.
 * Real processes on 127.0.0.1, under a low `ulimit -n`.
 */
import { assert } from "./_helpers/assert.ts";
import { confDir, getJson, startAgent, waitFor } from "./_helpers/agent.ts";
import { rows } from "./_helpers/gap.ts";
import { startRelay } from "./_helpers/relay.ts";
import { PROMPT_960, rawHandshake, readUntil, write } from "./_helpers/raw_child.ts";
import { runLoad } from "./bench/loadgen.ts";

const KEY = "11111111-2222-3333-4444-555555555555";
const STREAM_CONF = `[${KEY}]\n    enabled = yes\n`;

/** GET `url` with a deadline; the status, or the error's text. */
async function status(url: string, timeoutMs = 1000): Promise<number | string> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await r.body?.cancel();
    return r.status;
  } catch (e) {
    return String(e);
  }
}

Deno.test("a parent out of descriptors recovers: after 300 idle connections under ulimit -n 256 it answers and takes a child within 10 s", async () => {
  const conf = await confDir({ "stream.conf": STREAM_CONF });
  const parent = await startAgent({ args: ["--config", conf], ulimitNoFile: 256 });
  const port = Number(new URL(parent.url).port);
  const idle: Deno.TcpConn[] = [];
  try {
    // The kernel completes connections into the accept queue even when the agent cannot take them.
    for (let i = 0; i < 300; i++) idle.push(await Deno.connect({ hostname: "127.0.0.1", port }));
    await new Promise((r) => setTimeout(r, 1500));
    for (const c of idle.splice(0)) c.close();
    const t0 = Date.now();
    await waitFor(async () => (await status(`${parent.url}/api/v1/info`)) === 200, 10_000, "/api/v1/info");
    const { conn, reply } = await rawHandshake(port, {
      key: KEY,
      hostname: "after-emfile",
      guid: "aaaaaaaa-1111-4111-8111-00000000e0f1",
    });
    conn.close();
    assert(reply.includes(PROMPT_960), `child refused after recovery: ${JSON.stringify(reply)}`);
    assert(Date.now() - t0 < 10_000, `recovery took ${Date.now() - t0} ms`);
    assert(parent.output().includes("stopped accepting connections"), "no log line for the dead accept loop");
  } catch (e) {
    console.error(parent.output().slice(-5000));
    throw e;
  } finally {
    for (const c of idle) c.close();
    await parent.stop();
  }
});

Deno.test("half-open connections are closed: nothing sent, slowloris headers and a STREAM request that never ends, after 'timeout for first request'; a partial STRE gets 400", async () => {
  const conf = await confDir({
    "stream.conf": STREAM_CONF,
    "agent.conf": "[web]\n    timeout for first request = 2\n",
  });
  const parent = await startAgent({ args: ["--config", conf] });
  const port = Number(new URL(parent.url).port);
  const conns: Deno.TcpConn[] = [];
  const open = async (text: string) => {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    conns.push(c);
    if (text) await write(c, text);
    return c;
  };
  try {
    const t0 = Date.now();
    const cases = [
      { name: "nothing", conn: await open(""), within: 4000 },
      { name: "slowloris", conn: await open("GET /api/v1/info HTTP/1.1\r\nHost: x\r\n"), within: 4000 },
      { name: "STREAM without end", conn: await open(`STREAM key=${KEY}&hostname=x`), within: 4000 },
      { name: "partial STRE", conn: await open("STRE"), within: 2000 },
    ];
    // The slowloris client keeps sending a header line every 500 ms.
    const drip = setInterval(() => write(cases[1].conn, "X-A: b\r\n").catch(() => {}), 500);
    try {
      const ends = await Promise.all(cases.map(async (c) => {
        const text = await readUntil(c.conn, 8000);
        return { name: c.name, text, ms: Date.now() - t0, within: c.within };
      }));
      for (const e of ends) {
        assert(e.ms < e.within, `${e.name}: still open after ${e.ms} ms (${JSON.stringify(e.text)})`);
      }
      assert(
        ends[3].text.startsWith("HTTP/1.1 400"),
        `partial STRE answered ${JSON.stringify(ends[3].text)}`,
      );
    } finally {
      clearInterval(drip);
    }
    assert((await status(`${parent.url}/api/v1/info`)) === 200, "API down after the half-open connections");
  } catch (e) {
    console.error(parent.output().slice(-5000));
    throw e;
  } finally {
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    await parent.stop();
  }
});

Deno.test("a child whose dbengine store cannot open (out of descriptors) is refused with a reason; the parent lives on and takes children again", async () => {
  const conf = await confDir({ "stream.conf": STREAM_CONF + "    default memory mode = dbengine\n" });
  const parent = await startAgent({ args: ["--config", conf], ulimitNoFile: 256 });
  const port = Number(new URL(parent.url).port);
  let exited = false;
  parent.process.status.then(() => exited = true);
  try {
    const load = await runLoad({
      target: `127.0.0.1:${port}`,
      children: 150,
      charts: 1,
      dims: 2,
      seconds: 2,
      apiKey: KEY,
      signal: AbortSignal.timeout(8_000),
    });
    assert(
      load.connected > 0 && load.connected < 150,
      `expected some children refused, ${load.connected} connected`,
    );
    assert(!exited, "the parent exited");
    const refused = parent.output().split("\n").filter((l) => l.includes("reason_code=STORE_UNAVAILABLE"));
    const cut = parent.output().split("\n").filter((l) => l.includes("Too many open files"));
    assert(refused.length + cut.length > 0, "no child refused or cut for want of descriptors");
    await waitFor(async () => (await status(`${parent.url}/api/v1/info`)) === 200, 10_000, "/api/v1/info");
    const { conn, reply } = await rawHandshake(port, {
      key: KEY,
      hostname: "after-store-failure",
      guid: "aaaaaaaa-1111-4111-8111-00000000e0f2",
    });
    conn.close();
    assert(reply.includes(PROMPT_960), `child refused after the load: ${JSON.stringify(reply)}`);
  } catch (e) {
    console.error(parent.output().slice(-5000));
    throw e;
  } finally {
    await parent.stop();
  }
});

Deno.test("children coming and going leave no descriptors behind: 3 × 100 dbengine children connect and leave, the parent's fd count returns to its baseline", async () => {
  const conf = await confDir({ "stream.conf": STREAM_CONF + "    default memory mode = dbengine\n" });
  const parent = await startAgent({ args: ["--config", conf, "--log-level", "info"] });
  const port = Number(new URL(parent.url).port);
  const fds = () => [...Deno.readDirSync(`/proc/${parent.process.pid}/fd`)].length;
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = fds();
    const after: number[] = [];
    for (let round = 0; round < 3; round++) {
      const load = await runLoad({
        target: `127.0.0.1:${port}`,
        children: 100,
        charts: 2,
        dims: 3,
        seconds: 1,
        apiKey: KEY,
        prefix: `churn${round}-`,
      });
      assert.equal(load.connected, 100);
      after.push(await waitFor(() => fds() <= baseline + 10 && fds(), 10_000, `fds near ${baseline}`));
    }
    const info = await (await fetch(`${parent.url}/api/v1/info`)).json();
    assert.ok(info.mirrored_hosts.length >= 301, `archived hosts kept: ${info.mirrored_hosts.length}`);
    console.log(`fds: baseline ${baseline}, after each round ${after.join(", ")}`);
  } catch (e) {
    console.error(parent.output().slice(-5000));
    throw e;
  } finally {
    await parent.stop();
  }
});

const CLONE_GUID = "cccccccc-1111-4111-8111-00000000c10e";

Deno.test("a cloned machine GUID is reported (log with the MESSAGE_ID, both peers and hostnames; /api/v1/info collisions), a silent session is taken over, bad hostnames are refused", async () => {
  const conf = await confDir({ "stream.conf": STREAM_CONF });
  const parent = await startAgent({ args: ["--config", conf, "--log-level", "info"] });
  const port = Number(new URL(parent.url).port);
  const conns: Deno.TcpConn[] = [];
  let beat: ReturnType<typeof setInterval> | undefined;
  try {
    // A: live, sends a round every 300 ms.
    const a = await rawHandshake(port, { key: KEY, hostname: "clone-a", guid: CLONE_GUID });
    conns.push(a.conn);
    assert(a.reply.includes(PROMPT_960), `A refused: ${a.reply}`);
    await write(
      a.conn,
      `CHART "t.c" "" "t" "u" "t" "t.c" "line" 1 1 "" "t.plugin" ""\nDIMENSION "v" "v" "absolute" 1 1 ""\n`,
    );
    let n = 0;
    beat = setInterval(() => write(a.conn, `BEGIN "t.c" 0\nSET "v" = ${n++}\nEND\n`).catch(() => {}), 300);
    await new Promise((r) => setTimeout(r, 500));
    // B: the same GUID from another hostname while A is live: refused and reported.
    const b = await rawHandshake(port, { key: KEY, hostname: "clone-b", guid: CLONE_GUID });
    conns.push(b.conn);
    assert(b.reply.includes("This GUID is already streaming"), `B: ${JSON.stringify(b.reply)}`);
    const line = await waitFor(
      () => parent.output().split("\n").find((l) => l.includes("claimed by two live peers")),
      3000,
      "the collision log line",
    );
    for (
      const want of [
        "msg_id=ed4cdb8f1beb4ad3b57cb3cae2d162fa",
        "host=clone-a",
        "new_host=clone-b",
        CLONE_GUID,
      ]
    ) {
      assert(line.includes(want), `collision line lacks ${want}: ${line}`);
    }
    const info = await (await fetch(`${parent.url}/api/v1/info`)).json();
    assert.equal(info.collisions.length, 1);
    assert.equal(info.collisions[0].machineGuid, CLONE_GUID);
    assert.equal(info.collisions[0].live.hostname, "clone-a");
    assert.equal(info.collisions[0].refused.hostname, "clone-b");

    // A goes silent without closing (power loss, NAT): after 5 s a new session takes over.
    clearInterval(beat);
    const t0 = Date.now();
    const c = await waitFor(
      async () => {
        const r = await rawHandshake(port, { key: KEY, hostname: "clone-a", guid: CLONE_GUID });
        conns.push(r.conn);
        return r.reply.includes(PROMPT_960) && r;
      },
      15_000,
      "the takeover",
    );
    assert(Date.now() - t0 < 10_000, `takeover after ${Date.now() - t0} ms`);
    assert(parent.output().includes("takes over"), "no takeover log line");
    assert(parent.output().includes("reason_code=TAKEN_OVER"), "old session not ended as TAKEN_OVER");
    c.conn.close();

    // Path tricks get Netdata's "not permitted"; a control character, already 400 from the
    // request parser (BAD_REQUEST), or "not permitted" when it gets that far.
    const bads = [
      { name: "a/b/../../etc", reply: "You are not permitted" },
      { name: "..", reply: "You are not permitted" },
      { name: "line\nbreak", reply: "400 Bad Request" },
      { name: "tab\there", reply: "" },
    ];
    for (const bad of bads) {
      const r = await rawHandshake(port, {
        key: KEY,
        hostname: bad.name,
        guid: "dddddddd-1111-4111-8111-00000000bad0",
      });
      r.conn.close();
      assert(!r.reply.includes(PROMPT_960), `${JSON.stringify(bad.name)} accepted`);
      assert(r.reply.includes(bad.reply), `${JSON.stringify(bad.name)}: ${JSON.stringify(r.reply)}`);
    }
    const refusals = parent.output().split("\n").filter((l) => l.includes("reason_code=BAD_HOSTNAME"));
    assert(refusals.length >= 2, refusals.join("\n"));
  } catch (e) {
    console.error(parent.output().slice(-6000));
    throw e;
  } finally {
    clearInterval(beat);
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    await parent.stop();
  }
});

Deno.test("a child whose link died silently (relay stops forwarding, no FIN) is back within 30 s after a restart, and replication fills the gap", async () => {
  const conf = await confDir({ "stream.conf": STREAM_CONF });
  const parent = await startAgent({ args: ["--config", conf, "--hostname", "tp", "--log-level", "info"] });
  const relay = startRelay(Number(new URL(parent.url).port));
  const childDir = await Deno.makeTempDir({ prefix: "agent-takeover-child-" });
  const childArgs = [
    "--stream-to",
    `127.0.0.1:${relay.port}`,
    "--api-key",
    KEY,
    "--hostname",
    "tc",
    "--memory-mode",
    "dbengine",
    "--data-dir",
    childDir,
  ];
  let child = await startAgent({ args: childArgs });
  const mirror = { base: `${parent.url}/host/tc` };
  const chart = "system.cpu";
  try {
    await waitFor(
      async () => (await rows(mirror, chart, nowSec() - 3, nowSec() - 1)).length > 0,
      15_000,
      "data",
    );
    const frozenAt = nowSec();
    relay.freeze();
    // Longer than the takeover threshold (5 s): a child refused before it waits 120 s, as Netdata's.
    await new Promise((r) => setTimeout(r, 6000));
    await child.stop();
    const stoppedAt = nowSec();
    child = await startAgent({ args: childArgs });
    const t0 = Date.now();
    await waitFor(
      async () => (await getJson(`${child.url}/api/v1/info`)).streaming.sender.connected,
      30_000,
      "the restarted child to stream again",
    );
    const backMs = Date.now() - t0;
    assert(backMs < 30_000, `back after ${backMs} ms`);
    assert(parent.output().includes("takes over"), "no takeover log line");
    // The seconds the parent missed while the link was dead come back by replication.
    const from = frozenAt + 1, to = stoppedAt - 2;
    await waitFor(
      async () => {
        const m = await rows(mirror, chart, from, to);
        return m.length === to - from + 1 && m.every((r) => r.slice(1).every((v) => v !== null));
      },
      20_000,
      `the mirror to fill ${from}..${to}`,
    );
    const m = await rows(mirror, chart, from, to);
    const o = await rows({ base: child.url }, chart, from, to);
    assert.deepEqual(m, o, "the mirror's filled seconds differ from the child's");
    console.log(
      `silent link: child streaming again ${backMs} ms after its restart; ${to - from + 1} s filled`,
    );
  } catch (e) {
    console.error(
      `--- parent ---\n${parent.output().slice(-4000)}\n--- child ---\n${child.output().slice(-4000)}`,
    );
    throw e;
  } finally {
    await child.stop();
    await relay.close();
    await parent.stop();
    await Deno.remove(childDir, { recursive: true }).catch(() => {});
  }
});

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}
