/**
 * A simulated child speaking the v1.37 streaming protocol (like tests/bench/loadgen.ts, whose
 * handshake it follows) with one chart whose value the test sets: `sim.value` (context
 * `sim.value`, family `sim`, units `things`, one absolute dimension `value`). Once started it sends
 * one BEGIN/SET/END round per second with the current value, so a parent's health sees exactly
 * the values the test chose.
 * @module
 */

import { buildStreamRequest, parseHandshakeReply, PROMPT_VN } from "../../src/stream/protocol.ts";

const enc = new TextEncoder();

/** One simulated child connected to one parent. */
export interface SimChild {
  /** The value sent from the next round on. */
  value: number;
  stop(): Promise<void>;
}

async function writeAll(conn: Deno.TcpConn, text: string): Promise<void> {
  const bytes = enc.encode(text);
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

async function readPrompt(conn: Deno.TcpConn): Promise<string> {
  const buf = new Uint8Array(4096);
  let text = "";
  const timer = setTimeout(() => conn.close(), 10_000);
  try {
    while (true) {
      const n = await conn.read(buf);
      if (n === null) return text;
      text += new TextDecoder().decode(buf.subarray(0, n));
      if (PROMPT_VN.startsWith(text) || text === PROMPT_VN) continue;
      return text;
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The STREAM request parameters a v1.37.1 child sends, as our simulated children send them;
 * `system` adds `NETDATA_SYSTEM_*` parameters beside the OS and kernel names.
 */
export function childRequestParams(
  o: { apiKey: string; hostname: string; guid: string },
  system: [string, string][] = [],
): [string, string][] {
  return [
    ["key", o.apiKey],
    ["hostname", o.hostname],
    ["registry_hostname", o.hostname],
    ["machine_guid", o.guid],
    ["update_every", "1"],
    ["os", "linux"],
    ["timezone", "Etc/UTC"],
    ["abbrev_timezone", "UTC"],
    ["utc_offset", "0"],
    ["hops", "1"],
    ["ml_capable", "0"],
    ["ml_enabled", "0"],
    ["mc_version", "1"],
    ["ver", "960"],
    ["NETDATA_SYSTEM_OS_NAME", "Debian GNU/Linux"],
    ["NETDATA_SYSTEM_KERNEL_NAME", "Linux"],
    ...system,
    ["NETDATA_PROTOCOL_VERSION", "1.1"],
  ];
}

/**
 * Connects to `target` (`127.0.0.1:PORT`) as `hostname`/`guid` with `apiKey`, defines `sim.value`
 * and streams `value` every second.
 * @throws {Error} when the parent refuses or does not answer
 */
export async function startSimChild(
  target: string,
  o: { apiKey: string; hostname: string; guid: string; value: number },
): Promise<SimChild> {
  const [hostname, port] = [
    target.slice(0, target.lastIndexOf(":")),
    Number(target.slice(target.lastIndexOf(":") + 1)),
  ];
  const conn = await Deno.connect({ hostname, port });
  conn.setNoDelay(true);
  await writeAll(
    conn,
    buildStreamRequest(
      childRequestParams(o),
      "simchild",
      "1.0",
    ),
  );
  const reply = await readPrompt(conn);
  const r = parseHandshakeReply(reply);
  if (!r.ok) {
    conn.close();
    throw new Error(
      `${target} refused the simulated child (${r.reason}): ${JSON.stringify(reply.slice(0, 120))}`,
    );
  }
  await writeAll(
    conn,
    `CLAIMED_ID ${o.guid} NULL\nLABEL "_os_name" = 1 "Debian GNU/Linux"\nOVERWRITE labels\n` +
      `CHART "sim.value" "" "Simulated value" "things" "sim" "sim.value" "line" 100000 1 "" "sim.plugin" "sim"\n` +
      `CLABEL "_collect_plugin" "sim.plugin" 1\nCLABEL_COMMIT\n` +
      `DIMENSION "value" "" "absolute" 1 1 ""\n`,
  );
  // Drain whatever the parent sends, so its writes never block.
  const drain = (async () => {
    const buf = new Uint8Array(4096);
    try {
      while ((await conn.read(buf)) !== null) { /* ignore */ }
    } catch { /* closed */ }
  })();
  let prevMs = 0;
  let closed = false;
  const child: SimChild = {
    value: o.value,
    async stop() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      try {
        conn.close();
      } catch { /* closed */ }
      await drain;
    },
  };
  const round = () => {
    const now = performance.now();
    const deltaUs = prevMs === 0 ? 0 : Math.round((now - prevMs) * 1000);
    prevMs = now;
    writeAll(conn, `BEGIN "sim.value" ${deltaUs}\nSET "value" = ${Math.round(child.value)}\nEND\n`)
      .catch(() => {});
  };
  // Rounds just after each wall-clock second, like a collector.
  const timer = setInterval(round, 1000);
  round();
  return child;
}
