/**
 * Fidelity over a busy minute: what a parent (or proxy) stores for a host equals what the host
 * stores itself, on every chart and dimension both serve, second by second. The machine is kept
 * busy (fsync'ed writes, CPU bursts, context switches) so that incremental charts move within and
 * across seconds: a rate put in the wrong second, or split differently, shows. The standard is
 * Netdata child -> Netdata parent, measured in the same run; every link that involves us must do
 * at least as well, and at least {@link MIN_EQUAL} of all cells.
 */
import { assert } from "./_helpers/assert.ts";
import { getJson, waitFor } from "./_helpers/agent.ts";
import { compareAll, describe, type Fidelity } from "./_helpers/fidelity.ts";
import { receiverConf, senderConf, withLab } from "./_helpers/lab.ts";
import { startLoad } from "./_helpers/load.ts";

/** Share of cells that must be equal on every link (Netdata to Netdata scores 1, or a cell less). */
const MIN_EQUAL = 0.999;
/** Seconds compared. */
const WINDOW_SEC = 60;

function hostPort(url: string): string {
  return new URL(url).host;
}

/** Waits until `base` (a parent's `/host/NAME`) has `sec` seconds of system.cpu. */
async function received(base: string, sec = 5): Promise<void> {
  await waitFor(
    async () => {
      const c = await getJson(`${base}/api/v1/chart?chart=system.cpu`).catch(() => undefined);
      return c !== undefined && c.last_entry - c.first_entry >= sec;
    },
    45000,
    `${sec} s of system.cpu at ${base}`,
  );
}

/**
 * Leaves the first slots of every chart out of the window: a v1.37.1 parent stores nothing in the
 * first slot after a chart's creation, and 5 s charts get theirs a few seconds after the link.
 */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 12000));
}

/** Runs the load for {@link WINDOW_SEC} seconds and returns the window to compare. */
async function busyMinute(): Promise<{ from: number; to: number }> {
  const load = await startLoad(WINDOW_SEC + 30);
  try {
    const from = Math.floor(Date.now() / 1000) + 1;
    await new Promise((r) => setTimeout(r, (WINDOW_SEC + 1) * 1000));
    const to = from + WINDOW_SEC - 1;
    return { from, to };
  } finally {
    await load.stop();
  }
}

/** Checks every link, then fails with all of them described if any falls short. */
function check(links: [string, Fidelity, number][]): void {
  const lines: string[] = [];
  let ok = true;
  for (const [name, f, minCharts] of links) {
    const unequal = 1 - f.equal / Math.max(1, f.cells);
    const allowed = 1 - MIN_EQUAL;
    const problems = [
      f.charts < minCharts ? `expected at least ${minCharts} charts` : "",
      f.cells < f.charts * (WINDOW_SEC - 5) ? "too few cells compared" : "",
      unequal > allowed ? `more than ${(allowed * 100).toFixed(3)} % of cells differ` : "",
      f.onlyA.length + f.onlyB.length > 0 ? "charts on one side only" : "",
    ].filter((p) => p !== "");
    if (problems.length > 0) ok = false;
    lines.push(`${name}: ${describe(f)}${problems.length ? `\n  FAILS: ${problems.join(", ")}` : ""}`);
  }
  console.log(lines.join("\n"));
  assert.ok(ok, lines.join("\n"));
}

Deno.test("fidelity with netdata parents: netdata child (reference), our child, and a netdata child through our proxy", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID(), proxyKey = crypto.randomUUID();
    const parent = await lab.netdata({ hostname: "fd-np", collect: false, streamConf: receiverConf(key) });
    const proxy = await lab.agent("proxy", [
      "--role",
      "proxy",
      "--hostname",
      "fd-ox",
      "--config",
      await lab.confDir({
        "stream.conf": senderConf(hostPort(parent.url), key) + "\n" + receiverConf(proxyKey),
      }),
    ]);
    const [ndChild, ourChild, ndBehindProxy] = await Promise.all([
      lab.netdata({ hostname: "fd-nc", streamConf: senderConf(hostPort(parent.url), key) }),
      lab.agent("child", [
        "--role",
        "child",
        "--hostname",
        "fd-oc",
        "--stream-to",
        hostPort(parent.url),
        "--api-key",
        key,
      ]),
      lab.netdata({ hostname: "fd-ncx", streamConf: senderConf(hostPort(proxy.url), proxyKey) }),
    ]);
    for (const h of ["fd-nc", "fd-oc", "fd-ncx"]) await received(`${parent.url}/host/${h}`);
    await received(`${proxy.url}/host/fd-ncx`);
    await settle();
    const { from, to } = await busyMinute();
    await new Promise((r) => setTimeout(r, 3000));
    const ref = await compareAll(ndChild.url, `${parent.url}/host/fd-nc`, from, to);
    const ours = await compareAll(ourChild.url, `${parent.url}/host/fd-oc`, from, to);
    const atProxy = await compareAll(ndBehindProxy.url, `${proxy.url}/host/fd-ncx`, from, to);
    const viaProxy = await compareAll(ndBehindProxy.url, `${parent.url}/host/fd-ncx`, from, to);
    check([
      ["netdata child -> netdata parent (reference)", ref, 100],
      ["our child -> netdata parent", ours, 40],
      ["netdata child -> our proxy", atProxy, 100],
      ["netdata child -> our proxy -> netdata parent", viaProxy, 100],
    ]);
  });
});

Deno.test("fidelity between our agents: child -> parent, and child -> proxy -> parent", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID(), proxyKey = crypto.randomUUID();
    const parent = await lab.agent("parent", [
      "--role",
      "parent",
      "--hostname",
      "fo-op",
      "--config",
      await lab.confDir({ "stream.conf": receiverConf(key) }),
    ]);
    const proxy = await lab.agent("proxy", [
      "--role",
      "proxy",
      "--hostname",
      "fo-ox",
      "--config",
      await lab.confDir({
        "stream.conf": senderConf(hostPort(parent.url), key) + "\n" + receiverConf(proxyKey),
      }),
    ]);
    const [child, behindProxy] = await Promise.all([
      lab.agent("child", [
        "--role",
        "child",
        "--hostname",
        "fo-oc",
        "--stream-to",
        hostPort(parent.url),
        "--api-key",
        key,
      ]),
      lab.agent("child2", [
        "--role",
        "child",
        "--hostname",
        "fo-ocx",
        "--stream-to",
        hostPort(proxy.url),
        "--api-key",
        proxyKey,
      ]),
    ]);
    for (const h of ["fo-oc", "fo-ocx", "fo-ox"]) await received(`${parent.url}/host/${h}`);
    await received(`${proxy.url}/host/fo-ocx`);
    await settle();
    const { from, to } = await busyMinute();
    await new Promise((r) => setTimeout(r, 3000));
    const direct = await compareAll(child.url, `${parent.url}/host/fo-oc`, from, to);
    const atProxy = await compareAll(behindProxy.url, `${proxy.url}/host/fo-ocx`, from, to);
    const viaProxy = await compareAll(behindProxy.url, `${parent.url}/host/fo-ocx`, from, to);
    check([
      ["our child -> our parent", direct, 40],
      ["our child -> our proxy", atProxy, 40],
      ["our child -> our proxy -> our parent", viaProxy, 40],
    ]);
  });
});
