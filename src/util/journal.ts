/**
 * systemd's native journal protocol and the syslog protocol over unix datagrams, without a
 * native library: {@link encodeJournalEntry} (pure) builds one datagram of `KEY=value` fields,
 * {@link DatagramSender} sends datagrams to a unix socket (`/run/systemd/journal/socket`,
 * `/dev/log`, `$NOTIFY_SOCKET`).
 *
 * Deno sends unix datagrams only from a bound socket (`Deno.listenDatagram`, `--unstable-net`,
 * set in deno.json's `unstable` so `deno run` and `deno compile` carry it); the sender binds to a
 * temporary path and unlinks it at once, so nothing is left behind.
 * @module
 */

const encoder = new TextEncoder();

/** The default socket of journald's native protocol. */
export const JOURNAL_SOCKET = "/run/systemd/journal/socket";

/** Journal priorities (syslog's) of LogTape's levels. */
export const PRIORITIES: Readonly<Record<string, number>> = {
  fatal: 2,
  error: 3,
  warning: 4,
  info: 6,
  debug: 7,
  trace: 7,
};

/** `msg_id` -> `MESSAGE_ID`, `machine_guid` -> `MACHINE_GUID`, `reason-code` -> `REASON_CODE`. */
export function journalFieldName(name: string): string | undefined {
  if (name === "msg_id") return "MESSAGE_ID";
  const up = name.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^[_0-9]+/, "");
  return up === "" ? undefined : up.slice(0, 64);
}

/**
 * Encodes one journal entry: `KEY=value\n` per field, or, for a value holding a newline, `KEY\n`,
 * its length as 64-bit little endian and the value (the protocol's binary form).
 */
export function encodeJournalEntry(fields: Iterable<readonly [string, string]>): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const [key, value] of fields) {
    const v = encoder.encode(value);
    if (value.includes("\n")) {
      const head = new Uint8Array(key.length + 9);
      head.set(encoder.encode(key));
      head[key.length] = 0x0a;
      new DataView(head.buffer).setBigUint64(key.length + 1, BigInt(v.length), true);
      parts.push(head, v, new Uint8Array([0x0a]));
      size += head.length + v.length + 1;
    } else {
      const line = encoder.encode(`${key}=${value}\n`);
      parts.push(line);
      size += line.length;
    }
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** One syslog datagram for `/dev/log`: `<facility*8+priority>ident[pid]: message`. */
export function encodeSyslog(facility: number, priority: number, ident: string, message: string): Uint8Array {
  return encoder.encode(`<${facility * 8 + priority}>${ident}[${Deno.pid}]: ${message}`);
}

/** Syslog facility numbers by Netdata's `[logs] facility` names. */
export const FACILITIES: Readonly<Record<string, number>> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};

/**
 * Sends datagrams to one unix socket, in order, never throwing: a failure is counted and reported
 * once through `onError` (a log sink cannot log its own failures to itself).
 */
export class DatagramSender {
  readonly #path: string;
  #conn: Deno.DatagramConn | undefined;
  #chain: Promise<void> = Promise.resolve();
  #failed = false;
  /** Datagrams that could not be sent. */
  lost = 0;
  readonly #onError: (e: Error) => void;

  /** `path`: the socket to send to; a leading `@` names an abstract socket (as `NOTIFY_SOCKET` may). */
  constructor(path: string, onError: (e: Error) => void = () => {}) {
    this.#path = path.startsWith("@") ? "\0" + path.slice(1) : path;
    this.#onError = onError;
  }

  #open(): Deno.DatagramConn {
    if (this.#conn) return this.#conn;
    if (typeof Deno.listenDatagram !== "function") {
      throw new Error("sending unix datagrams needs Deno's --unstable-net (deno.json has it)");
    }
    const tmp = `${Deno.env.get("TMPDIR") ?? "/tmp"}/agent-dgram-${Deno.pid}-${crypto.randomUUID()}.sock`;
    this.#conn = Deno.listenDatagram({ transport: "unixpacket", path: tmp });
    try {
      Deno.removeSync(tmp);
    } catch { /* already gone */ }
    return this.#conn;
  }

  /** Queues one datagram; sends happen in order. */
  send(data: Uint8Array): void {
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#open().send(data, { transport: "unix", path: this.#path });
        this.#failed = false;
      } catch (e) {
        this.lost++;
        if (!this.#failed) this.#onError(e as Error);
        this.#failed = true;
      }
    });
  }

  /** Resolves once every queued datagram went (or failed). */
  flush(): Promise<void> {
    return this.#chain;
  }

  /** Flushes and closes the socket. */
  async close(): Promise<void> {
    await this.flush();
    this.#conn?.close();
    this.#conn = undefined;
  }
}

/**
 * Whether stderr already is the journal: systemd sets `JOURNAL_STREAM=<dev>:<inode>` of the
 * stream it connected to stderr; it counts only while fd 2 is still that stream.
 */
export function stderrIsJournal(env: string | undefined = Deno.env.get("JOURNAL_STREAM")): boolean {
  if (!env) return false;
  const m = /^(\d+):(\d+)$/.exec(env);
  if (!m) return false;
  try {
    const st = Deno.statSync("/proc/self/fd/2");
    return String(st.dev) === m[1] && String(st.ino) === m[2];
  } catch {
    return false;
  }
}
