/**
 * The smoothing grouping methods, ses and des (Netdata's web/api/queries/{ses,des}/): their
 * state carries over from one row to the next within a dimension.
 * @module
 */

import type { Grouping, GroupingContext } from "./group_method.ts";

function smoothingWindow(ctx: GroupingContext): number {
  const points = ctx.group === 1 ? ctx.points : ctx.group;
  const max = ctx.maxWindow ?? 15;
  return points > max ? max : points;
}

/** Single exponential smoothing; the level carries over between rows (a running average). */
export class SesGrouping implements Grouping {
  empty = false;
  #alpha: number;
  #level = 0;
  #count = 0;

  constructor(ctx: GroupingContext) {
    this.#alpha = 2 / (smoothingWindow(ctx) + 1);
  }
  reset(): void {
    this.#level = 0;
    this.#count = 0;
  }
  add(v: number): void {
    if (this.#count === 0) this.#level = v;
    this.#level = this.#alpha * v + (1 - this.#alpha) * this.#level;
    this.#count++;
  }
  flush(): number {
    this.empty = this.#count === 0 || !Number.isFinite(this.#level);
    return this.empty ? 0 : this.#level;
  }
}

/** Double exponential smoothing (Holt), carrying over between rows like Netdata. */
export class DesGrouping implements Grouping {
  empty = false;
  #alpha: number;
  #beta: number;
  #level = 0;
  #trend = 0;
  #count = 0;

  constructor(ctx: GroupingContext) {
    this.#alpha = 2 / (smoothingWindow(ctx) + 1);
    this.#beta = this.#alpha;
  }
  reset(): void {
    this.#level = 0;
    this.#trend = 0;
    this.#count = 0;
  }
  add(v: number): void {
    if (this.#count > 0) {
      if (this.#count === 1) {
        this.#trend = v - this.#trend;
        this.#level = v;
      }
      const lastLevel = this.#level;
      this.#level = this.#alpha * v + (1 - this.#alpha) * (this.#level + this.#trend);
      this.#trend = this.#beta * (this.#level - lastLevel) + (1 - this.#beta) * this.#trend;
    } else {
      this.#level = this.#trend = v;
    }
    this.#count++;
  }
  flush(): number {
    this.empty = this.#count === 0 || !Number.isFinite(this.#level);
    return this.empty ? 0 : this.#level;
  }
}
