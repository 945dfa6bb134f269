/**
 * The store's contracts: the write interface (for the collection pipeline), the read interface
 * (for the API and the stream sender) and the options of a store. Every implementation (RAM,
 * send buffer, dbengine) imports them from here; the invariants they keep are listed in
 * `mod.ts`.
 * @module
 */

import type { Logger } from "@logtape/logtape";

/** A small integer naming one series inside one store. */
export type SeriesId = number;

/** The memory modes of Netdata's `[db] mode` that we implement. */
export type MemoryMode = "none" | "ram" | "dbengine";

/** What the collection pipeline needs. */
export interface StoreWriter {
  /**
   * Finds or creates the series named `key` on a grid of `updateEverySec` seconds.
   * Redefining a series with another `updateEverySec` clears its points.
   */
  define(key: string, updateEverySec: number): SeriesId;
  /** Stores `value` (NaN for a gap) at `tSec`, which must be a multiple of the series' grid. */
  append(id: SeriesId, tSec: number, value: number): void;
}

/** Where {@link StoreReader.readTier} writes one tier's points; all four arrays at least as long. */
export interface TierBuffers {
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
}

/** What queries need. */
export interface StoreReader {
  /** Seconds between two slots of the series. */
  updateEvery(id: SeriesId): number;
  /**
   * Time of the oldest retained slot of tier `tier` (default 0), 0 when the series holds
   * nothing there.
   */
  firstTime(id: SeriesId, tier?: number): number;
  /**
   * Time of the newest stored slot of tier `tier` (default 0), 0 when the series holds nothing
   * there. The newest point of a tier above 0 may still be accumulating.
   */
  lastTime(id: SeriesId, tier?: number): number;
  /**
   * Copies the points at `fromSec, fromSec + ue, …` up to `toSec` (inclusive) into `out`
   * (NaN where nothing is stored) and returns how many were written, at most `out.length`.
   * `fromSec` is rounded up to the grid.
   */
  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number;
  /** Tiers this store answers (tier 0 up to `tiers - 1`); absent means 1. */
  readonly tiers?: number;
  /** Seconds between two points of `tier`: `updateEvery(id) × 60^tier`. */
  tierUpdateEvery?(id: SeriesId, tier: number): number;
  /**
   * Copies the points of `tier` at `fromSec` (rounded up to the tier's grid) … `toSec`
   * (inclusive) into `out` and returns how many were written, at most `out.min.length`.
   * A point holds min, max and sum of the tier-0 points it covers and their count (gaps not
   * counted); a point with nothing stored is NaN with count 0. Tier 0 answers min = max =
   * sum = value, count 1 (0 for a gap). Returns 0 for a tier the store does not keep.
   */
  readTier?(id: SeriesId, tier: number, fromSec: number, toSec: number, out: TierBuffers): number;
}

/** A whole store: both interfaces plus housekeeping. */
export interface Store extends StoreWriter, StoreReader {
  readonly mode: MemoryMode;
  /** Number of defined series. */
  readonly seriesCount: number;
  /** Bytes held for points (not metadata). */
  memoryBytes(): number;
  /** Points dropped because they were older than retention. */
  readonly droppedOld: number;
  /** dbengine: writes what was appended so far to disk now (synchronous). */
  flush?(): void;
  /**
   * dbengine: writes what it holds, stops its flush timer and closes its file handles until the next write or read
   * reopens them (a child that left keeps its data, not its descriptors). Writes synchronously; the journal's
   * fdatasync runs off the event loop and its handle is closed when it is done (milliseconds later).
   */
  releaseFiles?(): void;
  /** dbengine: bytes of its files on disk. */
  diskBytes?(): number;
  /** Releases the store; dbengine writes everything to disk first (synchronously). Idempotent. */
  close(): void;
}

/** Options for {@link createStore}. */
export interface StoreOptions {
  mode: MemoryMode;
  /** Seconds of (tier-0) history each series keeps. */
  historySec: number;
  /** dbengine: the store's directory (required). */
  dir?: string;
  /** dbengine: disk budget of all its files in bytes (at least 64 KiB); the oldest files go first. */
  diskSpaceBytes?: number;
  /** dbengine: seconds between flushes to disk (default 5), the most a crash loses. */
  flushIntervalSec?: number;
  /** dbengine: tiers kept, 1–3 (default 3). */
  tiers?: number;
  /** dbengine: seconds of history of tiers 1 and 2 (default `historySec × 60^tier`). */
  tierHistorySec?: readonly number[];
  /** dbengine: where recovery and retention are logged (default category ["agent", "store"]). */
  logger?: Logger;
}
