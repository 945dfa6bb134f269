import { assert } from "../../tests/_helpers/assert.ts";
import { Collisions, hostnameProblem, isClone, takeoverAfterSec } from "./identity.ts";

const HOSTNAMES: { name: string; input: string; want: string | undefined }[] = [
  { name: "a plain name", input: "web-01.example.com", want: undefined },
  { name: "spaces and UTF-8", input: "Kellerraum Pi ☃", want: undefined },
  { name: "a path up", input: "a/b/../../etc", want: 'path separator "/" at 1' },
  { name: "a backslash", input: "a\\b", want: 'path separator "\\" at 1' },
  { name: "dot dot", input: "..", want: '".." is not a name' },
  { name: "a newline (log injection)", input: "ok\nlevel=error", want: "control character U+000A at 2" },
  { name: "DEL", input: "a\x7f", want: "control character U+007F at 1" },
  { name: "a C1 control", input: "a\u009b", want: "control character U+009B at 1" },
  { name: "too long", input: "x".repeat(256), want: "longer than 255 characters" },
  { name: "255 characters", input: "x".repeat(255), want: undefined },
];
for (const c of HOSTNAMES) {
  Deno.test(`hostnameProblem() with ${c.name}`, () => assert.equal(hostnameProblem(c.input), c.want));
}

const TAKEOVER: { ue: number; min: number; want: number }[] = [
  { ue: 1, min: 5, want: 5 },
  { ue: 5, min: 5, want: 15 },
  { ue: 60, min: 5, want: 30 },
  { ue: 1, min: 1, want: 3 },
];
for (const c of TAKEOVER) {
  Deno.test(`takeoverAfterSec(${c.ue}, ${c.min}) is ${c.want}`, () =>
    assert.equal(takeoverAfterSec(c.ue, c.min), c.want));
}

Deno.test("isClone(): another address or hostname is a clone, the same machine on a new port is not", () => {
  const a = { peer: "10.0.0.1:4000", hostname: "pi" };
  assert.equal(isClone(a, { peer: "10.0.0.1:4001", hostname: "pi" }), false);
  assert.equal(isClone(a, { peer: "10.0.0.2:4001", hostname: "pi" }), true);
  assert.equal(isClone(a, { peer: "10.0.0.1:4001", hostname: "pi2" }), true);
  assert.equal(
    isClone({ peer: "[::1]:4000", hostname: "pi" }, { peer: "[::1]:5000", hostname: "pi" }),
    false,
  );
});

Deno.test("Collisions: one entry per pair, counted, bounded (oldest dropped)", () => {
  const c = new Collisions(2);
  const live = { peer: "10.0.0.1:4000", hostname: "a" };
  assert.equal(c.note("g1", live, { peer: "10.0.0.2:1", hostname: "b" }, 100), true);
  assert.equal(c.note("g1", live, { peer: "10.0.0.2:2", hostname: "b" }, 105), false);
  assert.deepEqual(c.list().map((x) => [x.machineGuid, x.count, x.firstSec, x.lastSec]), [[
    "g1",
    2,
    100,
    105,
  ]]);
  c.note("g2", live, { peer: "10.0.0.3:1", hostname: "c" }, 110);
  c.note("g3", live, { peer: "10.0.0.4:1", hostname: "d" }, 120);
  assert.deepEqual(c.list().map((x) => x.machineGuid), ["g2", "g3"]);
});
