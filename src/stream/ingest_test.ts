import { testHost } from "../host/_fixture.ts";
import { assert, assertNear } from "../../tests/_helpers/assert.ts";
import { parseCollected, StreamError, StreamIngest } from "./ingest.ts";

const FIXTURES = new URL("../../tests/fixtures/netdata-1.37.1/", import.meta.url);

/** The lines a child sent after its handshake. */
function captureLines(name: string): string[] {
  const text = new TextDecoder().decode(Deno.readFileSync(new URL(name, FIXTURES)));
  return text.slice(text.indexOf("\r\n\r\n") + 4).split("\n");
}

function childHost(clock: { us: number }, guid = "997c4f26-e5eb-11f1-ae16-02fc00000001") {
  return testHost({ hostname: "sa-child", guid, clock });
}

Deno.test("parseCollected() reads integers like strtoll with base 0", () => {
  const rows: [string, number][] = [
    ["42", 42],
    ["-7", -7],
    ["0x1F", 31],
    ["010", 8],
    ["0", 0],
    ["12.9", 12],
    [
      "9007199254740991",
      9007199254740991,
    ],
  ];
  for (const [t, v] of rows) assert.equal(parseCollected(t), v, t);
  assert.ok(Number.isNaN(parseCollected("abc")));
});

Deno.test({
  name: "StreamIngest applies a real v1.37.1 child's first connection: labels, charts, values",
  fn() {
    const clock = { us: 1795293549_300_000 };
    const host = childHost(clock);
    let ends = 0;
    const ingest = new StreamIngest(host, { chartDefinitionEnd: () => ends++ });
    for (const line of captureLines("c2p-first-connect-uncompressed.bin")) {
      if (line.startsWith("BEGIN")) clock.us += 200_000; // the parent's clock moves on
      ingest.line(line);
    }
    assert.equal(host.claimId, null);
    assert.equal(host.labels.get("_os_name")?.value !== undefined || host.labels.size > 0, true);
    assert.ok(host.labels.size >= 20, `labels: ${host.labels.size}`);
    const abs = host.charts.get("satest.abs")!;
    assert.equal(abs.title, "absolute test");
    assert.equal(abs.dimension("b")!.multiplier, 3);
    assert.equal(abs.dimension("h")!.hidden, true);
    assert.equal(host.charts.get("satest.sf")!.storeFirst, true);
    assert.equal(host.charts.get("satest.sf")!.labels.get("testlabel")?.value, "hello world");
    assert.equal(host.charts.get("satest.inc")!.detail, true);
    assert.equal(host.charts.get("system.load")!.updateEvery, 5);
    assert.ok(ends >= 8, `CHART_DEFINITION_END seen ${ends}`);
    assert.ok(ingest.samples > 500);
    // satest.abs b is SET 100 with 3/2: stored 150.
    const out = new Float64Array(1);
    const b = abs.dimension("b")!;
    const last = host.store.lastTime(b.seriesId);
    assert.ok(last > 0);
    host.store.read(b.seriesId, last, last, out);
    assertNear(out[0], 150, 1e-6);
  },
});

Deno.test({
  name: "StreamIngest stores the scripted child's values like the real parent did",
  fn() {
    const T = 1795293830;
    const clock = { us: (T + 0.2) * 1e6 };
    const host = childHost(clock, "11111111-0000-0000-0000-000000000001");
    const ingest = new StreamIngest(host);
    let begins = 0;
    let err: unknown;
    for (const line of captureLines("c2p-fake-child-interpolation-test.bin")) {
      if (line.startsWith("BEGIN")) {
        begins++;
        if (begins === 2) clock.us = (T + 1.26387) * 1e6;
      }
      try {
        ingest.line(line);
      } catch (e) {
        err = e;
        break;
      }
    }
    assert.ok(err instanceof StreamError && err.reason === "unknown keyword", String(err));
    const c = host.charts.get("fake.t")!;
    const out = new Float64Array(11);
    host.store.read(c.dimension("inc")!.seriesId, T + 1, T + 11, out);
    const want = [654.5616, 1081.5684, 1000, NaN, 1000, 1000, 1000, 263.87, 736.13, 1000, 1000];
    want.forEach((v, i) => assertNear(out[i], v, 0.01, `inc T+${i + 1}`));
  },
});

Deno.test("StreamIngest rejects lines that reference what was not defined", () => {
  const rows: [string[], string][] = [
    [['BEGIN "no.chart"'], "undefined chart"],
    [
      ['CHART "a.b" "" "t" "u" "f" "c" "line" 1 1 "" "p" "m"', 'BEGIN "a.b"', 'SET "zz" = 1'],
      "undefined dimension",
    ],
    [["SET x = 1"], "outside"],
    [["END"], "END without BEGIN"],
    [['DIMENSION "x" "x" "absolute" 1 1 ""'], "without a current chart"],
    [['CHART "nodot" "" "t"'], "type.id"],
    [["CLABEL_COMMIT"], "without a current chart"],
    [['LABEL "a"'], "LABEL needs"],
    [["CLAIMED_ID x y"], "UUID"],
    [["NOPE 1 2"], "unknown keyword"],
    [["x".repeat(20000)], "bytes"],
  ];
  for (const [lines, msg] of rows) {
    const ingest = new StreamIngest(childHost({ us: 1e15 }));
    assert.throws(() => lines.forEach((l) => ingest.line(l)), (e: unknown) => {
      assert.ok(e instanceof StreamError, String(e));
      assert.match(e.message, new RegExp(msg), lines.join(" | "));
      return true;
    });
  }
});

Deno.test("SET lines: every spelling gives Netdata's value (fast path and general path agree)", () => {
  const rows: [string, number | undefined][] = [
    ['SET "x" = 5', 5],
    ["SET x = 5", 5],
    ["SET x=5", 5],
    ["SET 'x' 5", 5],
    ['SET "x" = -42', -42],
    ["SET x = 010", 8],
    ["SET x = 0x1F", 31],
    ["SET x = 12.9", 12],
    ["SET x = 0", 0],
    ["SET x = 123456789012345678", 123456789012345678],
    ["SET x = 99999999999999999999999", 2 ** 63],
    ['SET "x" = 7 \r', 7],
    ['SET "x" =', undefined],
  ];
  // As text (line()), and as the receiver gives it: bytes first (setBytes()), else decoded.
  for (const asBytes of [false, true]) {
    for (const [line, want] of rows) {
      const host = childHost({ us: 1e15 }, "11111111-0000-0000-0000-000000000002");
      const ingest = new StreamIngest(host);
      ingest.line('CHART "a.b" "" "t" "u" "f" "a.b" "line" 1 1 "" "p" "m"');
      ingest.line('DIMENSION "x" "x" "absolute" 1 1 ""');
      ingest.line('BEGIN "a.b" 0');
      const b = new TextEncoder().encode(`#${line}#`);
      if (!asBytes || !ingest.setBytes(b, 1, b.length - 1)) ingest.line(line);
      const d = host.charts.get("a.b")!.dimension("x")!;
      if (want === undefined) assert.equal(d.updated, false, line);
      else assert.equal(d.collected, want, line);
      assert.equal(ingest.lineNo, 4, `${line}: counted once`);
      assert.equal(ingest.samples, want === undefined ? 0 : 1, line);
    }
  }
  const host = childHost({ us: 1e15 }, "11111111-0000-0000-0000-000000000003");
  const ingest = new StreamIngest(host);
  ingest.line('CHART "a.b" "" "t" "u" "f" "a.b" "line" 1 1 "" "p" "m"');
  ingest.line('DIMENSION "x" "x" "absolute" 1 1 ""');
  ingest.line('BEGIN "a.b" 0');
  const unknown = new TextEncoder().encode("SET y = 5");
  assert.equal(ingest.setBytes(unknown, 0, unknown.length), false, "an unknown dimension is left to line()");
  assert.throws(() => ingest.line("SET y = 5"), StreamError, "an unknown dimension still closes the stream");
  ingest.line("END");
  const set = new TextEncoder().encode("SET x = 5");
  assert.equal(ingest.setBytes(set, 0, set.length), false, "a SET outside a round is left to line()");
});
