/**
 * The store of a host kept without a database (`memory mode = none`) that streams to a parent: it
 * stores nothing the API can read, but also writes every point into a bounded RAM ring, the
 * "send buffer", from which the sender answers the parent's replication requests after a
 * disconnection. So a headless collector loses nothing while its parent is away, within the
 * `[stream] buffer size bytes` budget (oldest points go first).
 *
 * The ring is sized once the host's metrics are known: at the first point of a later second than
 * the first point, it takes `buffer size bytes / (4 × metrics)` seconds (at most `seconds to
 * replicate`, at least 60). Metrics defined later get the same number of seconds.
 * @module
 */

import { RamStore } from "./ram.ts";
import type { MemoryMode, SeriesId, Store, StoreReader } from "./types.ts";

/** Seconds the ring keeps at least, whatever the budget. */
export const MIN_BUFFER_SEC = 60;

/** A `none` store that also feeds a bounded replay ring. */
export class SendBufferStore implements Store {
  readonly mode: MemoryMode = "none";
  readonly #primary: Store;
  readonly #budgetBytes: number;
  readonly #maxSec: number;
  /** Keys and update_every of every series, in id order, to define them again in the ring. */
  readonly #defs: [string, number][] = [];
  #ring: RamStore | undefined;
  #firstSec = -1;
  #historySec = 0;

  /**
   * @param primary the store the API reads (a `none` store)
   * @param budgetBytes `[stream] buffer size bytes`
   * @param maxSec `[db] seconds to replicate`
   */
  constructor(primary: Store, budgetBytes: number, maxSec: number) {
    this.#primary = primary;
    this.#budgetBytes = budgetBytes;
    this.#maxSec = Math.max(MIN_BUFFER_SEC, maxSec);
  }

  /** The ring the sender replays from (undefined until sized). */
  get buffer(): StoreReader | undefined {
    return this.#ring;
  }

  /** Seconds of history the ring holds (0 until sized). */
  get bufferSec(): number {
    return this.#historySec;
  }

  get seriesCount(): number {
    return this.#primary.seriesCount;
  }

  get droppedOld(): number {
    return this.#primary.droppedOld + (this.#ring?.droppedOld ?? 0);
  }

  /** RAM of the ring (the primary holds none). */
  memoryBytes(): number {
    return this.#primary.memoryBytes() + (this.#ring?.memoryBytes() ?? 0);
  }

  define(key: string, updateEverySec: number): SeriesId {
    const id = this.#primary.define(key, updateEverySec);
    if (id === this.#defs.length) this.#defs.push([key, updateEverySec]);
    else this.#defs[id] = [key, updateEverySec];
    if (this.#ring !== undefined) this.#ring.define(key, updateEverySec);
    return id;
  }

  append(id: SeriesId, tSec: number, value: number): void {
    this.#primary.append(id, tSec, value);
    if (this.#ring === undefined) {
      if (this.#firstSec < 0) this.#firstSec = tSec;
      if (tSec === this.#firstSec) return;
      this.#size();
    }
    this.#ring!.append(id, tSec, value);
  }

  #size(): void {
    const n = Math.max(1, this.#defs.length);
    this.#historySec = Math.min(
      this.#maxSec,
      Math.max(MIN_BUFFER_SEC, Math.floor(this.#budgetBytes / (4 * n))),
    );
    const ring = new RamStore(this.#historySec, "ram");
    for (const [key, ue] of this.#defs) ring.define(key, ue);
    this.#ring = ring;
  }

  // Reads: what the API sees is the primary, which keeps nothing.
  updateEvery(id: SeriesId): number {
    return this.#primary.updateEvery(id);
  }

  firstTime(id: SeriesId, tier?: number): number {
    return this.#primary.firstTime(id, tier);
  }

  lastTime(id: SeriesId, tier?: number): number {
    return this.#primary.lastTime(id, tier);
  }

  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number {
    return this.#primary.read(id, fromSec, toSec, out);
  }

  releaseFiles(): void {
    this.#primary.releaseFiles?.();
  }

  close(): void {
    this.#primary.close();
    this.#ring?.close();
  }
}
