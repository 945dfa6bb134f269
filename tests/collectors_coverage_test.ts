/**
 * Coverage: the chart ids our agent shows on this machine against those of a real Netdata 1.37.1
 * with its proc, diskspace, timex and idlejitter plugins (issue 14). `netdata.*` charts (each
 * agent's own statistics) are not counted. The target is 95 %; the assertion holds what
 * we reach (every chart id since timex), and the test prints the figure and the differences. Common charts must have the same
 * dimension ids, and a few absolute charts the same values within what two samplers can differ.
 */
import { assert } from "./_helpers/assert.ts";
import { waitFor, withAgent } from "./_helpers/agent.ts";
import { startNetdata } from "./_helpers/netdata.ts";

/**
 * What we must reach on this machine (the target is 95 %). We show every chart id when both
 * look at the same moment (121 to 124 here), but "auto" charts appear once their counter moves, and
 * two collectors sampling apart can disagree on one (e.g. a UDP socket in use for a moment).
 */
const MIN_COVERAGE = 0.98;
/** Seconds both run before counting: "auto" charts appear once their counters move. */
const SETTLE_SEC = 20;

/** Absolute charts whose values both must show alike, and the difference allowed for a value. */
const ABSOLUTE: [string, (v: number) => number][] = [
  ["system.entropy", () => 64],
  ["system.clock_sync_state", () => 0],
  ["system.clock_status", () => 0],
  ["system.clock_sync_offset", (v) => Math.max(1, v * 0.5)],
  ["disk_space._", (v) => Math.max(0.5, v * 0.01)],
  ["disk_inodes._", (v) => Math.max(1000, v * 0.01)],
  ["disk_space._dev_shm", (v) => Math.max(0.1, v * 0.01)],
  ["system.ipc_semaphores", () => 0],
  ["system.ipc_semaphore_arrays", () => 0],
  ["system.shared_memory_segments", () => 0],
  ["mem.zram_usage.zram0", (v) => Math.max(1, v * 0.05)],
  ["netfilter.conntrack_sockets", (v) => Math.max(20, v * 0.2)],
  ["ipv4.sockstat_sockets", (v) => Math.max(20, v * 0.2)],
];

interface ApiChart {
  dimensions: Record<string, { name: string }>;
}

async function charts(base: string): Promise<Record<string, ApiChart>> {
  const r = await fetch(`${base}/api/v1/charts`);
  const body = await r.json();
  assert.equal(r.status, 200);
  const out: Record<string, ApiChart> = {};
  for (const [id, c] of Object.entries(body.charts as Record<string, ApiChart>)) {
    if (!id.startsWith("netdata.")) out[id] = c;
  }
  return out;
}

Deno.test({
  name:
    "our agent shows every chart Netdata 1.37.1 shows here (proc, diskspace, timex, idlejitter; target 95 %)",
  async fn() {
    const nd = await startNetdata({
      hostname: "nd-coverage",
      extraConf: "[plugins]\n    diskspace = yes\n    timex = yes\n    idlejitter = yes\n    proc = yes\n",
    });
    try {
      await withAgent({}, async (agent) => {
        await waitFor(async () => Object.keys(await charts(agent.url)).length > 0, 20000, "our charts");
        await new Promise((r) => setTimeout(r, SETTLE_SEC * 1000));
        const theirs = await charts(nd.url);
        const ours = await charts(agent.url);
        const ids = Object.keys(theirs).sort();
        const missing = ids.filter((id) => ours[id] === undefined);
        const extra = Object.keys(ours).filter((id) => theirs[id] === undefined).sort();
        const common = ids.filter((id) => ours[id] !== undefined);
        const dimsDiffer = common.filter((id) => {
          const a = Object.keys(ours[id].dimensions).sort().join(),
            b = Object.keys(theirs[id].dimensions).sort().join();
          return a !== b;
        });
        const coverage = common.length / ids.length;
        console.log(
          `coverage: ${common.length} of Netdata's ${ids.length} chart ids (${
            (coverage * 100).toFixed(1)
          } %, ` +
            `target 95 %); same dimension ids on ${common.length - dimsDiffer.length} of ${common.length}\n` +
            `  missing: ${missing.join(" ") || "-"}\n  ours only: ${extra.join(" ") || "-"}\n` +
            `  dimensions differ: ${dimsDiffer.join(" ") || "-"}`,
        );
        assert.ok(coverage >= MIN_COVERAGE, `coverage ${coverage} below ${MIN_COVERAGE}`);
        assert.deepEqual(dimsDiffer, [], "common charts with other dimension ids");
        // Absolute charts agree within what two samplers a moment apart can differ.
        const latest = async (base: string, chart: string) => {
          const r = await fetch(
            `${base}/api/v1/data?chart=${chart}&after=-3&points=1&group=average&format=json`,
          );
          const j = await r.json();
          assert.equal(r.status, 200, `${base} ${chart}`);
          return Object.fromEntries(
            (j.labels as string[]).slice(1).map((l, i) => [l, j.data[0][i + 1] as number]),
          );
        };
        for (const [chart, tol] of ABSOLUTE) {
          if (theirs[chart] === undefined) continue;
          const a = await latest(agent.url, chart), b = await latest(nd.url, chart);
          for (const [dim, vb] of Object.entries(b)) {
            const va = a[dim];
            assert.ok(
              typeof va === "number" && Math.abs(va - vb) <= tol(Math.abs(vb)),
              `${chart}.${dim}: ours ${va}, netdata ${vb}`,
            );
          }
        }
      });
    } catch (e) {
      console.error(`--- netdata error.log ---\n${nd.log().slice(-2000)}`);
      throw e;
    } finally {
      await nd.stop();
    }
  },
});
