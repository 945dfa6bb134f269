/**
 * All hosts this agent keeps: itself first, then every child in the order it first connected.
 * @module
 */

import type { Host } from "./host.ts";

/** The host database of one agent. */
export class Hosts {
  readonly localhost: Host;
  #list: Host[] = [];
  #byName = new Map<string, Host>();
  #byGuid = new Map<string, Host>();

  constructor(localhost: Host) {
    this.localhost = localhost;
    this.add(localhost);
  }

  /**
   * Adds a host.
   * @throws {RangeError} when its machine GUID is already known.
   */
  add(host: Host): void {
    if (this.#byGuid.has(host.machineGuid)) {
      throw new RangeError(`Host with machine GUID "${host.machineGuid}" already exists`);
    }
    this.#list.push(host);
    this.#byGuid.set(host.machineGuid, host);
    if (!this.#byName.has(host.hostname)) this.#byName.set(host.hostname, host);
  }

  /** Re-indexes a host whose hostname changed (a child reconnecting under a new name). */
  rename(host: Host, hostname: string): void {
    if (this.#byName.get(host.hostname) === host) this.#byName.delete(host.hostname);
    host.hostname = hostname;
    if (!this.#byName.has(hostname)) this.#byName.set(hostname, host);
  }

  /** Every host, this agent first, in creation order. */
  list(): readonly Host[] {
    return this.#list;
  }

  /** Finds a host by machine GUID. */
  byGuid(guid: string): Host | undefined {
    return this.#byGuid.get(guid);
  }

  /**
   * Resolves a `/host/<id>/` selector like Netdata: exact hostname first, then machine GUID;
   * `localhost` is always this agent.
   */
  find(selector: string): Host | undefined {
    if (selector === "localhost") return this.localhost;
    return this.#byName.get(selector) ?? this.#byGuid.get(selector);
  }
}
