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
