/**
 * For sender tests: a Sender of a test host connected to a listener on 127.0.0.1 that the test plays
 * the parent on, up to the STREAM request the sender sent (the test answers it).
 * @module
 */

import type { StreamSenderConfig } from "../config/types.ts";
import type { Host } from "../host/mod.ts";
import { Sender } from "./sender.ts";

/** A child's [stream] section for tests; `over` changes what the test is about. */
export function testSenderConfig(over: Partial<StreamSenderConfig> = {}): StreamSenderConfig {
  return {
    enabled: true,
    destination: "",
    destinations: [],
    apiKey: "11111111-2222-3333-4444-555555555555",
    timeoutSec: 60,
    defaultPort: 19999,
    sendChartsMatching: "*",
    bufferSizeBytes: 1 << 20,
    reconnectDelaySec: 1,
    initialClockResyncIterations: 0,
    enableCompression: false,
    enableCompactRounds: false,
    sslSkipCertificateVerification: false,
    caPath: "",
    caFile: "",
    ...over,
  };
}

/** A started sender, the parent's end of its connection and the STREAM request it read. */
export interface ConnectedSender {
  sender: Sender;
  conn: Deno.Conn;
  /** The HTTP head of the STREAM request. */
  head: string;
  /** Stops the sender and closes both sockets (safe to call twice). */
  close(): Promise<void>;
}

/** Starts a sender of `host` (on `clock`) towards a fresh listener and reads its request head. */
export async function connectTestSender(
  host: Host,
  config: StreamSenderConfig,
  clock: { us: number },
): Promise<ConnectedSender> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const sender = new Sender({
    host,
    config,
    destinations: [{ text: `127.0.0.1:${port}`, host: "127.0.0.1", port, ssl: false }],
    apiKey: config.apiKey,
    sendChartsMatching: "*",
    hops: 1,
    program: "agent",
    version: "test",
    nowMs: () => clock.us / 1000,
  });
  sender.start();
  const conn = await listener.accept();
  const close = async () => {
    await sender.stop();
    try {
      conn.close();
    } catch { /* closed already */ }
    try {
      listener.close();
    } catch { /* closed already */ }
  };
  try {
    const buf = new Uint8Array(1 << 16);
    let head = "";
    while (!head.includes("\r\n\r\n")) {
      const n = await conn.read(buf);
      if (n === null) throw new Error("the sender closed before its request was complete");
      head += new TextDecoder().decode(buf.subarray(0, n));
    }
    return { sender, conn, head, close };
  } catch (e) {
    await close();
    throw e;
  }
}
