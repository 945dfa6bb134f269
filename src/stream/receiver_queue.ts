/**
 * The queue of complete STREAM requests waiting for their handshake. A handshake may open a
 * child's dbengine store (directories, files, recovery: synchronous), so a crowd of children
 * arriving together is answered a few at a time, in later turns of the event loop, and the API and
 * the connected children get their turns in between.
 * @module
 */

import type net from "node:net";

/** Milliseconds of handshakes per event-loop turn. */
const BUDGET_MS = 5;

/** One request waiting: its connection and what answers it. */
interface Waiting {
  socket: net.Socket;
  run(): void;
  /** Called instead of `run` when the connection was closed while it waited. */
  gone(): void;
}

/** Runs queued handshakes in order, at most {@link BUDGET_MS} of them per turn. */
export class HandshakeQueue {
  readonly #waiting: Waiting[] = [];
  #draining = false;
  #closed = false;

  /** Requests waiting. */
  get size(): number {
    return this.#waiting.length;
  }

  /** Queues a handshake (after {@link close}, destroys the socket instead). */
  push(w: Waiting): void {
    if (this.#closed) return void w.socket.destroy();
    this.#waiting.push(w);
    if (this.#draining) return;
    this.#draining = true;
    setTimeout(() => this.#drain(), 0);
  }

  /** Destroys the connections still waiting; later pushes are refused. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) w.socket.destroy();
  }

  #drain(): void {
    const t0 = performance.now();
    while (this.#waiting.length > 0 && performance.now() - t0 < BUDGET_MS) {
      const w = this.#waiting.shift()!;
      if (w.socket.destroyed) w.gone();
      else w.run();
    }
    if (this.#waiting.length > 0) setTimeout(() => this.#drain(), 0);
    else this.#draining = false;
  }
}
