import { assert } from "../../tests/_helpers/assert.ts";
import { getLogger, setupLogging } from "./log.ts";

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
