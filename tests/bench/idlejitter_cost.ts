/**
 * What the idlejitter thread costs: CPU time (ns, from /proc/<pid>/task/<tid>/schedstat) of each
 * thread of this process over `seconds` with the collector running, and per wakeup of its 20 ms
 * sleep; beside, in the same window, the floor (a bare worker looping on `Atomics.wait`, measuring
 * nothing) and Netdata 1.37.1's PLUGIN[idlejitter] thread when netdata is installed.
 *
 *   deno run -A tests/bench/idlejitter_cost.ts [seconds]
 *
 * What it showed (2 shared cores, 8 paired runs): ours 30-57 µs a wake, the bare futex loop 32-45,
 * Netdata 20-28. The wake itself is most of it; two `performance.now()` reads add about 5 µs, and
 * reading CLOCK_MONOTONIC through FFI (clock_gettime from libc.so.6) instead cost 3-6 µs more, not less.
 *
 * Loop variants, each in its own worker of one process, measured in the same 30 s (3 runs,
 * 2026-12-05): the bare wait 31.7-33.8 µs a wake, the collector's loop 38.5-40.5, the same without the
 * compare-exchange loops (each wake's value into a ring) 37.4, one `performance.now()` a wake instead
 * of two 40.8-47.0, a synchronous FFI `clock_nanosleep` + `clock_gettime` 40.8-43.7: nothing below
 * the collector's loop. A worker alone varies more between runs (the bare wait 32.9 and 57.9) than the
 * variants differ. perf of the worker thread: 33 % kernel (the wake), 55 % deno's native code and
 * libc (one futex wait a wake, per strace), 4 % JS.
 * @module
 */
import { IdlejitterCollector } from "../../src/collectors/idlejitter.ts";
import { makeHost, T0 } from "../../src/collectors/_fixture.ts";
import { hasNetdata, startNetdata } from "../_helpers/netdata.ts";

const sec = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? 15);
const WAKES_PER_SEC = 1000 / 20;

/** CPU ns of every thread of `pid`, by "tid name". */
function threads(pid: number | "self"): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ns = Number(Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/schedstat`).split(" ")[0]);
      out.set(`${t.name} ${name}`, ns);
    } catch { /* the thread ended */ }
  }
  return out;
}

const FLOOR_SOURCE = `self.onmessage = (e) => {
  const c = new Int32Array(e.data);
  while (Atomics.load(c, 0) === 0) Atomics.wait(c, 1, 0, 20);
  self.close();
};`;

const clock = { us: T0 * 1e6 };
const host = makeHost(clock);
const c = new IdlejitterCollector({ updateEvery: 1 });
c.collect(host, 0); // defines the chart; the thread runs from the constructor on
const floorCells = new Int32Array(new SharedArrayBuffer(8));
const floorUrl = URL.createObjectURL(new Blob([FLOOR_SOURCE], { type: "application/javascript" }));
const floor = new Worker(floorUrl, { type: "module", name: "floor" });
floor.postMessage(floorCells.buffer);
const nd = hasNetdata() ? await startNetdata({ hostname: "idlejitter-cost", memoryMode: "none" }) : null;
try {
  const ndPid = nd === null ? 0 : Number(
    new TextDecoder().decode(
      new Deno.Command("pgrep", { args: ["-o", "-f", `${nd.dir}/etc/netdata.conf`] }).outputSync().stdout,
    ).trim(),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const a = threads("self"), na = ndPid ? threads(ndPid) : new Map(), w0 = performance.now();
  for (let i = 0; i < sec; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    clock.us += 1e6;
    c.collect(host, 1e6);
  }
  const b = threads("self"), nb = ndPid ? threads(ndPid) : new Map(), wallMs = performance.now() - w0;
  const perWake = (ns: number) => (ns / 1000 / (wallMs / 1000 * WAKES_PER_SEC)).toFixed(1);
  // Workers are numbered in creation order: worker-1 is the collector's, worker-2 the floor.
  let total = 0, floorNs = 0;
  for (const [k, ns] of b) {
    const d = ns - (a.get(k) ?? 0);
    if (k.endsWith(" worker-2")) {
      floorNs = d;
      continue;
    }
    total += d;
    if (d >= 1e6) {
      console.log(`${k}: ${(d / 1e6).toFixed(1)} ms (${(d / 1e4 / wallMs).toFixed(3)} % of a core)`);
    }
  }
  console.log(
    `process: ${(total / 1e6).toFixed(1)} ms CPU in ${(wallMs / 1000).toFixed(1)} s = ` +
      `${(total / 1e4 / wallMs).toFixed(3)} % of a core, ${perWake(total)} µs per 20 ms wakeup`,
  );
  console.log(`floor (bare Atomics.wait worker): ${perWake(floorNs)} µs per wakeup`);
  for (const [k, ns] of nb) {
    if (k.includes("PLUGIN[idlejit")) {
      console.log(`netdata ${k}: ${perWake(ns - (na.get(k) ?? 0))} µs per wakeup`);
    }
  }
} finally {
  c.close();
  Atomics.store(floorCells, 0, 1);
  Atomics.notify(floorCells, 1);
  floor.terminate();
  URL.revokeObjectURL(floorUrl);
  await nd?.stop();
}
