import { assert } from "../../tests/_helpers/assert.ts";
import { listen } from "./listen.ts";

/** Reads one HTTP answer with a Content-Length body from `conn`; null when the peer closed first. */
async function readAnswer(conn: Deno.Conn): Promise<string | null> {
  const buf = new Uint8Array(65536);
  let text = "";
  for (;;) {
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const len = Number(/content-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length >= end + 4 + len) return text;
    }
    let n: number | null;
    try {
      n = await conn.read(buf);
    } catch {
      return null; // reset
    }
    if (n === null) return null;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
}

Deno.test("listener: an answer that does not say 'Connection: close' keeps its connection for the next request", async () => {
  const listener = await listen({
    spec: { host: "127.0.0.1", port: 0, ssl: "none" },
    http: () => new Response("x".repeat(3000)),
    acceptWatchMs: 0,
  });
  try {
    const port = Number(new URL(listener.url).port);
    for (let round = 0; round < 5; round++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      try {
        const req = new TextEncoder().encode("GET /api/v1/info HTTP/1.1\r\nHost: x\r\n\r\n");
        await conn.write(req);
        const first = await readAnswer(conn);
        assert.ok(first?.startsWith("HTTP/1.1 200"), `first answer: ${first?.slice(0, 40)}`);
        if (/^connection: *close/im.test(first!)) continue; // the client knows to reconnect
        await conn.write(req);
        const second = await readAnswer(conn);
        assert.ok(
          second?.startsWith("HTTP/1.1 200"),
          "the connection was kept alive, so it must answer again",
        );
      } finally {
        conn.close();
      }
    }
  } finally {
    await listener.close();
  }
});

Deno.test("listener: 100 clients reusing their connections get every answer (no resets)", async () => {
  const body = "x".repeat(3000);
  const listener = await listen({
    spec: { host: "127.0.0.1", port: 0, ssl: "none" },
    http: () => new Response(body),
    acceptWatchMs: 0,
  });
  try {
    const failures: string[] = [];
    let ok = 0;
    await Promise.all(Array.from({ length: 100 }, async () => {
      for (let i = 0; i < 60; i++) {
        try {
          const r = await fetch(`${listener.url}/api/v1/info`, {
            headers: { "accept-encoding": "identity" },
          });
          if ((await r.text()) === body) ok++;
          else failures.push(`status ${r.status}`);
        } catch (e) {
          failures.push(String((e as Error).cause ?? e));
        }
      }
    }));
    assert.deepEqual(failures.slice(0, 3), []);
    assert.equal(ok, 6000);
  } finally {
    await listener.close();
  }
});
