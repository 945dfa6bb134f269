import { assert } from "../../tests/_helpers/assert.ts";
import type { Host } from "../host/mod.ts";
import { reason } from "./reasons.ts";
import { keepSession, type ReceiverSession } from "./receiver_types.ts";

function session(host: Host, peer: string): ReceiverSession {
  return {
    host,
    peer,
    apiKeyShort: "k",
    sinceSec: 0,
    caps: 0,
    bytesIn: 0,
    bytesText: 0,
    samples: 0,
    replayedPoints: 0,
    replicating: new Set(),
    endReason: undefined,
    lastDataMs: 0,
  };
}

Deno.test("keepSession: children that come and go keep one ended session per host, every live one", () => {
  const a = {} as Host, b = {} as Host;
  const all: ReceiverSession[] = [];
  for (let i = 0; i < 1000; i++) {
    const s = session(a, `a:${i}`);
    keepSession(all, s);
    s.endReason = reason("SOCKET_ERROR", "ECONNRESET");
  }
  const liveB = session(b, "b:1");
  keepSession(all, liveB);
  assert.deepEqual(all.map((s) => s.peer), ["a:999", "b:1"]);
  // A new session of b while the old one is still live keeps both (the old one is ended next).
  keepSession(all, session(b, "b:2"));
  assert.deepEqual(all.map((s) => s.peer), ["a:999", "b:1", "b:2"]);
  keepSession(all, session(a, "a:1000"));
  assert.deepEqual(all.map((s) => s.peer), ["b:1", "b:2", "a:1000"]);
});
