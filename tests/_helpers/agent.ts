/**
 * Spawns `main.ts` as a real process on 127.0.0.1:0 with a temp data dir, waits for its
 * `listening <url>` line, and tears it down. Output is kept and printed only when a test fails.
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A running agent process. */
export interface AgentProcess {
  /** Base URL of its API, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly dataDir: string;
  readonly process: Deno.ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and returns its exit code. */
  stop(): Promise<number>;
}

/** Options for {@link startAgent}. */
export interface StartOptions {
  /** Extra CLI arguments (after `run`). */
  args?: string[];
  /** Expect no listener (`[web] mode = none`): resolve once it logged that it started. */
  noWeb?: boolean;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Run under `ulimit -n` of this many descriptors (through bash). */
  ulimitNoFile?: number;
  /** The module to run instead of main.ts (e.g. the binary's bundle), and Deno flags before it. */
  main?: string;
  denoArgs?: string[];
}

/** Starts an agent process. */
export async function startAgent(opts: StartOptions = {}): Promise<AgentProcess> {
  const dataDir = await Deno.makeTempDir({ prefix: "agent-test-" });
  const args = [
    "run",
    "-A",
    ...(opts.denoArgs ?? []),
    opts.main ?? MAIN,
    "run",
    "--bind",
    "127.0.0.1",
    "--port",
    "0",
    "--data-dir",
    dataDir,
    "--log-level",
    "debug",
    ...(opts.args ?? []),
  ];
  const limited = opts.ulimitNoFile !== undefined;
  const proc = new Deno.Command(limited ? "bash" : Deno.execPath(), {
    args: limited
      ? ["-c", `ulimit -n ${opts.ulimitNoFile} && exec "$0" "$@"`, Deno.execPath(), ...args]
      : args,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    env: { NO_COLOR: "1", ...(opts.env ?? {}) },
  }).spawn();
  let text = "";
  const ready = Promise.withResolvers<string>();
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      const m = /listening (https?:\/\/[^\s"]+)/.exec(text);
      if (m) ready.resolve(m[1]);
      else if (opts.noWeb && /Agent \S+ started/.test(text)) ready.resolve("");
    }
  };
  const pumps = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  const status = proc.status;
  status.then((s) =>
    ready.reject(new Error(`agent exited with code ${s.code} before it was ready:\n${text}`))
  );
  const timer = setTimeout(
    () => ready.reject(new Error(`agent not ready after ${opts.timeoutMs ?? 30000} ms:\n${text}`)),
    opts.timeoutMs ?? 30000,
  );
  let stopped: Promise<number> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      clearTimeout(timer);
      try {
        proc.kill("SIGTERM");
      } catch { /* already gone */ }
      const kill = setTimeout(() => {
        try {
          proc.kill("SIGKILL");
        } catch { /* gone */ }
      }, 5000);
      const s = await status;
      clearTimeout(kill);
      await pumps;
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      return s.code;
    })();
    return stopped;
  };
  let url: string;
  try {
    url = await ready.promise;
  } catch (e) {
    await stop();
    throw e;
  }
  clearTimeout(timer);
  return { url, dataDir, process: proc, output: () => text, stop };
}

/** Runs `fn` with a started agent; prints the agent's output if `fn` throws; always stops it. */
export async function withAgent<T>(opts: StartOptions, fn: (a: AgentProcess) => Promise<T>): Promise<T> {
  const agent = await startAgent(opts);
  try {
    return await fn(agent);
  } catch (e) {
    console.error(`--- agent output ---\n${agent.output()}\n--- end ---`);
    throw e;
  } finally {
    await agent.stop();
  }
}

/** Runs `main.ts` with `args` to completion; returns code, stdout and stderr. */
export async function runCli(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/** Polls `fn` every 100 ms until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10000,
  what = "condition",
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

/** Dirs made by confDir: a test may restart an agent on one, so they go when the test module ends. */
const confDirs: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const d of confDirs) {
    try {
      Deno.removeSync(d, { recursive: true });
    } catch { /* already gone */ }
  }
});

/**
 * Writes `files` (name -> text) into a new temp dir and returns its path (a `--config` dir). It is
 * removed when the test module ends.
 */
export async function confDir(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "agent-conf-" });
  confDirs.push(dir);
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
  return dir;
}

/** GET a JSON document, failing with the body on a non-200 status. */
// deno-lint-ignore no-explicit-any
export async function getJson(url: string): Promise<any> {
  const r = await fetch(url);
  const text = await r.text();
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Starts agents, runs fn, stops them all; prints their logs when fn throws. */
export async function withAgents(fn: (started: AgentProcess[]) => Promise<void>): Promise<void> {
  const started: AgentProcess[] = [];
  try {
    await fn(started);
  } catch (e) {
    for (const a of started) console.error(`--- agent ${a.url} ---\n${a.output().slice(-6000)}`);
    throw e;
  } finally {
    await Promise.all(started.map((a) => a.stop()));
  }
}

/** Starts an agent and adds it to `started` (for {@link withAgents}). */
export async function startInto(started: AgentProcess[], opts: StartOptions): Promise<AgentProcess> {
  const a = await startAgent(opts);
  started.push(a);
  return a;
}
