/**
 * How a batch reaches the database: an HTTP POST (prometheus_remote_write and the `:http`
 * connectors) or a write on a kept TCP connection (graphite, opentsdb telnet, json). Each send
 * tells whether the batch was delivered, should be retried, or must be dropped.
 *
 * Destinations are tried in turn: a failure moves to the next one (Netdata's failover list).
 * @module
 */

import type { ConnectorType, ExportingInstanceConfig } from "../config/exporting_types.ts";
import type { Destination } from "../config/types.ts";
import { VERSION } from "../version.ts";

/** What became of one send. */
export type SendOutcome =
  | { kind: "ok"; status: number }
  /** 5xx, 429, a timeout or a connection failure: send the same batch again later. */
  | { kind: "retry"; error: string }
  /** Another 4xx (or 3xx): the database will never take this batch. */
  | { kind: "drop"; error: string };

/** Sends batches to one connector instance's destinations. */
export interface Transport {
  send(payload: Uint8Array): Promise<SendOutcome>;
  /** The destination in use (as written), "" before the first send. */
  readonly connectedTo: string;
  /** Connections (re)made. */
  readonly reconnects: number;
  close(): void;
}

const USER_AGENT = `agent/${VERSION} (Netdata-compatible exporting)`;

/** Headers and path per HTTP connector. */
function httpShape(type: ConnectorType, path: string): { path: string; headers: Record<string, string> } {
  switch (type) {
    case "prometheus_remote_write":
      return {
        path,
        headers: {
          "Content-Encoding": "snappy",
          "Content-Type": "application/x-protobuf",
          "X-Prometheus-Remote-Write-Version": "0.1.0",
        },
      };
    case "graphite:http":
      return { path: "/api/put", headers: { "Content-Type": "application/graphite" } };
    default:
      return { path: "/api/put", headers: { "Content-Type": "application/json" } };
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A host for a URL (IPv6 in brackets). */
function urlHost(d: Destination): string {
  return d.host.includes(":") ? `[${d.host}]:${d.port}` : `${d.host}:${d.port}`;
}

class HttpTransport implements Transport {
  readonly #c: ExportingInstanceConfig;
  readonly #shape: { path: string; headers: Record<string, string> };
  #i = 0;
  #used = false;
  connectedTo = "";
  reconnects = 0;

  constructor(c: ExportingInstanceConfig) {
    this.#c = c;
    const shape = httpShape(c.type, c.remoteWriteUrlPath);
    const headers: Record<string, string> = { ...shape.headers, "User-Agent": USER_AGENT };
    if (c.username !== "" || c.password !== "") {
      headers["Authorization"] = "Basic " + btoa(`${c.username}:${c.password}`);
    }
    this.#shape = { path: shape.path, headers };
  }

  async send(payload: Uint8Array): Promise<SendOutcome> {
    const d = this.#c.destinations[this.#i % this.#c.destinations.length];
    const url = `${d.ssl ? "https" : "http"}://${urlHost(d)}${this.#shape.path}`;
    if (!this.#used || this.connectedTo !== d.text) this.reconnects++;
    this.#used = true;
    this.connectedTo = d.text;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: this.#shape.headers,
        body: payload as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(this.#c.timeoutMs),
      });
      const text = res.status >= 300 ? (await res.text()).slice(0, 300).trim() : "";
      if (res.status < 300) {
        await res.body?.cancel();
        return { kind: "ok", status: res.status };
      }
      const error = `${url} answered ${res.status}${text ? `: ${text}` : ""}`;
      if (res.status >= 500 || res.status === 429) {
        this.#i++;
        return { kind: "retry", error };
      }
      return { kind: "drop", error };
    } catch (e) {
      this.#i++;
      return { kind: "retry", error: `POST ${url}: ${errText(e)}` };
    }
  }

  close(): void {}
}

class TcpTransport implements Transport {
  readonly #c: ExportingInstanceConfig;
  #conn: Deno.Conn | undefined;
  #i = 0;
  connectedTo = "";
  reconnects = 0;

  constructor(c: ExportingInstanceConfig) {
    this.#c = c;
  }

  async send(payload: Uint8Array): Promise<SendOutcome> {
    const d = this.#c.destinations[this.#i % this.#c.destinations.length];
    const timer = AbortSignal.timeout(this.#c.timeoutMs);
    try {
      if (this.#conn === undefined) {
        const opts = { hostname: d.host, port: d.port, signal: timer };
        this.#conn = d.ssl ? await Deno.connectTls(opts) : await Deno.connect(opts);
        this.connectedTo = d.text;
        this.reconnects++;
        this.#drain(this.#conn);
      }
      const conn = this.#conn;
      const write = async () => {
        let off = 0;
        while (off < payload.length) off += await conn.write(payload.subarray(off));
      };
      let t: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        t = setTimeout(
          () => reject(new Error(`no progress within ${this.#c.timeoutMs} ms`)),
          this.#c.timeoutMs,
        );
      });
      try {
        await Promise.race([write(), timeout]);
      } finally {
        clearTimeout(t);
      }
      return { kind: "ok", status: 0 };
    } catch (e) {
      this.close();
      this.#i++;
      return { kind: "retry", error: `${d.text}: ${errText(e)}` };
    }
  }

  /** Reads and discards what the server says (Netdata's exporting_discard_response()). */
  #drain(conn: Deno.Conn): void {
    (async () => {
      const buf = new Uint8Array(4096);
      try {
        while ((await conn.read(buf)) !== null) { /* discard */ }
      } catch { /* closed */ }
      if (this.#conn === conn) this.close();
    })();
  }

  close(): void {
    const c = this.#conn;
    this.#conn = undefined;
    try {
      c?.close();
    } catch { /* already closed */ }
  }
}

/** The transport of an instance's connector type. */
export function createTransport(c: ExportingInstanceConfig): Transport {
  return c.type === "prometheus_remote_write" || c.type.endsWith(":http")
    ? new HttpTransport(c)
    : new TcpTransport(c);
}
