/**
 * Test support (private to this folder): temporary store directories, captured store logs and
 * small read helpers.
 * @module
 */

import { configureSync, type LogRecord, resetSync } from "@logtape/logtape";
import { createStore, type Store, type StoreOptions, type TierBuffers, tierBuffers } from "./mod.ts";

/** A round time (a multiple of 3600 × 5) to start series at. */
export const T0 = 1795291200;

/** Reads tier-0 points `from…to` as a plain array. */
export function values(store: Store, id: number, from: number, to: number): number[] {
  const out = new Float64Array(Math.max(1, Math.floor((to - from) / store.updateEvery(id)) + 1));
  const n = store.read(id, from, to, out);
  return Array.from(out.subarray(0, n));
}

/** Reads tier points `from…to` as arrays. */
export function tierValues(
  store: Store,
  id: number,
  tier: number,
  range: { from: number; to: number; max?: number },
): { min: number[]; max: number[]; sum: number[]; count: number[] } {
  const b: TierBuffers = tierBuffers(range.max ?? 1000);
  const n = store.readTier!(id, tier, range.from, range.to, b);
  return {
    min: Array.from(b.min.subarray(0, n)),
    max: Array.from(b.max.subarray(0, n)),
    sum: Array.from(b.sum.subarray(0, n)),
    count: Array.from(b.count.subarray(0, n)),
  };
}

/** A fresh temporary directory; remove it with {@link removeDir}. */
export function tempDir(prefix = "store"): string {
  return Deno.makeTempDirSync({ prefix: `agent-${prefix}-` });
}

/** Removes a directory tree, ignoring a missing one. */
export function removeDir(dir: string): void {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch {
    // already gone
  }
}

/** Opens a dbengine store in `dir` with a flush interval long enough not to fire in a test. */
export function openDisk(dir: string, opts: Partial<StoreOptions> = {}): Store {
  return createStore({ mode: "dbengine", historySec: 3600, flushIntervalSec: 3600, dir, ...opts });
}

/** A log line as text: the message with its values filled in, plus the record's properties. */
export interface CapturedLog {
  level: string;
  text: string;
  props: Record<string, unknown>;
}

/**
 * Sends the `["agent", "store"]` logs to an array while `fn` runs (LogTape is global, so tests
 * using this must not run concurrently with other logging tests in the same process).
 */
export function captureLogs<T>(fn: (logs: CapturedLog[]) => T): T {
  const logs: CapturedLog[] = [];
  configureSync({
    reset: true,
    sinks: {
      capture: (r: LogRecord) => {
        logs.push({ level: r.level, text: r.message.map(String).join(""), props: { ...r.properties } });
      },
    },
    loggers: [
      { category: ["agent", "store"], lowestLevel: "debug", sinks: ["capture"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  try {
    return fn(logs);
  } finally {
    resetSync();
  }
}

/** Copies every file of `from` into a new temporary directory (a crash image of a live store). */
export function copyDir(from: string): string {
  const to = tempDir("copy");
  const walk = (src: string, dst: string) => {
    Deno.mkdirSync(dst, { recursive: true });
    for (const e of Deno.readDirSync(src)) {
      if (e.isDirectory) walk(`${src}/${e.name}`, `${dst}/${e.name}`);
      else if (e.isFile) Deno.writeFileSync(`${dst}/${e.name}`, Deno.readFileSync(`${src}/${e.name}`));
    }
  };
  walk(from, to);
  return to;
}
