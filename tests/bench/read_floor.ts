/**
 * The runtime's floor under a many-children load (issue #11): the CPU of a Deno process that does
 * nothing but read the children's sockets, measured under the same load as the parents of
 * ingest.ts. It answers each STREAM request with the prompt and then discards every byte, through
 * node:net as the agent's listener does (a `Deno.listen` loop costs the same: measured 23–26
 * against 24–27 ms/s for 1,000 sockets on 2026-12-05). So it is what the agent cannot go below on
 * this runtime before it parses or stores a single sample.
 *
 * Library: {@link measureReadFloor}. Script: `deno run -A tests/bench/read_floor.ts` serves on a
 * free loopback port and prints `listening PORT`.
 * @module
 */

import net from "node:net";
import { PROMPT_VN } from "../../src/stream/protocol.ts";
import { LoadgenProcess, type LoadShape } from "./loadgen_process.ts";
import { procSample } from "./proc_probe.ts";

/** Serves until killed: the prompt after the first bytes of each connection, then discards. */
function serve(): void {
  const server = net.createServer((socket) => {
    let prompted = false;
    socket.on("data", () => {
      if (prompted) return;
      prompted = true;
      // Version 1: plain text, no capability the load would act on.
      socket.write(`${PROMPT_VN}1`);
    });
    socket.on("error", () => socket.destroy());
  });
  server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as net.AddressInfo).port}`));
}

/** What {@link measureReadFloor} found. */
export interface ReadFloor {
  /** CPU of the reading process over the window, % of a core. */
  cpuPct: number;
  /** Bytes the load sent per second in the window. */
  bytesPerSec: number;
  connected: number;
}

/**
 * Starts the reader, connects the load to it, skips `warmupSec` and measures the reader's CPU over
 * `seconds`. Both processes are gone when it returns.
 */
export async function measureReadFloor(
  load: LoadShape,
  o: { warmupSec: number; seconds: number },
): Promise<ReadFloor> {
  const reader = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname],
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  let lg: LoadgenProcess | undefined;
  try {
    const port = await firstLinePort(reader.stdout);
    lg = new LoadgenProcess(port, load, o.warmupSec + o.seconds + 60);
    const ready = await lg.waitReady(120_000);
    await new Promise((r) => setTimeout(r, o.warmupSec * 1000));
    const a = procSample(reader.pid);
    const t0 = performance.now();
    const sent0 = lg.ticks.at(-1)?.bytesSent ?? 0;
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    const b = procSample(reader.pid);
    const dt = (performance.now() - t0) / 1000;
    const sent1 = lg.ticks.at(-1)?.bytesSent ?? 0;
    return {
      cpuPct: 100 * (b.cpuSec - a.cpuSec) / dt,
      bytesPerSec: (sent1 - sent0) / dt,
      connected: ready.connected,
    };
  } finally {
    await lg?.stop();
    try {
      reader.kill("SIGKILL");
    } catch { /* gone */ }
    await reader.status;
  }
}

/** Reads `listening PORT` from the reader's stdout; the rest of the stream is drained. */
async function firstLinePort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const dec = new TextDecoder();
  let text = "";
  const reader = stdout.getReader();
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`read floor: the reader exited before listening: ${text}`);
    text += dec.decode(value, { stream: true });
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  const m = /^listening (\d+)/.exec(text);
  if (!m) throw new Error(`read floor: unexpected output ${JSON.stringify(text)}`);
  return Number(m[1]);
}

if (import.meta.main) serve();
