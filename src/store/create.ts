/**
 * The store factory: picks the implementation of a memory mode. Kept apart from the contracts
 * (`types.ts`) so that implementations import the contracts without importing each other.
 * @module
 */

import { DiskStore } from "./dbengine/mod.ts";
import { RamStore } from "./ram.ts";
import type { Store, StoreOptions } from "./types.ts";

/**
 * Creates a store for one host. A dbengine store opens (and recovers) `dir` synchronously.
 * @throws {RangeError} when `historySec` is below 5, the mode is unknown, dbengine has no `dir`
 * or a dbengine option is out of range.
 */
export function createStore(opts: StoreOptions): Store {
  if (!(opts.historySec >= 5)) {
    throw new RangeError(`History must be at least 5 seconds, got ${opts.historySec}`);
  }
  switch (opts.mode) {
    case "ram":
      return new RamStore(opts.historySec, "ram");
    case "dbengine":
      if (!opts.dir) throw new RangeError(`Memory mode "dbengine" needs a directory`);
      return new DiskStore({
        dir: opts.dir,
        historySec: opts.historySec,
        diskSpaceBytes: opts.diskSpaceBytes,
        flushIntervalSec: opts.flushIntervalSec,
        tiers: opts.tiers,
        tierHistorySec: opts.tierHistorySec,
        logger: opts.logger,
      });
    case "none":
      return new RamStore(0, "none");
    default:
      throw new RangeError(`Unknown memory mode "${opts.mode}"`);
  }
}
