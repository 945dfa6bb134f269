import { assert } from "../../tests/_helpers/assert.ts";
import type { LogRecord } from "@logtape/logtape";
import { floodGuard, getLogger, setupLogging } from "./log.ts";

Deno.test("setupLogging writes one logfmt line per event, filtered by level", () => {
  const lines: string[] = [];
  setupLogging({ level: "info", format: "logfmt", write: (l) => lines.push(l) });
  const log = getLogger(["agent", "test"]);
  log.debug("hidden {x}", { x: 1 });
  log.warn("Cannot read {file}: {reason}", { file: "/proc/x", reason: "gone" });
  assert.equal(lines.length, 1);
  assert.ok(lines[0].endsWith("\n"));
  assert.match(lines[0], /level=WARN/i);
  assert.match(lines[0], /Cannot read/);
  assert.match(lines[0], /\/proc\/x/);
});

Deno.test("setupLogging can write JSON lines", () => {
  const lines: string[] = [];
  setupLogging({ level: "debug", format: "json", write: (l) => lines.push(l) });
  getLogger(["agent", "test"]).error("Failed {what}", { what: "thing" });
  const rec = JSON.parse(lines[0]);
  assert.equal(rec.level, "ERROR");
  assert.match(rec.message, /Failed/);
});

Deno.test("setupLogging writes a file and reopen() starts a new one after logrotate moved it", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/agent.log`;
  const logs = setupLogging({ level: "info", target: { kind: "file", path } });
  getLogger(["agent", "test"]).info("first");
  await Deno.rename(path, `${path}.1`);
  logs.reopen();
  getLogger(["agent", "test"]).info("second");
  await logs.close();
  setupLogging({ level: "info", write: () => {} });
  assert.match(await Deno.readTextFile(`${path}.1`), /first/);
  const now = await Deno.readTextFile(path);
  assert.match(now, /second/);
  assert.ok(!now.includes("first"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("floodGuard passes N warnings and errors per period, then reports how many it held back", () => {
  let now = 0;
  const out: string[] = [];
  const emit = floodGuard((r) => out.push(String(r.message[0])), { periodSec: 10, lines: 2 }, () => now);
  const rec = (m: string) => ({
    ...RECORD,
    level: m === "info" ? "info" as const : "error" as const,
    message: [m],
  });
  const rows = [
    { at: 0, msg: "a", want: ["a"] },
    {
      at: 1,
      msg: "b",
      want: [
        "b",
        "Flood protection: over 2 warnings and errors in 10 s, suppressing the rest of this period",
      ],
    },
    { at: 2, msg: "c", want: [] },
    { at: 3, msg: "d", want: [] },
    { at: 4, msg: "info", want: ["info"] },
    { at: 10, msg: "e", want: ["Flood protection: 2 warnings and errors suppressed in the last 10 s", "e"] },
  ];
  for (const row of rows) {
    now = row.at * 1000;
    out.length = 0;
    emit(rec(row.msg));
    assert.deepEqual(out, row.want, `at ${row.at}`);
  }
});

const RECORD: LogRecord = {
  category: ["agent"],
  level: "error",
  message: [""],
  rawMessage: "",
  properties: {},
  timestamp: 0,
};
