/**
 * Children as they run on a Pi, beside Netdata 1.37.1 in the same run (issue #16): RSS and CPU per
 * collected dimension of a headless child (db none, web none) and of a ram-mode child, and the bytes
 * per sample each codec puts on the wire, measured between snapshots of steady streaming (chart
 * definitions and replication left out).
 *
 * The headless and ram-mode children run as the binary runs them (`make binary`): the code-split
 * bundle of tests/compile.sh, with the Deno flags of tools/sfx_stub.sh. A headless child run with
 * `deno run main.ts` is measured beside them, since that is what the tests run.
 * @module
 */

import { type AgentProcess, startAgent } from "../_helpers/agent.ts";
import { hasNetdata, type NetdataProcess, startNetdata } from "../_helpers/netdata.ts";
import { procSample } from "./proc_probe.ts";
import { type RuntimeFloor, startRuntimeFloor } from "./runtime_floor.ts";

type Report = (name: string, value: number, unit: string, note?: string) => void;

/** CPU seconds per second and the last RSS of `pid` over `seconds`, and the RSS peak. */
async function measure(pid: number, seconds: number) {
  const a = procSample(pid);
  const t0 = performance.now();
  let peak = a.rssKiB;
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    peak = Math.max(peak, procSample(pid).rssKiB);
  }
  const b = procSample(pid);
  const cpu = (b.cpuSec - a.cpuSec) / ((performance.now() - t0) / 1000);
  return { cpu, rssMiB: b.rssKiB / 1024, peakMiB: peak / 1024 };
}

// deno-lint-ignore no-explicit-any
async function json(url: string): Promise<any> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  return await r.json();
}

async function conf(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bench-fp-" });
  for (const [n, t] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${n}`, t);
  return dir;
}

function pidOf(nd: NetdataProcess): number {
  const out = new Deno.Command("pgrep", { args: ["-o", "-f", `${nd.dir}/etc/netdata.conf`] }).outputSync();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * The binary's agent in a temp dir (`tests/compile.sh bundle`) and the flags its stub runs Deno with,
 * read from tools/sfx_stub.sh so that the two cannot drift apart.
 */
export async function binaryAgent(): Promise<{ dir: string; main: string; denoArgs: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "bench-bundle-" });
  const out = await new Deno.Command("bash", {
    args: ["tests/compile.sh", "bundle", dir],
    cwd: ROOT,
    env: { DENO: Deno.execPath() },
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`tests/compile.sh bundle: ${new TextDecoder().decode(out.stderr)}`);
  const stub = await Deno.readTextFile(`${ROOT}/tools/sfx_stub.sh`);
  const m = /^flags="([^"]*)"$/m.exec(stub);
  if (!m) throw new Error('tools/sfx_stub.sh: no `flags="..."` line');
  const denoArgs = m[1].split(/\s+/).filter((a) => a && a !== "-A");
  // As the stub does after unpacking: the first run of the bundle caches its module graph.
  await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...denoArgs, `${dir}/main.js`, "--version"],
    stdout: "null",
  }).output();
  return { dir, main: `${dir}/main.js`, denoArgs };
}

const stream = (dest: string, key: string) =>
  `[stream]\n    enabled = yes\n    destination = ${dest}\n    api key = ${key}\n`;

/**
 * Runs, for `seconds` after a warm-up (150 s): our parent P; into it our headless child (COMPACT+DEFLATE),
 * our ram-mode child (the same), our headless child with compression and compact rounds off (plain), one with
 * only compact rounds (COMPACT), one with only compression (DEFLATE), and a Netdata child in memory mode none (Netdata's LZ4); and our child into a Netdata
 * parent (our LZ4).
 */
export async function benchChildren(report: Report, seconds: number): Promise<void> {
  if (!hasNetdata()) return void report("children vs netdata", NaN, "", "netdata not installed");
  const kZ = crypto.randomUUID(), kPlain = crypto.randomUUID(), kNd = crypto.randomUUID();
  const agents: AgentProcess[] = [];
  const netdatas: NetdataProcess[] = [];
  const dirs: string[] = [];
  let floor: RuntimeFloor | undefined;
  const bin = await binaryAgent();
  dirs.push(bin.dir);
  const agent = async (args: string[], noWeb = false, asBinary = false) => {
    const a = await startAgent({
      args: [...args, "--log-level", "info"],
      noWeb,
      ...(asBinary ? { main: bin.main, denoArgs: bin.denoArgs } : {}),
    });
    agents.push(a);
    return a;
  };
  try {
    const pConf = await conf({
      "stream.conf":
        `[${kZ}]\n    enabled = yes\n[${kPlain}]\n    enabled = yes\n    enable compression = no\n` +
        `[${kNd}]\n    enabled = yes\n`,
    });
    dirs.push(pConf);
    const parent = await agent(["--role", "parent", "--hostname", "fp-p", "--config", pConf]);
    const p = new URL(parent.url).host;
    const ndParent = await startNetdata({
      hostname: "fp-np",
      collect: false,
      streamConf: `[${kNd}]\n    enabled = yes\n`,
    });
    netdatas.push(ndParent);
    const headless = (k: string) => ({
      "agent.conf": "[db]\n    mode = none\n[web]\n    mode = none\n",
      "stream.conf": stream(p, k),
    });
    // Compact rounds (PROTOCOL.md §13.2) are on by default; `off` turns them off for one child.
    const off = (files: Record<string, string>) => ({
      ...files,
      "stream.conf": files["stream.conf"] + "    enable compact rounds = no\n",
    });
    const hConf = await conf(headless(kZ)), plainConf = await conf(off(headless(kPlain)));
    const dConf = await conf(off(headless(kZ))), cConf = await conf(headless(kPlain));
    dirs.push(dConf, cConf);
    const ramConf = await conf({ "stream.conf": stream(p, kZ) });
    const lz4Conf = await conf({ "stream.conf": stream(new URL(ndParent.url).host, kNd) });
    dirs.push(hConf, plainConf, ramConf, lz4Conf);
    const [h, ram, _plain, lz4, hRun] = await Promise.all([
      agent(["--config", hConf, "--hostname", "fp-headless"], true, true),
      agent(["--config", ramConf, "--hostname", "fp-ram", "--memory-mode", "ram"], false, true),
      agent(["--config", plainConf, "--hostname", "fp-plain"], true),
      agent(["--config", lz4Conf, "--hostname", "fp-lz4"]),
      agent(["--config", hConf, "--hostname", "fp-headless-run"], true),
      agent(["--config", dConf, "--hostname", "fp-deflate"], true),
      agent(["--config", cConf, "--hostname", "fp-compact"], true),
    ]);
    const nd = await startNetdata({ hostname: "fp-nd", memoryMode: "none", streamConf: stream(p, kNd) });
    netdatas.push(nd);
    floor = await startRuntimeFloor(bin.denoArgs);
    // Steady state, as issue #16 asks: RSS grows for the first tens of seconds (replication, first
    // rounds of every collector), and V8 compiles the once-a-second code on its helper threads for
    // about two minutes (see collection_cpu.ts). BENCH_FOOTPRINT_WARMUP (seconds) overrides it.
    const warmUpSec = Number(Deno.env.get("BENCH_FOOTPRINT_WARMUP") ?? 150);
    await new Promise((r) => setTimeout(r, warmUpSec * 1000));

    const rx = async (host: string) =>
      (await json(`${parent.url}/host/${host}/api/v1/info`)).streaming.receiver;
    const tx = async () => (await json(`${lz4.url}/api/v1/info`)).streaming.sender;
    const snap = async () => ({
      z: await rx("fp-headless"),
      plain: await rx("fp-plain"),
      nd: await rx("fp-nd"),
      deflate: await rx("fp-deflate"),
      compact: await rx("fp-compact"),
      lz4: await tx(),
    });
    const s0 = await snap();
    const [mh, mr, mn, mRun, mBare, mWorker] = await Promise.all([
      measure(h.process.pid, seconds),
      measure(ram.process.pid, seconds),
      measure(pidOf(nd), seconds),
      measure(hRun.process.pid, seconds),
      measure(floor.barePid, seconds),
      measure(floor.workerPid, seconds),
    ]);
    const after = `after ${warmUpSec + seconds} s`;
    const s1 = await snap();
    const dims = async (host: string) =>
      (await json(`${parent.url}/host/${host}/api/v1/charts`)).dimensions_count;
    const [dh, dn] = [await dims("fp-headless"), await dims("fp-nd")];
    const perDim = (cpu: number, d: number) => cpu * 1e6 / d;
    report("headless child dimensions (ours)", dh, "");
    report(
      "headless child RSS (ours)",
      mh.rssMiB,
      "MiB",
      `the binary's bundle, ${after}; peak ${mh.peakMiB.toFixed(1)}; target <= 45`,
    );
    report(
      "headless child CPU per dimension (ours)",
      perDim(mh.cpu, dh),
      "µs/dim-s",
      "DEFLATE to our parent",
    );
    report("headless child RSS (ours, deno run)", mRun.rssMiB, "MiB", `deno run main.ts, ${after}`);
    report("headless child dimensions (netdata)", dn, "", "memory mode none, LZ4; its web server on");
    report("headless child RSS (netdata)", mn.rssMiB, "MiB", `main process only (+ spawn server), ${after}`);
    report("headless child CPU per dimension (netdata)", perDim(mn.cpu, dn), "µs/dim-s");
    report(
      "ratio CPU/dim headless ours ÷ netdata",
      perDim(mh.cpu, dh) / perDim(mn.cpu, dn),
      "×",
      "target <= 1",
    );
    report(
      "runtime floor RSS: bare deno",
      mBare.rssMiB,
      "MiB",
      "runtime_floor.ts: a 1 s timer and nothing else, the binary's Deno flags",
    );
    report(
      "runtime floor RSS: bare deno + sleeping worker",
      mWorker.rssMiB,
      "MiB",
      "the same and one Worker sleeping 20 ms at a time (an idlejitter thread that measures nothing)",
    );
    report(
      "runtime floor CPU per dimension: sleeping worker",
      perDim(mWorker.cpu - mBare.cpu, dh),
      "µs/dim-s",
      `that worker's CPU over our headless child's ${dh} dimensions; netdata's whole child: ` +
        `${perDim(mn.cpu, dn).toFixed(2)}`,
    );
    report(
      "ram-mode child RSS (ours)",
      mr.rssMiB,
      "MiB",
      `the binary's bundle, ${after}; peak ${mr.peakMiB.toFixed(1)}; web API on`,
    );
    const perSample = (a: { bytes_received: number; samples_received: number }, b: typeof a) =>
      (b.bytes_received - a.bytes_received) / Math.max(1, b.samples_received - a.samples_received);
    const textPerSample = (s1.plain.bytes_uncompressed - s0.plain.bytes_uncompressed) /
      Math.max(1, s1.plain.samples_received - s0.plain.samples_received);
    report("wire bytes per sample, plain (ours)", perSample(s0.plain, s1.plain), "B", "Netdata's text");
    report(
      "wire bytes per sample, LZ4 (ours)",
      (s1.lz4.bytesSent - s0.lz4.bytesSent) / ((s1.lz4.bytesText - s0.lz4.bytesText) / textPerSample),
      "B",
      "our child -> netdata parent",
    );
    report(
      "wire bytes per sample, LZ4 (netdata)",
      perSample(s0.nd, s1.nd),
      "B",
      "netdata child -> our parent",
    );
    report(
      "wire bytes per sample, COMPACT (ours)",
      perSample(s0.compact, s1.compact),
      "B",
      "compression off",
    );
    report(
      "wire bytes per sample, DEFLATE (ours)",
      perSample(s0.deflate, s1.deflate),
      "B",
      "compact rounds off",
    );
    report(
      "wire bytes per sample, COMPACT+DEFLATE (ours)",
      perSample(s0.z, s1.z),
      "B",
      "our agents only (the default); target <= 3",
    );
  } finally {
    await Promise.all([...agents.map((a) => a.stop()), ...netdatas.map((n) => n.stop())]);
    await floor?.stop();
    for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const rows: string[] = [];
  await benchChildren((n, v, u, note = "") => {
    rows.push(`${n.padEnd(44)} ${v.toFixed(3).padStart(10)} ${u.padEnd(8)} ${note}`);
  }, Number(Deno.env.get("BENCH_SECONDS") ?? 30));
  console.log(rows.join("\n"));
}
