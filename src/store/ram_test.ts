import { assert } from "../../tests/_helpers/assert.ts";
import { createStore } from "./mod.ts";
import { PAGE_SLOTS } from "./ram.ts";

const T0 = 1795293600;

function values(store: ReturnType<typeof createStore>, id: number, from: number, to: number): number[] {
  const out = new Float64Array(to - from + 1);
  const n = store.read(id, from, to, out);
  return Array.from(out.subarray(0, n));
}

Deno.test("RamStore reads back appended points on the grid", () => {
  const s = createStore({ mode: "ram", historySec: 60 });
  const id = s.define("c|d", 1);
  for (let i = 0; i < 5; i++) s.append(id, T0 + i, i * 1.5);
  assert.deepEqual(values(s, id, T0, T0 + 4), [0, 1.5, 3, 4.5, 6]);
  assert.equal(s.firstTime(id), T0);
  assert.equal(s.lastTime(id), T0 + 4);
});

Deno.test("RamStore leaves skipped slots as gaps", () => {
  const s = createStore({ mode: "ram", historySec: 60 });
  const id = s.define("c|d", 1);
  s.append(id, T0, 1);
  s.append(id, T0 + 3, 4);
  const v = values(s, id, T0, T0 + 3);
  assert.equal(v[0], 1);
  assert.ok(Number.isNaN(v[1]) && Number.isNaN(v[2]));
  assert.equal(v[3], 4);
});

Deno.test("RamStore recycles the oldest slots after wrap-around", () => {
  const s = createStore({ mode: "ram", historySec: 10 });
  const id = s.define("c|d", 1);
  for (let i = 0; i < 25; i++) s.append(id, T0 + i, i);
  assert.equal(s.firstTime(id), T0 + 15);
  assert.equal(s.lastTime(id), T0 + 24);
  assert.deepEqual(values(s, id, T0 + 15, T0 + 24), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  assert.ok(values(s, id, T0 + 10, T0 + 14).every(Number.isNaN), "recycled slots read as gaps");
});

Deno.test("RamStore clears a whole lap when the gap is longer than its history", () => {
  const s = createStore({ mode: "ram", historySec: 10 });
  const id = s.define("c|d", 1);
  for (let i = 0; i < 10; i++) s.append(id, T0 + i, i);
  s.append(id, T0 + 100, 100);
  assert.equal(s.firstTime(id), T0 + 91);
  const v = values(s, id, T0 + 91, T0 + 100);
  assert.ok(v.slice(0, 9).every(Number.isNaN));
  assert.equal(v[9], 100);
});

Deno.test("RamStore back-fills an older slot within retention and drops older ones", () => {
  const s = createStore({ mode: "ram", historySec: 10 });
  const id = s.define("c|d", 1);
  s.append(id, T0 + 20, 20);
  s.append(id, T0 + 15, 15);
  assert.equal(s.firstTime(id), T0 + 15);
  assert.equal(values(s, id, T0 + 15, T0 + 15)[0], 15);
  s.append(id, T0 + 5, 5);
  assert.equal(s.droppedOld, 1);
});

Deno.test("RamStore keeps a grid of update-every seconds and rounds reads up to it", () => {
  const s = createStore({ mode: "ram", historySec: 100 });
  const id = s.define("load|load1", 5);
  s.append(id, T0, 1);
  s.append(id, T0 + 5, 2);
  assert.deepEqual(values(s, id, T0 - 2, T0 + 7), [1, 2]);
});

Deno.test("RamStore allocates pages lazily and a full ring holds 4 bytes per slot", () => {
  const s = createStore({ mode: "ram", historySec: 3600 });
  const id = s.define("c|d", 1);
  assert.equal(s.memoryBytes(), 0);
  s.append(id, T0, 1);
  assert.equal(s.memoryBytes(), PAGE_SLOTS * 4);
  for (let t = 1; t < 4000; t++) s.append(id, T0 + t, t);
  assert.equal(s.memoryBytes(), 3600 * 4);
  const short = createStore({ mode: "ram", historySec: 30 });
  const sid = short.define("c|d", 1);
  for (let t = 0; t < 100; t++) short.append(sid, T0 + t, t);
  assert.equal(short.memoryBytes(), 30 * 4);
  assert.equal(short.lastTime(sid), T0 + 99);
  assert.equal(short.firstTime(sid), T0 + 70);
});

Deno.test("memory mode none stores nothing", () => {
  const s = createStore({ mode: "none", historySec: 3600 });
  const id = s.define("c|d", 1);
  s.append(id, T0, 1);
  assert.equal(s.lastTime(id), 0);
  assert.ok(values(s, id, T0, T0).every(Number.isNaN));
});

Deno.test("RamStore drops points at negative or absurd times instead of looping", () => {
  const s = createStore({ mode: "ram", historySec: 60 });
  const id = s.define("c|d", 1);
  s.append(id, T0, 1);
  s.append(id, -5, 1);
  s.append(id, 2 ** 60, 1);
  s.append(id, NaN, 1);
  assert.equal(s.droppedOld, 3);
  assert.equal(s.lastTime(id), T0);
});
