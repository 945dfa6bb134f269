/**
 * Child process of the kill -9 test (store_test.ts): opens a dbengine store in `dir` and appends
 * one tick to every series each `tickMs`, forever, continuing after the store's newest point.
 * After each tick it prints `<tick time> <Date.now()>` so the parent knows what was appended
 * when. Args: dir flushIntervalSec series tickMs
 */
import { createStore } from "../../mod.ts";

const [dir, flushSec, seriesCount, tickMs] = Deno.args;
const store = createStore({
  mode: "dbengine",
  dir,
  historySec: 3600,
  flushIntervalSec: Number(flushSec),
  diskSpaceBytes: 1024 * 1024,
});
const ids: number[] = [];
for (let i = 0; i < Number(seriesCount); i++) ids.push(store.define(`kill|s${i}`, 1));
let t = store.lastTime(ids[0]) || 1795291200;
const enc = new TextEncoder();
Deno.stdout.writeSync(enc.encode(`ready ${t}\n`));
for (;;) {
  t++;
  for (let i = 0; i < ids.length; i++) store.append(ids[i], t, (t * 31 + i) % 1000);
  Deno.stdout.writeSync(enc.encode(`${t} ${Date.now()}\n`));
  await new Promise((r) => setTimeout(r, Number(tickMs)));
}
