import { assert } from "../../../tests/_helpers/assert.ts";
import { type Flushable, Flusher } from "./flusher.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* spin */ }
}

Deno.test("Flusher flushes every store once per interval, a few per wake-up, on one timer", async () => {
  const f = new Flusher();
  const counts = new Map<Flushable, number>();
  /** Most flushes without the event loop getting a turn (each takes 1 ms of CPU). */
  let longest = 0;
  let run = 0;
  let turn = true;
  const ticker = setInterval(() => turn = true, 0);
  const stores: Flushable[] = [];
  for (let i = 0; i < 40; i++) {
    const s: Flushable = {
      flushDue() {
        if (turn) {
          turn = false;
          run = 0;
        }
        busy(1);
        longest = Math.max(longest, ++run);
        counts.set(s, (counts.get(s) ?? 0) + 1);
      },
    };
    stores.push(s);
    f.add(s, 100);
  }
  try {
    await sleep(450);
    for (const s of stores) {
      const n = counts.get(s) ?? 0;
      assert.ok(n >= 2 && n <= 5, `flushed ${n} times in 450 ms at 100 ms`);
    }
    // All 40 were due at once; each wake-up stops after its budget (8 ms), so about 8 of them.
    assert.ok(longest <= 9, `${longest} flushes in one event-loop turn`);
    f.delete(stores[0]);
    const before = counts.get(stores[0]);
    await sleep(250);
    assert.equal(counts.get(stores[0]), before, "a deleted store is not flushed");
  } finally {
    clearInterval(ticker);
    for (const s of stores) f.delete(s);
  }
  assert.equal(f.size, 0);
});
