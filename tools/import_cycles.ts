/**
 * Import-cycle check for `make check`: runs `deno info --json` on an entry point and reports every
 * cycle among the repository's own files (type-only imports count: a circle of types is still a
 * circle a reader has to walk). Exit 0 when there is none, 1 with each cycle printed.
 *
 * ```sh
 * deno run --allow-run --allow-read tools/import_cycles.ts main.ts
 * ```
 * @module
 */

/** A module graph: each file and the files it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** The part of `deno info --json` this check reads. */
interface DenoInfo {
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
  }[];
}

/**
 * The graph of `file:` modules under `root` from `deno info --json` output; other modules (npm,
 * node built-ins, files outside the repository) and their edges are left out.
 */
export function graphFromInfo(info: DenoInfo, root: string): Map<string, string[]> {
  const prefix = root.endsWith("/") ? root : root + "/";
  const local = (s: string) => s.startsWith(prefix);
  const graph = new Map<string, string[]>();
  for (const m of info.modules) {
    if (!local(m.specifier)) continue;
    const deps = new Set<string>();
    for (const d of m.dependencies ?? []) {
      for (const r of [d.code, d.type]) {
        if (r !== undefined && local(r.specifier)) deps.add(r.specifier.slice(prefix.length));
      }
    }
    graph.set(m.specifier.slice(prefix.length), [...deps].sort());
  }
  return graph;
}

/**
 * Every strongly connected component of more than one file, and every file importing itself, as a
 * cycle: a path through the component that returns to its first file (the smallest name), so the
 * output is stable. Tarjan's algorithm, iterative.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const nodes = [...graph.keys()].sort();
  for (const start of nodes) {
    if (index.has(start)) continue;
    // Each frame: a node and how many of its edges were followed.
    const frames: [string, number][] = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const [v, i] = frame;
      const edges = graph.get(v) ?? [];
      if (i < edges.length) {
        frame[1]++;
        const w = edges[i];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          frames.push([w, 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const u = frames[frames.length - 1][0];
        low.set(u, Math.min(low.get(u)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const c: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          c.push(w);
        } while (w !== v);
        if (c.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(c);
      }
    }
  }
  return components.map((c) => cyclePath(graph, new Set(c))).sort((a, b) => a[0] < b[0] ? -1 : 1);
}

/** A shortest path from the component's smallest file back to itself, staying inside it. */
function cyclePath(graph: ImportGraph, members: ReadonlySet<string>): string[] {
  const first = [...members].sort()[0];
  const from = new Map<string, string>();
  const queue = [first];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === first) {
        const path = [v];
        for (let p = v; p !== first;) path.push(p = from.get(p)!);
        return [...path.reverse(), first];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [first, first];
}

if (import.meta.main) {
  const entries = Deno.args.length > 0 ? Deno.args : ["main.ts"];
  const root = new URL("../", import.meta.url).href;
  const graph = new Map<string, string[]>();
  for (const entry of entries) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) {
      console.error(`Cannot read the module graph of "${entry}": deno info failed`);
      Deno.exit(1);
    }
    for (const [k, v] of graphFromInfo(JSON.parse(new TextDecoder().decode(out.stdout)), root)) {
      graph.set(k, v);
    }
  }
  const cycles = findCycles(graph);
  for (const c of cycles) console.error(`Import cycle: ${c.join(" -> ")}`);
  if (cycles.length > 0) Deno.exit(1);
  console.log(`No import cycles among ${graph.size} files`);
}
