/**
 * Finds a listener that stopped accepting. Deno's node:net server (2.9) ends its accept loop for
 * good on an accept error such as EMFILE (out of descriptors) and says nothing, while the kernel
 * keeps queueing connections: the agent would stay deaf after one burst of idle connections. The
 * listener reads its own accept queue from /proc/net/tcp{,6} now and then; a queue that stays
 * non-empty while no connection is taken means the loop has died, and the listener is reopened.
 *
 * The kernel lists listening sockets before all others, so only the head of the file of the
 * listener's family is read, up to the first line that is not a listener: with a thousand
 * loopback connections open a check costs about 0.1 ms of CPU instead of 14 ms (the whole
 * /proc/net/tcp, 150 bytes per socket end, and the walk of the empty /proc/net/tcp6).
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

/** The state field of a /proc/net/tcp line: "0A" for a listener. */
function stateOf(line: string): string | undefined {
  return line.trim().split(/\s+/, 4)[3];
}

/** Bytes read at a time from the head of /proc/net/tcp{,6}. */
const HEAD_CHUNK = 4096;

/**
 * The header and the LISTEN lines at the head of a /proc/net/tcp{,6} file: reads until the first
 * line in another state (or the end), never the rest of the table.
 */
export function readListeners(path: string): string {
  const f = Deno.openSync(path, { read: true });
  try {
    const buf = new Uint8Array(HEAD_CHUNK);
    const dec = new TextDecoder();
    let text = "";
    let done = 0; // text before `done` is whole lines already checked
    for (;;) {
      const n = f.readSync(buf);
      if (n === null || n === 0) return text;
      text += dec.decode(buf.subarray(0, n), { stream: true });
      for (let nl = text.indexOf("\n", done); nl >= 0; nl = text.indexOf("\n", done)) {
        const line = text.slice(done, nl);
        // The header's "st" column, then listeners; the first other state ends them.
        if (done > 0 && stateOf(line) !== "0A") return text.slice(0, done);
        done = nl + 1;
      }
    }
  } finally {
    f.close();
  }
}

/**
 * Reads the accept queue of `port` from /proc (undefined when unreadable, e.g. out of
 * descriptors). An IPv4 listener is only in /proc/net/tcp and an IPv6 one (also `::`, which
 * takes IPv4 too) only in /proc/net/tcp6: the other file is not read, as reading even the head of
 * a file without listeners makes the kernel walk its whole table of connections.
 */
export function readAcceptQueue(
  port: number,
  opts: { ipv6?: boolean; procRoot?: string } = {},
): number | undefined {
  try {
    return acceptQueue(readListeners(`${opts.procRoot ?? "/proc"}/net/${opts.ipv6 ? "tcp6" : "tcp"}`), port);
  } catch {
    // no IPv6, or no descriptor to read it with: try again at the next check
    return undefined;
  }
}
