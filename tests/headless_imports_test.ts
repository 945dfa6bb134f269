/**
 * What a headless child loads (issue #16): the modules main.ts reaches through static imports only.
 * The web API (Hono, dashboard), the listener (node:http, TLS), exporting, TLS for senders and our
 * DEFLATE codec are loaded with import() by the roles that use them, so they must not be among them.
 */
import { assert } from "./_helpers/assert.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

interface InfoModule {
  specifier: string;
  dependencies?: { isDynamic?: boolean; code?: { specifier: string } }[];
}

Deno.test("main.ts statically reaches no web, listener, exporting, TLS or DEFLATE code", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", MAIN],
    env: { NO_COLOR: "1" },
  }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { roots: string[]; modules: InfoModule[] };
  const bySpec = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpec.get(s)?.dependencies ?? []) {
      if (!d.isDynamic && d.code) stack.push(d.code.specifier);
    }
  }
  const heavy = [...seen].filter((s) =>
    /hono|\/src\/api\/|\/src\/web\/|\/src\/exporting\/|\/src\/net\/listen|node:http|node:tls|\/stream\/deflate/
      .test(s)
  );
  assert.deepEqual(heavy, []);
  assert.ok(seen.size > 50, `only ${seen.size} modules: is deno info's output what we expect?`);
});
