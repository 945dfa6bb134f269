/**
 * system.idlejitter, as Netdata 1.37's idlejitter.plugin: a thread of its own sleeps 20 ms again
 * and again, and the chart shows by how many µs it woke late (min, max and average per collection).
 *
 * The thread is a Worker that sleeps with `Atomics.wait` (a futex, like Netdata's thread, at almost
 * no cost: a 50 Hz timer on the event loop would cost more CPU than all the /proc collectors) and
 * adds each measurement to counters in a SharedArrayBuffer; `collect()` takes them and resets them.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, type Origin } from "./_helper.ts";
import type { Collector } from "./collector.ts";

/** Netdata's CPU_IDLEJITTER_SLEEP_TIME_MS ("loop time in ms"). */
const SLEEP_MS = 20;

// Int32 cells of the shared buffer.
const STOP = 0, WAIT = 1, MIN = 2, MAX = 3, TOTAL = 4, COUNT = 5, CELLS = 6;
const INT32_MAX = 2147483647;

/** The sleeping thread: measures, accumulates with Atomics, stops when STOP is set. */
const WORKER_SOURCE = `
self.onmessage = (e) => {
  const { buffer, sleepMs } = e.data;
  const c = new Int32Array(buffer);
  while (Atomics.load(c, ${STOP}) === 0) {
    const t0 = performance.now();
    Atomics.wait(c, ${WAIT}, 0, sleepMs);
    const late = Math.max(0, Math.round((performance.now() - t0 - sleepMs) * 1000));
    const v = late > ${INT32_MAX} ? ${INT32_MAX} : late;
    let m = Atomics.load(c, ${MIN});
    while (v < m && Atomics.compareExchange(c, ${MIN}, m, v) !== m) m = Atomics.load(c, ${MIN});
    m = Atomics.load(c, ${MAX});
    while (v > m && Atomics.compareExchange(c, ${MAX}, m, v) !== m) m = Atomics.load(c, ${MAX});
    Atomics.add(c, ${TOTAL}, v);
    Atomics.add(c, ${COUNT}, 1);
  }
  self.close();
};
`;

/** Measures how late a sleeping thread wakes. */
export class IdlejitterCollector implements Collector {
  readonly name = "idlejitter";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #sleepMs: number;
  readonly #cells = new Int32Array(new SharedArrayBuffer(CELLS * 4));
  #worker: Worker | null = null;
  #url: string | null = null;
  #closed = false;
  #chart: Chart | null = null;
  #dims: Dimension[] = [];

  /** `thread: false` measures nothing by itself (tests feed {@link record}). */
  constructor(opts: { updateEvery: number; sleepMs?: number; thread?: boolean }) {
    this.updateEvery = opts.updateEvery;
    this.#closed = opts.thread === false;
    this.#origin = { plugin: "idlejitter.plugin", module: "", updateEvery: opts.updateEvery };
    this.#sleepMs = opts.sleepMs ?? SLEEP_MS;
    this.#cells[MIN] = INT32_MAX;
    // Started now, at start-up, not on the first collection: Deno aborts the whole process when
    // a worker's thread cannot get its descriptors (EMFILE), and a parent can run short of them
    // later (idle connections, many children).
    if (!this.#closed) this.#start();
  }

  /** Adds one measurement, as the thread does: it woke `errorUs` µs late (tests call it directly). */
  record(errorUs: number): void {
    const c = this.#cells;
    if (errorUs < c[MIN]) c[MIN] = errorUs;
    if (errorUs > c[MAX]) c[MAX] = errorUs;
    c[TOTAL] += errorUs;
    c[COUNT]++;
  }

  collect(host: Host, deltaUs: number): void {
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
    const cells = this.#cells;
    const n = Atomics.exchange(cells, COUNT, 0);
    const total = Atomics.exchange(cells, TOTAL, 0);
    const min = Atomics.exchange(cells, MIN, INT32_MAX);
    const max = Atomics.exchange(cells, MAX, 0);
    if (n === 0) return; // nothing measured yet: no round, as Netdata
    const c = this.#chart, d = this.#dims;
    c.begin(deltaUs);
    c.set(d[0], min === INT32_MAX ? 0 : min);
    c.set(d[1], max);
    // usec_t division: integer µs.
    c.set(d[2], Math.floor(total / n));
    c.end();
  }

  close(): void {
    this.#closed = true;
    Atomics.store(this.#cells, STOP, 1);
    Atomics.notify(this.#cells, WAIT);
    this.#worker?.terminate();
    this.#worker = null;
    if (this.#url !== null) URL.revokeObjectURL(this.#url);
    this.#url = null;
  }

  #start(): void {
    // A blob URL: no module file to find, in a compiled binary too. Kept until close(): the
    // worker loads it asynchronously.
    this.#url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
    this.#worker = new Worker(this.#url, { type: "module" });
    this.#worker.postMessage({ buffer: this.#cells.buffer, sleepMs: this.#sleepMs });
  }
}
