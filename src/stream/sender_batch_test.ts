/**
 * The sender writes a collection tick's lines as one batch (sender_codec.ts BATCH_DELAY_MS): against
 * a real socket on 127.0.0.1 whose end grants Netdata's COMPRESSION, each tick of several charts
 * arrives as one LZ4 block (block boundaries are the sender's writes, whatever TCP does), and the
 * blocks decode to every round in order.
 */
import { testHost } from "../host/_fixture.ts";
import { assert } from "../../tests/_helpers/assert.ts";
import { Lz4BlockReader } from "./lz4.ts";
import { CAP_COMPRESSION, CAP_VCAPS, PROMPT_VN } from "./protocol.ts";
import { connectTestSender, testSenderConfig } from "./_sender_fixture.ts";

const CONFIG = testSenderConfig({ enableCompression: true });

Deno.test("Sender writes each collection tick's rounds of every chart as one LZ4 block", async () => {
  const clock = { us: 1795293600_000_000 };
  const child = testHost({
    hostname: "c",
    guid: "00000000-0000-0000-0000-00000000000b",
    clock,
    isLocal: true,
  });
  const CHARTS = 8;
  const charts = Array.from({ length: CHARTS }, (_, c) => {
    const chart = child.defineChart({
      id: `test.c${c}`,
      title: "t",
      units: "u",
      family: "f",
      context: `test.c${c}`,
      chartType: "line",
      priority: 1,
      updateEvery: 1,
      plugin: "p",
      module: "m",
    });
    for (let i = 0; i < 3; i++) {
      chart.defineDimension({ id: `d${i}`, name: `d${i}`, algorithm: "absolute", multiplier: 1, divisor: 1 });
    }
    return chart;
  });
  let tick = 0;
  const collect = () => {
    tick++;
    clock.us += 1_000_000;
    for (const chart of charts) {
      chart.begin(1_000_000);
      chart.dimensions.forEach((d, i) => chart.set(d, tick * 10 + i));
      chart.end();
    }
  };
  collect(); // a chart is sent once collected
  const { sender, conn, close } = await connectTestSender(child, CONFIG, clock);
  try {
    const buf = new Uint8Array(1 << 16);
    await conn.write(new TextEncoder().encode(PROMPT_VN + (CAP_VCAPS | CAP_COMPRESSION)));
    while (!sender.status().connected) await new Promise((r) => setTimeout(r, 5));
    // Every block as it arrives, decoded.
    const reader = new Lz4BlockReader();
    const blocks: string[] = [];
    const dec = new TextDecoder();
    const reading = (async () => {
      for (let n; (n = await conn.read(buf)) !== null;) {
        reader.push(buf.subarray(0, n), (t) => void blocks.push(dec.decode(t)));
      }
    })().catch(() => {});
    const waitFor = async (done: () => boolean, what: string) => {
      for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(done(), what);
    };
    // The definitions (and their first rounds) come first.
    await waitFor(() => (blocks.join("").match(/^CHART /gm)?.length ?? 0) === CHARTS, "the definitions");
    for (let t = 0; t < 5; t++) {
      const before = blocks.length;
      collect();
      await waitFor(() => blocks.length > before, `tick ${t}`);
      // Nothing of this tick may follow in another block: wait well past the batch delay.
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(blocks.length, before + 1, `tick ${t}: ${blocks.length - before} blocks`);
      const text = blocks[before];
      assert.equal(text.match(/^BEGIN /gm)?.length, CHARTS, text);
      for (let c = 0; c < CHARTS; c++) {
        const at = text.indexOf(`BEGIN "test.c${c}"`);
        assert.ok(at >= 0 && text.indexOf(`SET "d2" = ${tick * 10 + 2}\n`, at) > at, text);
      }
    }
    await close();
    await reading;
  } finally {
    await close();
  }
});
