/**
 * The load tool (loadgen.ts) as a process of its own, so its CPU is not the measured parent's:
 * its JSON events on stdout are collected as they come.
 * @module
 */

import type { LoadProgress, LoadReport } from "./loadgen.ts";

const LOADGEN = new URL("./loadgen.ts", import.meta.url).pathname;

/** What the load sends. */
export interface LoadShape {
  children: number;
  charts: number;
  dims: number;
  /** Instants per second the children send at; undefined = each child its own (see loadgen.ts). */
  slotsPerSec?: number;
  apiKey: string;
}

/** One loadgen process, its JSON events on stdout collected as they come. */
export class LoadgenProcess {
  readonly proc: Deno.ChildProcess;
  readonly ticks: LoadProgress[] = [];
  ready: LoadProgress | undefined = undefined;
  done: LoadReport | undefined = undefined;
  stderr = "";
  readonly #pumps: Promise<unknown>;
  readonly #readyWait = Promise.withResolvers<LoadProgress>();

  constructor(port: number, o: LoadShape, seconds: number) {
    this.proc = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        LOADGEN,
        "--target",
        `127.0.0.1:${port}`,
        "--children",
        String(o.children),
        "--charts",
        String(o.charts),
        "--dims",
        String(o.dims),
        "--seconds",
        String(seconds),
        "--api-key",
        o.apiKey,
        ...(o.slotsPerSec === undefined ? [] : ["--slots", String(o.slotsPerSec)]),
        "--json",
      ],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.#pumps = Promise.all([this.#readLines(), this.#readErr()]);
    this.proc.status.then((s) =>
      this.#readyWait.reject(
        new Error(`loadgen exited with code ${s.code} before it was ready:\n${this.stderr}`),
      )
    );
  }

  async #readLines(): Promise<void> {
    const dec = new TextDecoder();
    let pending = "";
    for await (const chunk of this.proc.stdout) {
      pending += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        const ev = JSON.parse(line);
        if (ev.event === "ready") {
          this.ready = ev;
          this.#readyWait.resolve(ev);
        } else if (ev.event === "tick") this.ticks.push(ev);
        else if (ev.event === "done") this.done = ev;
      }
    }
  }

  async #readErr(): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of this.proc.stderr) this.stderr += dec.decode(chunk, { stream: true });
  }

  waitReady(timeoutMs: number): Promise<LoadProgress> {
    const t = setTimeout(
      () => this.#readyWait.reject(new Error(`loadgen not connected after ${timeoutMs} ms:\n${this.stderr}`)),
      timeoutMs,
    );
    return this.#readyWait.promise.finally(() => clearTimeout(t));
  }

  /** The last tick at or before `tMs`. */
  tickAt(tMs: number): LoadProgress | undefined {
    let best: LoadProgress | undefined;
    for (const t of this.ticks) if (t.tMs <= tMs) best = t;
    return best;
  }

  /** SIGTERM (the tool stops cleanly and prints its summary), SIGKILL after 10 s. */
  async stop(): Promise<LoadReport | undefined> {
    try {
      this.proc.kill("SIGTERM");
    } catch { /* gone */ }
    const t = setTimeout(() => {
      try {
        this.proc.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10_000);
    await this.proc.status;
    clearTimeout(t);
    await this.#pumps;
    return this.done;
  }
}
