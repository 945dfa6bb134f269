/**
 * A busy machine for fidelity tests: a separate process that writes and fsyncs files, burns CPU in
 * bursts and switches contexts at irregular moments, so incremental charts (system.io, system.ctxt,
 * system.intr, disk.*, cpu) move within and across seconds. It stops by itself after `maxSec`.
 * @module
 */

const WORKER = new URL("./load_worker.ts", import.meta.url).pathname;

/** A running load process. */
export interface Load {
  /** Stops it and removes its files. */
  stop(): Promise<void>;
}

/** Starts the load for at most `maxSec` seconds. */
export async function startLoad(maxSec = 180): Promise<Load> {
  const dir = await Deno.makeTempDir({ prefix: "agent-load-" });
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER, dir, String(maxSec)],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        try {
          proc.kill("SIGKILL");
        } catch { /* already gone */ }
        await proc.status;
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      })();
      return stopped;
    },
  };
}
