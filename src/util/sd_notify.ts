/**
 * systemd's readiness protocol (`Type=notify`): one datagram such as `READY=1` to the unix socket
 * named by `NOTIFY_SOCKET` (a path, or `@name` for an abstract socket). Without the variable
 * nothing is sent.
 * @module
 */

import { DatagramSender } from "./journal.ts";

/** Tells systemd about this service's state, if systemd asked to be told. */
export class SdNotify {
  readonly #sender: DatagramSender | undefined;

  /** `socket`: the value of `NOTIFY_SOCKET` (read from the environment when not given). */
  constructor(socket: string | undefined = Deno.env.get("NOTIFY_SOCKET")) {
    this.#sender = socket ? new DatagramSender(socket) : undefined;
  }

  /** Whether a notify socket is set. */
  get enabled(): boolean {
    return this.#sender !== undefined;
  }

  /** Sends `state` lines (`READY=1`, `STOPPING=1`, `RELOADING=1`, `STATUS=...`) and waits. */
  async notify(...state: string[]): Promise<void> {
    if (!this.#sender) return;
    this.#sender.send(new TextEncoder().encode(state.join("\n") + "\n"));
    await this.#sender.flush();
  }

  /** Closes the socket. */
  async close(): Promise<void> {
    await this.#sender?.close();
  }
}
