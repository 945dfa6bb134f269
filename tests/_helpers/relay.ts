/**
 * A TCP relay between a child and its parent that can go silent: `freeze()` stops forwarding
 * on the connections open at that moment, both ways, without closing them (a child that lost
 * power, a NAT that dropped the flow: no FIN, no RST). Connections made later pass normally.
 * It can also pass the parent's bytes on late (`downDelayMs`), as a slow link or a loaded machine does.
 * @module
 */

/** A running relay. */
export interface Relay {
  /** The port to connect to. */
  readonly port: number;
  /** Stops forwarding on every connection open now; they stay open. */
  freeze(): void;
  close(): Promise<void>;
}

/** How a relay forwards. */
export interface RelayOptions {
  /**
   * Holds each chunk from the target (the parent) this long before passing it on, in order: a
   * parent whose answers arrive late, as on a loaded machine.
   */
  downDelayMs?: number;
}

/** Starts a relay on 127.0.0.1 to `127.0.0.1:targetPort`. */
export function startRelay(targetPort: number, opts: RelayOptions = {}): Relay {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const pairs = new Set<{ frozen: boolean; a: Deno.Conn; b: Deno.Conn }>();
  const tasks: Promise<unknown>[] = [];
  const pump = async (from: Deno.Conn, to: Deno.Conn, pair: { frozen: boolean }, delayMs = 0) => {
    const buf = new Uint8Array(65536);
    // With a delay, chunks are written in order by a chain that waits out each one's due time.
    let chain = Promise.resolve();
    const write = async (chunk: Uint8Array) => {
      for (let off = 0; off < chunk.length;) off += await to.write(chunk.subarray(off));
    };
    try {
      while (true) {
        const n = await from.read(buf);
        if (n === null || pair.frozen) break;
        if (delayMs <= 0) {
          await write(buf.subarray(0, n));
          continue;
        }
        const chunk = buf.slice(0, n), due = Date.now() + delayMs;
        chain = chain.then(async () => {
          await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
          if (!pair.frozen) await write(chunk);
        }).catch(() => {}); // the other side closed
      }
      await chain;
    } catch { /* closed */ }
    // A frozen pair keeps its sockets open and simply stops reading.
    if (!pair.frozen) {
      try {
        to.close();
      } catch { /* closed */ }
    }
  };
  const accepting = (async () => {
    for await (const a of listener) {
      let b: Deno.Conn;
      try {
        b = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
      } catch {
        a.close();
        continue;
      }
      const pair = { frozen: false, a, b };
      pairs.add(pair);
      tasks.push(pump(a, b, pair), pump(b, a, pair, opts.downDelayMs));
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    freeze() {
      for (const p of pairs) p.frozen = true;
    },
    async close() {
      listener.close();
      await accepting;
      for (const p of pairs) {
        for (const c of [p.a, p.b]) {
          try {
            c.close();
          } catch { /* closed */ }
        }
      }
      await Promise.all(tasks);
    },
  };
}
