/**
 * Disk store figures: bytes per stored sample for real agent data, write throughput and read
 * speed. Run: `deno run -A tests/bench/disk_bench.ts` (prints JSON), or call
 * {@link benchDiskStore} from tests/bench/bench.ts. `deno bench -A tests/bench/disk_bench.ts` runs
 * the codec micro-benchmarks below.
 *
 * The data: the project's collectors (createCollectors against /proc) run for real ticks with an
 * injected clock advancing 1 s per tick, so every value goes through the real pipeline
 * (algorithms, interpolation) from real /proc counters. By default the trace recorded in
 * `tests/fixtures/trace_1s.json` (180 ticks one real second apart, 130 series) is used, so figures are
 * reproducible; `TRACE=live` collects a fresh one here (`TRACE_TICKS`, `TRACE_TICK_MS`; ticks
 * shorter than 1 s give smoother, more compressible values). The trace is replayed forth and
 * back as an hour (or `seconds`) of 1-second samples.
 * @module
 */

import { createCollectors } from "../../src/collectors/mod.ts";
import { Host } from "../../src/host/mod.ts";
import { ByteBuf, decodeXor32, encodeXor32 } from "../../src/store/chunk/mod.ts";
import { DiskStore } from "../../src/store/dbengine/mod.ts";
import { createStore } from "../../src/store/mod.ts";

/** History of the bench stores: a day, so segments rotate by size and time as in production. */
const HISTORY_SEC = 86400;

/** Per-series values collected from this machine, one per tick. */
export interface Trace {
  keys: string[];
  values: Float64Array[];
  ticks: number;
}

/** Collects a trace of real values through the collectors and the chart pipeline. */
export async function collectTrace(
  opts: { ticks?: number; tickMs?: number; procRoot?: string } = {},
): Promise<Trace> {
  const ticks = opts.ticks ?? 120;
  const tickMs = opts.tickMs ?? 100;
  const t0 = 1795291200;
  let nowUs = t0 * 1e6;
  const host = new Host({
    hostname: "bench",
    machineGuid: crypto.randomUUID(),
    store: createStore({ mode: "ram", historySec: ticks + 10 }),
    memoryMode: "ram",
    updateEvery: 1,
    historySec: ticks + 10,
    isLocal: true,
    nowUs: () => nowUs,
  });
  const collectors = createCollectors({ procRoot: opts.procRoot ?? "/proc", updateEvery: 1 });
  try {
    for (let i = 0; i <= ticks + 1; i++) {
      for (const c of collectors) c.collect(host, i === 0 ? 0 : 1e6);
      nowUs += 1e6;
      await new Promise((r) => setTimeout(r, tickMs));
    }
  } finally {
    for (const c of collectors) c.close();
  }
  const keys: string[] = [];
  const values: Float64Array[] = [];
  const from = t0 + 2;
  for (const chart of host.charts.values()) {
    for (const d of chart.dimensions) {
      const v = new Float64Array(ticks);
      host.store.read(d.seriesId, from, from + ticks - 1, v);
      keys.push(`${chart.id}|${d.id}`);
      values.push(v);
    }
  }
  host.store.close();
  return { keys, values, ticks };
}

/** What {@link benchDiskStore} measured. */
export interface DiskBenchResult {
  series: number;
  samples: number;
  /** Tier-0 page bytes on disk per tier-0 sample (records and headers included). */
  tier0BytesPerSample: number;
  /** Every file of the store (all tiers, catalogs, indexes) per tier-0 sample. */
  totalBytesPerSample: number;
  /**
   * Appends per second for ~1000 series (copies of the trace), with a flush (segments, journal,
   * two fdatasyncs) every 5 simulated seconds: one core, all three tiers.
   */
  writeSamplesPerSec: number;
  /** The same without flushes until the end: the in-memory append path alone. */
  appendSamplesPerSec: number;
  /** Tier-0 points read per second after a restart (whole range of every series). */
  readSamplesPerSec: number;
  /** Tier-1 points read per second. */
  readTier1PointsPerSec: number;
  /** Time to reopen the store, ms. */
  openMs: number;
  /** Largest journal seen while writing the real data. */
  journalBytesPeak: number;
  /** Journal bytes written per tier-0 sample (deltas and snapshots; segments not included). */
  journalBytesPerSample: number;
}

function dirBytes(dir: string, filter: (name: string) => boolean = () => true): number {
  let b = 0;
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) b += dirBytes(p, filter);
    else if (e.isFile && filter(p)) b += Deno.statSync(p).size;
  }
  return b;
}

function replay(
  store: DiskStore,
  trace: Trace,
  opts: { seconds: number; copies: number; t0: number; flushEvery: number; dir?: string },
): { samples: number; ms: number; journalPeak: number; journalWritten: number } {
  const n = trace.keys.length * opts.copies;
  const ids = new Int32Array(n);
  for (let c = 0; c < opts.copies; c++) {
    for (let i = 0; i < trace.keys.length; i++) {
      ids[c * trace.keys.length + i] = store.define(`${c}/${trace.keys[i]}`, 1);
    }
  }
  let samples = 0;
  let journalPeak = 0;
  const start = performance.now();
  for (let s = 0; s < opts.seconds; s++) {
    const t = opts.t0 + s;
    // forth and back through the trace, so the replay has no jumps real data would not have
    const period = 2 * trace.ticks - 2;
    const k = s % period < trace.ticks ? s % period : period - (s % period);
    for (let c = 0; c < opts.copies; c++) {
      // each copy starts the trace elsewhere so copies are not identical
      const kk = (k + c * 17) % trace.ticks;
      for (let i = 0; i < trace.keys.length; i++) {
        store.append(ids[c * trace.keys.length + i], t, trace.values[i][kk]);
      }
    }
    samples += n;
    if (s % opts.flushEvery === opts.flushEvery - 1) {
      store.flush();
      if (opts.dir !== undefined && s % 300 === 299) {
        journalPeak = Math.max(journalPeak, dirBytes(opts.dir, (p) => p.endsWith(".wal")));
      }
    }
  }
  store.flush();
  return { samples, ms: performance.now() - start, journalPeak, journalWritten: store.journalBytesWritten };
}

/** The recorded trace shipped in tests/fixtures (real 1-second values of this project's collectors). */
export function recordedTrace(): Trace {
  const raw = JSON.parse(Deno.readTextFileSync(new URL("../fixtures/trace_1s.json", import.meta.url)));
  return {
    keys: raw.keys,
    ticks: raw.ticks,
    values: raw.values.map((v: (number | null)[]) => Float64Array.from(v, (x) => x ?? NaN)),
  };
}

/**
 * Measures the disk store on real agent data: an hour of samples written with a flush every
 * 5 s, closed, bytes counted per file kind, reopened and read back.
 */
export function benchDiskStore(
  opts: { seconds?: number; trace?: Trace; dir?: string } = {},
): DiskBenchResult {
  const seconds = opts.seconds ?? 3600;
  const trace = opts.trace ?? recordedTrace();
  const root = opts.dir ?? Deno.makeTempDirSync({ prefix: "agent-diskbench-" });
  const t0 = 1795291200;
  try {
    // real data, one copy of this machine's series
    const dir = `${root}/real`;
    let store = new DiskStore({ dir, historySec: HISTORY_SEC, flushIntervalSec: 3600 });
    const w = replay(store, trace, { seconds, copies: 1, t0, flushEvery: 5, dir });
    store.close();
    const tier0Data = dirBytes(`${dir}/tier0`, (p) => p.endsWith(".dat") && !p.endsWith("index.dat"));
    const total = dirBytes(dir);
    // read back after a restart
    const openStart = performance.now();
    store = new DiskStore({ dir, historySec: HISTORY_SEC, flushIntervalSec: 3600 });
    const openMs = performance.now() - openStart;
    const buf = new Float64Array(4096);
    const tb = {
      min: new Float64Array(4096),
      max: new Float64Array(4096),
      sum: new Float64Array(4096),
      count: new Float64Array(4096),
    };
    let read = 0;
    let rStart = performance.now();
    for (const key of trace.keys) {
      const id = store.define(`0/${key}`, 1);
      for (let t = t0; t < t0 + seconds; t += buf.length) {
        read += store.read(id, t, Math.min(t0 + seconds - 1, t + buf.length - 1), buf);
      }
    }
    const readMs = performance.now() - rStart;
    let read1 = 0;
    rStart = performance.now();
    for (let rep = 0; rep < 20; rep++) {
      for (const key of trace.keys) {
        read1 += store.readTier(store.define(`0/${key}`, 1), 1, t0, t0 + seconds, tb);
      }
    }
    const read1Ms = performance.now() - rStart;
    store.close();

    // throughput at ~1000 series, with and without the flushes
    const copies = Math.max(1, Math.round(1000 / trace.keys.length));
    const wideSec = Math.min(seconds, 1800);
    let wide = new DiskStore({ dir: `${root}/wide`, historySec: HISTORY_SEC, flushIntervalSec: 3600 });
    const w2 = replay(wide, trace, { seconds: wideSec, copies, t0, flushEvery: 5 });
    wide.close();
    wide = new DiskStore({ dir: `${root}/wide2`, historySec: HISTORY_SEC, flushIntervalSec: 3600 });
    const w3 = replay(wide, trace, { seconds: wideSec, copies, t0, flushEvery: 1e9 });
    wide.close();

    const samples = w.samples;
    return {
      series: trace.keys.length,
      samples,
      tier0BytesPerSample: tier0Data / samples,
      totalBytesPerSample: total / samples,
      writeSamplesPerSec: w2.samples / (w2.ms / 1000),
      appendSamplesPerSec: w3.samples / (w3.ms / 1000),
      readSamplesPerSec: read / (readMs / 1000),
      readTier1PointsPerSec: read1 / (read1Ms / 1000),
      openMs,
      journalBytesPeak: w.journalPeak,
      journalBytesPerSample: w.journalWritten / samples,
    };
  } finally {
    if (opts.dir === undefined) Deno.removeSync(root, { recursive: true });
  }
}

// codec micro-benchmarks (deno bench)
{
  const noisy = new Float32Array(1024).map((_, i) =>
    Math.round((Math.sin(i / 7) * 20 + 30 + Math.random()) * 100) / 100
  );
  const bits = new Uint32Array(noisy.buffer);
  const out = new ByteBuf(8192);
  encodeXor32(bits, 0, 1024, out);
  const encoded = out.view8().slice();
  const dec = new Uint32Array(1024);
  Deno.bench("encodeXor32() 1024 noisy values", () => {
    out.len = 0;
    encodeXor32(bits, 0, 1024, out);
  });
  Deno.bench("decodeXor32() 1024 noisy values", () => {
    decodeXor32(encoded, 0, encoded.length, 1024, dec, 0);
  });
}

if (import.meta.main) {
  const trace = Deno.env.get("TRACE") === "live"
    ? await collectTrace({
      ticks: Number(Deno.env.get("TRACE_TICKS") ?? 180),
      tickMs: Number(Deno.env.get("TRACE_TICK_MS") ?? 1000),
    })
    : recordedTrace();
  console.log(JSON.stringify(benchDiskStore({ trace }), null, 2));
}
