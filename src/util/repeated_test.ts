import { assert } from "../../tests/_helpers/assert.ts";
import { formatDuration, Repeated } from "./repeated.ts";

Deno.test("Repeated logs the start, then at doubling intervals, and the end with its duration", () => {
  const r = new Repeated({ firstMs: 1000, maxMs: 4000 });
  const rows: { at: number; log: boolean }[] = [
    { at: 0, log: true },
    { at: 500, log: false },
    { at: 1000, log: true }, // next at 3000
    { at: 2000, log: false },
    { at: 3000, log: true }, // next at 7000 (interval 4000, capped)
    { at: 6999, log: false },
    { at: 7000, log: true }, // next at 11000 (cap)
    { at: 10999, log: false },
    { at: 11000, log: true },
  ];
  for (const row of rows) assert.equal(r.occur(row.at).log, row.log, `at ${row.at}`);
  assert.deepEqual(r.end(12000), { count: 9, forMs: 12000 });
  assert.equal(r.end(13000), undefined);
  assert.equal(r.occur(20000).log, true);
});

Deno.test("formatDuration() writes hours, minutes and seconds", () => {
  const rows = [
    { ms: 0, want: "0s" },
    { ms: 59999, want: "59s" },
    { ms: 65000, want: "1m5s" },
    { ms: 3600000, want: "1h0m0s" },
  ];
  for (const { ms, want } of rows) assert.equal(formatDuration(ms), want);
});
