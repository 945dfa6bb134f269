/**
 * One connector instance's delivery: batches go into its {@link DiskQueue} and leave it in order
 * through its {@link Transport}. A delivered batch is committed; a batch the database refuses
 * for good (4xx) is dropped, counted and logged with the answer; anything else (5xx, 429,
 * timeouts, refused connections) is retried with capped exponential back-off. A backlog is sent
 * at most `backlogBatchesPerSec` batches a second, so a database coming back is not flooded.
 * @module
 */

import type { Logger } from "@logtape/logtape";
import type { ExportingInstanceConfig } from "../config/exporting_types.ts";
import type { DiskQueue, QueueStats } from "./queue.ts";
import type { Transport } from "./transport.ts";

/** Delivery counters of one instance (for /api/v1/info and the agent's charts). */
export interface DeliveryStats {
  /** Batches, samples and payload bytes the database accepted. */
  sentBatches: number;
  sentSamples: number;
  sentBytes: number;
  /** Sends that failed and will be retried. */
  failures: number;
  /** Batches and samples dropped because the database refused them (4xx). */
  rejectedBatches: number;
  rejectedSamples: number;
  /** The last failure, "" when none; and when it happened (epoch ms, 0 for never). */
  lastError: string;
  lastErrorMs: number;
  /** When a batch was last accepted (epoch ms, 0 for never). */
  lastSentMs: number;
}

/** Options of {@link Delivery}. */
export interface DeliveryOptions {
  config: ExportingInstanceConfig;
  queue: DiskQueue;
  transport: Transport;
  logger: Logger;
  /** Default 20. */
  backlogBatchesPerSec?: number;
  /** First retry delay (default 500 ms), doubled per failure up to `maxBackoffMs` (default 10 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** The delivery loop of one instance. */
export class Delivery {
  readonly stats: DeliveryStats = {
    sentBatches: 0,
    sentSamples: 0,
    sentBytes: 0,
    failures: 0,
    rejectedBatches: 0,
    rejectedSamples: 0,
    lastError: "",
    lastErrorMs: 0,
    lastSentMs: 0,
  };
  readonly #o: Required<DeliveryOptions>;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failing = false;
  #idle = false;

  constructor(o: DeliveryOptions) {
    this.#o = { backlogBatchesPerSec: 20, minBackoffMs: 500, maxBackoffMs: 10000, ...o };
  }

  /** The queue's counters. */
  queueStats(): QueueStats {
    return this.#o.queue.stats();
  }

  get transport(): Transport {
    return this.#o.transport;
  }

  /** Queues a batch (on disk before this returns) and wakes the loop. */
  enqueue(payload: Uint8Array, samples: number, createdMs: number): void {
    this.#o.queue.append(payload, samples, createdMs);
    // Only an idle loop is woken: a back-off or the backlog's pace is kept.
    if (this.#idle) this.#wake?.();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops after the send in flight (if any); the queue stays on disk. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#o.transport.close();
    this.#o.queue.close();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = () => {
        clearTimeout(this.#timer);
        this.#wake = undefined;
        resolve();
      };
      this.#timer = setTimeout(() => this.#wake?.(), ms);
    });
  }

  async #run(): Promise<void> {
    const o = this.#o;
    const log = o.logger;
    const name = o.config.section;
    let backoff = o.minBackoffMs;
    while (this.#running) {
      const b = o.queue.peek();
      if (b === undefined) {
        this.#idle = true;
        await this.#sleep(60_000);
        this.#idle = false;
        continue;
      }
      const r = await o.transport.send(b.payload);
      const now = Date.now();
      if (r.kind === "retry") {
        this.stats.failures++;
        this.stats.lastError = r.error;
        this.stats.lastErrorMs = now;
        if (!this.#failing) {
          log.warn("Exporting [{instance}]: cannot send, retrying with back-off: {error}", {
            instance: name,
            error: r.error,
          });
          this.#failing = true;
        }
        // Netdata retries but does not back off; we do, capped.
        if (this.#running) await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, o.maxBackoffMs);
        continue;
      }
      o.queue.commit(b.id);
      backoff = o.minBackoffMs;
      if (r.kind === "drop") {
        this.stats.rejectedBatches++;
        this.stats.rejectedSamples += b.samples;
        this.stats.lastError = r.error;
        this.stats.lastErrorMs = now;
        log.error(
          "Exporting [{instance}]: dropped a batch of {samples} samples the database refused: {error}",
          {
            instance: name,
            samples: b.samples,
            error: r.error,
          },
        );
      } else {
        this.stats.sentBatches++;
        this.stats.sentSamples += b.samples;
        this.stats.sentBytes += b.payload.length;
        this.stats.lastSentMs = now;
        if (this.#failing) {
          log.info("Exporting [{instance}]: sending again to {destination}; {records} batches waiting", {
            instance: name,
            destination: o.transport.connectedTo,
            records: o.queue.stats().records,
          });
          this.#failing = false;
        }
      }
      // A backlog goes at a bounded rate; live batches (one per round) go at once.
      if (o.queue.stats().records > 0 && this.#running) {
        await this.#sleep(1000 / o.backlogBatchesPerSec);
      }
    }
  }
}
