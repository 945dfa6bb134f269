/**
 * A lab for tests with several processes: our agents and real netdatas, and temp dirs, all
 * stopped and removed at the end, with their logs printed when the test fails.
 * @module
 */
import { type AgentProcess, startAgent } from "./agent.ts";
import { type NetdataOptions, type NetdataProcess, startNetdata } from "./netdata.ts";

/** stream.conf of a sender. */
export function senderConf(destination: string, key: string, extra = ""): string {
  return `[stream]\n    enabled = yes\n    destination = ${destination}\n    api key = ${key}\n${extra}`;
}

/** stream.conf of a receiver accepting `key`. */
export function receiverConf(key: string): string {
  return `[${key}]\n    enabled = yes\n`;
}

/** The interesting part of a netdata error.log (the proc plugin is noisy). */
export function netdataLines(log: string): string {
  return log.split("\n").filter((l) => /STREAM|REPLAY|replicat|SSL|TLS|FATAL|LISTENER|certificate/i.test(l))
    .slice(-80).join(
      "\n",
    );
}

/** The processes and temp dirs of one test: all stopped and removed at the end. */
export class Lab {
  readonly #agents: { name: string; p: AgentProcess }[] = [];
  readonly #netdatas: { name: string; p: NetdataProcess }[] = [];
  readonly #dirs: string[] = [];
  /** Starts under way, so that close() also stops what a failed Promise.all left starting. */
  readonly #starting: Promise<unknown>[] = [];

  /** Starts our agent with `args` (after startAgent's `--bind 127.0.0.1 --port 0 --data-dir …`). */
  async agent(name: string, args: string[]): Promise<AgentProcess> {
    const start = startAgent({ args });
    this.#starting.push(start);
    const p = await start;
    this.#agents.push({ name, p });
    return p;
  }

  /** Starts our agent as a parent named `hostname` with `streamConf` as its stream.conf. */
  async parent(hostname: string, streamConf: string): Promise<AgentProcess> {
    const conf = await this.confDir({ "stream.conf": streamConf });
    return await this.agent(hostname, ["--role", "parent", "--hostname", hostname, "--config", conf]);
  }

  async netdata(opts: NetdataOptions): Promise<NetdataProcess> {
    const start = startNetdata(opts);
    this.#starting.push(start);
    const p = await start;
    this.#netdatas.push({ name: opts.hostname, p });
    return p;
  }

  /** A temp dir, removed at the end. */
  async dir(prefix: string): Promise<string> {
    const d = await Deno.makeTempDir({ prefix });
    this.#dirs.push(d);
    return d;
  }

  /** A config dir holding `files` (name -> text). */
  async confDir(files: Record<string, string>): Promise<string> {
    const dir = await Deno.makeTempDir({ prefix: "interop-conf-" });
    this.#dirs.push(dir);
    for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
    return dir;
  }

  /** Everything the processes logged, for a failure. */
  dump(): string {
    const parts: string[] = [];
    for (const { name, p } of this.#agents) {
      const lines = p.output().split("\n").filter((l) =>
        /stream|level=(warning|error)|listening|started/.test(l)
      );
      parts.push(`--- agent ${name} (${p.url}) ---\n${lines.slice(-100).join("\n")}`);
    }
    for (const { name, p } of this.#netdatas) {
      parts.push(`--- netdata ${name} (${p.url}) error.log ---\n${netdataLines(p.log())}`);
    }
    return parts.join("\n") + "\n--- end ---";
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#starting);
    await Promise.all([
      ...this.#agents.map(({ p }) => p.stop()),
      ...this.#netdatas.map(({ p }) => p.stop()),
    ]);
    for (const d of this.#dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
}

/** Runs `fn` with a fresh {@link Lab}; prints the logs if it throws; always cleans up. */
export async function withLab(fn: (lab: Lab) => Promise<void>): Promise<void> {
  const lab = new Lab();
  try {
    await fn(lab);
  } catch (e) {
    console.error(lab.dump());
    throw e;
  } finally {
    await lab.close();
  }
}

/**
 * Opens a raw stream into the parent at `url`: sends `STREAM <query> HTTP/1.1` and reads the answer
 * (e.g. `VN` and the capabilities granted). The caller closes `conn`.
 */
export async function openStream(url: string, query: string): Promise<{ conn: Deno.Conn; reply: string }> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(new TextEncoder().encode(`STREAM ${query} HTTP/1.1\r\nUser-Agent: t/1\r\n\r\n`));
    const buf = new Uint8Array(200);
    const n = await conn.read(buf);
    return { conn, reply: new TextDecoder().decode(buf.subarray(0, n ?? 0)) };
  } catch (e) {
    conn.close();
    throw e;
  }
}
