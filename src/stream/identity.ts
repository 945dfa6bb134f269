/**
 * Who a child is: hostname checks, when a new session of a machine GUID replaces a silent one,
 * and the record of GUIDs claimed by two live peers (a cloned VM or SD card image). Pure; the
 * receiver applies it (PROTOCOL.md §2.2, §12).
 * @module
 */

/** Longest hostname accepted, in UTF-16 units (Netdata keeps hostnames in 255-byte buffers). */
export const MAX_HOSTNAME_LENGTH = 255;

/**
 * Why `hostname` cannot name a host, or undefined when it can: not empty, at most
 * {@link MAX_HOSTNAME_LENGTH}, no control character, no `/` or `\` (it names files and URL
 * paths: `/host/<hostname>/`), and not `.` or `..`.
 */
export function hostnameProblem(hostname: string): string | undefined {
  if (hostname === "") return "empty";
  if (hostname.length > MAX_HOSTNAME_LENGTH) return `longer than ${MAX_HOSTNAME_LENGTH} characters`;
  if (hostname === "." || hostname === "..") return `"${hostname}" is not a name`;
  for (let i = 0; i < hostname.length; i++) {
    const c = hostname.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) {
      return `control character U+${c.toString(16).toUpperCase().padStart(4, "0")} at ${i}`;
    }
    if (c === 0x2f || c === 0x5c) return `path separator "${hostname[i]}" at ${i}`;
  }
  return undefined;
}

/** Netdata 1.37.1 replaces a session that has received nothing for more than this. */
export const TAKEOVER_MAX_SEC = 30;

/**
 * How long a live session must have been silent before a new session of its GUID replaces it:
 * three update intervals of the child, at least `minSec`, at most {@link TAKEOVER_MAX_SEC}.
 */
export function takeoverAfterSec(updateEverySec: number, minSec: number): number {
  return Math.min(TAKEOVER_MAX_SEC, Math.max(3 * updateEverySec, minSec));
}

/** One side of a collision. */
export interface Claimant {
  peer: string;
  hostname: string;
}

/** A machine GUID claimed by two live peers. */
export interface Collision {
  machineGuid: string;
  /** The session that holds the GUID. */
  live: Claimant;
  /** The one refused. */
  refused: Claimant;
  firstSec: number;
  lastSec: number;
  /** Refusals so far. */
  count: number;
}

/** Peer addresses without the port: the same machine reconnecting is not a clone. */
function address(peer: string): string {
  const at = peer.lastIndexOf(":");
  return at < 0 ? peer : peer.slice(0, at);
}

/** Whether a refused claimant looks like a second machine rather than the first one reconnecting. */
export function isClone(live: Claimant, other: Claimant): boolean {
  return address(live.peer) !== address(other.peer) || live.hostname !== other.hostname;
}

/** Collisions seen, one per GUID and pair of claimants, at most `max` (oldest dropped). */
export class Collisions {
  readonly #max: number;
  readonly #byKey = new Map<string, Collision>();

  constructor(max = 100) {
    this.#max = max;
  }

  /** Records a refusal; returns true when this pair is new (the caller logs it). */
  note(machineGuid: string, live: Claimant, refused: Claimant, nowSec: number): boolean {
    const key = `${machineGuid}|${address(live.peer)}|${live.hostname}|${
      address(refused.peer)
    }|${refused.hostname}`;
    const seen = this.#byKey.get(key);
    if (seen !== undefined) {
      seen.lastSec = nowSec;
      seen.count++;
      seen.live = live;
      seen.refused = refused;
      return false;
    }
    if (this.#byKey.size >= this.#max) this.#byKey.delete(this.#byKey.keys().next().value!);
    this.#byKey.set(key, { machineGuid, live, refused, firstSec: nowSec, lastSec: nowSec, count: 1 });
    return true;
  }

  /** Every recorded collision, oldest first. */
  list(): Collision[] {
    return [...this.#byKey.values()];
  }
}
