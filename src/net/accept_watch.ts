/**
 * Finds a listener that stopped accepting. Deno's node:net server (2.9) ends its accept loop for
 * good on an accept error such as EMFILE (out of descriptors) and says nothing, while the kernel
 * keeps queueing connections: the agent would stay deaf after one burst of idle connections. The
 * listener reads its own accept queue from /proc/net/tcp{,6} now and then; a queue that stays
 * non-empty while no connection is taken means the loop has died, and the listener is reopened.
 * @module
 */

/**
 * The accept queue length of the listening socket on `port` in the text of /proc/net/tcp or
 * /proc/net/tcp6 (the `rx_queue` of a LISTEN line), or undefined when no such line is there.
 */
export function acceptQueue(procNetTcp: string, port: number): number | undefined {
  const want = `:${port.toString(16).toUpperCase().padStart(4, "0")} `;
  let found: number | undefined;
  for (const line of procNetTcp.split("\n")) {
    const at = line.indexOf(want);
    if (at < 0) continue;
    // sl local_address rem_address st tx_queue:rx_queue ...
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || !f[1].endsWith(want.trimEnd()) || f[3] !== "0A") continue;
    const q = parseInt(f[4].split(":")[1] ?? "", 16);
    if (Number.isFinite(q)) found = (found ?? 0) + q;
  }
  return found;
}

/** Reads the accept queue of `port` from /proc (undefined when unreadable, e.g. out of descriptors). */
export function readAcceptQueue(port: number, procRoot = "/proc"): number | undefined {
  let total: number | undefined;
  for (const f of ["tcp", "tcp6"]) {
    try {
      const q = acceptQueue(Deno.readTextFileSync(`${procRoot}/net/${f}`), port);
      if (q !== undefined) total = (total ?? 0) + q;
    } catch {
      // no IPv6, or no descriptor to read it with: try again at the next check
    }
  }
  return total;
}
