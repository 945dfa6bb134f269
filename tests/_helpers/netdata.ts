/**
 * Runs Debian's real netdata (1.37.1) in the foreground with its own config dir and port on
 * 127.0.0.1, for interop and comparison tests. Tests that need it are skipped (ignored) when the
 * `netdata` binary is not installed; `.ci/run` installs it.
 * @module
 */

/** Whether a netdata binary is on this machine. */
export function hasNetdata(): boolean {
  for (const p of ["/usr/sbin/netdata", "/usr/bin/netdata"]) {
    try {
      Deno.statSync(p);
      return true;
    } catch { /* next */ }
  }
  return false;
}

/** A running netdata. */
export interface NetdataProcess {
  readonly url: string;
  readonly dir: string;
  readonly port: number;
  /** Contents of its error.log (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** Options for {@link startNetdata}. */
export interface NetdataOptions {
  hostname: string;
  /** Extra netdata.conf text appended after the generated sections. */
  extraConf?: string;
  /** stream.conf contents. */
  streamConf?: string;
  /** `[db] mode`, default ram. */
  memoryMode?: string;
  /** Enable the proc and idlejitter plugins (default true). */
  collect?: boolean;
  /** Enable idlejitter when collecting (default true). */
  idlejitter?: boolean;
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts netdata and waits until its API answers. */
export async function startNetdata(opts: NetdataOptions): Promise<NetdataProcess> {
  const dir = await Deno.makeTempDir({ prefix: "netdata-test-" });
  for (const d of ["etc", "cache", "lib", "log"]) await Deno.mkdir(`${dir}/${d}`);
  const port = freePort();
  const collect = opts.collect ?? true;
  const conf = `[global]
    hostname = ${opts.hostname}
    run as user = root
[directories]
    config = ${dir}/etc
    cache = ${dir}/cache
    lib = ${dir}/lib
    log = ${dir}/log
[db]
    mode = ${opts.memoryMode ?? "ram"}
[web]
    bind to = 127.0.0.1:${port}
[health]
    enabled = no
[ml]
    enabled = no
[registry]
    enabled = no
[plugins]
    go.d = no
    python.d = no
    charts.d = no
    apps = no
    cgroups = no
    tc = no
    ebpf = no
    statsd = no
    slabinfo = no
    perf = no
    fping = no
    ioping = no
    diskspace = no
    timex = no
    nfacct = no
    idlejitter = ${collect && opts.idlejitter !== false ? "yes" : "no"}
    proc = ${collect ? "yes" : "no"}
${opts.extraConf ?? ""}
`;
  await Deno.writeTextFile(`${dir}/etc/netdata.conf`, conf);
  await Deno.writeTextFile(`${dir}/etc/stream.conf`, opts.streamConf ?? "[stream]\n    enabled = no\n");
  const proc = new Deno.Command("netdata", {
    args: ["-D", "-c", `${dir}/etc/netdata.conf`],
    stdout: "null",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const readLog = () => {
    try {
      return Deno.readTextFileSync(`${dir}/log/error.log`);
    } catch {
      return "";
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      proc.kill("SIGTERM");
    } catch { /* gone */ }
    const t = setTimeout(() => {
      try {
        proc.kill("SIGKILL");
      } catch { /* gone */ }
    }, 8000);
    await proc.status;
    clearTimeout(t);
    // netdata's plugins are its children; make sure none outlives it.
    await new Deno.Command("pkill", { args: ["-f", `${dir}/`] }).output().catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const end = Date.now() + 30000;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${url}/api/v1/info`);
      await r.body?.cancel();
      if (r.ok) return { url, dir, port, log: readLog, stop };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  const log = readLog();
  await stop();
  throw new Error(`netdata did not answer on ${url} within 30 s:\n${log.slice(-3000)}`);
}
