import { assert } from "../../tests/_helpers/assert.ts";
import { makeHost, T0 } from "./_fixture.ts";
import { NO } from "./_helper.ts";
import { type Adjtimex, TIMEX_BYTES, TimexCollector } from "./timex.ts";

/** A fake adjtimex(2) that fills `status` and `offset` as the kernel would. */
function fake(state: number, status: number, offset: number): Adjtimex {
  return (buf) => {
    assert.equal(buf.length, TIMEX_BYTES);
    assert.equal(new DataView(buf.buffer).getUint32(0, true), 0, "modes must be 0");
    const v = new DataView(buf.buffer);
    v.setBigInt64(8, BigInt(offset), true);
    v.setInt32(40, status, true);
    return state;
  };
}

/** Collects at T0 and T0 + 10 s; returns the values stored for the second (a chart's first stored point). */
function collectOnce(c: TimexCollector) {
  const clock = { us: T0 * 1_000_000 };
  const host = makeHost(clock);
  const at = T0 + 10;
  try {
    c.collect(host, 0);
    clock.us = at * 1_000_000;
    c.collect(host, 10_000_000);
    const out = new Float64Array(1);
    const value = (chart: string, dim: string) => {
      const ch = host.charts.get(chart);
      if (ch === undefined) return undefined;
      const d = ch.dimension(dim)!;
      return host.store.read(d.seriesId, at, at, out) === 1 ? out[0] : NaN;
    };
    return { host, value };
  } finally {
    c.close();
  }
}

const cases: {
  name: string;
  state: number;
  status: number;
  offset: number;
  want: { state: number; unsync: number; clockerr: number; offsetMs: number; divisor: number };
}[] = [
  {
    name: "a clock NTP keeps in sync (TIME_OK, PLL, µs offsets)",
    state: 0,
    status: 0x0001,
    offset: -2500,
    want: { state: 1, unsync: 0, clockerr: 0, offsetMs: -2.5, divisor: 1000 },
  },
  {
    name: "a Pi without network or RTC: TIME_ERROR, STA_UNSYNC",
    state: 5,
    status: 0x0040,
    offset: 0,
    want: { state: 0, unsync: 1, clockerr: 0, offsetMs: 0, divisor: 1000 },
  },
  {
    name: "a kernel in nanosecond mode (STA_NANO) with a clock error",
    state: 0,
    status: 0x2000 | 0x1000,
    offset: 3_000_000,
    want: { state: 1, unsync: 0, clockerr: 1, offsetMs: 3, divisor: 1_000_000 },
  },
];

for (const tc of cases) {
  Deno.test(`TimexCollector: ${tc.name}`, () => {
    const c = new TimexCollector({ updateEvery: 1, adjtimex: fake(tc.state, tc.status, tc.offset) });
    assert.equal(c.updateEvery, 10, "timex runs every 10 s, as Netdata's");
    const { host, value } = collectOnce(c);
    assert.equal(value("system.clock_sync_state", "state"), tc.want.state);
    assert.equal(value("system.clock_status", "unsync"), tc.want.unsync);
    assert.equal(value("system.clock_status", "clockerr"), tc.want.clockerr);
    assert.equal(value("system.clock_sync_offset", "offset"), tc.want.offsetMs);
    assert.equal(host.charts.get("system.clock_sync_offset")!.dimension("offset")!.divisor, tc.want.divisor);
  });
}

Deno.test("TimexCollector: a failed adjtimex() throws (the scheduler leaves a gap)", () => {
  const c = new TimexCollector({ updateEvery: 1, adjtimex: fake(-1, 0, 0) });
  assert.throws(() => collectOnce(c), Error, "Cannot get clock synchronization state");
});

Deno.test("TimexCollector: [plugin:timex] time offset = no leaves the offset chart out", () => {
  const c = new TimexCollector({
    updateEvery: 1,
    adjtimex: fake(0, 0, 0),
    enable: (s, o, d) => s === "plugin:timex" && o === "time offset" ? NO : d,
  });
  const { host } = collectOnce(c);
  assert.ok(host.charts.has("system.clock_sync_state"));
  assert.ok(!host.charts.has("system.clock_sync_offset"));
});

Deno.test("TimexCollector: both charts off means no collector", () => {
  assert.throws(
    () => new TimexCollector({ updateEvery: 1, adjtimex: fake(0, 0, 0), enable: () => NO }),
    Deno.errors.NotFound,
  );
});

Deno.test({
  name: "TimexCollector: this machine's adjtimex(2) through libc gives sane values",
  ignore: Deno.build.os !== "linux",
  fn() {
    const { value } = collectOnce(new TimexCollector({ updateEvery: 1 }));
    const state = value("system.clock_sync_state", "state")!;
    assert.ok(state === 0 || state === 1, `state ${state}`);
    const unsync = value("system.clock_status", "unsync")!;
    assert.ok(unsync === 0 || unsync === 1, `unsync ${unsync}`);
    // An unsynchronized clock is TIME_ERROR, hence state 0 (and the other way round).
    if (unsync === 1) assert.equal(state, 0);
    const offset = value("system.clock_sync_offset", "offset")!;
    // The kernel clamps the PLL offset to ±0.5 s (MAXPHASE).
    assert.ok(Math.abs(offset) <= 500, `offset ${offset} ms`);
  },
});
