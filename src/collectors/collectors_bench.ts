/**
 * One collect() of each collector against this machine's /proc (run: deno bench -A src/collectors/).
 */
import { makeHost } from "./_fixture.ts";
import { createCollectors } from "./mod.ts";

const clock = { us: Math.floor(Date.now() / 1000) * 1e6 };
const host = makeHost(clock);
const collectors = createCollectors({ procRoot: "/proc", updateEvery: 1 });
for (const c of collectors) c.collect(host, 0);
// The idlejitter timer would keep the bench process alive; its collect() stays measurable.
for (const c of collectors) if (c.name === "idlejitter") c.close();

for (const c of collectors) {
  Deno.bench(`${c.name} collect()`, () => {
    clock.us += 1e6;
    c.collect(host, 1e6);
  });
}
