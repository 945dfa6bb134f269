/**
 * system.idlejitter, as Netdata 1.37's idlejitter.plugin: a timer asks to sleep 20 ms again and
 * again, and the chart shows by how many µs it woke late (min, max and average per collection).
 * Netdata measures a thread of its own; here the timer shares the agent's event loop, so the chart
 * also shows how long collection, streaming and the API keep the loop busy.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, type Origin } from "./_helper.ts";
import type { Collector } from "./mod.ts";

/** Netdata's CPU_IDLEJITTER_SLEEP_TIME_MS ("loop time in ms"). */
const SLEEP_MS = 20;

/** Measures timer lateness between collections. */
export class IdlejitterCollector implements Collector {
  readonly name = "idlejitter";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #sleepMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  #sleptAt = 0;
  #iterations = 0;
  #min = 0;
  #max = 0;
  #total = 0;
  #chart: Chart | null = null;
  #dims: Dimension[] = [];
  readonly #tick = () => this.#woke();

  constructor(opts: { updateEvery: number; sleepMs?: number }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: "idlejitter.plugin", module: "", updateEvery: opts.updateEvery };
    this.#sleepMs = opts.sleepMs ?? SLEEP_MS;
  }

  /** Adds one measurement: the timer woke `errorUs` µs late (tests call it directly). */
  record(errorUs: number): void {
    if (this.#iterations === 0 || errorUs < this.#min) this.#min = errorUs;
    if (errorUs > this.#max) this.#max = errorUs;
    this.#total += errorUs;
    this.#iterations++;
  }

  collect(host: Host, deltaUs: number): void {
    if (this.#timer === null && !this.#closed) this.#sleep();
    if (this.#chart === null) {
      const { chart, dims } = defineChart(host, this.#origin, {
        id: "system.idlejitter",
        title: "CPU Idle Jitter",
        units: "microseconds lost/s",
        family: "idlejitter",
        context: "system.idlejitter",
        chartType: "area",
        priority: 800,
      }, [["min", null, "absolute", 1, 1], ["max", null, "absolute", 1, 1], [
        "average",
        null,
        "absolute",
        1,
        1,
      ]]);
      this.#chart = chart;
      this.#dims = dims;
    }
    const n = this.#iterations;
    if (n === 0) return; // nothing measured yet: no round, as Netdata
    const c = this.#chart, d = this.#dims;
    c.begin(deltaUs);
    c.set(d[0], this.#min);
    c.set(d[1], this.#max);
    // usec_t division: integer µs.
    c.set(d[2], Math.floor(this.#total / n));
    c.end();
    this.#iterations =
      this.#min =
      this.#max =
      this.#total =
        0;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #sleep(): void {
    this.#sleptAt = performance.now();
    this.#timer = setTimeout(this.#tick, this.#sleepMs);
  }

  #woke(): void {
    if (this.#closed) return;
    const lateUs = Math.max(0, Math.round((performance.now() - this.#sleptAt - this.#sleepMs) * 1000));
    this.record(lateUs);
    this.#sleep();
  }
}
