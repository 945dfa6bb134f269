/**
 * The sender with COMPACT granted, against a real socket on 127.0.0.1 whose reader stalls until the
 * send buffer overflows: every byte it then sends must decode in a real compact ingest, and the
 * parent must end with the child's values (PROTOCOL.md §13.2: an overflow drops every queued round).
 */
import { testHost } from "../host/_fixture.ts";
import { assert } from "../../tests/_helpers/assert.ts";
import { StreamIngest } from "./ingest.ts";
import { CAP_CLABELS, CAP_CLAIM, CAP_COMPACT, CAP_HLABELS, CAP_VCAPS, PROMPT_VN } from "./protocol.ts";
import { connectTestSender, testSenderConfig } from "./_sender_fixture.ts";

const CONFIG = testSenderConfig({ bufferSizeBytes: 65536, enableCompactRounds: true });

Deno.test("Sender with COMPACT: after its buffer overflowed, what it sends still decodes to the child's values", async () => {
  const clock = { us: 1795293600_000_000 };
  const child = testHost({
    hostname: "c",
    guid: "00000000-0000-0000-0000-00000000000a",
    clock,
    isLocal: true,
  });
  const chart = child.defineChart({
    id: "test.wide",
    title: "t",
    units: "u",
    family: "f",
    context: "test.wide",
    chartType: "line",
    priority: 1,
    updateEvery: 1,
    plugin: "p",
    module: "m",
  });
  for (let i = 0; i < 400; i++) {
    chart.defineDimension({ id: `d${i}`, name: `d${i}`, algorithm: "absolute", multiplier: 1, divisor: 1 });
  }
  let round = 0;
  const collect = () => {
    round++;
    clock.us += 1_000_000;
    chart.begin(1_000_000);
    // Changes of every size, so that records are long and a wrong base shows.
    chart.dimensions.forEach((d, i) => chart.set(d, (round * (i + 1) * 7919) % 1_000_003 - 500_000));
    chart.end();
  };
  collect(); // a chart is sent once collected
  const { sender, conn, head, close } = await connectTestSender(child, CONFIG, clock);
  const parent = testHost({ hostname: "c", guid: "00000000-0000-0000-0000-00000000000a", clock });
  const ingest = new StreamIngest(parent, {}, { compact: true });
  try {
    const buf = new Uint8Array(1 << 16);
    assert.match(
      head,
      new RegExp(`ver=${CAP_VCAPS | CAP_HLABELS | CAP_CLAIM | CAP_CLABELS | CAP_COMPACT}\\b`),
    );
    await conn.write(
      new TextEncoder().encode(PROMPT_VN + (CAP_VCAPS | CAP_HLABELS | CAP_CLABELS | CAP_COMPACT)),
    );
    while (!sender.status().connected) await new Promise((r) => setTimeout(r, 5));
    // Not reading: the socket's buffers fill, then the sender's queue overflows.
    for (let i = 0; i < 20000 && sender.status().droppedRounds === 0; i++) {
      collect();
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    assert.ok(sender.status().droppedRounds > 0, "the queue never overflowed");
    for (let i = 0; i < 5; i++) collect();
    const want = chart.dimensions.map((d) => d.collected);
    // Now read everything, applying each line as our parent would.
    const dec = new TextDecoder();
    let pending = "";
    const got = () => parent.charts.get("test.wide")?.dimensions.map((d) => d.collected);
    // One read at a time (a read that lost a race is awaited again, so no bytes are skipped).
    let reading: Promise<number | null> | undefined;
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline && JSON.stringify(got()) !== JSON.stringify(want)) {
      reading ??= conn.read(buf);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        reading,
        new Promise<"idle">((r) => timer = setTimeout(() => r("idle"), 50)),
      ]);
      clearTimeout(timer);
      if (n === "idle") continue;
      reading = undefined;
      if (n === null) break;
      pending += dec.decode(buf.subarray(0, n), { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        ingest.line(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    }
    reading?.catch(() => {});
    assert.deepEqual(got(), want);
    assert.ok(ingest.samples > 0);
  } finally {
    await close();
  }
});
