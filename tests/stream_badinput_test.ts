/**
 * The agent as a parent, fed bad input by raw TCP "children": a child that sends malformed,
 * over-long or out-of-order lines is cut off and logged (its peer address, the line number and
 * why), while another child's data keeps arriving; handshakes that break the rules get Netdata's
 * exact answers.
 */
import { assert } from "./_helpers/assert.ts";
import { type AgentProcess, confDir, getJson, startAgent, waitFor } from "./_helpers/agent.ts";

const KEY = "11111111-2222-3333-4444-555555555555";
const GUID_A = "aaaaaaaa-1111-4111-8111-000000000001";
const GUID_B = "bbbbbbbb-2222-4222-8222-000000000002";
const PROMPT_960 = "Hit me baby, push them over with the version=960";
const NOT_PERMITTED = "You are not permitted to access this. Check the logs for more info.";
const ALREADY_STREAMING = "This GUID is already streaming to this server";
const SAME_LOCALHOST = "Don't hit me baby, you are trying to stream my localhost back";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A STREAM request as a v1.37.1 child would send it (values need no encoding here). */
function request(fields: { hostname: string; guid: string; key?: string }): string {
  const query = `key=${fields.key ?? KEY}&hostname=${fields.hostname}&registry_hostname=${fields.hostname}` +
    `&machine_guid=${fields.guid}&update_every=1&os=linux&hops=1&ver=960&NETDATA_PROTOCOL_VERSION=1.1`;
  return `STREAM ${query} HTTP/1.1\r\nUser-Agent: t/1\r\nAccept: */*\r\n\r\n`;
}

function chartLines(id: string): string {
  return `CHART "${id}" "" "bad input test" "things" "test" "${id}" "line" 1000 1 "" "t.plugin" ""\n` +
    `DIMENSION "v" "v" "absolute" 1 1 ""\n`;
}

function round(id: string, value: number): string {
  return `BEGIN "${id}" 0\nSET "v" = ${value}\nEND\n`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a read loop saw until the peer closed, or until it gave up. */
interface Ending {
  text: string;
  /** "eof" (FIN), "reset" (RST), or "open" when the peer still had not closed at the deadline. */
  how: "eof" | "reset" | "open";
}

/** A raw TCP child: no library between the test and the parent's socket. */
class RawChild {
  readonly conn: Deno.TcpConn;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  static async connect(port: number): Promise<RawChild> {
    return new RawChild(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** The address the parent sees for this child. */
  get peer(): string {
    const a = this.conn.localAddr as Deno.NetAddr;
    return `${a.hostname}:${a.port}`;
  }

  async send(text: string): Promise<void> {
    const bytes = enc.encode(text);
    for (let off = 0; off < bytes.length;) off += await this.conn.write(bytes.subarray(off));
  }

  /** Reads until `done(text)` holds, the peer closes, or `timeoutMs` passes. */
  async read(timeoutMs: number, done: (text: string) => boolean = () => false): Promise<Ending> {
    let text = "";
    const buf = new Uint8Array(65536);
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const left = deadline - Date.now();
      if (left <= 0) return { text, how: "open" };
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), left));
      const got = await Promise.race([this.conn.read(buf).catch((e: Error) => e), timeout]);
      clearTimeout(timer);
      if (got === "timeout") {
        // The pending read ends with an error when the connection is closed (by close()).
        this.close();
        return { text, how: "open" };
      }
      if (got instanceof Error) {
        if (got instanceof Deno.errors.ConnectionReset) return { text, how: "reset" };
        throw got;
      }
      if (got === null) return { text, how: "eof" };
      text += dec.decode(buf.subarray(0, got), { stream: true });
      if (done(text)) return { text, how: "open" };
    }
  }

  /** Sends the request and returns the parent's reply (the prompt, or a refusal and its close). */
  async handshake(fields: { hostname: string; guid: string; key?: string }): Promise<Ending> {
    await this.send(request(fields));
    return await this.read(5000, (t) => t === PROMPT_960);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

/** Non-null values of the newest points of a child's chart, with their times. */
async function points(parent: AgentProcess, hostname: string, chart: string): Promise<[number, number][]> {
  const r = await fetch(`${parent.url}/host/${hostname}/api/v1/data?chart=${chart}&after=-60&format=json`);
  if (!r.ok) {
    await r.body?.cancel();
    return [];
  }
  const res = await r.json();
  return (res.data as [number, number | null][]).filter((row) => row[1] !== null) as [number, number][];
}

/** The log line where the parent closed the stream of the child at `peer`. */
function closingLine(parent: AgentProcess, peer: string): string | undefined {
  const at = new RegExp(`${peer.replaceAll(".", "\\.")}(?!\\d)`);
  return parent.output().split("\n").find((l) => l.includes("Closing stream of child") && at.test(l));
}

/** Bad input on a child's connection: each row is one connection of child A. */
const BAD_LINES: { name: string; lines: string[]; lineNo: number; reason: string[] }[] = [
  {
    name: "a malformed CLAIMED_ID after valid rounds",
    lines: ["CLAIMED_ID not-a-uuid NULL"],
    lineNo: 0, // set below: after the valid lines of the first connection
    reason: ["CLAIMED_ID arguments must be UUIDs"],
  },
  {
    name: "a dimension it never defined, inside a round",
    lines: ['BEGIN "tst.bad" 0', 'SET "v" = 7', 'SET "nosuch" = 1'],
    lineNo: 3,
    reason: ["undefined dimension"],
  },
  {
    // After a connection was cut inside a round, the chart can be defined again.
    name: "an unknown keyword after the chart's definition",
    lines: [...chartLines("tst.bad").trimEnd().split("\n"), "THIS_IS_NOT_A_COMMAND x"],
    lineNo: 3,
    reason: ["unknown keyword"],
  },
  {
    name: "a line over 15360 bytes",
    lines: [`LABEL "big" = 1 "${"x".repeat(16000)}"`],
    lineNo: 1,
    reason: ["bytes, over 15360"],
  },
  { name: "SET before BEGIN", lines: ['SET "v" = 1'], lineNo: 1, reason: ["SET outside a BEGIN/END round"] },
  {
    name: "END twice",
    lines: ['BEGIN "tst.bad" 0', 'SET "v" = 7', "END", "END"],
    lineNo: 4,
    reason: ["END without BEGIN"],
  },
  {
    name: "CHART inside a round",
    lines: ['BEGIN "tst.bad" 0', 'SET "v" = 7', chartLines("tst.bad").split("\n")[0]],
    lineNo: 3,
    reason: ["CHART inside a BEGIN/END round"],
  },
  { name: "RSET without RBEGIN", lines: ['RSET "v" 1 ""'], lineNo: 1, reason: ["RSET without RBEGIN"] },
  {
    name: "REND with three arguments",
    lines: ['RBEGIN "tst.bad"', "REND 1 2 3"],
    lineNo: 2,
    reason: ["REND needs at least six arguments"],
  },
  {
    name: "BEGIN of an undefined chart",
    lines: ['BEGIN "no.such" 0'],
    lineNo: 1,
    reason: ["undefined chart"],
  },
];

Deno.test("a parent cuts off a misbehaving child, says why, and keeps serving the others", async (t) => {
  const conf = await confDir({ "stream.conf": `[${KEY}]\n    enabled = yes\n` });
  const parent = await startAgent({ args: ["--config", conf, "--hostname", "badinput-parent"] });
  let exited = false;
  parent.process.status.then(() => exited = true);
  const children: RawChild[] = [];
  const open = async () => {
    const c = await RawChild.connect(Number(new URL(parent.url).port));
    children.push(c);
    return c;
  };
  let stopB = false;
  let bLoop: Promise<void> = Promise.resolve();
  let bError: unknown;
  /** Values child B has sent so far, and when. */
  const sentByB: { value: number; atMs: number }[] = [];
  try {
    // Child B streams a chart for the whole test.
    const b = await open();
    const bReply = await b.handshake({ hostname: "good-child", guid: GUID_B });
    assert.deepEqual(bReply, { text: PROMPT_960, how: "open" });
    await b.send(chartLines("tst.good"));
    bLoop = (async () => {
      for (let i = 0; !stopB; i++) {
        const value = 1000 + i;
        await b.send(round("tst.good", value));
        sentByB.push({ value, atMs: Date.now() });
        await sleep(200);
      }
    })().catch((e) => {
      bError = e;
    });

    let lastDropMs = 0;
    await t.step(
      "child A is cut off for each kind of bad line, with its address and line number",
      async () => {
        for (const [i, row] of BAD_LINES.entries()) {
          const a = await open();
          const reply = await a.handshake({ hostname: "bad-child", guid: GUID_A });
          assert.deepEqual(reply, { text: PROMPT_960, how: "open" }, `${row.name}: handshake`);
          let lineNo = row.lineNo;
          if (i === 0) {
            // First, something to keep: a chart with stored values.
            const good = chartLines("tst.bad");
            await a.send(good);
            let rounds = 0;
            await waitFor(
              async () => {
                await a.send(round("tst.bad", 7));
                rounds++;
                await sleep(150);
                return (await points(parent, "bad-child", "tst.bad")).length > 0;
              },
              8000,
              "child A's values on the parent",
            );
            lineNo = good.split("\n").length - 1 + rounds * 3 + 1;
          }
          await a.send(row.lines.join("\n") + "\n");
          const end = await a.read(5000);
          assert.notEqual(end.how, "open", `${row.name}: the parent did not close the connection`);
          assert.equal(end.how, "eof", `${row.name}: closed with a reset instead of EOF`);
          assert.equal(end.text, "", `${row.name}: the parent sent something`);
          lastDropMs = Date.now();
          const log = await waitFor(() => closingLine(parent, a.peer), 3000, `${row.name}: log line`);
          assert.match(log, new RegExp(`\\bline ${lineNo}\\b`), `${row.name}: line number`);
          for (const want of row.reason) {
            assert.ok(log.includes(want), `${row.name}: log line lacks ${JSON.stringify(want)}: ${log}`);
          }
          a.close();
        }
      },
    );

    await t.step("child B's data keeps arriving after A was cut off", async () => {
      assert.equal(bError, undefined, "child B could not send");
      // The first value B sent after A's last connection was cut must show up in B's chart.
      const got = await waitFor(
        async () => {
          const after = sentByB.find((s) => s.atMs > lastDropMs)?.value;
          if (after === undefined) return undefined;
          const rows = await points(parent, "good-child", "tst.good");
          const newest = Math.max(...rows.map((r) => r[1]));
          return newest >= after ? { after, newest } : undefined;
        },
        8000,
        "good-child values sent after child A was cut off",
      );
      assert.ok(got.newest >= got.after);
    });

    await t.step("child A stays listed, unreachable, with the values it had stored", async () => {
      const info = await getJson(`${parent.url}/api/v1/info`);
      const status = info.mirrored_hosts_status as { guid: string; hostname: string; reachable: boolean }[];
      const a = status.find((h) => h.guid === GUID_A);
      assert.ok(a, `child A not listed: ${JSON.stringify(status)}`);
      assert.equal(a.hostname, "bad-child");
      assert.equal(a.reachable, false);
      assert.equal(status.find((h) => h.guid === GUID_B)?.reachable, true);
      const kept = await points(parent, "bad-child", "tst.bad");
      assert.ok(
        kept.length > 0 && kept.every((p) => p[1] === 7),
        `child A's points: ${JSON.stringify(kept)}`,
      );
    });

    await t.step("handshakes that break the rules get Netdata's answers", async () => {
      const uid = (await getJson(`${parent.url}/api/v1/info`)).uid as string;
      const cases: { name: string; send: string; check(e: Ending): void }[] = [
        {
          name: "data sent before the reply",
          send: request({ hostname: "eager-child", guid: "cccccccc-3333-4333-8333-000000000003" }) +
            `CLAIMED_ID cccccccc-3333-4333-8333-000000000003 NULL\n`,
          check: (e) =>
            assert.match(e.text, /^HTTP\/1\.1 400 Bad Request\r\n[^]*\r\n\r\nI don't understand you/),
        },
        {
          name: "a request over 16 KiB",
          send: `STREAM key=${KEY}&hostname=${"h".repeat(17000)}`,
          check: (e) => assert.equal(e.text, ""),
        },
        {
          name: "an unknown API key",
          send: request({
            hostname: "x",
            guid: "dddddddd-4444-4444-8444-000000000004",
            key: crypto.randomUUID(),
          }),
          check: (e) => {
            assert.equal(e.text, NOT_PERMITTED);
            assert.equal(enc.encode(e.text).length, 67);
          },
        },
        {
          name: "the machine GUID of a live child",
          send: request({ hostname: "good-child", guid: GUID_B }),
          check: (e) => assert.equal(e.text, ALREADY_STREAMING),
        },
        {
          name: "the parent's own machine GUID",
          send: request({ hostname: "mirror", guid: uid }),
          check: (e) => assert.equal(e.text, SAME_LOCALHOST),
        },
      ];
      for (const c of cases) {
        const child = await open();
        await child.send(c.send);
        const e = await child.read(5000);
        assert.notEqual(e.how, "open", `${c.name}: not closed; got ${JSON.stringify(e.text.slice(0, 100))}`);
        c.check(e);
        child.close();
      }
      const dropped = parent.output().split("\n").find((l) => l.includes("STREAM request over 16384 bytes"));
      assert.ok(dropped, "the oversized request is logged");
    });

    assert.equal(exited, false, "the parent process died");
    assert.equal((await getJson(`${parent.url}/api/v1/info`)).mirrored_hosts.length, 3, "parent, A and B");
  } catch (e) {
    console.error(`--- parent output ---\n${parent.output()}\n--- end ---`);
    throw e;
  } finally {
    stopB = true;
    await bLoop;
    for (const c of children) c.close();
    await parent.stop();
    await Deno.remove(conf, { recursive: true });
  }
});
