/**
 * `deno bench src/stream/compact_bench.ts`: one round of a 10-dimension chart, sent and received as
 * text (`BEGIN`/`SET`/`END`) and as a compact record (PROTOCOL.md §13.2).
 */
import { testHost } from "../host/_fixture.ts";
import { CompactEncoder } from "./compact.ts";
import { encodeChartDefinition, encodeRound } from "./encode.ts";
import { StreamIngest } from "./ingest.ts";

const DIMS = ["guest_nice", "guest", "steal", "softirq", "irq", "user", "system", "nice", "iowait", "idle"];
const clock = { us: 1795293600_000_000 };
const child = testHost({ clock, isLocal: true });
const chart = child.defineChart({
  id: "cpu.cpu0",
  title: "t",
  units: "percentage",
  family: "utilization",
  context: "cpu.cpu",
  chartType: "stacked",
  priority: 1000,
  updateEvery: 1,
  plugin: "proc.plugin",
  module: "/proc/stat",
});
for (const d of DIMS) {
  chart.defineDimension({ id: d, name: d, algorithm: "incremental", multiplier: 1, divisor: 1 });
}
const enc = new CompactEncoder();
enc.defined(chart);
let v = 123456789;
const collect = () => {
  for (const d of chart.dimensions) {
    d.collected = v += 37;
    d.updated = true;
  }
};

Deno.bench("send: encodeRound() of a 10-dimension chart", { group: "send", baseline: true }, () => {
  collect();
  encodeRound(chart, 1000000);
});
Deno.bench("send: CompactEncoder.round() of the same", { group: "send" }, () => {
  collect();
  enc.round(chart, 1000000);
});

/** A parent of `chart` and the lines of its next 1000 rounds in each form. */
function receiver(compact: boolean) {
  const parent = testHost({ clock, guid: "00000000-0000-0000-0000-00000000000b" });
  const ingest = new StreamIngest(parent, {}, { compact });
  for (const l of encodeChartDefinition(chart, 0, 1795293600).split("\n")) if (l) ingest.line(l);
  const e = new CompactEncoder();
  e.defined(chart);
  const lines: string[] = [];
  for (let r = 0; r < 1000; r++) {
    collect();
    const text = compact ? e.round(chart, 1000000)! : encodeRound(chart, 1000000);
    for (const l of text.split("\n")) if (l) lines.push(l);
  }
  return { ingest, lines };
}
for (const compact of [false, true]) {
  Deno.bench(
    `receive: 1000 rounds of a 10-dimension chart as ${compact ? "compact records" : "text"}`,
    { group: "receive", baseline: !compact },
    (b) => {
      const { ingest, lines } = receiver(compact);
      const utf8 = new TextEncoder();
      const bytes = lines.map((l) => utf8.encode(l));
      b.start();
      for (let i = 0; i < lines.length; i++) {
        clock.us += 1000; // the parent's clock moves on, slowly
        // as receiver_stream.ts gives them: a plain SET as bytes, anything else as text
        const raw = bytes[i];
        if (!ingest.setBytes(raw, 0, raw.length)) ingest.line(lines[i]);
      }
      b.end();
    },
  );
}
