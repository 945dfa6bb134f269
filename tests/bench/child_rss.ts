/**
 * Steady-state footprint of one headless child (db none, web none) streaming to a parent:
 * `deno run -A tests/bench/child_rss.ts [MAIN.ts] [SECONDS] [MODE]` starts our parent and the
 * child from MAIN (default this tree's main.ts; pass another tree's to compare commits, or `binary`
 * for this tree's agent as the binary runs it: the code-split bundle with the stub's Deno flags),
 * waits SECONDS (default 150), then prints the child's VmRSS (/proc/PID/status) and its CPU per
 * collected dimension over the last 60 s (/proc/PID/stat). MODE `ram` runs a ram-mode child with its
 * web API; a fourth argument gives the child more V8 flags (`--v8-flags=...`).
 *
 * What it found (2026-12-04, x86_64, 2 busy cores, `deno run`, ~415 dimensions; CPU figures vary by
 * ±15 % between runs on this shared machine):
 *
 * | headless child                               | VmRSS    | CPU µs per dimension-second |
 * | -------------------------------------------- | -------- | --------------------------- |
 * | before issue #16 (2e606c0), plain text       | 85.1 MiB | 14.5                        |
 * | now, DEFLATE to our parent                   | 82.8 MiB | 16.1-18.4                   |
 * | now, `--v8-flags=--no-maglev`                | 79.5 MiB | 16.1 (no measurable cost)   |
 * | now, `--v8-flags=--jitless`                  | 70.9 MiB | 35.7 (2x CPU: not worth it) |
 * | now, `--v8-flags=--max-semi-space-size=1`    | 86.2 MiB | 21.3 (more GC, no gain)     |
 * | now, `[plugins] idlejitter = no`             | 79.3 MiB | about 30 % less CPU         |
 * | Netdata 1.37.1, memory mode none (make bench)| 13.4 MiB | 5.7-6.8                     |
 *
 * The binary (2026-12-05, `binary` as MAIN, children side by side in one run, 120 s unless said):
 *
 * | headless child                                        | VmRSS         | CPU µs per dimension-second |
 * | ----------------------------------------------------- | ------------- | --------------------------- |
 * | `deno run main.ts`                                    | 85.7-88.3 MiB | 13.1-15.5                   |
 * | one-file bundle (the binary before), warm caches      | 86.7-87.5 MiB | 13.1-15.9                   |
 * | the same, first start after unpacking                 | 110 MiB       | 14.8                        |
 * | code-split bundle, warm caches                        | 81.7-84.4 MiB | 13.5-16.0                   |
 * | the same, first start (module graph not cached)       | 96-102 MiB    | 14.3-14.7                   |
 * | + `--no-maglev`                                       | 78.5-78.7 MiB | 11.1-13.5                   |
 * | + `--no-code-cache` (the binary now; warm-up run)     | 76.7-78.7 MiB | 11.1-15.1                   |
 * | the binary now, after 300 s                           | 77.7 MiB      | 11.5                        |
 * | the binary now, ram mode with web API, after 300 s    | 80.8 MiB      | 29.4                        |
 * | + `--optimize-for-size`                               | 78.4 MiB      | same                        |
 * | + `--no-concurrent-recompilation`                     | 77.3 MiB      | same (within noise)         |
 * | + `--invocation-count-for-turbofan=30000`             | 77.5 MiB      | +26 % (not worth it)        |
 * | + `--no-opt` (no TurboFan)                            | 70.2-71.4 MiB | +68-84 % (not worth it)     |
 * | + `[plugins] idlejitter = no`                         | 66.0 MiB      | 7.6 (-44 %)                 |
 * | the binary before one zlib write per flush (105477f)  | 76.3-77.0 MiB | 12.76, 11.19                |
 * | the binary with it (2026-12-05, 150 s, alternating)   | 76.5-77.7 MiB | 10.34, 9.97                 |
 *
 * Where the RSS goes: an empty `deno run` timer idles at 34.7 MiB, of which 24 MiB are pages of the
 * deno executable itself (file-backed, shared, clean); the headless child's 80 MiB are 45 MiB of
 * such pages and 35 MiB anonymous memory, of which the JS heap is 12-14 MiB. Node's compatibility
 * layer costs about 9 MiB once any `node:` module loads (5 MiB of executable pages, 5 anonymous);
 * a headless child cannot avoid it (diskspace needs `statfsSync` from node:fs, self.ts
 * `process.cpuUsage`, DEFLATE node:zlib), so a sender on `Deno.connect` instead of node:net would save
 * about 1 MiB (within noise: 50.5-53.3 against 50.6-51.8 MiB with the other node modules loaded).
 * The idlejitter Worker (a second V8 isolate) costs about 12 MiB. The replication ring of a
 * headless child (`buffer size bytes`, 10 MiB by default) is allocated as it fills, in about
 * 100 minutes at 420 metrics, so it adds up to 10 MiB after the times above; a ram-mode child's
 * store likewise grows over its retention (about 6 MiB for the default hour). The send path's text
 * is about 1 % of the CPU (`encode_bench.ts`), but handing each round to node:zlib on its own cost
 * 14 % of the main thread (perf); with one write per flush the main thread went from 2527 and 2269
 * to 2129 and 2061 µs/s (the pairs above). Idlejitter's 50 wake-ups a second are about 30-44 %.
 * @module
 */

import { freePort } from "../_helpers/netdata.ts";
import { binaryAgent } from "./footprint.ts";

const bin = Deno.args[0] === "binary" ? await binaryAgent() : undefined;
const main = bin?.main ?? (Deno.args[0] || new URL("../../main.ts", import.meta.url).pathname);
const seconds = Number(Deno.args[1] ?? 150);
const mode = Deno.args[2] ?? "none";
/** V8 flags for the child only, e.g. `--max-semi-space-size=1` (added to the binary's own). */
const v8Flags = Deno.args[3] ?? "";
const childArgs = (bin?.denoArgs ?? []).filter((a) => !a.startsWith("--v8-flags="));
const allV8 = [
  ...(bin?.denoArgs ?? []).filter((a) => a.startsWith("--v8-flags=")).map((a) => a.slice(11)),
  v8Flags,
]
  .filter((f) => f).join(",");
if (allV8) childArgs.push(`--v8-flags=${allV8}`);
const key = crypto.randomUUID();
const tmp = await Deno.makeTempDir({ prefix: "child-rss-" });
await Deno.mkdir(`${tmp}/p`);
await Deno.mkdir(`${tmp}/c`);
const port = freePort();
await Deno.writeTextFile(`${tmp}/p/stream.conf`, `[${key}]\n    enabled = yes\n`);
await Deno.writeTextFile(
  `${tmp}/c/agent.conf`,
  mode === "ram" ? "[db]\n    mode = ram\n" : "[db]\n    mode = none\n[web]\n    mode = none\n",
);
await Deno.writeTextFile(
  `${tmp}/c/stream.conf`,
  `[stream]\n    enabled = yes\n    destination = 127.0.0.1:${port}\n    api key = ${key}\n`,
);
const run = (dir: string, extra: string[], denoArgs: string[] = []) =>
  new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...denoArgs,
      main,
      "run",
      "--config",
      dir,
      "--data-dir",
      dir,
      "--log-level",
      "info",
      ...extra,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
const parent = run(`${tmp}/p`, ["--bind", "127.0.0.1", "--port", String(port), "--hostname", "rss-p"]);
await new Promise((r) => setTimeout(r, 3000));
const child = run(
  `${tmp}/c`,
  ["--hostname", "rss-c", "--bind", "127.0.0.1", "--port", String(freePort())],
  childArgs,
);
const stat = (pid: number) => {
  const f = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const w = f.slice(f.lastIndexOf(")") + 2).split(" ");
  const rss = Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1]);
  return { cpu: (Number(w[11]) + Number(w[12])) / 100, rssMiB: rss / 1024 };
};
try {
  await new Promise((r) => setTimeout(r, Math.max(0, seconds - 60) * 1000));
  const a = stat(child.pid);
  await new Promise((r) => setTimeout(r, Math.min(60, seconds) * 1000));
  const b = stat(child.pid);
  const charts = await (await fetch(`http://127.0.0.1:${port}/host/rss-c/api/v1/charts`)).json();
  const dims = charts.dimensions_count;
  const window = Math.min(60, seconds);
  console.log(
    JSON.stringify({
      main: bin ? "binary" : main,
      mode,
      denoArgs: childArgs.join(" "),
      seconds,
      rssMiB: +b.rssMiB.toFixed(1),
      dims,
      cpuSecPerMin: +((b.cpu - a.cpu) * 60 / window).toFixed(3),
      usPerDimSec: +((b.cpu - a.cpu) / window * 1e6 / dims).toFixed(2),
    }),
  );
} finally {
  for (const p of [child, parent]) {
    p.kill("SIGTERM");
    await p.status;
  }
  await Deno.remove(tmp, { recursive: true });
  if (bin) await Deno.remove(bin.dir, { recursive: true });
}
