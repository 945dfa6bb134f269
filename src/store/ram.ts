/**
 * The RAM store: per series, a ring of fixed-size Uint8Array pages holding 32-bit floats on the
 * series' time grid. Pages are allocated when first written, so a series that has collected for
 * a minute holds one page, not an hour of slots; the ring's last page is cut to what the ring
 * needs, so a full ring holds exactly 4 bytes per slot.
 *
 * Tiers above 0 are not stored: {@link RamStore.readTier} aggregates tier 0 on the fly, so they
 * cover the same history as tier 0.
 * @module
 */

import type { MemoryMode, SeriesId, Store, TierBuffers } from "./types.ts";
import { aggregateTier, MAX_TIERS, tierSlots } from "./tiers.ts";

/** Latest time a point may have (year 2500): far beyond it, slot arithmetic stops being exact. */
const MAX_TIME_SEC = 16725225600;

/** Slots per page: 1024 × 4 bytes = one 4 KiB page. */
export const PAGE_SLOTS = 1024;

/** Struct-of-arrays store; every per-series field is indexed by SeriesId. */
export class RamStore implements Store {
  readonly mode: MemoryMode;
  #historySec: number;
  #ids = new Map<string, SeriesId>();
  #ue: number[] = [];
  #cap: number[] = [];
  /** Slot numbers (t / ue) of the oldest and newest stored points; -1 when empty. */
  #first: number[] = [];
  #last: number[] = [];
  #pages: (Float32Array | undefined)[][] = [];
  #bytes = 0;
  #dropped = 0;
  /** Tiers answered (computed from tier 0). */
  readonly tiers = MAX_TIERS;
  #scratch: Float64Array | undefined;

  constructor(historySec: number, mode: MemoryMode) {
    this.#historySec = historySec;
    this.mode = mode;
  }

  get seriesCount(): number {
    return this.#ue.length;
  }

  get droppedOld(): number {
    return this.#dropped;
  }

  memoryBytes(): number {
    return this.#bytes;
  }

  define(key: string, updateEverySec: number): SeriesId {
    if (!(updateEverySec >= 1) || !Number.isInteger(updateEverySec)) {
      throw new RangeError(`Cannot define series "${key}": update every must be a whole number >= 1`);
    }
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#ue.length;
      this.#ids.set(key, id);
      this.#ue.push(updateEverySec);
      this.#cap.push(this.#capacityFor(updateEverySec));
      this.#first.push(-1);
      this.#last.push(-1);
      this.#pages.push([]);
    } else if (this.#ue[id] !== updateEverySec) {
      this.#releasePages(id);
      this.#ue[id] = updateEverySec;
      this.#cap[id] = this.#capacityFor(updateEverySec);
      this.#first[id] = -1;
      this.#last[id] = -1;
    }
    return id;
  }

  append(id: SeriesId, tSec: number, value: number): void {
    const cap = this.#cap[id];
    if (cap === 0) return;
    if (!(tSec >= 0 && tSec <= MAX_TIME_SEC)) {
      this.#dropped++;
      return;
    }
    const n = Math.floor(tSec / this.#ue[id]);
    const last = this.#last[id];
    if (last < 0) {
      this.#first[id] = n;
      this.#last[id] = n;
      this.#write(id, n, value);
      return;
    }
    if (n > last) {
      // Clear the skipped slots (at most one ring) so stale values from the previous lap read as gaps.
      const from = Math.max(last + 1, n - cap + 1);
      for (let k = from; k < n; k++) this.#write(id, k, NaN);
      this.#write(id, n, value);
      this.#last[id] = n;
      if (n - this.#first[id] >= cap) this.#first[id] = n - cap + 1;
      return;
    }
    if (n <= last - cap) {
      this.#dropped++;
      return;
    }
    const first = this.#first[id];
    if (n < first) {
      for (let k = n + 1; k < first; k++) this.#write(id, k, NaN);
      this.#first[id] = n;
    }
    this.#write(id, n, value);
  }

  updateEvery(id: SeriesId): number {
    return this.#ue[id];
  }

  firstTime(id: SeriesId, tier = 0): number {
    const f = this.#first[id];
    return f < 0 || tier >= MAX_TIERS ? 0 : Math.ceil(f / tierSlots(tier)) * this.tierUpdateEvery(id, tier);
  }

  lastTime(id: SeriesId, tier = 0): number {
    const l = this.#last[id];
    return l < 0 || tier >= MAX_TIERS ? 0 : Math.ceil(l / tierSlots(tier)) * this.tierUpdateEvery(id, tier);
  }

  tierUpdateEvery(id: SeriesId, tier: number): number {
    return this.#ue[id] * tierSlots(tier);
  }

  /** Tier points computed from the retained tier-0 points (see `tiers.ts`). */
  readTier(id: SeriesId, tier: number, fromSec: number, toSec: number, out: TierBuffers): number {
    if (tier >= MAX_TIERS) return 0;
    this.#scratch ??= new Float64Array(4096);
    return aggregateTier(this, id, tier, { fromSec, toSec }, out, this.#scratch);
  }

  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number {
    const ue = this.#ue[id];
    const start = Math.ceil(fromSec / ue);
    const end = Math.floor(toSec / ue);
    let count = end - start + 1;
    if (count <= 0) return 0;
    if (count > out.length) count = out.length;
    const first = this.#first[id];
    const last = this.#last[id];
    const cap = this.#cap[id];
    const pages = this.#pages[id];
    for (let i = 0; i < count; i++) {
      const n = start + i;
      if (first < 0 || n < first || n > last) {
        out[i] = NaN;
        continue;
      }
      const pos = n % cap;
      const page = pages[Math.floor(pos / PAGE_SLOTS)];
      out[i] = page === undefined ? NaN : page[pos % PAGE_SLOTS];
    }
    return count;
  }

  close(): void {
    for (let id = 0; id < this.#pages.length; id++) this.#releasePages(id);
  }

  #capacityFor(ue: number): number {
    return this.#historySec === 0 ? 0 : Math.max(2, Math.ceil(this.#historySec / ue));
  }

  #write(id: SeriesId, n: number, value: number): void {
    const pos = n % this.#cap[id];
    const p = Math.floor(pos / PAGE_SLOTS);
    const pages = this.#pages[id];
    let page = pages[p];
    if (page === undefined) {
      const slots = Math.min(PAGE_SLOTS, this.#cap[id] - p * PAGE_SLOTS);
      page = new Float32Array(new Uint8Array(slots * 4).buffer).fill(NaN);
      pages[p] = page;
      this.#bytes += slots * 4;
    }
    page[pos % PAGE_SLOTS] = value;
  }

  #releasePages(id: SeriesId): void {
    const pages = this.#pages[id];
    for (const p of pages) if (p !== undefined) this.#bytes -= p.byteLength;
    this.#pages[id] = [];
  }
}
