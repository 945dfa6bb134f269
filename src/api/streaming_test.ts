import { assert } from "../../tests/_helpers/assert.ts";
import { testHost } from "../host/_fixture.ts";
import { reason, type ReceiverSession } from "../stream/mod.ts";
import { CHILDREN_CACHE_MS, sessionInfo, streamingInfo } from "./streaming.ts";

/** The answer as a client reads it (the local host's `streaming` is kept as JSON text). */
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));

function session(endReason: ReceiverSession["endReason"]): ReceiverSession {
  const host = testHost({ hostname: "c1", guid: "11111111-2222-3333-4444-555555555555" });
  host.state.sinceSec = 1795293700;
  return {
    host,
    peer: "10.0.0.2:40000",
    apiKeyShort: "11111111…",
    sinceSec: 1795293600,
    caps: 0,
    bytesIn: 42,
    bytesText: 42,
    samples: 2,
    replayedPoints: 7,
    replicating: new Set(),
    endReason,
    lastDataMs: 0,
  };
}

const cases: { name: string; endReason: ReceiverSession["endReason"]; want: Record<string, unknown> }[] = [
  {
    name: "a live session is connected, with no reason",
    endReason: undefined,
    want: { connected: true, end_reason: null, end_reason_code: null, ended: null },
  },
  {
    name: "an ended session names its reason by code and text",
    endReason: reason("IDLE_TIMEOUT", 600),
    want: {
      connected: false,
      end_reason: "no data for 600 s",
      end_reason_code: "IDLE_TIMEOUT",
      ended: 1795293700,
    },
  },
];

for (const c of cases) {
  Deno.test(`sessionInfo(): ${c.name}`, () => {
    const got = sessionInfo(session(c.endReason));
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k], v, k);
    assert.equal(got.bytes_received, 42);
    assert.deepEqual(got.replication, { points: 7, charts_pending: 0 });
  });
}

Deno.test("streamingInfo(): only the local host lists live children; a host with no sender has none", () => {
  const live = session(undefined), ended = session(reason("CHILD_CLOSED"));
  const local = testHost({ isLocal: true });
  const src = { local, senderStatus: () => undefined, sessions: () => [ended, live] };
  const mine = asJson(streamingInfo(local, src)) as { streaming: { children: unknown[]; sender: unknown } };
  assert.equal(mine.streaming.children.length, 1);
  assert.equal(mine.streaming.sender, null);
  const child = asJson(streamingInfo(live.host, src)) as {
    streaming: { children: unknown[]; receiver: unknown };
  };
  assert.deepEqual(child.streaming.children, []);
  assert.equal((child.streaming.receiver as { connected: boolean }).connected, true);
});

Deno.test("streamingInfo(): the children list is printed again when a child comes or goes, and its counters within a second", () => {
  const a = session(undefined), b = session(undefined);
  const local = testHost({ isLocal: true });
  let nowMs = 1000;
  let all: ReceiverSession[] = [a];
  const src = { local, senderStatus: () => undefined, sessions: () => all, nowMs: () => nowMs };
  type Answer = { streaming: { children: { bytes_received: number; connected: boolean }[] } };
  const read = () => (asJson(streamingInfo(local, src)) as Answer).streaming.children;
  assert.equal(read()[0].bytes_received, 42);
  a.bytesIn = 100;
  nowMs += CHILDREN_CACHE_MS / 2;
  assert.equal(read()[0].bytes_received, 42, "counters may be up to a second old");
  all = [a, b];
  assert.equal(read().length, 2, "a new child shows at once");
  assert.equal(read()[0].bytes_received, 100);
  a.bytesIn = 200;
  b.endReason = reason("CHILD_CLOSED");
  assert.equal(read().length, 1, "a child that left goes at once");
  nowMs += CHILDREN_CACHE_MS;
  assert.equal(read()[0].bytes_received, 200, "printed again after a second");
});
