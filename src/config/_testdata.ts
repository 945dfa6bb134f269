/**
 * Test helpers private to src/config: where the testdata is, and how a case file is read.
 * @module
 */

import type { BuildOptions, LoadResult } from "./load.ts";
import { formatProblem, type Role } from "./types.ts";

export const TESTDATA = new URL("./testdata/", import.meta.url).pathname;
export const DEBIAN = TESTDATA + "netdata-1.37.1-debian";
export const KEY = "11111111-2222-3333-4444-555555555555";
export const ALL_ACL = ["dashboard", "registry", "badges", "management", "streaming", "netdata.conf"];

/** Reads a testdata case: `stream_*.conf` is a stream.conf, anything else an agent.conf; `# role: x` picks the role. */
export function testCase(rel: string): BuildOptions {
  const text = Deno.readTextFileSync(TESTDATA + rel);
  const role = (/^# role: (\w+)/m.exec(text)?.[1] ?? "standalone") as Role;
  const src = { text, file: rel };
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  return {
    role,
    systemHostname: "test-host",
    ...(name.startsWith("stream_") ? { stream: src } : { agent: src }),
  };
}

export function confFiles(dir: string): string[] {
  return [...Deno.readDirSync(TESTDATA + dir)]
    .filter((e) => e.name.endsWith(".conf"))
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

export function readOut(rel: string): string[] | undefined {
  try {
    return Deno.readTextFileSync(TESTDATA + rel.replace(/\.conf$/, ".out")).split("\n").filter((l) =>
      l !== ""
    );
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

export const errors = (r: LoadResult) => r.problems.filter((p) => p.severity === "error").map(formatProblem);
