import { assert } from "../tests/_helpers/assert.ts";
import { findCycles, graphFromInfo } from "./import_cycles.ts";

const cases: { name: string; graph: Record<string, string[]>; want: string[][] }[] = [
  { name: "a chain has no cycle", graph: { a: ["b"], b: ["c"], c: [] }, want: [] },
  { name: "a diamond has no cycle", graph: { a: ["b", "c"], b: ["d"], c: ["d"], d: [] }, want: [] },
  { name: "two files importing each other", graph: { a: ["b"], b: ["a"] }, want: [["a", "b", "a"]] },
  { name: "a file importing itself", graph: { a: ["a"], b: ["a"] }, want: [["a", "a"]] },
  {
    name: "a longer circle starts at its smallest file",
    graph: { m: ["x"], x: ["c"], c: ["m"], z: ["m"] },
    want: [["c", "m", "x", "c"]],
  },
  {
    name: "two separate circles are both reported",
    graph: { a: ["b"], b: ["a", "c"], c: ["d"], d: ["c"] },
    want: [["a", "b", "a"], ["c", "d", "c"]],
  },
  {
    name: "the shortest way back through a larger circle",
    graph: { mod: ["cpu", "mem"], cpu: ["mod"], mem: ["mod"] },
    want: [["cpu", "mod", "cpu"]],
  },
  { name: "edges to files outside the graph are ignored", graph: { a: ["npm"], b: ["a"] }, want: [] },
];

for (const c of cases) {
  Deno.test(`findCycles(): ${c.name}`, () => {
    assert.deepEqual(findCycles(new Map(Object.entries(c.graph))), c.want);
  });
}

Deno.test("graphFromInfo() keeps local files and both code and type imports", () => {
  const root = "file:///repo";
  const graph = graphFromInfo({
    modules: [
      {
        specifier: "file:///repo/main.ts",
        dependencies: [
          { code: { specifier: "file:///repo/src/a.ts" } },
          { type: { specifier: "file:///repo/src/t.ts" } },
          { code: { specifier: "npm:hono@4" } },
        ],
      },
      { specifier: "file:///repo/src/a.ts", dependencies: [{ type: { specifier: "file:///repo/main.ts" } }] },
      { specifier: "file:///repo/src/t.ts" },
      {
        specifier: "file:///elsewhere/x.ts",
        dependencies: [{ code: { specifier: "file:///repo/main.ts" } }],
      },
    ],
  }, root);
  assert.deepEqual(Object.fromEntries(graph), {
    "main.ts": ["src/a.ts", "src/t.ts"],
    "src/a.ts": ["main.ts"],
    "src/t.ts": [],
  });
  assert.deepEqual(findCycles(graph), [["main.ts", "src/a.ts", "main.ts"]]);
});
