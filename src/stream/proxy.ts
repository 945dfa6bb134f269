/**
 * The senders of one agent: its own host's (when `[stream] enabled`), and, as a proxy, one per
 * child host whose stream.conf policy forwards it (PROTOCOL.md §9). The receiver reports each
 * child's connection and disconnection here; the agent only wires the two together.
 * @module
 */

import type { AgentConfig } from "../config/types.ts";
import type { Host } from "../host/mod.ts";
import type { StoreReader } from "../store/mod.ts";
import type { Logger } from "../util/log.ts";
import type { ReceiverPolicy } from "./policy.ts";
import { Sender } from "./sender.ts";

/** Options for {@link StreamSenders}. */
export interface StreamSendersOptions {
  config: AgentConfig;
  /** This agent's own host, streamed to `[stream] destination` when `[stream] enabled`. */
  local: Host;
  /** The User-Agent of this agent's own streams, e.g. `{ program: "agent", version: "v0.1.0" }`. */
  program: string;
  version: string;
  /** A headless host's send buffer: the local sender answers replication from it. */
  replayFrom?: () => StoreReader | undefined;
  /** Logger for every sender (default: category `["agent", "stream", "sender"]`). */
  log?: Logger;
  /** Wall clock in ms for every sender (default `Date.now`). */
  nowMs?: () => number;
}

/** This agent's sender, and the proxy's senders of forwarded child hosts, by host. */
export class StreamSenders {
  readonly #o: StreamSendersOptions;
  readonly #senders = new Map<Host, Sender>();

  constructor(opts: StreamSendersOptions) {
    this.#o = opts;
    const { config, local } = opts;
    if (config.stream.enabled) {
      this.#senders.set(
        local,
        new Sender({
          host: local,
          config: config.stream,
          destinations: config.stream.destinations,
          apiKey: config.stream.apiKey,
          sendChartsMatching: config.stream.sendChartsMatching,
          hops: 1,
          replication: config.db.enableReplication,
          ...(opts.replayFrom ? { replayFrom: opts.replayFrom } : {}),
          program: opts.program,
          version: opts.version,
          log: opts.log,
          nowMs: opts.nowMs,
        }),
      );
    }
  }

  /** The sender of a host, if it is streamed. */
  get(host: Host): Sender | undefined {
    return this.#senders.get(host);
  }

  /** Starts every sender (the local one; proxy senders start when their child connects). */
  start(): void {
    for (const s of this.#senders.values()) s.start();
  }

  /** Stops every sender. */
  async stop(): Promise<void> {
    await Promise.all([...this.#senders.values()].map((s) => s.stop()));
  }

  /**
   * A child's host is live: forward it with its own identity when its policy says so, one
   * connection per host.
   */
  childConnected(host: Host, policy: ReceiverPolicy): void {
    const { config, local } = this.#o;
    if (
      !policy.proxy.enabled || policy.proxy.destinations.length === 0 || !policy.proxy.apiKey ||
      this.#senders.has(host)
    ) {
      return;
    }
    local.labels.set("_is_parent", { value: "true", source: 1 });
    const s = new Sender({
      host,
      config: config.stream,
      destinations: policy.proxy.destinations,
      apiKey: policy.proxy.apiKey,
      sendChartsMatching: policy.proxy.sendChartsMatching,
      hops: host.state.hops + 1,
      replication: config.db.enableReplication,
      // Like Netdata, under the child's own User-Agent; ours when the child sent none (a v1.37.1
      // parent crashes on a reconnect whose User-Agent lacks a name or a version).
      ...(host.program && host.version
        ? { program: host.program, version: host.version }
        : { program: this.#o.program, version: this.#o.version }),
      log: this.#o.log,
      nowMs: this.#o.nowMs,
    });
    this.#senders.set(host, s);
    s.start();
  }

  /** A child's connection ended: its upstream sender stops; the next connection starts a new one. */
  childDisconnected(host: Host): void {
    const s = this.#senders.get(host);
    if (s && host !== this.#o.local) {
      this.#senders.delete(host);
      s.stop();
    }
  }
}
