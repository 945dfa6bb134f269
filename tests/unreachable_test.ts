/**
 * A parent that cannot be reached is one condition, not a warning per attempt: logged when it
 * starts, at growing intervals while it lasts (the first after a minute), and when it ends with
 * how long it lasted.
 * @module
 */

import { assert } from "./_helpers/assert.ts";
import { confDir, startInto as start, waitFor, withAgents } from "./_helpers/agent.ts";

const KEY = "11111111-2222-3333-4444-555555555555";

Deno.test("an unreachable parent is logged once, then its return with the duration", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  await withAgents(async (s) => {
    const childConf = await confDir({
      "stream.conf":
        `[stream]\n    enabled = yes\n    destination = 127.0.0.1:${port}\n    api key = ${KEY}\n    reconnect delay seconds = 1\n`,
    });
    const child = await start(s, { args: ["--config", childConf, "--hostname", "c-u"] });
    const failures = () => child.output().split("\n").filter((x) => /annot stream c-u/.test(x));
    await waitFor(() => failures().length > 0, 10000, "the first failure");
    // Several attempts (one a second) while the parent stays down: still one line.
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(failures().length, 1, failures().join("\n"));
    const parentConf = await confDir({ "stream.conf": `[${KEY}]\n    enabled = yes\n` });
    await start(s, { args: ["--config", parentConf, "--port", String(port), "--hostname", "p-u"] });
    await waitFor(() =>
      /Streaming c-u again after \d+s without a parent \(\d+ failed attempts\): nothing lost/.test(
        child.output(),
      )
    );
    const m = /again after (\d+)s without a parent \((\d+) failed attempts\)/.exec(child.output())!;
    assert.ok(Number(m[1]) >= 3 && Number(m[2]) >= 3, m[0]);
    for (const d of [childConf, parentConf]) await Deno.remove(d, { recursive: true });
  });
});
