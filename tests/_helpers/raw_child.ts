/**
 * A raw TCP "child" for tests of a parent's handshake rules: sends a v1.37.1 STREAM request and
 * reads the reply, with no library between the test and the parent's socket.
 * @module
 */

/** Netdata 1.37's prompt to a version-960 child. */
export const PROMPT_960 = "Hit me baby, push them over with the version=960";

/** The fields of a STREAM request a test varies. */
export interface RequestFields {
  key: string;
  hostname: string;
  guid: string;
  updateEvery?: number;
}

/** A STREAM request as a v1.37.1 child sends it (the hostname is URL-encoded). */
export function streamRequest(f: RequestFields): string {
  const h = encodeURIComponent(f.hostname);
  return `STREAM key=${f.key}&hostname=${h}&registry_hostname=${h}&machine_guid=${f.guid}` +
    `&update_every=${f.updateEvery ?? 1}&os=linux&hops=1&ver=960&NETDATA_PROTOCOL_VERSION=1.1 HTTP/1.1\r\n` +
    `User-Agent: t/1\r\nAccept: */*\r\n\r\n`;
}

/** Reads from `conn` until `done(text)`, EOF or `timeoutMs`; returns what came. */
export async function readUntil(
  conn: Deno.Conn,
  timeoutMs: number,
  done: (text: string) => boolean = () => false,
): Promise<string> {
  const dec = new TextDecoder();
  const buf = new Uint8Array(16384);
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const t = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), deadline - Date.now()));
    const n = await Promise.race([conn.read(buf).catch(() => null), t]);
    clearTimeout(timer);
    if (n === "timeout" || n === null) break;
    text += dec.decode(buf.subarray(0, n), { stream: true });
    if (done(text)) break;
  }
  return text;
}

/** Connects, sends a STREAM request, and returns the connection and the parent's reply. */
export async function rawHandshake(
  port: number,
  f: RequestFields,
): Promise<{ conn: Deno.TcpConn; reply: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await write(conn, streamRequest(f));
  const reply = await readUntil(conn, 5000, (t) => t.includes(PROMPT_960) || t.includes("\r\n\r\n"));
  return { conn, reply };
}

/** Writes all of `text`. */
export async function write(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}
