import { assert } from "../../tests/_helpers/assert.ts";
import { loadRules } from "./load.ts";

const STOCK = "/usr/lib/netdata/conf.d/health.d";

Deno.test("loadRules() parses every entity of Debian's netdata 1.37.1 stock health.d without a warning", () => {
  const r = loadRules({ stockDir: STOCK });
  assert.equal(r.files.length, 76, `files in ${STOCK} (apt-get install netdata-core)`);
  assert.deepStrictEqual(r.warnings, []);
  assert.equal(r.rules.length, 284);
  assert.equal(r.rules.filter((x) => x.kind === "alarm").length, 44);
  assert.equal(r.rules.filter((x) => x.kind === "template").length, 240);
});

Deno.test("the agent's shipped rules (conf/health.d) parse without a warning", async () => {
  const { EMBEDDED_RULES } = await import("./mod.ts");
  const r = loadRules({ embedded: EMBEDDED_RULES });
  assert.deepStrictEqual(r.warnings, []);
  assert.deepStrictEqual(r.rules.map((x) => x.name).sort(), [
    "10min_inbound_packets_dropped",
    "1m_cpu_iowait",
    "1m_cpu_usage",
    "1m_disk_io",
    "1m_disk_utilization",
    "1m_received_traffic",
    "load_average_15",
    "ram_available",
    "ram_in_use",
  ]);
});

Deno.test("the shipped load rule scales with $active_processors", async () => {
  const { EMBEDDED_RULES } = await import("./mod.ts");
  const { evaluate } = await import("./evaluate.ts");
  const rule = loadRules({ embedded: EMBEDDED_RULES }).rules.find((r) => r.name === "load_average_15")!;
  const cases: { vars: Record<string, number>; warn: number; crit: number }[] = [
    { vars: { this: 3, status: 1, active_processors: 2 }, warn: 0, crit: 0 },
    { vars: { this: 5, status: 1, active_processors: 2 }, warn: 1, crit: 0 },
    { vars: { this: 3.6, status: 3, active_processors: 2 }, warn: 1, crit: 0 },
    { vars: { this: 9, status: 1, active_processors: 2 }, warn: 1, crit: 1 },
    { vars: { this: 2.5, status: 1 }, warn: 1, crit: 0 },
  ];
  for (const c of cases) {
    const lookup = (n: string) => c.vars[n] ?? ({ WARNING: 3, CRITICAL: 4 } as Record<string, number>)[n];
    assert.equal(evaluate(rule.warn!, lookup).value, c.warn, JSON.stringify(c.vars));
    assert.equal(evaluate(rule.crit!, lookup).value, c.crit, JSON.stringify(c.vars));
  }
});
