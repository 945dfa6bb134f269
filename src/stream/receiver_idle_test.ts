import { assert } from "../../tests/_helpers/assert.ts";
import type net from "node:net";
import type { Reason } from "./reasons.ts";
import { IdleSweep } from "./receiver_idle.ts";
import type { LiveSession, ReceiverSession } from "./receiver_types.ts";

/** A live session whose end and socket destroy are recorded in `ended`. */
function fakeLive(guid: string, ended: string[]): LiveSession {
  const live: LiveSession = {
    session: { lastDataMs: Date.now() } as ReceiverSession,
    socket: { destroy: () => ended.push(`${guid} destroyed`) } as unknown as net.Socket,
    key: "k",
    peer: { hostname: "127.0.0.1", port: 1, secure: false },
    end: (why: Reason) => ended.push(`${guid} ${why.code} ${why.text}`),
  };
  return live;
}

Deno.test("IdleSweep ends the silent sessions only, with IDLE_TIMEOUT, within a sweep of their timeout", async () => {
  const ended: string[] = [];
  const live = new Map<string, LiveSession>();
  const quiet = fakeLive("quiet", ended);
  const busy = fakeLive("busy", ended);
  live.set("quiet", quiet);
  live.set("busy", busy);
  // The receiver removes an ended session from its map (receiver_stream.ts): so does this fake.
  quiet.end = ((end) => (why: Reason) => (live.delete("quiet"), end(why)))(quiet.end);
  const sweep = new IdleSweep(live, 200, Date.now);
  sweep.arm();
  sweep.arm(); // a second arm keeps the one timer
  const t0 = Date.now();
  try {
    while (live.has("quiet") && Date.now() - t0 < 3000) {
      busy.session.lastDataMs = Date.now();
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = Date.now() - t0;
    assert.deepStrictEqual(ended, ["quiet IDLE_TIMEOUT no data for 0.2 s", "quiet destroyed"]);
    // Dropped after its 200 ms of silence, within one sweep (50 ms here) and some scheduling slack.
    if (after < 200 || after > 1000) throw new Error(`dropped after ${after} ms`);
  } finally {
    sweep.stop();
  }
});
