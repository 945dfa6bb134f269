import { assert } from "../../tests/_helpers/assert.ts";
import { loadRules } from "./load.ts";

const rule = (name: string) => `alarm: ${name}\non: system.ram\ncalc: 1\nevery: 1s\n`;

Deno.test("loadRules(): a user file replaces the stock file of the same path; subdirectories are read", async () => {
  const root = await Deno.makeTempDir({ prefix: "health-load-" });
  try {
    await Deno.mkdir(`${root}/stock/sub`, { recursive: true });
    await Deno.mkdir(`${root}/user`, { recursive: true });
    await Deno.writeTextFile(`${root}/stock/a.conf`, rule("stock_a"));
    await Deno.writeTextFile(`${root}/stock/b.conf`, rule("stock_b"));
    await Deno.writeTextFile(`${root}/stock/sub/c.conf`, rule("stock_c"));
    await Deno.writeTextFile(`${root}/stock/notes.txt`, "not a rule file");
    await Deno.writeTextFile(`${root}/user/a.conf`, rule("user_a"));
    await Deno.writeTextFile(`${root}/user/d.conf`, rule("user_d"));
    const r = loadRules({ stockDir: `${root}/stock`, userDir: `${root}/user` });
    assert.deepStrictEqual(r.rules.map((x) => x.name), ["user_a", "stock_b", "user_d", "stock_c"]);
    assert.deepStrictEqual(r.warnings, []);
    const embedded = loadRules({ embedded: { "a.conf": rule("embedded_a") }, userDir: `${root}/nosuch` });
    assert.deepStrictEqual(embedded.rules.map((x) => [x.name, x.source]), [[
      "embedded_a",
      "1@embedded/health.d/a.conf",
    ]]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
