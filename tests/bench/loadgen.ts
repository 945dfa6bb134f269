/**
 * A load tool for a streaming parent: N fake children on loopback, each its own TCP connection,
 * machine GUID and hostname (`load-<i>`), speaking the v1.37.1 protocol (src/stream/PROTOCOL.md §2,
 * §3): STREAM request with `ver=960` and a `User-Agent`, wait for the prompt, then
 * `CLAIMED_ID`, host labels, C chart definitions of D dimensions (even ones incremental, odd ones
 * absolute) and, every second, one BEGIN/SET/END round per chart, all of a child's charts in one
 * socket write. Children are spread across the second. Values are written as bytes into a reused
 * buffer per child, so the tool stays a small fraction of a core while the parent works.
 *
 * Library: {@link runLoad}. CLI:
 * `deno run -A tests/bench/loadgen.ts --target 127.0.0.1:PORT --children N --charts C --dims D
 * --seconds S --api-key K [--slots K] [--json]` prints progress every second and a summary at the end
 * (`--json`: one JSON object per line, events `ready`, `tick`, `done`). SIGINT/SIGTERM stop early,
 * cleanly.
 * @module
 */

import { buildStreamRequest, parseHandshakeReply, PROMPT_VN } from "../../src/stream/protocol.ts";
import { childRequestParams } from "../_helpers/sim_child.ts";

/** Options for {@link runLoad}. */
export interface LoadOptions {
  /** `host:port` of the parent; loopback only. */
  target: string;
  children: number;
  /** Charts per child. */
  charts: number;
  /** Dimensions per chart. */
  dims: number;
  /** Seconds of rounds after every child connected. */
  seconds: number;
  apiKey: string;
  /** Hostname prefix (default `load-`). */
  prefix?: string;
  /** Instants per second the children are spread over (default and at most: one per child). */
  slotsPerSec?: number;
  /** Handshakes in flight at once (default 16). */
  connectConcurrency?: number;
  /** Ends the run early (the rounds stop, connections close). */
  signal?: AbortSignal;
  /** Called once every child has connected (or failed to), before the first round. */
  onReady?(r: LoadProgress): void;
  /** Called about once a second while rounds run. */
  onTick?(r: LoadProgress): void;
}

/** Running totals. */
export interface LoadProgress {
  /** Wall-clock milliseconds. */
  tMs: number;
  connected: number;
  /** Children whose connection is still open. */
  live: number;
  samplesSent: number;
  roundsSent: number;
  bytesSent: number;
  /** Rounds not sent because the previous write of that child was still pending a second later. */
  roundsSkipped: number;
  /** CPU seconds (user + system) this process used since the rounds started. */
  cpuSec: number;
}

/** What {@link runLoad} returns. */
export interface LoadReport extends LoadProgress {
  children: number;
  charts: number;
  dims: number;
  /** Seconds from the first round to the end. */
  elapsedSec: number;
  samplesPerSec: number;
  /** Own CPU, in % of one core, while the rounds ran. */
  cpuPct: number;
  /** Handshakes refused or failed: `load-<i>: reason`. */
  refused: string[];
  /** Connections that ended before the run did: `load-<i>: reason`. */
  disconnects: string[];
}

/** Chart ids a child defines (`loadgen.chart_<c>`). */
export function chartId(c: number): string {
  return `loadgen.chart_${c}`;
}

/** What a dimension carries, so a reader can check the parent's stored values. */
export type DimensionSpec =
  | { algorithm: "incremental"; base: number; ratePerSec: number }
  | { algorithm: "absolute"; base: number; amplitude: number; periodSec: number };

/** Small, fast, deterministic hash (mulberry32 step over the three indices). */
function hash3(a: number, b: number, c: number): number {
  let t = (Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca77) ^ Math.imul(c + 1, 0xc2b2ae3d)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * The values of dimension `d` of chart `c` of child `i`: even dimensions are counters (incremental,
 * a per-second rate of 1 to ~1 M, like packets or bytes), odd ones gauges (absolute, a slow sine
 * around a base). The parent should store the rate, respectively a value within the gauge's range.
 */
export function dimensionSpec(i: number, c: number, d: number): DimensionSpec {
  const h = hash3(i, c, d);
  if (d % 2 === 0) {
    return {
      algorithm: "incremental",
      base: Math.floor(h * 1e9),
      ratePerSec: 1 + Math.floor(10 ** (h * 6)),
    };
  }
  const base = Math.floor(10 ** (1 + h * 5));
  return {
    algorithm: "absolute",
    base,
    amplitude: Math.floor(base / 10),
    periodSec: 60 + Math.floor(h * 240),
  };
}

/**
 * Why `v`, a point a parent stored for dimension `d` of chart `c` of child `i`, is not one the
 * child could have produced: "" when it is. A counter's stored rate must be its rate (integer
 * counters carry up to one count of rounding per round, hence the slack), a gauge's value within its
 * range.
 */
export function valueProblem(i: number, c: number, d: number, v: number): string {
  const s = dimensionSpec(i, c, d);
  if (s.algorithm === "incremental") {
    return Math.abs(v - s.ratePerSec) <= s.ratePerSec * 0.01 + 1.5 ? "" : `${v}, expected ${s.ratePerSec}/s`;
  }
  const lo = s.base - s.amplitude;
  const hi = s.base + s.amplitude;
  return v >= lo * 0.99 - 1 && v <= hi * 1.01 + 1 ? "" : `${v}, expected ${lo}..${hi}`;
}

const enc = new TextEncoder();

/** Writes a non-negative safe integer as decimal digits at `at`; returns the next offset. */
function putInt(buf: Uint8Array, at: number, v: number): number {
  if (v < 10) {
    buf[at] = 48 + v;
    return at + 1;
  }
  let digits = 0;
  for (let x = v; x >= 1; x = Math.floor(x / 10)) digits++;
  let p = at + digits;
  for (let x = v; p > at; x = Math.floor(x / 10)) buf[--p] = 48 + (x % 10);
  return at + digits;
}

function cpuSecondsSelf(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

const BEGIN_PREFIX = enc.encode("BEGIN ");
const END_LINE = enc.encode("END\n");

/** One fake child: its connection, its precomputed line prefixes and its value state. */
class FakeChild {
  readonly index: number;
  readonly hostname: string;
  readonly guid: string;
  conn: Deno.TcpConn | undefined = undefined;
  /** Reason it ended early, or "" while it is fine. */
  endReason = "";
  closing = false;
  writing = false;
  /** performance.now() of the previous round, 0 before the first one. */
  prevMs = 0;
  startMs = 0;
  buf: Uint8Array;
  /** Per chart: `BEGIN "<id>" ` bytes; per dimension (chart-major): `SET "<id>" = ` bytes. */
  readonly begins: Uint8Array[];
  readonly sets: Uint8Array[];
  readonly incremental: Uint8Array;
  readonly base: Float64Array;
  /** Rate per second (incremental) or amplitude (absolute). */
  readonly rate: Float64Array;
  readonly omega: Float64Array;
  readonly charts: number;
  readonly dims: number;

  constructor(index: number, prefix: string, charts: number, dims: number) {
    this.index = index;
    this.hostname = `${prefix}${index}`;
    this.guid = crypto.randomUUID();
    this.charts = charts;
    this.dims = dims;
    this.begins = [];
    this.sets = [];
    const n = charts * dims;
    this.incremental = new Uint8Array(n);
    this.base = new Float64Array(n);
    this.rate = new Float64Array(n);
    this.omega = new Float64Array(n);
    for (let c = 0; c < charts; c++) {
      this.begins.push(enc.encode(`"${chartId(c)}" `));
      for (let d = 0; d < dims; d++) {
        const k = c * dims + d;
        this.sets.push(enc.encode(`SET "d${d}" = `));
        const s = dimensionSpec(index, c, d);
        this.base[k] = s.base;
        if (s.algorithm === "incremental") {
          this.incremental[k] = 1;
          this.rate[k] = s.ratePerSec;
        } else {
          this.rate[k] = s.amplitude;
          this.omega[k] = 2 * Math.PI / s.periodSec;
        }
      }
    }
    this.buf = new Uint8Array(64 + charts * (64 + dims * 48));
  }

  /** CLAIMED_ID, host labels and every chart definition, as one string. */
  definitions(): string {
    let s = `CLAIMED_ID ${this.guid} NULL\n`;
    const labels: [string, string][] = [
      ["_os_name", "Debian GNU/Linux"],
      ["_os_version", "12 (bookworm)"],
      ["_kernel_version", "6.1.0"],
      ["_architecture", "x86_64"],
      ["_virtualization", "none"],
      ["_is_k8s_node", "false"],
      ["_is_parent", "false"],
      ["_hostname", this.hostname],
      ["role", "loadgen"],
    ];
    for (const [k, v] of labels) s += `LABEL "${k}" = ${k.startsWith("_") ? 1 : 2} "${v}"\n`;
    s += "OVERWRITE labels\n";
    for (let c = 0; c < this.charts; c++) {
      s += `CHART "${chartId(c)}" "" "Load chart ${c}" "events/s" "load" "loadgen.load" "line" ` +
        `${100000 + c} 1 "   " "loadgen.plugin" "bench"\n`;
      s += 'CLABEL "_collect_plugin" "loadgen.plugin" 1\nCLABEL "_collect_module" "bench" 1\nCLABEL_COMMIT\n';
      for (let d = 0; d < this.dims; d++) {
        const algo = d % 2 === 0 ? "incremental" : "absolute";
        s += `DIMENSION "d${d}" "" "${algo}" 1 1 "  "\n`;
      }
    }
    return s;
  }

  /** Encodes one round of every chart into `buf`; returns its length. */
  encodeRound(nowMs: number): number {
    const deltaUs = this.prevMs === 0 ? 0 : Math.round((nowMs - this.prevMs) * 1000);
    this.prevMs = nowMs;
    const tSec = (nowMs - this.startMs) / 1000;
    const buf = this.buf;
    let at = 0;
    let k = 0;
    for (let c = 0; c < this.charts; c++) {
      buf.set(BEGIN_PREFIX, at);
      at += BEGIN_PREFIX.length;
      const b = this.begins[c];
      buf.set(b, at);
      at += b.length;
      at = putInt(buf, at, deltaUs);
      buf[at++] = 10;
      for (let d = 0; d < this.dims; d++, k++) {
        const p = this.sets[k];
        buf.set(p, at);
        at += p.length;
        const v = this.incremental[k] === 1
          ? this.base[k] + Math.floor(this.rate[k] * tSec)
          : Math.max(0, Math.round(this.base[k] + this.rate[k] * Math.sin(this.omega[k] * tSec)));
        at = putInt(buf, at, v);
        buf[at++] = 10;
      }
      buf.set(END_LINE, at);
      at += END_LINE.length;
    }
    return at;
  }
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** Reads the parent's reply to the STREAM request; `undefined` on timeout or close. */
async function readReply(conn: Deno.TcpConn, timeoutMs: number): Promise<string | undefined> {
  const buf = new Uint8Array(8192);
  let text = "";
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch { /* closed */ }
  }, timeoutMs);
  try {
    while (true) {
      const n = await conn.read(buf.subarray(0));
      if (n === null) return text === "" ? undefined : text;
      text += new TextDecoder().decode(buf.subarray(0, n));
      // The prompt has no terminator: go on while it is still a prefix of the numbered prompt.
      if (PROMPT_VN.startsWith(text) || text === PROMPT_VN) continue;
      return text;
    }
  } catch {
    return text === "" ? undefined : text;
  } finally {
    clearTimeout(timer);
  }
}

function parseTarget(target: string): { hostname: string; port: number } {
  const m = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):(\d+)$/.exec(target);
  if (!m) throw new RangeError(`Target must be a loopback host:port like "127.0.0.1:19999", got "${target}"`);
  return { hostname: m[1] === "[::1]" ? "::1" : m[1], port: Number(m[2]) };
}

/** Connects, handshakes and sends the definitions of one child; returns the refusal reason or "". */
async function connectChild(
  ch: FakeChild,
  addr: { hostname: string; port: number },
  apiKey: string,
): Promise<string> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: addr.hostname, port: addr.port });
  } catch (e) {
    return `connect failed: ${(e as Error).message}`;
  }
  conn.setNoDelay(true);
  const request = buildStreamRequest(
    childRequestParams({ apiKey, hostname: ch.hostname, guid: ch.guid }, [
      ["NETDATA_SYSTEM_ARCHITECTURE", "x86_64"],
      ["NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT", "2"],
    ]),
    "loadgen",
    "1.0",
  );
  try {
    await writeAll(conn, enc.encode(request));
  } catch (e) {
    conn.close();
    return `cannot send the STREAM request: ${(e as Error).message}`;
  }
  const reply = await readReply(conn, 10_000);
  if (reply === undefined) {
    try {
      conn.close();
    } catch { /* closed */ }
    return "no reply to the STREAM request within 10 s";
  }
  const r = parseHandshakeReply(reply);
  if (!r.ok) {
    try {
      conn.close();
    } catch { /* closed */ }
    return `refused (${r.reason}): ${JSON.stringify(reply.slice(0, 120))}`;
  }
  try {
    await writeAll(conn, enc.encode(ch.definitions()));
  } catch (e) {
    conn.close();
    return `cannot send the definitions: ${(e as Error).message}`;
  }
  ch.conn = conn;
  return "";
}

/** Drains what the parent sends (nothing, without REPLICATION or FUNCTIONS) and notes an early close. */
async function watch(ch: FakeChild): Promise<void> {
  const buf = new Uint8Array(4096);
  try {
    while (true) {
      const n = await ch.conn!.read(buf);
      if (n === null) break;
    }
    if (!ch.closing && ch.endReason === "") ch.endReason = "closed by the parent";
  } catch (e) {
    if (!ch.closing && ch.endReason === "") ch.endReason = `read error: ${(e as Error).message}`;
  }
}

/**
 * Runs the load: connects every child, then sends a round per chart per second for
 * `opts.seconds`, then closes every connection.
 * @throws {RangeError} on a target that is not loopback or non-positive sizes.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const addr = parseTarget(opts.target);
  for (const [k, v] of [["children", opts.children], ["charts", opts.charts], ["dims", opts.dims]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) {
      throw new RangeError(`"${k}" must be a whole number >= 1, got ${v}`);
    }
  }
  const children: FakeChild[] = [];
  for (let i = 0; i < opts.children; i++) {
    children.push(new FakeChild(i, opts.prefix ?? "load-", opts.charts, opts.dims));
  }
  const refused: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < children.length && !opts.signal?.aborted) {
      const ch = children[next++];
      const why = await connectChild(ch, addr, opts.apiKey);
      if (why !== "") {
        ch.endReason = why;
        refused.push(`${ch.hostname}: ${why}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.connectConcurrency ?? 16, children.length) }, worker));
  const live = children.filter((c) => c.conn !== undefined);
  const watchers = live.map((c) => watch(c));

  const p: LoadProgress = {
    tMs: Date.now(),
    connected: live.length,
    live: live.length,
    samplesSent: 0,
    roundsSent: 0,
    bytesSent: 0,
    roundsSkipped: 0,
    cpuSec: 0,
  };
  const perRound = opts.charts * opts.dims;
  const cpu0 = cpuSecondsSelf();
  const progress = (): LoadProgress => {
    p.tMs = Date.now();
    p.live = live.filter((c) => c.endReason === "").length;
    p.cpuSec = cpuSecondsSelf() - cpu0;
    return { ...p };
  };
  opts.onReady?.(progress());

  // Children are spread over `slots` instants of each second (child j in slot j mod slots), one
  // timer per slot. By default every child has its own instant, as in a real fleet; fewer slots
  // make the tool cheaper (on a small VM one event-loop wake-up costs ~10 writes) but hand the
  // parent bursts, which is cheaper for it too. Slot k of round r fires at t0 + r s + k/slots s.
  const slots = Math.max(1, Math.min(opts.slotsPerSec ?? live.length, live.length));
  const bySlot: FakeChild[][] = Array.from({ length: slots }, () => []);
  for (let j = 0; j < live.length; j++) bySlot[j % slots].push(live[j]);
  const t0 = performance.now() + 50;
  const endMs = t0 + opts.seconds * 1000;
  const inFlight = new Set<Promise<void>>();
  const send = async (ch: FakeChild) => {
    ch.writing = true;
    const len = ch.encodeRound(performance.now());
    try {
      await writeAll(ch.conn!, ch.buf.subarray(0, len));
      p.samplesSent += perRound;
      p.roundsSent++;
      p.bytesSent += len;
    } catch (e) {
      if (!ch.closing && ch.endReason === "") ch.endReason = `write error: ${(e as Error).message}`;
    } finally {
      ch.writing = false;
    }
  };
  const fire = (slot: number) => {
    for (const ch of bySlot[slot]) {
      if (ch.endReason !== "") continue;
      // The previous round still not written a second later: the parent is not keeping up.
      if (ch.writing) {
        p.roundsSkipped++;
        continue;
      }
      const w = send(ch);
      inFlight.add(w);
      w.finally(() => inFlight.delete(w));
    }
  };
  const finished = Promise.withResolvers<void>();
  const timers: ReturnType<typeof setTimeout>[] = [];
  let slotsRunning = slots;
  for (const ch of live) ch.startMs = t0;
  for (let k = 0; k < slots; k++) {
    let due = t0 + (k * 1000) / slots;
    const step = () => {
      if (due >= endMs || opts.signal?.aborted) {
        if (--slotsRunning === 0) finished.resolve();
        return;
      }
      fire(k);
      due += 1000;
      timers[k] = setTimeout(step, Math.max(0, due - performance.now()));
    };
    timers[k] = setTimeout(step, Math.max(0, due - performance.now()));
  }
  const abort = () => {
    for (const id of timers) clearTimeout(id);
    finished.resolve();
  };
  opts.signal?.addEventListener("abort", abort, { once: true });
  const ticker = setInterval(() => opts.onTick?.(progress()), 1000);
  await finished.promise;
  if (!opts.signal?.aborted) await new Promise((r) => setTimeout(r, Math.max(0, endMs - performance.now())));
  clearInterval(ticker);
  opts.signal?.removeEventListener("abort", abort);
  // Let writes under way finish; a parent that stopped reading gets 5 s.
  let deadline: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(inFlight),
    new Promise((r) => deadline = setTimeout(r, 5000)),
  ]);
  clearTimeout(deadline);
  const final = progress();
  const elapsedSec = Math.max(0.001, (Math.min(performance.now(), endMs) - t0) / 1000);
  for (const ch of live) {
    ch.closing = true;
    try {
      ch.conn!.close();
    } catch { /* closed */ }
  }
  await Promise.all(watchers);
  return {
    ...final,
    children: opts.children,
    charts: opts.charts,
    dims: opts.dims,
    elapsedSec,
    samplesPerSec: final.samplesSent / elapsedSec,
    cpuPct: 100 * final.cpuSec / elapsedSec,
    refused,
    disconnects: live.filter((c) => c.endReason !== "").map((c) => `${c.hostname}: ${c.endReason}`),
  };
}

const USAGE =
  "Usage: deno run -A tests/bench/loadgen.ts --target 127.0.0.1:PORT --api-key KEY [--children N] " +
  "[--charts C] [--dims D] [--seconds S] [--slots K] [--json]";

function parseCli(argv: string[]): LoadOptions & { json: boolean } {
  const o: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (a.startsWith("--") && i + 1 < argv.length) o[a.slice(2)] = argv[++i];
    else throw new SyntaxError(`Unexpected argument "${a}"`);
  }
  const known = new Set(["target", "children", "charts", "dims", "seconds", "api-key", "slots"]);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new SyntaxError(`Unknown option "--${k}"`);
  if (!o.target || !o["api-key"]) throw new SyntaxError("--target and --api-key are required");
  const int = (k: string, d: number) => {
    const v = o[k] === undefined ? d : Number(o[k]);
    if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`--${k}: expected a whole number >= 1`);
    return v;
  };
  return {
    target: o.target,
    apiKey: o["api-key"],
    children: int("children", 10),
    charts: int("charts", 10),
    dims: int("dims", 10),
    seconds: int("seconds", 10),
    slotsPerSec: o.slots === undefined ? undefined : int("slots", 1),
    json,
  };
}

if (import.meta.main) {
  let opts: ReturnType<typeof parseCli>;
  try {
    opts = parseCli(Deno.args);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  const ac = new AbortController();
  const stop = () => ac.abort();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  const out = (event: string, data: object, text: string) =>
    console.log(opts.json ? JSON.stringify({ event, ...data }) : text);
  const report = await runLoad({
    ...opts,
    signal: ac.signal,
    onReady: (r) =>
      out("ready", r, `connected ${r.connected} of ${opts.children} children; sending for ${opts.seconds} s`),
    onTick: (r) =>
      out(
        "tick",
        r,
        `${r.samplesSent} samples, ${r.live} live, ${r.roundsSkipped} rounds skipped, cpu ${
          r.cpuSec.toFixed(2)
        } s`,
      ),
  });
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  out(
    "done",
    report,
    `sent ${report.samplesSent} samples in ${report.elapsedSec.toFixed(1)} s = ${
      Math.round(report.samplesPerSec)
    } samples/s from ${report.connected} children; own CPU ${report.cpuPct.toFixed(1)}% of a core; ` +
      `${report.roundsSkipped} rounds skipped; ${report.refused.length} refused; ` +
      `${report.disconnects.length} disconnected` +
      [...report.refused, ...report.disconnects].map((s) => `\n  ${s}`).join(""),
  );
  Deno.exit(report.connected === opts.children && report.disconnects.length === 0 ? 0 : 1);
}
