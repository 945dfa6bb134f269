/**
 * SIGHUP reloads stream.conf without a restart (issue #15): a new key works at once, a child whose
 * key stays valid keeps its connection, one whose key was disabled is cut and refused with the
 * reason logged, and a broken file is reported with file:line while the running config stays.
 * @module
 */

import { assert } from "./_helpers/assert.ts";
import { type AgentProcess, confDir, startInto as start, waitFor, withAgents } from "./_helpers/agent.ts";

const KEY_A = "aaaaaaaa-2222-3333-4444-555555555555";
const KEY_B = "bbbbbbbb-2222-3333-4444-555555555555";
const section = (key: string, enabled: boolean) => `[${key}]\n    enabled = ${enabled ? "yes" : "no"}\n`;

function hostPort(url: string): string {
  return new URL(url).host;
}

/** Lines of `a`'s output that match `re`. */
function lines(a: AgentProcess, re: RegExp): string[] {
  return a.output().split("\n").filter((l) => re.test(l));
}

function child(parent: AgentProcess, key: string, hostname: string) {
  return {
    args: [
      "--role",
      "child",
      "--stream-to",
      hostPort(parent.url),
      "--api-key",
      key,
      "--hostname",
      hostname,
      "--memory-mode",
      "none",
    ],
  };
}

Deno.test("SIGHUP: a new key streams at once, a valid child stays, a disabled key's child is cut and refused", async () => {
  await withAgents(async (s) => {
    const dir = await confDir({ "stream.conf": section(KEY_A, true) });
    const parent = await start(s, { args: ["--config", dir, "--hostname", "p-r"] });
    const connected = (host: string) => lines(parent, new RegExp(`Child ${host} connected`)).length;
    await start(s, child(parent, KEY_A, "c-a"));
    await waitFor(() => connected("c-a") === 1, 20000, "c-a connected");

    // A broken file: reported with file:line, nothing changes.
    await Deno.writeTextFile(`${dir}/stream.conf`, section(KEY_A, true) + "[stream]\n    bogus key = 1\n");
    parent.process.kill("SIGHUP");
    await waitFor(() => /Not reloading/.test(parent.output()), 10000, "the refused reload");
    assert.match(parent.output(), /stream\.conf:4: error: \[stream\] bogus key/);

    // Add key B: a child with it streams; c-a is not disconnected.
    await Deno.writeTextFile(`${dir}/stream.conf`, section(KEY_A, true) + section(KEY_B, true));
    parent.process.kill("SIGHUP");
    await waitFor(
      () => /Reloaded stream\.conf: 2 sections, 0 children disconnected/.test(parent.output()),
      10000,
    );
    await start(s, child(parent, KEY_B, "c-b"));
    await waitFor(() => connected("c-b") === 1, 20000, "c-b connected");
    assert.equal(lines(parent, /Child c-a disconnected/).length, 0);

    // Disable key A: c-a is cut with the reason, and refused when it comes back; c-b stays.
    await Deno.writeTextFile(`${dir}/stream.conf`, section(KEY_A, false) + section(KEY_B, true));
    parent.process.kill("SIGHUP");
    await waitFor(() => lines(parent, /Disconnecting child c-a/).length === 1, 10000, "c-a cut");
    assert.match(
      lines(parent, /Disconnecting child c-a/)[0],
      /API key is disabled: stream\.conf was reloaded/,
    );
    await waitFor(
      () => lines(parent, /Refused child c-a .*API key is disabled/).length > 0,
      20000,
      "c-a refused",
    );
    assert.equal(lines(parent, /Child c-b disconnected/).length, 0);
    assert.equal(connected("c-a"), 1);
    await Deno.remove(dir, { recursive: true });
  });
});
