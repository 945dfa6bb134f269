/**
 * Fuzz test of {@link StreamIngest}: mutated lines from real v1.37.1 captures are applied to a real
 * Host. Runs in a Worker so that a hang is caught (and the line named) instead of stalling the run.
 *
 * Properties, checked after every line:
 * - a line either applies or throws a StreamError that names its line number; nothing else throws
 *   (the parent's replication hooks included), and no line takes longer than {@link STALL_MS};
 * - every chart keeps a whole `update every` >= 1, and raw values, multipliers and divisors stay in
 *   Netdata's int64 range (`collected_number`; strtoll saturates);
 * - after a connection ends (a StreamError), no chart is left inside a BEGIN/END round;
 * - a round whose SETs were all valid, on a chart that already stores (not its first collection,
 *   the dimension's second value or later, clean collector state), stores a finite value, not NaN;
 * - the host stays usable: a fresh chart gets the right value at the right slot, and a capture's
 *   chart, well-formed again after the fuzzing, stores the value its algorithm gives;
 * - the parent's `REPLAY_CHART` answers carry finite, non-negative times.
 *
 * Reproduce a run: `FUZZ_SEED=<n> FUZZ_CASES=<n> deno test -A src/stream/fuzz_test.ts`.
 * @module
 */

import { testHost } from "../host/_fixture.ts";
import { assert } from "../../tests/_helpers/assert.ts";
import type { Chart, Dimension, Host } from "../host/mod.ts";
import { createStore } from "../store/mod.ts";
import { type IngestHooks, StreamError, StreamIngest } from "./ingest.ts";
import { splitWords } from "./protocol.ts";
import { planReplay, replayLine } from "./replication.ts";
import {
  type ChartDefinition,
  type Corpus,
  FixedSteps,
  loadCorpus,
  makeRng,
  pick,
  Script,
  SpyStore,
  type StepSource,
} from "./_fuzz_input.ts";

const DEFAULT_SEED = 1_795_293_549;
const DEFAULT_CASES = 20_000;
/** A line that runs this long is a hang (lines take microseconds; this leaves room for a busy CI). */
const STALL_MS = 5_000;
/** Whole run limit: the default cases take about a second. */
const runLimitMs = (cases: number) => 30_000 + cases;
const START_US = 1_795_293_549_300_000;
const INT64_MAX = 9223372036854775807; // as a double: 2^63
const SAFE_US = Number.MAX_SAFE_INTEGER;
const MAX_FAILURES = 30;

// --- the harness --------------------------------------------------------------------------------

/** Something that went wrong, with what is needed to replay it. */
interface Failure {
  what: string;
  /** Index in the script (-1 during a probe or the final checks). */
  step: number;
  mutation: string;
  line: string;
  detail: string;
  /** The lines of the connection so far (the last ones). */
  session: string[];
}

/** Counts that show the fuzzer reached the code (checked, so a broken generator fails the test). */
interface FuzzStats {
  steps: number;
  mutatedSteps: number;
  applied: number;
  appliedMutated: number;
  streamErrors: number;
  reasons: Record<string, number>;
  keywordsAppliedMutated: string[];
  roundsChecked: number;
  probes: number;
  knownProbesWithoutPoint: number;
}

/**
 * Where the harness is, shared with the watching thread: the step, the start of the connection,
 * whether a probe runs, a beat per line, and the last {@link RING} lines (each cut to 500 bytes).
 */
class Progress {
  readonly #ints: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #enc = new TextEncoder();

  static readonly RING = 24;
  static readonly SLOT = 512;
  static readonly HEADER = 4 * (4 + Progress.RING);

  constructor(buffer: SharedArrayBuffer) {
    this.#ints = new Int32Array(buffer, 0, 4 + Progress.RING);
    this.#bytes = new Uint8Array(buffer, Progress.HEADER);
  }

  static create(): SharedArrayBuffer {
    return new SharedArrayBuffer(Progress.HEADER + Progress.RING * Progress.SLOT);
  }

  at(step: number, sessionStart: number, line: string, probe = false): void {
    const beat = this.#ints[3] + 1;
    const slot = beat % Progress.RING;
    const view = this.#bytes.subarray(slot * Progress.SLOT, slot * Progress.SLOT + Progress.SLOT - 12);
    this.#ints[4 + slot] = this.#enc.encodeInto(line.length > 500 ? line.slice(0, 500) : line, view).written;
    this.#ints[0] = step;
    this.#ints[1] = sessionStart;
    this.#ints[2] = probe ? 1 : 0;
    Atomics.store(this.#ints, 3, beat);
  }

  beat(): number {
    return Atomics.load(this.#ints, 3);
  }

  /** Where it is, with the lines fed last (oldest first; the last one is the stuck one). */
  snapshot(): { step: number; sessionStart: number; probe: boolean; lines: string[] } {
    const beat = this.beat();
    const lines: string[] = [];
    const dec = new TextDecoder();
    for (let b = Math.max(1, beat - Progress.RING + 1); b <= beat; b++) {
      const slot = b % Progress.RING;
      const at = slot * Progress.SLOT;
      lines.push(dec.decode(this.#bytes.slice(at, at + this.#ints[4 + slot])));
    }
    return { step: this.#ints[0], sessionStart: this.#ints[1], probe: this.#ints[2] === 1, lines };
  }
}

/** Netdata's SET syntax: an integer strtoll(…, 0) reads whole, within int64. */
function validCollected(text: string): boolean {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (m === null) return false;
  const digits = m[2];
  const v = /^0[xX]/.test(digits)
    ? BigInt(digits)
    : digits.length > 1 && digits[0] === "0"
    ? BigInt("0o" + digits.slice(1))
    : BigInt(digits);
  return m[1] === "-" ? v <= 2n ** 63n : v < 2n ** 63n;
}

function inInt64(v: number): boolean {
  return v >= -INT64_MAX && v <= INT64_MAX;
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

function show(line: string): string {
  return JSON.stringify(line.length > 300 ? line.slice(0, 300) + `… (${line.length} chars)` : line);
}

interface RoundWatch {
  chart: Chart;
  valid: Set<Dimension>;
  invalid: Set<Dimension>;
}

/** Options of {@link runFuzz}. */
interface RunOptions {
  /** Where the watching thread sees progress. */
  progress?: Progress;
  /** Makes the ingest for each connection (the harness's own test plants bugs here). */
  makeIngest?: (host: Host, hooks: IngestHooks) => StreamIngest;
}

/** Runs the steps against a real Host and returns every property violation. */
function runFuzz(corpus: Corpus, source: StepSource, opts: RunOptions = {}): {
  failures: Failure[];
  stats: FuzzStats;
} {
  const progress = opts.progress;
  const makeIngest = opts.makeIngest ?? ((h: Host, k: IngestHooks) => new StreamIngest(h, k));
  const clock = { us: START_US };
  const spy = new SpyStore(createStore({ mode: "ram", historySec: 3600 }));
  const host = testHost({
    hostname: "fuzz-child",
    guid: "997c4f26-e5eb-11f1-ae16-02fc00000001",
    store: spy,
    clock,
  });
  const failures: Failure[] = [];
  const seen = new Map<string, number>();
  const stats: FuzzStats = {
    steps: 0,
    mutatedSteps: 0,
    applied: 0,
    appliedMutated: 0,
    streamErrors: 0,
    reasons: {},
    keywordsAppliedMutated: [],
    roundsChecked: 0,
    probes: 0,
    knownProbesWithoutPoint: 0,
  };
  const keywords = new Set<string>();
  let session: string[] = [];
  let step = -1;
  let sessionStart = 0;
  let probing = false;
  let mutation = "";
  let currentLine = "";

  const fail = (what: string, detail: string, key = what) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n >= 1 || failures.length >= MAX_FAILURES) return;
    failures.push({ what, step, mutation, line: currentLine, detail, session: session.slice(-12) });
  };

  const checkReplay = (text: string) => {
    const m = /^REPLAY_CHART "[^\n]*" "(true|false)" (\S+) (\S+)\n$/.exec(text);
    const ok = m !== null && [m[2], m[3]].every((v) => Number.isFinite(Number(v)) && Number(v) >= 0);
    if (!ok) fail("REPLAY_CHART with times that are not finite and >= 0", show(text));
  };
  const nowSec = () => Math.floor(clock.us / 1e6);
  const hooks: IngestHooks = {
    chartDefinitionEnd(chart, first, last) {
      checkReplay(replayLine(
        chart.id,
        planReplay({
          enabled: true,
          childFirstSec: first,
          childLastSec: last,
          parentLastSec: chart.lastEntrySec(),
          nowSec: nowSec(),
          dimensions: chart.dimensions.length,
          secondsToReplicate: 86400,
          secondsPerStep: 600,
        }),
      ));
    },
    replayEnd(chart, r) {
      if (r.done) return;
      checkReplay(replayLine(
        chart.id,
        planReplay({
          enabled: true,
          childFirstSec: r.firstSec,
          childLastSec: r.lastSec,
          parentLastSec: chart.lastEntrySec(),
          nowSec: nowSec(),
          dimensions: chart.dimensions.length,
          secondsToReplicate: 86400,
          secondsPerStep: 600,
          previousBeforeSec: r.beforeSec,
        }),
      ));
    },
  };

  const words: string[] = [];
  /** Feeds one line; returns the StreamError it threw (other exceptions are failures). */
  const feed = (ingest: StreamIngest, line: string): StreamError | undefined | "other" => {
    currentLine = line;
    session.push(line);
    progress?.at(step, sessionStart, line, probing);
    try {
      ingest.line(line);
      return undefined;
    } catch (e) {
      if (e instanceof StreamError) {
        if (!e.message.startsWith(`line ${ingest.lineNo}`)) {
          fail("StreamError does not name its line number", `lineNo ${ingest.lineNo}: ${e.message}`);
        }
        if (e.reason === "") fail("StreamError without a reason", e.message);
        return e;
      }
      fail(
        `${(e as Error)?.name ?? "non-Error"} thrown instead of a StreamError`,
        errorText(e),
        errorText(e),
      );
      return "other";
    }
  };

  /** State that must hold after every line. */
  const checkInvariants = () => {
    for (const c of host.charts.values()) {
      if (!(Number.isInteger(c.updateEvery) && c.updateEvery >= 1)) {
        fail(
          "chart update every is not a whole number >= 1",
          `chart "${c.id}" update every ${c.updateEvery}`,
        );
      }
      for (const d of c.dimensions) {
        if (!inInt64(d.collected) || !inInt64(d.lastCollected)) {
          fail(
            "raw value outside int64 (Netdata saturates like strtoll)",
            `chart "${c.id}" dimension "${d.id}": collected ${d.collected}, last collected ${d.lastCollected}`,
          );
        }
        if (!inInt64(d.multiplier) || !inInt64(d.divisor) || d.multiplier === 0 || d.divisor === 0) {
          fail(
            "multiplier/divisor outside int64 or zero",
            `chart "${c.id}" dimension "${d.id}": ${d.multiplier}/${d.divisor}`,
          );
        }
      }
    }
    if (spy.badTimes.length > 0) {
      fail("store append at a time that is not finite and >= 0", spy.badTimes.slice(0, 3).join("; "));
      spy.badTimes = [];
    }
  };

  /** Feeds lines on a fresh connection; returns false (after recording why) when one throws. */
  const probeLines = (ingest: StreamIngest, lines: string[], what: string): boolean => {
    probing = true;
    try {
      for (const l of lines) {
        if (l.startsWith("BEGIN")) clock.us += 1_000_000;
        const e = feed(ingest, l);
        if (e !== undefined) {
          if (e !== "other") {
            fail(`${what}: a well-formed line was refused`, e.message, `${what}: ${e.reason}`);
          }
          return false;
        }
      }
      return true;
    } finally {
      probing = false;
    }
  };

  let probeNo = 0;
  /** A never-seen chart: two rounds; the second value lands on the slot after the first collection. */
  const probeFresh = () => {
    stats.probes++;
    const id = `fuzzprobe.p${probeNo++}`;
    const x = 1000 + probeNo;
    const t1 = clock.us + 1_000_000;
    session = [];
    const ok = probeLines(makeIngest(host, hooks), [
      `CHART "${id}" "" "probe" "things" "probe" "fuzzprobe.p" "line" 1 1 "" "fuzz" ""`,
      `DIMENSION "v" "v" "absolute" 1 1 ""`,
      `BEGIN "${id}" 0`,
      `SET "v" = ${x}`,
      "END",
      `BEGIN "${id}" 1000000`,
      `SET "v" = ${x}`,
      "END",
    ], "fresh chart probe");
    if (!ok) return;
    const d = host.charts.get(id)?.dimension("v");
    const out = new Float64Array(1);
    const slot = Math.floor(t1 / 1e6) + 1;
    const last = d ? spy.lastTime(d.seriesId) : -1;
    if (d) spy.read(d.seriesId, slot, slot, out);
    if (last !== slot || out[0] !== x) {
      fail(
        "fresh chart probe: wrong point",
        `expected ${x} at ${slot}, newest point at ${last} is ${out[0]}`,
      );
    }
  };

  /**
   * A capture's chart, after whatever the fuzzer did to it: its original definition and three
   * rounds of constant values. The last round's points must be what the algorithm gives.
   */
  const probeKnown = (def: ChartDefinition) => {
    stats.probes++;
    const ue = def.updateEvery;
    const dimIds = def.lines.slice(1).map((l) => (splitWords(l, words), words[1]));
    const value = (i: number) => 10 + 7 * i;
    const round = [
      `BEGIN "${def.id}" ${ue * 1_000_000}`,
      ...dimIds.map((id, i) => `SET "${id}" = ${value(i)}`),
      "END",
    ];
    session = [];
    clock.us += (ue - 1) * 1_000_000;
    const ingest = makeIngest(host, hooks);
    if (!probeLines(ingest, [...def.lines, ...round], "capture chart probe")) return;
    clock.us += (ue - 1) * 1_000_000;
    if (!probeLines(ingest, round, "capture chart probe")) return;
    clock.us += (ue - 1) * 1_000_000;
    spy.log = [];
    if (!probeLines(ingest, round, "capture chart probe")) return;
    const chart = host.charts.get(def.id)!;
    const dims = dimIds.map((id) => chart.dimension(id)!);
    const total = dims.reduce((s, _d, i) => s + value(i), 0);
    let stored = 0;
    dims.forEach((d, i) => {
      const got = spy.lastAppend(d.seriesId);
      if (got === undefined) return;
      stored++;
      const want = d.algorithm === "absolute"
        ? value(i) * d.multiplier / d.divisor
        : d.algorithm === "percentage-of-absolute-row"
        ? 100 * value(i) / total
        : 0;
      if (!(Math.abs(got.value - want) <= 1e-9 * Math.max(1, Math.abs(want)))) {
        fail(
          "capture chart probe: wrong value after a well-formed definition and three rounds",
          `chart "${def.id}" dimension "${d.id}" (${d.algorithm} ${d.multiplier}/${d.divisor}): ` +
            `expected ${want}, stored ${got.value} at ${got.tSec}`,
          `capture chart probe: ${def.id}`,
        );
      }
    });
    if (stored === 0) stats.knownProbesWithoutPoint++;
    else if (stored !== dims.length) {
      fail("capture chart probe: only some dimensions stored a point", `chart "${def.id}"`);
    }
  };

  let ingest = makeIngest(host, hooks);
  let watch: RoundWatch | undefined;
  const probeRng = makeRng(7);
  for (let next = source.next(); next !== undefined; next = source.next()) {
    step = stats.steps++;
    const line = next.line;
    mutation = next.mutation;
    if (mutation !== "") stats.mutatedSteps++;
    const n = splitWords(line, words);
    const kw = n > 0 ? words[0] : "";
    clock.us += kw === "BEGIN" ? 1_000_000 : 1_000;

    // Snapshot what decides whether this END must store a value.
    let before: { lc: number; lu: number; ok: Set<Dimension> } | undefined;
    if (kw === "END" && watch !== undefined) {
      const ok = new Set<Dimension>();
      for (const d of watch.valid) {
        if (
          d.updated && !watch.invalid.has(d) && Number.isFinite(d.lastCalculated) && inInt64(d.lastCollected)
        ) ok.add(d);
      }
      before = { lc: watch.chart.lastCollectedUs, lu: watch.chart.lastUpdatedUs, ok };
      spy.log = [];
    }

    const e = feed(ingest, line);
    if (e === undefined) {
      stats.applied++;
      if (mutation !== "") {
        stats.appliedMutated++;
        if (/^[A-Z][A-Z_0-9]*$/.test(kw)) keywords.add(kw);
      }
      // (Inside a FUNCTION_RESULT_BEGIN … END payload the ingest swallows lines: hence the checks.)
      if (kw === "BEGIN") {
        const chart = host.charts.get(words[1]);
        watch = chart?.inRound ? { chart, valid: new Set(), invalid: new Set() } : undefined;
      } else if (kw === "SET" && watch !== undefined && n >= 3 && words[2] !== "") {
        const d = watch.chart.dimension(words[1]);
        if (d !== undefined) (validCollected(words[2]) ? watch.valid : watch.invalid).add(d);
      } else if (kw === "END" && watch !== undefined && before !== undefined) {
        const c = watch.chart;
        if (c.roundsDone >= 2 && before.lc !== 0 && before.lu !== 0 && c.lastCollectedUs < SAFE_US) {
          for (const d of before.ok) {
            if (d.collections < 2) continue;
            const got = spy.lastAppend(d.seriesId);
            if (got === undefined) continue;
            stats.roundsChecked++;
            if (!Number.isFinite(got.value)) {
              fail(
                "a round with valid SETs stored a value that is not finite",
                `chart "${c.id}" dimension "${d.id}" (${d.algorithm} ${d.multiplier}/${d.divisor}) ` +
                  `stored ${got.value} at ${got.tSec}`,
              );
            }
          }
        }
        watch = undefined;
      }
      checkInvariants();
      continue;
    }
    // The connection ends here, as the receiver does it.
    watch = undefined;
    if (e !== "other") {
      stats.streamErrors++;
      stats.reasons[e.reason] = (stats.reasons[e.reason] ?? 0) + 1;
    }
    ingest.abort();
    checkInvariants();
    for (const c of host.charts.values()) {
      if (c.inRound) {
        fail(
          "chart left inside a round after its connection ended",
          `chart "${c.id}": the next connection cannot redefine it`,
        );
      }
    }
    if (stats.streamErrors % 4 === 0 && corpus.definitions.length > 0) {
      probeKnown(pick(probeRng, corpus.definitions));
    }
    if (stats.streamErrors % 25 === 0) probeFresh();
    ingest = makeIngest(host, hooks);
    session = [];
    sessionStart = step + 1;
    source.resync();
  }
  // After everything: the host still takes new charts, and every capture chart works again.
  step = -1;
  mutation = "";
  ingest.abort();
  probeFresh();
  for (const def of corpus.definitions) probeKnown(def);
  stats.keywordsAppliedMutated = [...keywords].sort();
  return { failures, stats };
}

function describe(f: Failure): string {
  return `- ${f.what}\n    step ${f.step} (${f.mutation || "verbatim"}): ${show(f.line)}\n` +
    `    ${f.detail.replaceAll("\n", "\n    ")}\n` +
    `    connection so far:\n${f.session.map((l) => `      ${show(l)}`).join("\n")}`;
}

// --- worker side --------------------------------------------------------------------------------

interface WorkerScope {
  name: string;
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}

/** Messages to the worker. */
type Job =
  | { kind: "fuzz"; seed: number; cases: number; progress: SharedArrayBuffer }
  | { kind: "rows"; rows: Row[]; progress: SharedArrayBuffer }
  | { kind: "selftest"; lines: string[]; progress: SharedArrayBuffer };

/** A fixed sequence, after the definition of chart `t.c`, that once broke a property. */
interface Row {
  name: string;
  lines: string[];
}

const T_DEFINITION = [
  'CHART "t.c" "" "t" "n" "t" "t.c" "line" 1 1 "" "p" ""',
  'DIMENSION "a" "a" "absolute" 1 1 ""',
  'DIMENSION "i" "i" "incremental" 1 1 ""',
];

/** Runs each row on its own host, with every property of the fuzz run. */
function runRows(rows: Row[], progress: Progress): Failure[] {
  const corpus: Corpus = {
    files: [],
    byKeyword: new Map(),
    definitions: [{ id: "t.c", lines: T_DEFINITION, updateEvery: 1 }],
  };
  const out: Failure[] = [];
  for (const row of rows) {
    const lines = [...T_DEFINITION, ...row.lines].map((line) => ({ line, mutation: row.name }));
    out.push(...runFuzz(corpus, new FixedSteps(lines), { progress }).failures);
  }
  return out;
}

/** The watchdog's own test: the line "HANG" never returns (and never reports progress). */
function selfTest(lines: string[], progress: Progress): void {
  lines.forEach((line, step) => {
    progress.at(step, 0, line);
    if (line === "HANG") {
      for (;;) {
        // a planted hang
      }
    }
  });
}

const WORKER_NAME = "stream-fuzz";
const scope = globalThis as unknown as WorkerScope;
const IN_WORKER = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";

if (IN_WORKER && scope.name === WORKER_NAME) {
  scope.onmessage = (e: MessageEvent<Job>) => {
    const job = e.data;
    const progress = new Progress(job.progress);
    try {
      if (job.kind === "selftest") {
        selfTest(job.lines, progress);
        scope.postMessage({ failures: [] });
        return;
      }
      if (job.kind === "rows") {
        scope.postMessage({ failures: runRows(job.rows, progress) });
        return;
      }
      progress.at(-1, -1, "(loading the captures)");
      const corpus = loadCorpus();
      scope.postMessage(runFuzz(corpus, new Script(corpus, job.seed, job.cases), { progress }));
    } catch (err) {
      scope.postMessage({ crashed: errorText(err) });
    }
  };
}

// --- test side ----------------------------------------------------------------------------------

interface WorkerOutcome {
  failures?: Failure[];
  stats?: FuzzStats;
  crashed?: string;
  /** Set when a line stalled: where the worker was. */
  hang?: { step: number; sessionStart: number; probe: boolean; lines: string[]; ms: number };
}

/** Runs a job in a worker; a line that does not return within `stallMs` is reported as a hang. */
async function inWorker(job: Job, stallMs: number): Promise<WorkerOutcome> {
  const limitMs = runLimitMs(job.kind === "fuzz" ? job.cases : 0);
  const worker = new Worker(import.meta.url, { type: "module", name: WORKER_NAME });
  const progress = new Progress(job.progress);
  const done = Promise.withResolvers<WorkerOutcome>();
  worker.onmessage = (e: MessageEvent<WorkerOutcome>) => done.resolve(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    done.resolve({ crashed: `${e.message} at ${e.filename}:${e.lineno}` });
  };
  let lastBeat = -1;
  let lastChange = Date.now();
  const started = Date.now();
  const timer = setInterval(() => {
    const beat = progress.beat();
    const now = Date.now();
    if (beat !== lastBeat) {
      lastBeat = beat;
      lastChange = now;
    } else if (beat > 0 && now - lastChange > stallMs) {
      // (Before the first beat the worker is still loading this module.)
      done.resolve({ hang: { ...progress.snapshot(), ms: now - lastChange } });
    }
    if (now - started > limitMs) done.resolve({ crashed: `did not finish within ${limitMs} ms` });
  }, 50);
  worker.postMessage(job);
  try {
    return await done.promise;
  } finally {
    clearInterval(timer);
    worker.terminate();
  }
}

function envInt(name: string, dflt: number): number {
  const v = Deno.env.get(name);
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : dflt;
}

if (!IN_WORKER) {
  Deno.test("fuzz harness reports a planted exception and a planted hang with their lines", async () => {
    const out = await inWorker({
      kind: "selftest",
      lines: ["SET x = 1", "SET y = 2", "END", "HANG", "never reached"],
      progress: Progress.create(),
    }, 1000);
    assert.ok(out.hang, `hang not detected: ${JSON.stringify(out)}`);
    assert.equal(out.hang.step, 3);
    assert.deepEqual(out.hang.lines, ["SET x = 1", "SET y = 2", "END", "HANG"]);
  });

  Deno.test("fuzz harness reports planted bugs: another exception, a multiplier gone NaN", () => {
    const def = [
      'CHART "t.c" "" "t" "n" "t" "t.c" "line" 1 1 "" "p" ""',
      'DIMENSION "a" "a" "absolute" 1 1 ""',
    ];
    const round = (v: number) => ['BEGIN "t.c" 1000000', `SET "a" = ${v}`, "END"];
    const lines = [
      ...def,
      ...round(1),
      ...round(2),
      "THROW",
      ...round(3),
      "POISON",
      ...round(4),
      ...round(5),
    ];
    class Planted extends StreamIngest {
      override line(text: string): void {
        if (text === "THROW") throw new TypeError("planted");
        if (text === "POISON") {
          this.lineNo++;
          this.host.charts.get("t.c")!.dimension("a")!.multiplier = NaN;
          return;
        }
        super.line(text);
      }
    }
    const { failures } = runFuzz(
      {
        files: [{ name: "planted", lines: def }],
        byKeyword: new Map(),
        definitions: [{ id: "t.c", lines: def, updateEvery: 1 }],
      },
      new FixedSteps(lines.map((line) => ({ line, mutation: "planted" }))),
      { makeIngest: (h, k) => new Planted(h, k) },
    );
    const got = failures.map((f) => `${f.what} @ ${f.line}`);
    assert.deepEqual(got, [
      "TypeError thrown instead of a StreamError @ THROW",
      "multiplier/divisor outside int64 or zero @ POISON",
      "a round with valid SETs stored a value that is not finite @ END",
    ]);
  });

  Deno.test("StreamIngest keeps every fuzz property on the lines that once broke one", async () => {
    const round = (v: number | bigint) => [
      'BEGIN "t.c" 1000000',
      `SET "a" = ${v}`,
      `SET "i" = ${BigInt(v) * 1000n}`,
      "END",
    ];
    const rounds = [...round(1), ...round(2), ...round(3)];
    const replay = (...lines: string[]) => [
      'RBEGIN "t.c"',
      ...lines,
      "REND 1 1795293549 1795293550 true 1795293549 1795293550 1795293550",
      ...rounds,
    ];
    const rows: Row[] = [
      {
        name: "RSSTATE far in the future, then rounds (slot loop ran ~1e294 times)",
        lines: replay(`RSSTATE 1${"0".repeat(300)} 0`),
      },
      {
        name: "RSSTATE beyond 2^73 µs for both times (slot loop stalled: doubles stop adding 1e6)",
        lines: replay("RSSTATE 99999999999999999999999 99999999999999999999999"),
      },
      {
        name: "RBEGIN point at 2^63 s under a clock of Infinity, then a normal one (store gap loop stalled)",
        lines: replay(
          "RBEGIN '' 1795293548 1795293549 1795293550",
          'RSET "a" 5 ""',
          "RBEGIN '' 0 9223372036854775808 Infinity",
          'RSET "a" 6 ""',
        ),
      },
      {
        name: "REND update every 1.5 (RangeError from the store)",
        lines: [...rounds, 'RBEGIN "t.c"', "REND 1.5 0 0 true 0 0 0", ...rounds],
      },
      {
        name: "REND update every 10^400 (RangeError)",
        lines: [...rounds, 'RBEGIN "t.c"', `REND ${"9".repeat(400)} 0 0 true 0 0 0`, ...rounds],
      },
      { name: "REND update every -1", lines: ['RBEGIN "t.c"', "REND -1 0 0 true 0 0 0", ...rounds] },
      {
        name: "CHART update every of 400 digits (RangeError)",
        lines: [`CHART "t.c" "" "t" "n" "t" "t.c" "line" 1 ${"9".repeat(400)} "" "p" ""`, ...rounds],
      },
      {
        name: "SET beyond int64 saturates like strtoll",
        lines: [...rounds, ...round(10n ** 22n), ...rounds],
      },
      {
        name: "DIMENSION multiplier beyond int64",
        lines: [`DIMENSION "a" "a" "absolute" ${"9".repeat(30)} 1 ""`, ...rounds],
      },
      {
        name: "connection lost inside a round: the next one redefines the chart",
        lines: [
          ...round(1),
          'BEGIN "t.c" 1000000',
          'SET "a" = 7',
          'SET "nosuch" = 1',
          ...T_DEFINITION,
          ...rounds,
        ],
      },
    ];
    const out = await inWorker({ kind: "rows", rows, progress: Progress.create() }, STALL_MS);
    if (out.hang !== undefined) {
      assert.fail(`hang in ${JSON.stringify(out.hang.lines.at(-1))}:\n${out.hang.lines.join("\n")}`);
    }
    assert.equal(out.crashed, undefined);
    assert.deepEqual(out.failures?.map(describe), []);
  });

  Deno.test({
    name: "StreamIngest: mutated capture lines apply or throw StreamError, and the host stays usable",
    async fn() {
      const seed = envInt("FUZZ_SEED", DEFAULT_SEED);
      const cases = envInt("FUZZ_CASES", DEFAULT_CASES);
      const out = await inWorker({ kind: "fuzz", seed, cases, progress: Progress.create() }, STALL_MS);
      const replay = `FUZZ_SEED=${seed} FUZZ_CASES=${cases}`;
      if (out.crashed !== undefined) assert.fail(`fuzz worker crashed (${replay}):\n${out.crashed}`);
      if (out.hang !== undefined) {
        const h = out.hang;
        assert.fail(
          `a line did not return within ${h.ms} ms (${replay}), ` +
            `${h.probe ? "in a probe after step" : "at step"} ${h.step} ` +
            `(connection started at step ${h.sessionStart}); the lines fed last, the stuck one at the end:\n` +
            h.lines.map((l) => `  ${show(l)}`).join("\n"),
        );
      }
      const { failures, stats } = out as { failures: Failure[]; stats: FuzzStats };
      assert.ok(
        failures.length === 0,
        `${failures.length} property violations (${replay}):\n${failures.map(describe).join("\n")}\n` +
          `stats: ${JSON.stringify(stats)}`,
      );
      // The fuzzer must reach the code, or the properties above prove nothing.
      const why = JSON.stringify(stats);
      if (Deno.env.get("FUZZ_VERBOSE")) console.log(why);
      assert.ok(stats.mutatedSteps >= cases, why);
      assert.ok(stats.appliedMutated > stats.mutatedSteps * 0.2, `few mutated lines applied: ${why}`);
      assert.ok(stats.streamErrors > stats.mutatedSteps * 0.05, `few StreamErrors: ${why}`);
      assert.ok(stats.roundsChecked > 500, `few rounds checked for finite values: ${why}`);
      assert.ok(stats.probes > 50, `few probes: ${why}`);
      for (
        const kw of [
          "BEGIN",
          "SET",
          "END",
          "CHART",
          "DIMENSION",
          "RBEGIN",
          "RSET",
          "RDSTATE",
          "RSSTATE",
          "REND",
        ]
      ) {
        assert.ok(stats.keywordsAppliedMutated.includes(kw), `no mutated ${kw} line applied: ${why}`);
      }
      for (const reason of ["bad line", "unknown keyword", "line too long"]) {
        assert.ok((stats.reasons[reason] ?? 0) > 0, `no StreamError "${reason}": ${why}`);
      }
    },
  });
}
