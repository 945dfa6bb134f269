/**
 * The load process of `load.ts`: `deno run -A load_worker.ts DIR MAX_SEC`. Irregular bursts of
 * fsync'ed writes, CPU spins and short sleeps, so rates change within a second.
 * @module
 */

const [dir, maxSecText] = Deno.args;
const endMs = Date.now() + Number(maxSecText) * 1000;
const block = new Uint8Array(256 * 1024).fill(7);
let n = 0;
while (Date.now() < endMs) {
  const kind = Math.random();
  if (kind < 0.4) {
    const f = await Deno.open(`${dir}/f${n++ % 4}`, { write: true, create: true, truncate: true });
    const blocks = 1 + Math.floor(Math.random() * 16);
    for (let i = 0; i < blocks; i++) await f.write(block);
    await f.syncData();
    f.close();
  } else if (kind < 0.7) {
    const spinMs = 20 + Math.random() * 250;
    const t0 = performance.now();
    let x = 0;
    while (performance.now() - t0 < spinMs) x += Math.sqrt(x + 1);
    if (x < 0) console.log(x);
  } else {
    // Many short sleeps: context switches and timer interrupts.
    const k = 10 + Math.floor(Math.random() * 200);
    for (let i = 0; i < k; i++) await new Promise((r) => setTimeout(r, 0));
  }
  await new Promise((r) => setTimeout(r, Math.random() * 300));
}
