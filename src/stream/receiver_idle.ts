/**
 * The idle timeout of the children's connections: one timer for all of them, which drops every
 * live session silent for longer than the timeout. A socket timeout per connection (node:net's
 * `setTimeout`) would instead re-arm a timer on every read, a thousand times a second on a parent
 * with a thousand children.
 * @module
 */

import { type Reason, reason } from "./reasons.ts";
import type { LiveSession } from "./receiver_types.ts";

/** Longest time between two sweeps (ms): a silent session is dropped at most this late. */
const MAX_SWEEP_MS = 1000;

/** Sweeps the live sessions for silent ones while there are any. */
export class IdleSweep {
  readonly #live: Map<string, LiveSession>;
  readonly #idleMs: number;
  readonly #nowMs: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `live`: the receiver's sessions by GUID; `idleMs`: the silence that ends one. */
  constructor(live: Map<string, LiveSession>, idleMs: number, nowMs: () => number) {
    this.#live = live;
    this.#idleMs = idleMs;
    this.#nowMs = nowMs;
  }

  /** Starts sweeping, unless it does already (call when a session goes live). */
  arm(): void {
    if (this.#timer !== undefined) return;
    const every = Math.max(10, Math.min(MAX_SWEEP_MS, this.#idleMs / 4));
    this.#timer = setInterval(() => this.#sweep(), every);
    Deno.unrefTimer(this.#timer);
  }

  /** Stops the timer (the receiver closes). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sweep(): void {
    if (this.#live.size === 0) return this.stop();
    const now = this.#nowMs();
    let why: Reason | undefined;
    // Ending a session deletes it from the map, which a Map's iterator allows (no copy a second).
    for (const live of this.#live.values()) {
      if (now - live.session.lastDataMs <= this.#idleMs) continue;
      why ??= reason("IDLE_TIMEOUT", this.#idleMs / 1000);
      live.end(why);
      live.socket.destroy();
    }
  }
}
