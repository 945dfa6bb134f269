import { runScenario } from "./_fixture.ts";
import { UptimeCollector } from "./uptime.ts";

Deno.test("UptimeCollector: this machine (real snapshots), milliseconds with divisor 1000", () => {
  runScenario("uptime/this_machine", (r) => new UptimeCollector(r));
});
