/**
 * Charts and dimensions, and the collection pipeline that turns raw collected integers into
 * stored points exactly as Netdata 1.37's `rrdset_done()` does (src/stream/PROTOCOL.md §5): the
 * algorithm, multiplier and divisor give a calculated value per collection, which is then
 * interpolated onto the chart's `update every` grid. Local collectors and the stream receiver
 * both feed this pipeline, so a child's chart on a parent holds the same numbers as on the child.
 *
 * Hot path: `begin()` / `set()` / `end()` allocate nothing per sample.
 * @module
 */

import { firstTimeAnyTier, type SeriesId, type Store, type StoreReader } from "../store/mod.ts";
import type { Algorithm, ChartDef, ChartType, DimensionDef, Label } from "./defs.ts";

const ALG_ABSOLUTE = 0;
const ALG_INCREMENTAL = 1;
const ALG_PCENT_ROW = 2;
const ALG_PCENT_DIFF = 3;

function algorithmCode(a: Algorithm): number {
  switch (a) {
    case "incremental":
      return ALG_INCREMENTAL;
    case "percentage-of-absolute-row":
      return ALG_PCENT_ROW;
    case "percentage-of-incremental-row":
      return ALG_PCENT_DIFF;
    default:
      return ALG_ABSOLUTE;
  }
}

/** Receives chart events; the stream sender is one. */
export interface ChartObserver {
  /** A chart was created, or its definition or one of its dimensions changed. */
  chartDefined(chart: Chart): void;
  /**
   * A collection round ended. Dimensions with `updated` set carry their raw `collected` value;
   * `deltaUs` is the chart's own step for this round ({@link Chart.sinceLastUs}): the µs its
   * collection time moved, which a stream's BEGIN must carry so that the receiver's timeline is
   * the chart's. Called before the round's state is cleared, after the points were stored.
   */
  roundDone(chart: Chart, deltaUs: number): void;
  /** The host's labels were replaced (a child's `OVERWRITE labels`). */
  hostLabelsChanged?(): void;
  /** A host variable (`VARIABLE HOST`) got a new value; Netdata sends it upstream at once. */
  hostVariableChanged?(name: string, value: number): void;
}

/** Context the chart needs from its host. */
export interface ChartHost {
  readonly store: Store;
  readonly observers: ChartObserver[];
  /** Wall clock in microseconds. */
  nowUs(): number;
  /** Netdata's `gap when lost iterations above` (default 1). */
  readonly gapWhenLostIterationsAbove: number;
}

const USEC = 1_000_000;
const CAP32 = 4294967295;
const CAP64 = 18446744073709551615;

/** One dimension: definition, collector state and its series in the store. */
export class Dimension {
  readonly id: string;
  name: string;
  algorithm: Algorithm;
  /** Algorithm as a small int for the hot path. */
  alg: number;
  multiplier: number;
  divisor: number;
  hidden: boolean;
  noreset: boolean;
  obsolete: boolean;
  seriesId: SeriesId;
  /** Raw value set in the current round. */
  collected = 0;
  /** Raw value of the previous round. */
  lastCollected = 0;
  /** Largest absolute raw value ever seen (decides the 32/64-bit counter cap). */
  collectedMax = 0;
  /** Netdata's calculated_value and last_calculated_value (the carry, for incremental). */
  calculated = 0;
  lastCalculated = 0;
  /** Last value written to the store (NaN for a gap). */
  lastStored = NaN;
  /** Values received since the chart was (re)started. */
  collections = 0;
  /** Set in the current round. */
  updated = false;
  /** Wall-clock µs of the last set(). */
  lastCollectedUs = 0;

  constructor(def: DimensionDef, seriesId: SeriesId) {
    this.id = def.id;
    this.name = def.name || def.id;
    this.algorithm = def.algorithm;
    this.alg = algorithmCode(def.algorithm);
    this.multiplier = def.multiplier || 1;
    this.divisor = def.divisor || 1;
    this.hidden = def.hidden ?? false;
    this.noreset = def.noreset ?? false;
    this.obsolete = def.obsolete ?? false;
    this.seriesId = seriesId;
  }

  /** Applies a new definition; returns whether anything changed. */
  update(def: DimensionDef): boolean {
    const name = def.name || def.id;
    const m = def.multiplier || 1;
    const d = def.divisor || 1;
    const hidden = def.hidden ?? false;
    const noreset = def.noreset ?? false;
    const obsolete = def.obsolete ?? false;
    const changed = name !== this.name || def.algorithm !== this.algorithm || m !== this.multiplier ||
      d !== this.divisor || hidden !== this.hidden || noreset !== this.noreset || obsolete !== this.obsolete;
    this.name = name;
    this.algorithm = def.algorithm;
    this.alg = algorithmCode(def.algorithm);
    this.multiplier = m;
    this.divisor = d;
    this.hidden = hidden;
    this.noreset = noreset;
    this.obsolete = obsolete;
    return changed;
  }

  /** The definition as a plain object. */
  def(): DimensionDef {
    return {
      id: this.id,
      name: this.name,
      algorithm: this.algorithm,
      multiplier: this.multiplier,
      divisor: this.divisor,
      hidden: this.hidden,
      noreset: this.noreset,
      obsolete: this.obsolete,
    };
  }
}

/** One chart of one host. */
export class Chart {
  readonly id: string;
  /** The part before the first dot. */
  readonly type: string;
  name: string;
  title: string;
  units: string;
  family: string;
  context: string;
  chartType: ChartType;
  priority: number;
  updateEvery: number;
  plugin: string;
  module: string;
  obsolete: boolean;
  detail: boolean;
  hidden: boolean;
  storeFirst: boolean;
  readonly dimensions: Dimension[] = [];
  readonly labels = new Map<string, Label>();
  /** Custom chart variables (`VARIABLE CHART`). */
  readonly variables = new Map<string, number>();
  /** Last collection time (µs, with Netdata's +0.5 s offset); 0 = never collected. */
  lastCollectedUs = 0;
  /** Time of the last stored slot (µs, on the grid); 0 = nothing stored yet. */
  lastUpdatedUs = 0;
  /**
   * How far the last round moved `lastCollectedUs` (µs; Netdata's `usec_since_last_update`):
   * the given delta, or the clock's on the first round after a resync, or `update every` on a
   * chart's first round. This, not the collector's own measure, is what a stream sends.
   */
  sinceLastUs = 0;
  /** Completed rounds since the chart (re)started. */
  roundsDone = 0;
  /** Ignore the next BEGIN's microseconds and use the local clock (Netdata's SYNC_CLOCK). */
  resync = true;
  /** Whether the last round detected a counter reset or overflow (Netdata's RESET flag). */
  lastResetRound = false;
  #host: ChartHost;
  #dimsById = new Map<string, Dimension>();
  #deltaUs = 0;
  #inRound = false;

  constructor(host: ChartHost, def: ChartDef) {
    this.#host = host;
    this.id = def.id;
    const dot = def.id.indexOf(".");
    this.type = dot > 0 ? def.id.slice(0, dot) : def.id;
    this.name = def.name || def.id;
    this.title = def.title;
    this.units = def.units;
    this.family = def.family;
    this.context = def.context;
    this.chartType = def.chartType;
    this.priority = def.priority;
    this.updateEvery = def.updateEvery;
    this.plugin = def.plugin;
    this.module = def.module;
    this.obsolete = def.obsolete ?? false;
    this.detail = def.detail ?? false;
    this.hidden = def.hidden ?? false;
    this.storeFirst = def.storeFirst ?? false;
  }

  /** Applies a new definition (a repeated `CHART`); marks the clock for resync. */
  update(def: ChartDef): void {
    this.name = def.name || def.id;
    this.title = def.title;
    this.units = def.units;
    this.family = def.family;
    this.context = def.context;
    this.chartType = def.chartType;
    this.priority = def.priority;
    this.plugin = def.plugin;
    this.module = def.module;
    this.obsolete = def.obsolete ?? false;
    this.detail = def.detail ?? false;
    this.hidden = def.hidden ?? false;
    this.storeFirst = def.storeFirst ?? false;
    if (def.updateEvery !== this.updateEvery) this.setUpdateEvery(def.updateEvery);
    this.resync = true;
  }

  /** Changes the collection interval; the chart's series move to the new grid. */
  setUpdateEvery(updateEvery: number): void {
    this.updateEvery = updateEvery;
    const store = this.#host.store;
    for (const d of this.dimensions) d.seriesId = store.define(this.#seriesKey(d.id), updateEvery);
    this.reset();
  }

  /** The definition as a plain object. */
  def(): ChartDef {
    return {
      id: this.id,
      name: this.name,
      title: this.title,
      units: this.units,
      family: this.family,
      context: this.context,
      chartType: this.chartType,
      priority: this.priority,
      updateEvery: this.updateEvery,
      plugin: this.plugin,
      module: this.module,
      obsolete: this.obsolete,
      detail: this.detail,
      hidden: this.hidden,
      storeFirst: this.storeFirst,
    };
  }

  /**
   * Takes another collector's clocks (a child's `RSSTATE`; times only when newer). With both set,
   * the next round continues the chart rather than starting it, even on a chart object a restarted
   * parent has just loaded from disk: otherwise the slot right after a replicated gap stays empty.
   */
  continueFrom(lastCollectedUs: number, lastUpdatedUs: number): void {
    if (lastCollectedUs > this.lastCollectedUs) this.lastCollectedUs = lastCollectedUs;
    if (lastUpdatedUs > this.lastUpdatedUs) this.lastUpdatedUs = lastUpdatedUs;
    // A collector that stored nothing yet sends no last-updated time: its grid slot follows from
    // the collection time, as on the collector.
    if (this.lastCollectedUs !== 0 && this.lastUpdatedUs === 0) this.#initLastUpdated();
    if (this.lastCollectedUs !== 0 && this.lastUpdatedUs !== 0 && this.roundsDone === 0) this.roundsDone = 1;
  }

  /** Finds a dimension by id. */
  dimension(id: string): Dimension | undefined {
    return this.#dimsById.get(id);
  }

  /** Creates or updates a dimension; a change marks the clock for resync. */
  defineDimension(def: DimensionDef): Dimension {
    let d = this.#dimsById.get(def.id);
    if (d === undefined) {
      d = new Dimension(def, this.#host.store.define(this.#seriesKey(def.id), this.updateEvery));
      this.dimensions.push(d);
      this.#dimsById.set(def.id, d);
      this.resync = true;
    } else if (d.update(def)) {
      this.resync = true;
    }
    return d;
  }

  /** Tells observers that the definition is complete (after CHART + DIMENSIONs). */
  defined(): void {
    for (const o of this.#host.observers) o.chartDefined(this);
  }

  /**
   * Starts a collection round. `deltaUs` is the time since the previous collection of this
   * chart (the streaming BEGIN value); 0 means unknown: the local clock measures it.
   */
  begin(deltaUs: number): void {
    this.#inRound = true;
    this.#deltaUs = deltaUs;
  }

  /** Sets a dimension's raw collected value for this round. */
  set(d: Dimension, raw: number): void {
    d.collected = raw;
    d.updated = true;
    d.collections++;
    const abs = raw < 0 ? -raw : raw;
    if (abs > d.collectedMax) d.collectedMax = abs;
  }

  /**
   * Drops an open round without storing it (its connection ended): the values set in it are
   * forgotten, so the next round starts clean and the chart can be redefined.
   */
  abortRound(): void {
    if (!this.#inRound) return;
    this.#inRound = false;
    for (const d of this.dimensions) {
      if (!d.updated) continue;
      d.updated = false;
      if (d.collections > 0) d.collections--;
    }
  }

  /** Whether a round is open (between begin() and end()). */
  get inRound(): boolean {
    return this.#inRound;
  }

  /** Forgets the collection timeline, as Netdata's rrdset_reset(): the next round starts anew. */
  reset(): void {
    this.lastCollectedUs = 0;
    this.lastUpdatedUs = 0;
    this.roundsDone = 0;
    for (const d of this.dimensions) {
      d.collections = d.updated ? 1 : 0;
      d.calculated = 0;
      d.lastCalculated = 0;
    }
  }

  /** Ends the round: computes, interpolates and stores (src/stream/PROTOCOL.md §5). */
  end(): void {
    if (!this.#inRound) return;
    this.#inRound = false;
    const host = this.#host;
    const nowUs = host.nowUs();
    const ue = this.updateEvery;
    const ueUs = ue * USEC;
    const givenDelta = this.#deltaUs;

    // 9.1 time bookkeeping
    let storeThis = true;
    let firstEntry = false;
    let lastCollectUs = 0;
    if (this.lastCollectedUs !== 0) {
      // Netdata checks (and clears) SYNC_CLOCK only from the second collection on.
      let delta = givenDelta > 0 && !this.resync ? givenDelta : nowUs - this.lastCollectedUs;
      this.resync = false;
      if (delta <= 0) delta = 1;
      if (delta > 1024 * ueUs) {
        // Took too long: restart the timeline as if the chart were new.
        this.reset();
      } else {
        lastCollectUs = this.lastCollectedUs;
        this.lastCollectedUs = lastCollectUs + delta;
        // Netdata's dbengine "too old data": a collection more than a page (1024 points) away from
        // the last stored point, either way, restarts the chart. Without it a far-off time (from an
        // RSSTATE) would make the interpolation loop below run for that many slots.
        const sinceStoredUs = this.lastCollectedUs - this.lastUpdatedUs;
        if (this.lastUpdatedUs !== 0 && (sinceStoredUs > 1024 * ueUs || sinceStoredUs < -1024 * ueUs)) {
          this.reset();
        }
      }
    }
    // A timeline (re)started here moves by one step, as Netdata's first entry does.
    this.sinceLastUs = this.lastCollectedUs === 0 ? ueUs : this.lastCollectedUs - lastCollectUs;
    if (this.lastCollectedUs === 0) {
      const sec = Math.floor(nowUs / USEC);
      this.lastCollectedUs = (sec - (sec % ue)) * USEC + (this.storeFirst ? 0 : 500_000);
      lastCollectUs = this.lastCollectedUs - ueUs;
      storeThis = false;
      firstEntry = true;
    }
    if (this.lastUpdatedUs === 0 || this.roundsDone === 0) {
      this.#initLastUpdated();
      if (this.storeFirst && this.roundsDone === 0) {
        storeThis = true;
        lastCollectUs = this.lastUpdatedUs;
      } else {
        storeThis = false;
        firstEntry = true;
      }
    }
    const nowCollectUs = this.lastCollectedUs;
    let lastStoredUs = this.lastUpdatedUs;
    let nextStoreUs = lastStoredUs + ueUs;
    this.roundsDone++;

    // 9.2 calculated values
    const dims = this.dimensions;
    let total = 0;
    let lastTotal = 0;
    let hasReset = false;
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i];
      if (!d.updated) continue;
      if (d.alg === ALG_PCENT_DIFF && d.lastCollected > d.collected) {
        if (!d.noreset) hasReset = true;
        d.lastCollected = d.collected;
      }
      lastTotal += d.lastCollected;
      total += d.collected;
    }
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i];
      if (!d.updated) {
        d.calculated = 0;
        continue;
      }
      switch (d.alg) {
        case ALG_ABSOLUTE:
          d.calculated = d.collected * d.multiplier / d.divisor;
          break;
        case ALG_PCENT_ROW:
          d.calculated = total === 0 ? 0 : 100 * d.collected / total;
          break;
        case ALG_INCREMENTAL:
          if (d.collections <= 1) {
            d.calculated = 0;
            break;
          }
          if (d.lastCollected > d.collected) {
            if (!d.noreset) hasReset = true;
            const cap = d.collectedMax > CAP32 ? CAP64 : CAP32;
            const delta = cap - d.lastCollected + d.collected;
            if (delta < (cap / 100) * 10) d.calculated += delta * d.multiplier / d.divisor;
          } else {
            d.calculated += (d.collected - d.lastCollected) * d.multiplier / d.divisor;
          }
          break;
        default: // ALG_PCENT_DIFF
          if (d.collections <= 1) break;
          d.calculated = total === lastTotal
            ? 0
            : 100 * (d.collected - d.lastCollected) / (total - lastTotal);
          break;
      }
    }

    // 9.3 interpolation onto the grid
    const store = host.store;
    const gapAbove = host.gapWhenLostIterationsAbove + 2;
    let iterations = Math.floor((nowCollectUs - lastStoredUs) / ueUs);
    if (nowCollectUs % ueUs === 0) iterations++;
    let lc = lastCollectUs;
    for (; nextStoreUs <= nowCollectUs; lc = nextStoreUs, nextStoreUs += ueUs, iterations--) {
      const tSec = nextStoreUs / USEC;
      for (let i = 0; i < dims.length; i++) {
        const d = dims[i];
        let v: number;
        if (d.alg === ALG_INCREMENTAL) {
          v = d.calculated * (nextStoreUs - lc) / (nowCollectUs - lc);
          d.calculated -= v;
          v += d.lastCalculated;
          d.lastCalculated = 0;
          v /= ue;
          if (nextStoreUs - lastStoredUs < ueUs) v = v * ueUs / (nextStoreUs - lastStoredUs);
        } else if (iterations === 1) {
          v = d.calculated;
        } else {
          v = (d.calculated - d.lastCalculated) * (nextStoreUs - lc) / (nowCollectUs - lc) + d.lastCalculated;
        }
        if (storeThis && d.updated && d.collections > 1 && iterations < gapAbove) {
          store.append(d.seriesId, tSec, v);
          d.lastStored = v;
        } else {
          store.append(d.seriesId, tSec, NaN);
          if (storeThis) d.lastStored = NaN;
        }
      }
      this.lastUpdatedUs = nextStoreUs;
      lastStoredUs = nextStoreUs;
    }
    this.lastResetRound = hasReset;

    for (const o of host.observers) o.roundDone(this, this.sinceLastUs);

    for (let i = 0; i < dims.length; i++) {
      const d = dims[i];
      if (!d.updated) continue;
      d.lastCollected = d.collected;
      if (d.alg === ALG_INCREMENTAL) {
        if (!firstEntry) d.lastCalculated += d.calculated;
      } else {
        d.lastCalculated = d.calculated;
      }
      d.lastCollectedUs = nowUs;
      d.calculated = 0;
      d.updated = false;
    }
  }

  /** Time of the newest point in `store` (the host's by default) in seconds (0 when none). */
  lastEntrySec(store: StoreReader = this.#host.store): number {
    let t = 0;
    for (const d of this.dimensions) {
      const l = store.lastTime(d.seriesId);
      if (l > t) t = l;
    }
    return t;
  }

  /** The oldest point of any stored tier (the chart's retention as the API shows it), 0 when none. */
  retentionFirstSec(): number {
    const store = this.#host.store;
    return this.#oldest((id) => firstTimeAnyTier(store, id));
  }

  /** Time of the oldest point retained in `store` (the host's by default) in seconds (0 when none). */
  firstEntrySec(store: StoreReader = this.#host.store): number {
    return this.#oldest((id) => store.firstTime(id));
  }

  /** The smallest non-zero `firstOf(series)` over the dimensions (0 when none). */
  #oldest(firstOf: (id: SeriesId) => number): number {
    let t = 0;
    for (const d of this.dimensions) {
      const f = firstOf(d.seriesId);
      if (f !== 0 && (t === 0 || f < t)) t = f;
    }
    return t;
  }

  #initLastUpdated(): void {
    const ue = this.updateEvery;
    let sec = Math.floor(this.lastCollectedUs / USEC);
    if (this.storeFirst) sec -= ue;
    this.lastUpdatedUs = (sec - (sec % ue)) * USEC;
  }

  #seriesKey(dimId: string): string {
    return this.id + "\u0000" + dimId;
  }
}
