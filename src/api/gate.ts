/**
 * Bounded work per API request: the admission of large answers (a few at once, the others a 503
 * with Retry-After, as a busy Netdata answers) and the body of a large answer sent in chunks, so
 * its slot is held until the client has read it all.
 * @module
 */

/** A data query of more values than this is a large answer (about 1 MiB printed). */
export const LARGE_QUERY_VALUES = 100_000;
/** A printed answer larger than this is a large answer. */
export const LARGE_ANSWER_BYTES = 1 << 20;
/** A large body is handed to the HTTP server in pieces of this size. */
const CHUNK_BYTES = 64 * 1024;
/** A slot whose body was never read to the end nor cancelled is freed after this long. */
const SLOT_DEADLINE_MS = 120_000;
/** What a busy agent answers; the client tries again after `Retry-After` seconds. */
export const BUSY_MESSAGE = "Server is busy answering large queries, please try again later.";

/**
 * Counts the large answers being computed or sent. Not a queue: a request that finds every slot
 * taken is answered at once (503), so no request waits holding memory.
 */
export class AnswerGate {
  readonly max: number;
  #inFlight = 0;
  /** Large answers refused since start (for tests and /api/v1/info). */
  refused = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** Large answers in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Takes a slot; false (and counted) when all are taken. */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.max) {
      this.refused++;
      return false;
    }
    this.#inFlight++;
    return true;
  }

  /** Gives a slot back. */
  release(): void {
    if (this.#inFlight > 0) this.#inFlight--;
  }

  /**
   * A body stream over `bytes` that gives the slot back once it has been read to the end, or
   * cancelled (the client went away), or after a deadline. The bytes are not copied: each chunk
   * is a `subarray` view, valid as long as the stream holds `bytes`.
   */
  body(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array<ArrayBuffer>> {
    let pos = 0;
    let released = false;
    const done = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.release();
    };
    const timer = setTimeout(done, SLOT_DEADLINE_MS);
    Deno.unrefTimer(timer);
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull(controller) {
        if (pos >= bytes.length) {
          controller.close();
          done();
          return;
        }
        const end = Math.min(bytes.length, pos + CHUNK_BYTES);
        controller.enqueue(bytes.subarray(pos, end));
        pos = end;
      },
      cancel() {
        done();
      },
    });
  }
}
