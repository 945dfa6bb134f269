import { getLogger } from "@logtape/logtape";
import { assert } from "../../tests/_helpers/assert.ts";
import type { ConnectorType, ExportingInstanceConfig } from "../config/exporting_types.ts";
import { Delivery } from "./delivery.ts";
import { DiskQueue } from "./queue.ts";
import { createTransport } from "./transport.ts";

const log = getLogger(["agent", "test"]);

function config(type: ConnectorType, port: number): ExportingInstanceConfig {
  return {
    section: `${type}:t`,
    type,
    name: "t",
    enabled: true,
    destination: `127.0.0.1:${port}`,
    destinations: [{ text: `127.0.0.1:${port}`, host: "127.0.0.1", port, ssl: false }],
    dataSource: "average",
    updateEverySec: 1,
    prefix: "netdata",
    hostname: "h",
    sendNamesInsteadOfIds: true,
    sendChartsMatching: "*",
    sendHostsMatching: "*",
    sendConfiguredLabels: true,
    sendAutomaticLabels: false,
    sendVariables: false,
    remoteWriteUrlPath: "/api/v1/write",
    username: "user",
    password: "secret",
    timeoutMs: 2000,
    bufferOnFailures: 100,
    queueDiskSpaceBytes: 1 << 20,
    file: "exporting.conf",
    line: 1,
  };
}

interface Seen {
  body: string;
  headers: Headers;
  path: string;
}

Deno.test("Delivery: in order, retried on 5xx/429 with back-off, 4xx dropped and counted, nothing twice", async () => {
  const rows: {
    name: string;
    answers: number[];
    want: string[];
    sent: number;
    rejected: number;
    failures: number;
  }[] = [
    {
      name: "all accepted",
      answers: [204, 200, 204],
      want: ["b1", "b2", "b3"],
      sent: 3,
      rejected: 0,
      failures: 0,
    },
    {
      name: "503 and 429 are retried: the same batch again, then the next",
      answers: [503, 429, 204, 204, 204],
      want: ["b1", "b1", "b1", "b2", "b3"],
      sent: 3,
      rejected: 0,
      failures: 2,
    },
    {
      name: "a 400 drops that batch only",
      answers: [204, 400, 204],
      want: ["b1", "b2", "b3"],
      sent: 2,
      rejected: 1,
      failures: 0,
    },
  ];
  for (const r of rows) {
    const seen: Seen[] = [];
    const answers = [...r.answers];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      seen.push({ body: await req.text(), headers: req.headers, path: new URL(req.url).pathname });
      const status = answers.shift() ?? 204;
      return new Response(status >= 300 ? "out of order sample" : null, { status });
    });
    const dir = Deno.makeTempDirSync({ prefix: "delivery-" });
    const cfg = config("prometheus_remote_write", server.addr.port);
    const queue = DiskQueue.open({ dir, maxBytes: 1 << 20, maxRecords: 100, logger: log });
    const d = new Delivery({
      config: cfg,
      queue,
      transport: createTransport(cfg),
      logger: log,
      minBackoffMs: 10,
      maxBackoffMs: 40,
    });
    try {
      for (const b of ["b1", "b2", "b3"]) d.enqueue(new TextEncoder().encode(b), 5, Date.now());
      d.start();
      const end = Date.now() + 5000;
      while (d.queueStats().records > 0 && Date.now() < end) await new Promise((t) => setTimeout(t, 20));
      assert.deepEqual(seen.map((s) => s.body), r.want, r.name);
      assert.equal(d.stats.sentBatches, r.sent, r.name + ": sent");
      assert.equal(d.stats.sentSamples, r.sent * 5, r.name + ": samples");
      assert.equal(d.stats.rejectedBatches, r.rejected, r.name + ": rejected");
      assert.equal(d.stats.failures, r.failures, r.name + ": failures");
      if (r.rejected > 0) assert.match(d.stats.lastError, /answered 400: out of order sample/);
      const h = seen[0].headers;
      assert.deepEqual(
        {
          path: seen[0].path,
          encoding: h.get("content-encoding"),
          type: h.get("content-type"),
          version: h.get("x-prometheus-remote-write-version"),
          auth: h.get("authorization"),
        },
        {
          path: "/api/v1/write",
          encoding: "snappy",
          type: "application/x-protobuf",
          version: "0.1.0",
          auth: "Basic " + btoa("user:secret"),
        },
      );
      assert.match(h.get("user-agent") ?? "", /^agent\//);
    } finally {
      await d.stop();
      await server.shutdown();
      Deno.removeSync(dir, { recursive: true });
    }
  }
});

Deno.test("Delivery over TCP (graphite): written in order on one kept connection", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  const got: string[] = [];
  const accept = (async () => {
    for await (const c of l) {
      (async () => {
        for await (const chunk of c.readable) got.push(new TextDecoder().decode(chunk));
      })().catch(() => {});
    }
  })().catch(() => {});
  const dir = Deno.makeTempDirSync({ prefix: "delivery-" });
  const cfg = config("graphite", port);
  const d = new Delivery({
    config: cfg,
    queue: DiskQueue.open({ dir, maxBytes: 1 << 20, maxRecords: 100, logger: log }),
    transport: createTransport(cfg),
    logger: log,
    minBackoffMs: 10,
  });
  try {
    d.start();
    d.enqueue(new TextEncoder().encode("a 1 1\n"), 1, 0);
    d.enqueue(new TextEncoder().encode("b 2 2\n"), 1, 0);
    const end = Date.now() + 5000;
    while (got.join("").split("\n").length < 3 && Date.now() < end) {
      await new Promise((t) => setTimeout(t, 20));
    }
    assert.equal(got.join(""), "a 1 1\nb 2 2\n");
    assert.equal(d.stats.sentBatches, 2);
    assert.equal(d.transport.reconnects, 1);
  } finally {
    await d.stop();
    l.close();
    await accept;
    Deno.removeSync(dir, { recursive: true });
  }
});
