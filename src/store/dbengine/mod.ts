/**
 * The dbengine store (`memory mode = dbengine`): a facade (`store.ts`) over its parts (page
 * reader, segment files, journal, open pages, back-fill, retention, recovery), with the byte
 * layouts in FORMAT.md. Users create it through `createStore({ mode: "dbengine", … })` in
 * `../mod.ts`; this module exports the class for benchmarks and tests.
 *
 * @example
 * ```ts
 * import { DiskStore } from "./mod.ts";
 * const store = new DiskStore({ dir: "/tmp/agent-db", historySec: 3600, flushIntervalSec: 5 });
 * const id = store.define("system.cpu|user", 1);
 * store.append(id, 1795293600, 12.5);
 * store.close(); // seals every open page and removes the journal
 * ```
 * @module
 */

export { DiskStore, type DiskStoreOptions, MIN_DISK_SPACE_BYTES, TIER_DISK_SHARES } from "./store.ts";
export { DEFAULT_SEGMENT_BYTES, PAGE_POINTS } from "./pages.ts";
export { type Flushable, Flusher, sharedFlusher } from "./flusher.ts";
