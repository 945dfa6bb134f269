/**
 * A condition that repeats while it lasts (a parent that cannot be reached): logged when it
 * starts, then at growing intervals (1 min, 2, 4, ... up to 1 h), and once when it ends with how
 * long it lasted. Pure: the caller passes the clock and does the logging.
 * @module
 */

/** What to do about one occurrence. */
export interface Occurrence {
  /** Whether to log this one. */
  log: boolean;
  /** Occurrences so far, this one included. */
  count: number;
  /** How long the condition has lasted (ms). */
  forMs: number;
}

/** Tracks one repeated condition. */
export class Repeated {
  #sinceMs = -1;
  #count = 0;
  #nextMs = 0;
  #intervalMs: number;
  readonly #firstMs: number;
  readonly #maxMs: number;

  /** `firstMs`: the first interval after the start; it doubles up to `maxMs`. */
  constructor(opts: { firstMs?: number; maxMs?: number } = {}) {
    this.#firstMs = opts.firstMs ?? 60_000;
    this.#maxMs = opts.maxMs ?? 3_600_000;
    this.#intervalMs = this.#firstMs;
  }

  /** Whether the condition is on. */
  get active(): boolean {
    return this.#sinceMs >= 0;
  }

  /** The condition happened (again) at `nowMs`. */
  occur(nowMs: number): Occurrence {
    if (this.#sinceMs < 0) {
      this.#sinceMs = nowMs;
      this.#count = 1;
      this.#intervalMs = this.#firstMs;
      this.#nextMs = nowMs + this.#intervalMs;
      return { log: true, count: 1, forMs: 0 };
    }
    this.#count++;
    const forMs = nowMs - this.#sinceMs;
    if (nowMs < this.#nextMs) return { log: false, count: this.#count, forMs };
    this.#intervalMs = Math.min(this.#intervalMs * 2, this.#maxMs);
    this.#nextMs = nowMs + this.#intervalMs;
    return { log: true, count: this.#count, forMs };
  }

  /** The condition ended at `nowMs`: how long it lasted and how often it happened, or undefined when it was off. */
  end(nowMs: number): { count: number; forMs: number } | undefined {
    if (this.#sinceMs < 0) return undefined;
    const out = { count: this.#count, forMs: nowMs - this.#sinceMs };
    this.#sinceMs = -1;
    this.#count = 0;
    return out;
  }
}

/** `65000` -> `"1m5s"`, `500` -> `"0s"`. */
export function formatDuration(ms: number): string {
  let s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return (h ? `${h}h` : "") + (h || m ? `${m}m` : "") + `${s}s`;
}
