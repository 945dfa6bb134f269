import { assert } from "../../tests/_helpers/assert.ts";
import type { Expected } from "./_fixture.ts";
import { runScenario } from "./_fixture.ts";
import { IpcCollector } from "./ipc.ts";

const scenarios: { name: string; path: string }[] = [
  { name: "this machine: no IPC objects (real snapshots)", path: "ipc/this_machine" },
  {
    name: "PostgreSQL's semaphore sets and shared memory, and a message queue that goes away",
    path: "ipc/postgres_and_queues",
  },
];

for (const s of scenarios) {
  Deno.test(`IpcCollector: ${s.name}`, () => {
    const { host, expected } = runScenario(s.path, (r) => new IpcCollector(r));
    for (
      const [k, v] of Object.entries(
        (expected as Expected & { variables?: Record<string, number> }).variables ?? {},
      )
    ) {
      assert.equal(host.variables.get(k), v, `$${k}`);
    }
    // A queue that vanished keeps its dimension, marked obsolete.
    const gone = host.charts.get("system.message_queue_messages")?.dimension("1");
    if (gone) assert.equal(gone.obsolete, true);
  });
}

Deno.test("IpcCollector throws without /proc/sysvipc (createCollectors then skips it)", () => {
  assert.throws(() => new IpcCollector({ procRoot: "/nonexistent", updateEvery: 1 }), Deno.errors.NotFound);
});
