/**
 * The fuzz input of fuzz_test.ts: deterministic randomness, the corpus of real v1.37.1 captures,
 * the mutations, the line sources (a mutating script, fixed lines) and a store that records what
 * the pipeline appended. Private to this folder.
 * @module
 */

import type { MemoryMode, SeriesId, Store } from "../store/mod.ts";
import { splitWords } from "./protocol.ts";

const FIXTURES = new URL("../../tests/fixtures/netdata-1.37.1/", import.meta.url);

// --- deterministic randomness -------------------------------------------------------------------

type Rng = () => number;

/** mulberry32: small, fast, good enough for choosing mutations. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function below(r: Rng, n: number): number {
  return Math.floor(r() * n);
}

export function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[below(r, xs.length)];
}

// --- corpus -------------------------------------------------------------------------------------

/** A capture chart's well-formed definition, for the usability probe. */
export interface ChartDefinition {
  id: string;
  lines: string[];
  updateEvery: number;
}

export interface Corpus {
  /** What each capture's child sent after its request head. */
  files: { name: string; lines: string[] }[];
  /** Every line by keyword (for out-of-order injections). */
  byKeyword: Map<string, string[]>;
  /** CHART + DIMENSION lines of every chart, first definition seen. */
  definitions: ChartDefinition[];
}

/** Reads the uncompressed child-to-parent captures (and the decoded LZ4 one). */
export function loadCorpus(): Corpus {
  const names = [...Deno.readDirSync(FIXTURES)].map((e) => e.name)
    .filter((n) => n.startsWith("c2p-") && (n.endsWith(".bin") && !n.includes("lz4") || n.endsWith(".txt")))
    .sort();
  const decoder = new TextDecoder();
  const files: Corpus["files"] = [];
  const byKeyword = new Map<string, string[]>();
  const definitions = new Map<string, ChartDefinition>();
  const words: string[] = [];
  for (const name of names) {
    let text = decoder.decode(Deno.readFileSync(new URL(name, FIXTURES)));
    if (name.endsWith(".bin")) {
      const head = text.indexOf("\r\n\r\n");
      text = head < 0 ? "" : text.slice(head + 4);
    }
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    if (lines.length === 0) continue;
    files.push({ name, lines });
    let def: ChartDefinition | undefined;
    for (const line of lines) {
      const n = splitWords(line, words);
      if (n === 0) continue;
      const kw = words[0];
      let list = byKeyword.get(kw);
      if (list === undefined) byKeyword.set(kw, list = []);
      list.push(line);
      if (kw === "CHART") {
        def = definitions.has(words[1])
          ? undefined
          : { id: words[1], lines: [line], updateEvery: Number(words[9]) || 1 };
        if (def) definitions.set(def.id, def);
      } else if (kw === "DIMENSION" && def) def.lines.push(line);
      else if (kw !== "CLABEL" && kw !== "CLABEL_COMMIT") def = undefined;
    }
  }
  return { files, byKeyword, definitions: [...definitions.values()] };
}

// --- mutations ----------------------------------------------------------------------------------

/** One line of the fuzz script; `mutation` is "" for a line sent as captured. */
interface Step {
  line: string;
  mutation: string;
}

interface Gen {
  r: Rng;
  corpus: Corpus;
  /** Takes the following capture line (for reordering). */
  next(): string | undefined;
}

type Mutation = (line: string, g: Gen) => string[];

const HUGE = [
  "18446744073709551615",
  "18446744073709551616",
  "9223372036854775807",
  "9223372036854775808",
  "99999999999999999999999",
  "1" + "0".repeat(300),
  "9".repeat(400),
  "4294967296",
  "9007199254740993",
];
const WEIRD_NUMBERS = [
  "-1",
  "-9223372036854775808",
  "-0",
  "NaN",
  "nan",
  "NAN",
  "-nan",
  "inf",
  "Infinity",
  "-Infinity",
  "1e999",
  "1e3",
  "0x1F",
  "0X1f",
  "0xZZ",
  "0x",
  "010",
  "08",
  "0777",
  "",
  '""',
  "''",
  "1.5",
  "0.0000001",
  "+5",
  "--5",
  "5-",
  "0",
  " ",
  "٣",
];
const INSERTS = [
  "=",
  "==",
  "\\",
  '\\"',
  "\\'",
  "\t",
  "\r",
  "\x00",
  "\x01",
  "\x7f",
  "\x1b[31m",
  "é",
  "日本語",
  "\u{1F600}",
  "\uFFFD",
  '"',
  "'",
  " ",
  "\u00a0",
];
const INJECT_KEYWORDS = [
  "CHART",
  "DIMENSION",
  "BEGIN",
  "SET",
  "END",
  "RBEGIN",
  "RSET",
  "RDSTATE",
  "RSSTATE",
  "REND",
  "CHART_DEFINITION_END",
  "CLABEL",
  "CLABEL_COMMIT",
  "LABEL",
  "OVERWRITE",
  "VARIABLE",
  "CLAIMED_ID",
];

function tokens(line: string): string[] {
  return line.split(" ");
}

function numberFor(r: Rng, old: string): string {
  switch (below(r, 4)) {
    case 0:
      return pick(r, HUGE);
    case 1:
      return "-" + old.replace(/^-/, "");
    case 2:
      return /^\d+$/.test(old) ? "0x" + BigInt(old).toString(16).toUpperCase() : "0" + old;
    default:
      return pick(r, WEIRD_NUMBERS);
  }
}

const MUTATIONS: [string, number, Mutation][] = [
  ["truncate", 8, (l, g) => [l.slice(0, below(g.r, l.length + 1))]],
  ["drop word", 8, (l, g) => {
    const t = tokens(l);
    t.splice(below(g.r, t.length), 1);
    return [t.join(" ")];
  }],
  ["duplicate word", 5, (l, g) => {
    const t = tokens(l);
    const i = below(g.r, t.length);
    t.splice(i, 0, t[i]);
    return [t.join(" ")];
  }],
  ["swap words", 6, (l, g) => {
    const t = tokens(l);
    const i = below(g.r, t.length);
    const j = below(g.r, t.length);
    [t[i], t[j]] = [t[j], t[i]];
    return [t.join(" ")];
  }],
  ["number", 22, (l, g) => {
    const t = tokens(l);
    const nums = t.map((w, i) => /^"?-?\d/.test(w) ? i : -1).filter((i) => i > 0);
    const i = nums.length > 0 ? pick(g.r, nums) : 1 + below(g.r, Math.max(1, t.length - 1));
    const old = (t[i] ?? "").replaceAll('"', "");
    t[i] = numberFor(g.r, old);
    return [t.join(" ")];
  }],
  ["quotes", 8, (l, g) => {
    const quoteAt = [...l].map((c, i) => c === '"' || c === "'" ? i : -1).filter((i) => i >= 0);
    if (quoteAt.length === 0 || g.r() < 0.3) {
      const at = below(g.r, l.length + 1);
      return [l.slice(0, at) + pick(g.r, ['"', "'"]) + l.slice(at)];
    }
    const at = pick(g.r, quoteAt);
    const repl = pick(g.r, ["", l[at] === '"' ? "'" : '"', '""']);
    return [l.slice(0, at) + repl + l.slice(at + 1)];
  }],
  ["insert", 10, (l, g) => {
    const at = below(g.r, l.length + 1);
    return [l.slice(0, at) + pick(g.r, INSERTS) + l.slice(at)];
  }],
  ["over-long", 2, (l, g) => {
    // 15360 is the limit: probe both sides of it, and multi-byte text that is long in bytes only.
    switch (below(g.r, 4)) {
      case 0:
        return [l + " " + "x".repeat(Math.max(0, 15360 - l.length - 1))];
      case 1:
        return [l + " " + "x".repeat(Math.max(1, 15361 - l.length - 1 + below(g.r, 2000)))];
      case 2:
        return [l + ' "' + "é".repeat(8000) + '"'];
      default:
        return ["x".repeat(40_000)];
    }
  }],
  ["keyword", 3, (l, g) => {
    const t = tokens(l);
    t[0] = pick(g.r, [
      t[0].toLowerCase(),
      t[0] + "X",
      t[0].slice(1),
      " " + t[0],
      "\t" + t[0],
      t[0] + "\x00",
    ]);
    return [t.join(" ")];
  }],
  ["empty word", 4, (l, g) => {
    const t = tokens(l);
    t[1 + below(g.r, Math.max(1, t.length - 1))] = pick(g.r, ['""', "''", "", "=", '"'] as const);
    return [t.join(" ")];
  }],
  ["duplicate line", 6, (l) => [l, l]],
  ["skip line", 6, () => []],
  ["swap with next", 6, (l, g) => {
    const n = g.next();
    return n === undefined ? [l] : [n, l];
  }],
  ["inject", 10, (l, g) => {
    const kw = pick(g.r, INJECT_KEYWORDS);
    const pool = g.corpus.byKeyword.get(kw);
    const extra = pool !== undefined && pool.length > 0 ? pick(g.r, pool) : kw;
    return g.r() < 0.5 ? [extra, l] : [l, extra];
  }],
  ["short REND", 2, (l, g) => {
    const pool = g.corpus.byKeyword.get("REND") ??
      ["REND 1 1795293549 1795293617 true 1795293581 1795293617"];
    return [tokens(pick(g.r, pool)).slice(0, 1 + below(g.r, 7)).join(" "), l];
  }],
  ["replication times", 4, (l, g) => {
    const n = () => pick(g.r, [...HUGE, ...WEIRD_NUMBERS, "1795293582", "1795293581", "0", "-5"]);
    const kw = pick(g.r, [
      "RBEGIN ''",
      "RSSTATE",
      "REND 1 1795293549 1795293617 true",
      "CHART_DEFINITION_END",
    ]);
    return [l, `${kw} ${n()} ${n()} ${n()}`];
  }],
];
const MUTATION_WEIGHT = MUTATIONS.reduce((s, m) => s + m[1], 0);

/** Lines that start something a reconnected child would send anew. */
const FRESH_START = new Set(["CHART", "BEGIN", "RBEGIN", "CLAIMED_ID", "LABEL"]);

/** Where the harness takes its lines from. */
export interface StepSource {
  /** The next line, or undefined when done. */
  next(): Step | undefined;
  /** The connection was dropped: continue where a reconnected child would. */
  resync(): void;
}

/**
 * The fuzz input: walks the captures line by line (now and then jumping to the start of another
 * capture, like a reconnecting child re-sending its definitions) and mutates about half of the
 * lines, until `cases` mutated lines were handed out. Deterministic for a seed and the same calls.
 */
export class Script implements StepSource {
  readonly #corpus: Corpus;
  readonly #r: Rng;
  readonly #cases: number;
  #file: { name: string; lines: string[] };
  #at = 0;
  #queue: Step[] = [];
  #mutated = 0;
  readonly #gen: Gen;

  constructor(corpus: Corpus, seed: number, cases: number) {
    this.#corpus = corpus;
    this.#r = makeRng(seed);
    this.#cases = cases;
    this.#file = corpus.files[0];
    this.#gen = {
      r: this.#r,
      corpus,
      next: () => (this.#at < this.#file.lines.length ? this.#file.lines[this.#at++] : undefined),
    };
  }

  next(): Step | undefined {
    const r = this.#r;
    while (this.#queue.length === 0) {
      if (this.#mutated >= this.#cases) return undefined;
      if (this.#at >= this.#file.lines.length || r() < 0.002) this.#restart();
      const line = this.#file.lines[this.#at++];
      if (r() < 0.45 || line.startsWith("FUNCTION_RESULT_")) return { line, mutation: "" };
      let w = r() * MUTATION_WEIGHT;
      let m = MUTATIONS[0];
      for (const cand of MUTATIONS) {
        m = cand;
        if ((w -= cand[1]) < 0) break;
      }
      for (const l of m[2](line, this.#gen)) this.#queue.push({ line: l, mutation: m[0] });
    }
    const step = this.#queue.shift()!;
    this.#mutated++;
    return step;
  }

  resync(): void {
    this.#queue = [];
    if (this.#r() < 0.1) return this.#restart();
    const words: string[] = [];
    const lines = this.#file.lines;
    while (this.#at < lines.length) {
      const n = splitWords(lines[this.#at], words);
      if (n > 0 && FRESH_START.has(words[0]) && (words[0] !== "RBEGIN" || (n > 1 && words[1] !== ""))) return;
      this.#at++;
    }
  }

  #restart(): void {
    this.#file = pick(this.#r, this.#corpus.files);
    this.#at = 0;
  }
}

/** Replays fixed lines (the harness's own test). */
export class FixedSteps implements StepSource {
  #at = 0;
  constructor(readonly steps: Step[]) {}
  next(): Step | undefined {
    return this.steps[this.#at++];
  }
  resync(): void {}
}

// --- a store that remembers what the pipeline appended ------------------------------------------

/** Delegates to a real store and logs appends (series, time, value) since the last mark. */
export class SpyStore implements Store {
  readonly #inner: Store;
  /** Flat triples: id, tSec, value. */
  log: number[] = [];
  /** Appends at a time that is not a finite number >= 0. */
  badTimes: string[] = [];

  constructor(inner: Store) {
    this.#inner = inner;
  }

  get mode(): MemoryMode {
    return this.#inner.mode;
  }
  get seriesCount(): number {
    return this.#inner.seriesCount;
  }
  get droppedOld(): number {
    return this.#inner.droppedOld;
  }
  memoryBytes(): number {
    return this.#inner.memoryBytes();
  }
  close(): void {
    this.#inner.close();
  }
  define(key: string, updateEverySec: number): SeriesId {
    return this.#inner.define(key, updateEverySec);
  }
  append(id: SeriesId, tSec: number, value: number): void {
    if (!(Number.isFinite(tSec) && tSec >= 0)) this.badTimes.push(`series ${id} at ${tSec}`);
    this.log.push(id, tSec, value);
    this.#inner.append(id, tSec, value);
  }
  updateEvery(id: SeriesId): number {
    return this.#inner.updateEvery(id);
  }
  firstTime(id: SeriesId): number {
    return this.#inner.firstTime(id);
  }
  lastTime(id: SeriesId): number {
    return this.#inner.lastTime(id);
  }
  read(id: SeriesId, fromSec: number, toSec: number, out: Float64Array): number {
    return this.#inner.read(id, fromSec, toSec, out);
  }

  /** The last value appended to `id` since the log was cleared, or undefined. */
  lastAppend(id: SeriesId): { tSec: number; value: number } | undefined {
    for (let i = this.log.length - 3; i >= 0; i -= 3) {
      if (this.log[i] === id) return { tSec: this.log[i + 1], value: this.log[i + 2] };
    }
    return undefined;
  }
}
