/**
 * timex: system.clock_sync_state, system.clock_status and system.clock_sync_offset, as Netdata
 * 1.37's timex.plugin, from adjtimex(2) with modes 0 (a read, like ntp_adjtime()).
 *
 * adjtimex is called through Deno's FFI on the system's libc: no compiled code of ours, so the
 * compiled binary has it too (it needs --allow-ffi; the agent runs with -A). struct timex is
 * 208 bytes on 64-bit Linux (x86_64 and aarch64 alike): `offset` (long) at byte 8, `status`
 * (int) at byte 40.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import { defineChart, NO, type Origin, YES } from "./_helper.ts";
import type { EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";

/** sizeof(struct timex) on LP64 Linux. */
export const TIMEX_BYTES = 208;
const OFFSET_AT = 8;
const STATUS_AT = 40;

/** <sys/timex.h> */
const STA_UNSYNC = 0x0040, STA_CLOCKERR = 0x1000, STA_NANO = 0x2000;
/** adjtimex()'s "clock not synchronized" state. */
const TIME_ERROR = 5;
/** Netdata's `[plugin:timex] update every` default, s. */
const DEFAULT_UPDATE_EVERY = 10;

/** adjtimex(2) over a zeroed 208-byte struct timex: the clock state, or -1 on failure. */
export type Adjtimex = (buf: Uint8Array) => number;

const SECTION = "plugin:timex";

/** Collects the kernel's clock synchronization state. */
export class TimexCollector implements Collector {
  readonly name = "timex";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #adjtimex: Adjtimex;
  readonly #close: () => void;
  readonly #buf = new Uint8Array(TIMEX_BYTES);
  readonly #view = new DataView(this.#buf.buffer);
  readonly #doSync: boolean;
  readonly #doOffset: boolean;
  #stateChart: Chart | null = null;
  #stateDim: Dimension | null = null;
  #statusChart: Chart | null = null;
  #statusDims: Dimension[] = [];
  #offsetChart: Chart | null = null;
  #offsetDim: Dimension | null = null;

  /**
   * `updateEvery` is the host's; the plugin's own is 10 s, as Netdata's (never below the host's).
   * `adjtimex` replaces the libc call (tests).
   * @throws {Deno.errors.NotFound} when libc's adjtimex cannot be loaded (not Linux, no FFI
   * permission), or both charts are switched off: createCollectors then leaves timex off.
   */
  constructor(opts: { updateEvery: number; enable?: EnableLookup; adjtimex?: Adjtimex }) {
    this.updateEvery = Math.max(DEFAULT_UPDATE_EVERY, opts.updateEvery);
    this.#origin = { plugin: "timex.plugin", module: "", updateEvery: this.updateEvery };
    const enable = opts.enable ?? ((_s, _o, d) => d);
    this.#doSync = enable(SECTION, "clock synchronization state", YES) !== NO;
    this.#doOffset = enable(SECTION, "time offset", YES) !== NO;
    if (!this.#doSync && !this.#doOffset) throw new Deno.errors.NotFound("No charts to show");
    if (opts.adjtimex !== undefined) {
      this.#adjtimex = opts.adjtimex;
      this.#close = () => {};
    } else {
      const lib = openLibc();
      this.#adjtimex = (buf) => lib.symbols.adjtimex(buf);
      this.#close = () => lib.close();
    }
  }

  collect(host: Host, deltaUs: number): void {
    const buf = this.#buf;
    buf.fill(0); // modes 0: read only
    const state = this.#adjtimex(buf);
    // Netdata skips a first failure and charts the (zeroed) buffer on repeated ones; we give a gap.
    if (state === -1) {
      throw new Error("Cannot get clock synchronization state: adjtimex() failed");
    }
    const v = this.#view;
    const status = v.getInt32(STATUS_AT, true);
    // A long, without BigInt: the low word unsigned plus the high word signed.
    const offset = v.getUint32(OFFSET_AT, true) + v.getInt32(OFFSET_AT + 4, true) * 4294967296;
    if (this.#doSync) {
      if (this.#stateChart === null) this.#defineSync(host);
      const c = this.#stateChart!;
      c.begin(deltaUs);
      c.set(this.#stateDim!, state !== TIME_ERROR ? 1 : 0);
      c.end();
      const s = this.#statusChart!, d = this.#statusDims;
      s.begin(deltaUs);
      s.set(d[0], status & STA_UNSYNC ? 1 : 0);
      s.set(d[1], status & STA_CLOCKERR ? 1 : 0);
      s.end();
    }
    if (this.#doOffset) {
      if (this.#offsetChart === null) {
        // The divisor is fixed when the chart is made, as Netdata's: ns or µs per ms.
        const divisor = status & STA_NANO ? 1_000_000 : 1000;
        const { chart, dims } = defineChart(host, this.#origin, {
          id: "system.clock_sync_offset",
          title: "Computed Time Offset Between Local System and Reference Clock",
          units: "milliseconds",
          family: "clock synchronization",
          context: "system.clock_sync_offset",
          chartType: "line",
          priority: 1110,
        }, [["offset", null, "absolute", 1, divisor]]);
        this.#offsetChart = chart;
        this.#offsetDim = dims[0];
      }
      const c = this.#offsetChart!;
      c.begin(deltaUs);
      c.set(this.#offsetDim!, offset);
      c.end();
    }
  }

  close(): void {
    this.#close();
  }

  #defineSync(host: Host): void {
    const state = defineChart(host, this.#origin, {
      id: "system.clock_sync_state",
      title: "System Clock Synchronization State",
      units: "state",
      family: "clock synchronization",
      context: "system.clock_sync_state",
      chartType: "line",
      priority: 1100,
    }, [["state", null, "absolute", 1, 1]]);
    this.#stateChart = state.chart;
    this.#stateDim = state.dims[0];
    const status = defineChart(host, this.#origin, {
      id: "system.clock_status",
      title: "System Clock Status",
      units: "status",
      family: "clock synchronization",
      context: "system.clock_status",
      chartType: "line",
      priority: 1105,
    }, [["unsync", null, "absolute", 1, 1], ["clockerr", null, "absolute", 1, 1]]);
    this.#statusChart = status.chart;
    this.#statusDims = status.dims;
  }
}

const LIBC_SYMBOLS = { adjtimex: { parameters: ["buffer"], result: "i32" } } as const;

/** Opens libc for adjtimex. Closing is idempotent. */
function openLibc(): { symbols: { adjtimex: (buf: Uint8Array) => number }; close(): void } {
  if (Deno.build.os !== "linux") throw new Deno.errors.NotFound(`adjtimex(2) is Linux only`);
  let lib: Deno.DynamicLibrary<typeof LIBC_SYMBOLS>;
  try {
    lib = Deno.dlopen("libc.so.6", LIBC_SYMBOLS);
  } catch (err) {
    // No FFI permission or no glibc (musl names it otherwise): the module is off, as on a machine
    // without the source.
    throw new Deno.errors.NotFound(
      `Cannot load adjtimex(2) from "libc.so.6": ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  let open = true;
  return {
    symbols: { adjtimex: (buf) => lib.symbols.adjtimex(buf) as number },
    close() {
      if (open) lib.close();
      open = false;
    },
  };
}
