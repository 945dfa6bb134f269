/**
 * What a headless child loads (issue #16): the modules main.ts reaches through static imports only,
 * as `deno run main.ts` and as the binary's code-split bundle (tests/compile.sh) load them.
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

/** The files `main.js` of a code-split bundle in `dir` reaches through static imports, with their text. */
function staticClosure(dir: string): Map<string, string> {
  const seen = new Map<string, string>();
  const stack = ["main.js"];
  const re = /^(?:import|export)\s[^;]*?from\s+"\.\/([^"]+)"|^import\s+"\.\/([^"]+)"/gm;
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    const text = Deno.readTextFileSync(`${dir}/${f}`);
    seen.set(f, text);
    for (const m of text.matchAll(re)) stack.push(m[1] ?? m[2]);
  }
  return seen;
}

Deno.test("the binary's bundle (tests/compile.sh) keeps the same code out of what it loads at start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bundle-" });
  try {
    const out = await new Deno.Command("bash", {
      args: ["tests/compile.sh", "bundle", dir],
      cwd: new URL("..", import.meta.url).pathname,
      env: { DENO: Deno.execPath() },
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const files = staticClosure(dir);
    assert.ok(files.size < [...Deno.readDirSync(dir)].length, "some files are left for import()");
    const heavy: string[] = [];
    for (const [f, text] of files) {
      // esbuild names each module it inlines in a `// path` comment line.
      for (const m of text.matchAll(/^\/\/ (\S+)$|from "(node:(?:http|tls|https))"/gm)) {
        const s = m[1] ?? m[2];
        if (
          /\/hono\/|^src\/(api|web|exporting|health)\/|^src\/net\/listen|^node:|\/stream\/deflate/.test(s)
        ) {
          heavy.push(`${f}: ${s}`);
        }
      }
    }
    assert.deepEqual(heavy, []);
    assert.ok([...files.values()].some((t) => t.includes("// src/collectors/")), "collectors are loaded");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
