/**
 * The runtime's floor for a child (issue #16, #14): Deno processes that do nothing an agent does,
 * run with the binary's Deno flags beside the children of footprint.ts and measured in the same
 * window. One only keeps a 1 s timer (what any resident Deno process costs); the other also runs
 * one Worker that sleeps 20 ms at a time in `Atomics.wait`, measuring nothing (what Netdata's
 * idlejitter thread, which every Netdata child runs, costs as a Deno thread; see idlejitter_cost.ts).
 * @module
 */

const BARE = "setInterval(() => {}, 1000);\n";
const WORKER = `const c = new Int32Array(new SharedArrayBuffer(4));
for (;;) Atomics.wait(c, 0, 0, 20);
`;
const WITH_WORKER = BARE +
  `new Worker(new URL("./worker.js", import.meta.url), { type: "module" });\n`;

/** The two floor processes. */
export interface RuntimeFloor {
  /** Only a 1 s timer. */
  barePid: number;
  /** The timer and the sleeping worker. */
  workerPid: number;
  stop(): Promise<void>;
}

/** Starts both with `denoArgs` (the binary's flags), and gives them two seconds to start. */
export async function startRuntimeFloor(denoArgs: string[]): Promise<RuntimeFloor> {
  const dir = await Deno.makeTempDir({ prefix: "bench-floor-" });
  await Deno.writeTextFile(`${dir}/bare.js`, BARE);
  await Deno.writeTextFile(`${dir}/worker.js`, WORKER);
  await Deno.writeTextFile(`${dir}/with_worker.js`, WITH_WORKER);
  const spawn = (file: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...denoArgs, `${dir}/${file}`],
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
    }).spawn();
  const bare = spawn("bare.js"), worker = spawn("with_worker.js");
  await new Promise((r) => setTimeout(r, 2000));
  return {
    barePid: bare.pid,
    workerPid: worker.pid,
    async stop() {
      for (const p of [bare, worker]) {
        try {
          p.kill("SIGKILL");
        } catch { /* gone */ }
        await p.status;
      }
      await Deno.remove(dir, { recursive: true });
    },
  };
}
