/**
 * What the idlejitter thread costs: CPU time (ns, from /proc/self/task/<tid>/schedstat) of each
 * thread of this process over `seconds` with the collector running, and per wakeup of its 20 ms
 * sleep. Compare with Netdata's PLUGIN[idlejitter] thread (same file for its pid's tasks).
 *
 *   deno run -A tests/bench/idlejitter_cost.ts [seconds]
 */
import { IdlejitterCollector } from "../../src/collectors/idlejitter.ts";
import { makeHost, T0 } from "../../src/collectors/_fixture.ts";

const sec = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? 15);

/** CPU ns of every thread of this process, by "tid name". */
function threads(): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of Deno.readDirSync("/proc/self/task")) {
    try {
      const stat = Deno.readTextFileSync(`/proc/self/task/${t.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ns = Number(Deno.readTextFileSync(`/proc/self/task/${t.name}/schedstat`).split(" ")[0]);
      out.set(`${t.name} ${name}`, ns);
    } catch { /* the thread ended */ }
  }
  return out;
}

const clock = { us: T0 * 1e6 };
const host = makeHost(clock);
const c = new IdlejitterCollector({ updateEvery: 1 });
c.collect(host, 0); // starts the thread
await new Promise((r) => setTimeout(r, 1000));
const a = threads(), w0 = performance.now();
for (let i = 0; i < sec; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  clock.us += 1e6;
  c.collect(host, 1e6);
}
const b = threads(), wallMs = performance.now() - w0;
c.close();
let total = 0;
for (const [k, ns] of b) {
  const d = ns - (a.get(k) ?? 0);
  total += d;
  if (d >= 1e6) {
    console.log(`${k}: ${(d / 1e6).toFixed(1)} ms (${(d / 1e4 / wallMs).toFixed(3)} % of a core)`);
  }
}
const wakeups = wallMs / 20;
console.log(
  `process: ${(total / 1e6).toFixed(1)} ms CPU in ${(wallMs / 1000).toFixed(1)} s = ` +
    `${(total / 1e4 / wallMs).toFixed(3)} % of a core, ${
      (total / wakeups / 1000).toFixed(1)
    } µs per 20 ms wakeup`,
);
