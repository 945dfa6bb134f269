import { assert } from "../../tests/_helpers/assert.ts";
import { AnswerGate } from "./gate.ts";
import { TextSink } from "./sink.ts";

const texts: { name: string; parts: string[] }[] = [
  { name: "nothing", parts: [] },
  { name: "one short string", parts: ["abc"] },
  { name: "many small strings across flushes", parts: Array.from({ length: 20_000 }, (_, i) => `${i},`) },
  { name: "multi-byte text across flushes", parts: Array.from({ length: 5_000 }, () => "é€😀 ") },
  { name: "one string larger than the buffer", parts: ["x".repeat(300_000), "ü".repeat(100_000)] },
];

for (const c of texts) {
  Deno.test(`TextSink encodes ${c.name} as TextEncoder does, twice in a row`, () => {
    const w = new TextSink();
    for (let lap = 0; lap < 2; lap++) {
      for (const p of c.parts) w.add(p);
      assert.deepEqual(w.take(), new TextEncoder().encode(c.parts.join("")));
    }
  });
}

Deno.test("TextSink.reset() forgets what was added", () => {
  const w = new TextSink();
  w.add("x".repeat(10_000));
  w.reset();
  w.add("ok");
  assert.equal(new TextDecoder().decode(w.take()), "ok");
});

Deno.test("AnswerGate refuses past its slots and frees a slot when the body is read or cancelled", async () => {
  const gate = new AnswerGate(1);
  assert.equal(gate.tryAcquire(), true);
  assert.equal(gate.tryAcquire(), false);
  assert.equal(gate.refused, 1);
  const bytes = new Uint8Array(200_000).fill(65);
  const read = await new Response(gate.body(bytes)).arrayBuffer();
  assert.equal(read.byteLength, bytes.length);
  assert.equal(gate.inFlight, 0, "read to the end");
  assert.equal(gate.tryAcquire(), true);
  await gate.body(bytes).cancel();
  assert.equal(gate.inFlight, 0, "cancelled");
});
