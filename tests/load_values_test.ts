/**
 * Values under load (issue #11, item 4): hundreds of simulated v1.37.1 children (tests/bench/
 * loadgen.ts) stream into a real parent while other processes keep every core busy, so the
 * parent ingests late; then every child's stored points are read back through the API, and each
 * must be one the child could have produced (its counters' rates, its gauges' ranges). A parent
 * that times rounds by its own clock rather than the child's stores rates no child sent.
 */
import { assert } from "./_helpers/assert.ts";
import { confDir, getJson, startAgent } from "./_helpers/agent.ts";
import { chartId, runLoad, valueProblem } from "./bench/loadgen.ts";

const KEY = "11111111-2222-3333-4444-555555555555";
const CHILDREN = 300;
const DIMS = 10;
const LOAD_SEC = 40;

/** Processes that spin on a core each until killed. */
function burnCpu(count: number): Deno.ChildProcess[] {
  return Array.from(
    { length: count },
    () =>
      new Deno.Command("sh", { args: ["-c", "while :; do :; done"], stdout: "null", stderr: "null" }).spawn(),
  );
}

Deno.test(`${CHILDREN} children on a busy host: every stored point is one its child could have sent`, async () => {
  const conf = await confDir({
    "stream.conf":
      `[${KEY}]\n    enabled = yes\n    default memory mode = dbengine\n    default history = 600\n`,
  });
  const parent = await startAgent({ args: ["--config", conf, "--log-level", "info"] });
  const burners = burnCpu(3);
  const port = Number(new URL(parent.url).port);
  try {
    let t0 = 0;
    const report = await runLoad({
      target: `127.0.0.1:${port}`,
      children: CHILDREN,
      charts: 1,
      dims: DIMS,
      seconds: LOAD_SEC,
      apiKey: KEY,
      onReady: () => t0 = Math.floor(Date.now() / 1000),
    });
    assert.equal(report.connected, CHILDREN, report.refused.join("\n"));
    assert.equal(report.disconnects.length, 0, report.disconnects.join("\n"));
    for (const b of burners) b.kill("SIGKILL");
    // The second and third rounds of a chart start its timeline (on the parent's clock, as in
    // Netdata); the last seconds may still be open.
    const after = t0 + 5;
    const before = t0 + LOAD_SEC - 3;
    let points = 0;
    let missing = 0;
    const bad: string[] = [];
    for (let i = 0; i < CHILDREN; i++) {
      const j = await getJson(
        `${parent.url}/host/load-${i}/api/v1/data?chart=${chartId(0)}&after=${after}&before=${before}` +
          `&format=json&options=seconds`,
      );
      const labels = j.labels as string[];
      assert.equal(labels.length, DIMS + 1, `load-${i}: ${labels.join(",")}`);
      for (const row of j.data as (number | null)[][]) {
        for (let k = 1; k < labels.length; k++) {
          const v = row[k];
          if (v === null) {
            missing++;
            continue;
          }
          points++;
          const why = valueProblem(i, 0, Number(labels[k].slice(1)), v);
          if (why !== "") bad.push(`load-${i} ${labels[k]} at ${row[0]}: ${why}`);
        }
      }
    }
    const want = CHILDREN * DIMS * (before - after);
    assert.ok(points >= want * 0.95, `only ${points} of ${want} points stored (${missing} empty)`);
    assert.equal(
      bad.length,
      0,
      `${bad.length} of ${points} points no child sent:\n${bad.slice(0, 20).join("\n")}`,
    );
  } catch (e) {
    console.error(`--- parent output (last 4000) ---\n${parent.output().slice(-4000)}`);
    throw e;
  } finally {
    for (const b of burners) {
      try {
        b.kill("SIGKILL");
      } catch { /* gone */ }
      await b.status;
    }
    await parent.stop();
    await Deno.remove(conf, { recursive: true }).catch(() => {});
  }
});
