/**
 * Runs Debian's real time-series databases on loopback for the exporting tests: Prometheus
 * (with its remote write receiver) and single-node VictoriaMetrics (remote write, graphite,
 * opentsdb), each in a temp dir on a free port, found by full path. A test that needs one fails
 * when it is missing: `make test` installs them (tests/setup.sh).
 * @module
 */

import { freePort } from "./netdata.ts";

/** Debian's binaries (packages prometheus and victoria-metrics). */
export const PROMETHEUS = "/usr/bin/prometheus";
export const VICTORIA_METRICS = "/usr/bin/victoria-metrics";

/** A running database. */
export interface TsdbProcess {
  /** Base URL of its HTTP API. */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** What it printed (for failures). */
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 10 s); the data dir stays until {@link TsdbProcess.remove}. */
  stop(): Promise<void>;
  /** Removes its data dir (after stop). */
  remove(): Promise<void>;
}

/** Options of the starters. */
export interface TsdbOptions {
  /** Reuse this data dir and port (a restart). */
  dir?: string;
  port?: number;
}

function requireFile(path: string, pkg: string): void {
  try {
    if (Deno.statSync(path).isFile) return;
  } catch { /* missing */ }
  throw new Error(
    `Cannot run ${path}: not installed; run \`sudo apt-get install -y ${pkg}\` (make test does it as root)`,
  );
}

async function spawn(
  bin: string,
  args: string[],
  dir: string,
  port: number,
  ready: string,
): Promise<TsdbProcess> {
  const proc = new Deno.Command(bin, { args, stdout: "piped", stderr: "piped", stdin: "null", cwd: dir })
    .spawn();
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) text = (text + decoder.decode(c, { stream: true })).slice(-200_000);
  };
  const pumps = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  let exited = false;
  const status = proc.status.then((s) => {
    exited = true;
    return s;
  });
  let stopped: Promise<void> | undefined;
  const url = `http://127.0.0.1:${port}`;
  const p: TsdbProcess = {
    url,
    port,
    dir,
    output: () => text,
    stop: () =>
      stopped ??= (async () => {
        try {
          proc.kill("SIGTERM");
        } catch { /* gone */ }
        const t = setTimeout(() => {
          try {
            proc.kill("SIGKILL");
          } catch { /* gone */ }
        }, 10000);
        await status;
        clearTimeout(t);
        await pumps;
      })(),
    remove: async () => {
      await p.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
  const end = Date.now() + 30000;
  while (Date.now() < end && !exited) {
    try {
      const r = await fetch(url + ready);
      await r.body?.cancel();
      if (r.status === 200) return p;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  await p.stop();
  throw new Error(`${bin} did not become ready on ${url}:\n${text.slice(-3000)}`);
}

/** Starts Prometheus with the remote write receiver and an empty scrape config. */
export async function startPrometheus(o: TsdbOptions = {}): Promise<TsdbProcess> {
  requireFile(PROMETHEUS, "prometheus");
  const dir = o.dir ?? await Deno.makeTempDir({ prefix: "prometheus-test-" });
  const port = o.port ?? freePort();
  await Deno.writeTextFile(`${dir}/prometheus.yml`, "global:\n  scrape_interval: 1h\n");
  return await spawn(
    PROMETHEUS,
    [
      "--web.enable-remote-write-receiver",
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--config.file=${dir}/prometheus.yml`,
    ],
    dir,
    port,
    "/-/ready",
  );
}

/** Starts single-node VictoriaMetrics; `graphite`/`opentsdb` give those listeners a port. */
export async function startVictoriaMetrics(
  o: TsdbOptions & { graphitePort?: number; opentsdbPort?: number } = {},
): Promise<TsdbProcess> {
  requireFile(VICTORIA_METRICS, "victoria-metrics");
  const dir = o.dir ?? await Deno.makeTempDir({ prefix: "vm-test-" });
  const port = o.port ?? freePort();
  return await spawn(
    VICTORIA_METRICS,
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dir}/data`,
      "-search.disableCache",
      "-search.latencyOffset=0s",
      ...(o.graphitePort ? [`-graphiteListenAddr=127.0.0.1:${o.graphitePort}`] : []),
      ...(o.opentsdbPort ? [`-opentsdbListenAddr=127.0.0.1:${o.opentsdbPort}`] : []),
    ],
    dir,
    port,
    "/health",
  );
}

/** A PromQL instant query at `timeSec` (default now): the result vector. */
export async function promQuery(
  db: TsdbProcess,
  query: string,
  timeSec?: number,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const u = new URL(db.url + "/api/v1/query");
  u.searchParams.set("query", query);
  if (timeSec !== undefined) u.searchParams.set("time", String(timeSec));
  const r = await fetch(u);
  const body = await r.json();
  if (r.status !== 200 || body.status !== "success") {
    throw new Error(`${u}: ${r.status} ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body.data.result;
}
