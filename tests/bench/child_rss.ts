/**
 * Steady-state footprint of one headless child (db none, web none) streaming to a parent:
 * `deno run -A tests/bench/child_rss.ts [MAIN.ts] [SECONDS] [MODE]` starts our parent and the
 * child from MAIN (default this tree's main.ts; pass another tree's to compare commits), waits
 * SECONDS (default 150), then prints the child's VmRSS (/proc/PID/status) and its CPU per collected
 * dimension over the last 60 s (/proc/PID/stat). MODE `ram` runs a ram-mode child with its web API;
 * a fourth argument gives the child V8 flags (`--v8-flags=...`).
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
 * Where the RSS goes: an empty `deno run` timer idles at 34.7 MiB; loading our module graph (no
 * collection) brings it to 58 MiB; collecting without streaming 76 MiB; streaming 80-85 MiB. The JS
 * heap is only 12-16 MiB of that; the replication ring (`buffer size bytes`) is not it (1 MiB instead
 * of 10 changes nothing at first), nor glibc arenas (`MALLOC_ARENA_MAX=1`: no change); `node:net`
 * alone costs 9 MiB. The send path's text is about 1 % of the CPU (`encode_bench.ts`); idlejitter's
 * 50 wake-ups a second are about 30 %.
 * @module
 */

const main = Deno.args[0] || new URL("../../main.ts", import.meta.url).pathname;
const seconds = Number(Deno.args[1] ?? 150);
const mode = Deno.args[2] ?? "none";
/** V8 flags for the child only, e.g. `--max-semi-space-size=1`. */
const v8Flags = Deno.args[3] ?? "";
const key = crypto.randomUUID();
const tmp = await Deno.makeTempDir({ prefix: "child-rss-" });
await Deno.mkdir(`${tmp}/p`);
await Deno.mkdir(`${tmp}/c`);
const port = 20000 + Math.floor(Math.random() * 20000);
await Deno.writeTextFile(`${tmp}/p/stream.conf`, `[${key}]\n    enabled = yes\n`);
await Deno.writeTextFile(
  `${tmp}/c/agent.conf`,
  mode === "ram" ? "[db]\n    mode = ram\n" : "[db]\n    mode = none\n[web]\n    mode = none\n",
);
await Deno.writeTextFile(
  `${tmp}/c/stream.conf`,
  `[stream]\n    enabled = yes\n    destination = 127.0.0.1:${port}\n    api key = ${key}\n`,
);
const run = (dir: string, extra: string[], flags = "") =>
  new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(flags ? [`--v8-flags=${flags}`] : []),
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
  ["--hostname", "rss-c", "--bind", "127.0.0.1", "--port", String(port + 1)],
  v8Flags,
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
      main,
      mode,
      v8Flags,
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
}
