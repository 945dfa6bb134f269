/**
 * Runs Debian's real netdata (1.37.1) in the foreground with its own config dir and port on
 * 127.0.0.1, for interop and comparison tests. It is found by its full path, never by PATH
 * (/usr/sbin is not on a normal user's PATH). A test that needs it fails when it is missing:
 * `make test` installs it (tests/setup.sh).
 * @module
 */

import https from "node:https";

/** Debian's netdata binary (package netdata-core). */
export const NETDATA = "/usr/sbin/netdata";
/**
 * A script of netdata-plugins-bash that netdata runs at start: without it a v1.37.1 child aborts
 * right after it builds its STREAM request.
 */
const SYSTEM_INFO = "/usr/lib/netdata/plugins.d/system-info.sh";

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Whether netdata and the plugin script it needs are installed (the bench reports without them). */
export function hasNetdata(): boolean {
  return isFile(NETDATA) && isFile(SYSTEM_INFO);
}

/**
 * Throws when netdata is not fully installed, naming what is missing and the command that installs it.
 * @throws {Error} `NETDATA` or `SYSTEM_INFO` is missing
 */
export function requireNetdata(): void {
  const missing = [NETDATA, SYSTEM_INFO].filter((p) => !isFile(p));
  if (missing.length === 0) return;
  throw new Error(
    `Cannot run netdata: ${missing.map((p) => `"${p}"`).join(" and ")} not installed; ` +
      "run `sudo apt-get install -y netdata-core netdata-plugins-bash` (make test does it as root)",
  );
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
  /** Other files of its config dir (name -> text), e.g. `exporting.conf`. */
  files?: Record<string, string>;
  /**
   * `[db] mode`: default ram for a collecting netdata, dbengine (Netdata's default) for one that
   * does not (a parent): in ram mode v1.37.1 stores replayed points one slot late
   * (src/stream/PROTOCOL.md §6.1), so a parent's copy would differ from the child's where
   * replication brought points.
   */
  memoryMode?: string;
  /** Enable the proc and idlejitter plugins (default true). */
  collect?: boolean;
  /** Enable idlejitter when collecting (default true). */
  idlejitter?: boolean;
  /**
   * Serve TLS only (`^SSL=force`) with these PEM files (`[web] ssl key`, `ssl certificate`); the
   * process's `url` is then `https://…`. Read its API with {@link httpGet}.
   */
  tls?: { key: string; cert: string };
  /**
   * Run in this directory (made by an earlier run with the same options), keeping it at stop:
   * for restarts. Default: a fresh temp directory, removed at stop.
   */
  dir?: string;
  /** Listen on this port (for restarts); default a free one. */
  port?: number;
  /**
   * Turn health on (it is off by default): `userDir` is `[directories] health config`, `stockDir`
   * `stock health config` (default: an empty directory, so only `userDir` rules load), `script`
   * `script to execute on alarm`.
   */
  health?: { userDir: string; stockDir?: string; script?: string };
}

/** A response read by {@link httpGet}. */
export interface HttpResult {
  status: number;
  text: string;
}

/**
 * GETs `url` and reads the whole body. `https://` goes through node's client: without `ca` the
 * server's certificate is not checked (test certificates are self-signed), with `ca` (PEM text)
 * it must chain to it and match the host; `timeoutMs` applies to https only.
 */
export async function httpGet(
  url: string,
  opts: { ca?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  if (!url.startsWith("https:")) {
    const r = await fetch(url);
    return { status: r.status, text: await r.text() };
  }
  return await new Promise<HttpResult>((resolve, reject) => {
    const req = https.get(url, {
      agent: false,
      ca: opts.ca,
      rejectUnauthorized: opts.ca !== undefined,
      timeout: opts.timeoutMs ?? 10000,
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => text += c);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    });
    req.on(
      "timeout",
      () => req.destroy(new Error(`GET ${url}: no answer within ${opts.timeoutMs ?? 10000} ms`)),
    );
    req.on("error", reject);
  });
}

/** `pid` and start time (clock ticks since boot) of every descendant of `root`, from /proc. */
function descendants(root: number): { pid: number; start: string }[] {
  const children = new Map<number, { pid: number; start: string }[]>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      // After "pid (comm) ": state ppid ... starttime is field 22 overall, index 19 here.
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(f[1]);
      const list = children.get(ppid) ?? [];
      list.push({ pid: Number(e.name), start: f[19] });
      children.set(ppid, list);
    } catch { /* exited meanwhile */ }
  }
  const out: { pid: number; start: string }[] = [];
  const todo = [root];
  while (todo.length > 0) {
    for (const c of children.get(todo.pop()!) ?? []) {
      out.push(c);
      todo.push(c.pid);
    }
  }
  return out;
}

/** Whether process `pid` still is the one that started at `start`. */
function sameProcess(pid: number, start: string): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] === start;
  } catch {
    return false;
  }
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Starts netdata and waits until its API answers.
 * @throws {Error} netdata is not installed ({@link requireNetdata}), or it exits or does not answer within 30 s
 */
export async function startNetdata(opts: NetdataOptions): Promise<NetdataProcess> {
  requireNetdata();
  const dir = opts.dir ?? await Deno.makeTempDir({ prefix: "netdata-test-" });
  for (const d of ["etc", "cache", "lib", "log"]) await Deno.mkdir(`${dir}/${d}`, { recursive: true });
  const port = opts.port ?? freePort();
  const collect = opts.collect ?? true;
  const tls = opts.tls;
  // Netdata reads "^SSL=..." only after an access list: IP:PORT=acl|acl^SSL=force.
  const bind = tls
    ? `127.0.0.1:${port}=dashboard|registry|badges|management|streaming|netdata.conf^SSL=force\n` +
      `    ssl key = ${tls.key}\n    ssl certificate = ${tls.cert}`
    : `127.0.0.1:${port}`;
  const h = opts.health;
  if (h && h.stockDir === undefined) await Deno.mkdir(`${dir}/stock-health.d`, { recursive: true });
  const health = h
    ? `[health]
    enabled = yes
    run at least every seconds = 1
${h.script ? `    script to execute on alarm = ${h.script}\n` : ""}`
    : "[health]\n    enabled = no\n";
  const healthDirs = h
    ? `    health config = ${h.userDir}\n    stock health config = ${h.stockDir ?? `${dir}/stock-health.d`}\n`
    : "";
  const conf = `[global]
    hostname = ${opts.hostname}
    run as user = root
[directories]
    config = ${dir}/etc
    cache = ${dir}/cache
    lib = ${dir}/lib
    log = ${dir}/log
${healthDirs}[db]
    mode = ${opts.memoryMode ?? (collect ? "ram" : "dbengine")}
[web]
    bind to = ${bind}
${health}[ml]
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
  for (const [name, text] of Object.entries(opts.files ?? {})) {
    await Deno.writeTextFile(`${dir}/etc/${name}`, text);
  }
  const proc = new Deno.Command(NETDATA, {
    args: ["-D", "-c", `${dir}/etc/netdata.conf`],
    stdout: "null",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const url = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
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
    // netdata's helpers (spawn server, plugins) are its children: note them (by pid and start time,
    // so a reused pid is never hit) to make sure none outlives it.
    let kids: { pid: number; start: string }[] = [];
    try {
      kids = descendants(proc.pid);
    } catch { /* no /proc */ }
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
    for (const k of kids) {
      if (!sameProcess(k.pid, k.start)) continue;
      try {
        Deno.kill(k.pid, "SIGKILL");
      } catch { /* gone */ }
    }
    if (opts.dir === undefined) await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  let exited = false;
  proc.status.then(() => exited = true);
  const end = Date.now() + 30000;
  while (Date.now() < end && !exited) {
    try {
      const r = await httpGet(`${url}/api/v1/info`, { timeoutMs: 2000 });
      if (r.status === 200) return { url, dir, port, log: readLog, stop };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  const log = readLog();
  await stop();
  throw new Error(
    `netdata ${exited ? "exited before it answered" : "did not answer"} on ${url} within 30 s:\n${
      log.slice(-3000)
    }`,
  );
}
