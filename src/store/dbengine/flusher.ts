/**
 * One timer for every dbengine store of a process: each store is flushed once per its own
 * interval, but a wake-up flushes only as many stores as fit in a small time budget and leaves
 * the rest to the next macrotask, so a parent with a thousand children neither keeps a thousand
 * timers nor stops its event loop (the API, other children) for a thousand flushes and their
 * fdatasyncs in a row.
 * @module
 */

/** What the flusher calls. */
export interface Flushable {
  /** Writes what is due; never throws (the store logs its own failures). */
  flushDue(): void;
}

interface Entry {
  dueMs: number;
  everyMs: number;
}

/** Milliseconds of flushing per wake-up before the event loop gets a turn. */
const BUDGET_MS = 8;
/**
 * Wake-ups are at least this far apart (or one flush interval, when shorter): stores due within
 * it are flushed together, so a thousand stores cost ten wake-ups a second, not a thousand.
 */
const GRANULARITY_MS = 100;

/**
 * Schedules the flushes of many stores on one timer. Stores register with {@link add} and leave
 * with {@link delete}; the timer is unreferenced, so it never keeps a process alive.
 */
export class Flusher {
  readonly #entries = new Map<Flushable, Entry>();
  readonly #nowMs: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (ms); Infinity when none is armed. */
  #armedAtMs = Infinity;
  /** When the last wake-up began (ms), and the least time between two. */
  #lastRunMs = -Infinity;
  #gapMs = GRANULARITY_MS;
  /** A wake-up stopped at its budget with stores still due: the next one comes at once. */
  #behind = false;

  constructor(nowMs: () => number = () => performance.now()) {
    this.#nowMs = nowMs;
  }

  /** Stores registered. */
  get size(): number {
    return this.#entries.size;
  }

  /** Flushes `f` every `everyMs`, first `everyMs` from now; a second add re-times it. */
  add(f: Flushable, everyMs: number): void {
    this.#entries.set(f, { dueMs: this.#nowMs() + everyMs, everyMs });
    if (everyMs < this.#gapMs) this.#gapMs = Math.max(1, everyMs);
    this.#arm();
  }

  /** Stops flushing `f`. */
  delete(f: Flushable): void {
    this.#entries.delete(f);
    if (this.#entries.size === 0) this.#disarm();
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAtMs = Infinity;
  }

  /** Arms the timer for the earliest due store, unless it is armed for that already. */
  #arm(): void {
    let first = Infinity;
    for (const e of this.#entries.values()) if (e.dueMs < first) first = e.dueMs;
    if (first === Infinity) return this.#disarm();
    if (!this.#behind) first = Math.max(first, this.#lastRunMs + this.#gapMs);
    if (this.#timer !== undefined && this.#armedAtMs <= first) return;
    clearTimeout(this.#timer);
    this.#armedAtMs = first;
    this.#timer = setTimeout(() => this.#run(), Math.max(0, first - this.#nowMs()));
    Deno.unrefTimer(this.#timer);
  }

  #run(): void {
    this.#timer = undefined;
    this.#armedAtMs = Infinity;
    const start = this.#nowMs();
    this.#lastRunMs = start;
    const due: [Flushable, Entry][] = [];
    for (const kv of this.#entries) if (kv[1].dueMs <= start) due.push(kv);
    due.sort((a, b) => a[1].dueMs - b[1].dueMs);
    this.#behind = false;
    for (const [f, e] of due) {
      const now = this.#nowMs();
      if (now - start >= BUDGET_MS) {
        this.#behind = true;
        break;
      }
      // The next flush one interval after this one's due time; a whole interval late, from now.
      e.dueMs += e.everyMs;
      if (e.dueMs <= now) e.dueMs = now + e.everyMs;
      f.flushDue();
    }
    this.#arm();
  }
}

let shared: Flusher | undefined;

/**
 * The process's flusher, which stores use unless given one: a scheduler only (it holds no data), so
 * two agents in one process may share it.
 */
export function sharedFlusher(): Flusher {
  return shared ??= new Flusher();
}
