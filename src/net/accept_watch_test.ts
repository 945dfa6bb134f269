import { assert } from "../../tests/_helpers/assert.ts";
import { acceptQueue, readAcceptQueue, readListeners } from "./accept_watch.ts";

const HEAD =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const line = (local: string, st: string, queues: string) =>
  `   0: ${local} 00000000:0000 ${st} ${queues} 00:00000000 00000000     0        0 534011 1 0 100 0 0 10 0\n`;

const CASES: { name: string; text: string; port: number; want: number | undefined }[] = [
  {
    name: "an empty queue",
    text: HEAD + line("0100007F:A327", "0A", "00000000:00000000"),
    port: 0xa327,
    want: 0,
  },
  {
    name: "connections waiting (hex)",
    text: HEAD + line("0100007F:A327", "0A", "00000000:0000012C"),
    port: 0xa327,
    want: 300,
  },
  {
    name: "an established connection on the port is not the listener",
    text: HEAD + line("0100007F:A327", "01", "00000000:00000005"),
    port: 0xa327,
    want: undefined,
  },
  {
    name: "another port",
    text: HEAD + line("0100007F:A328", "0A", "00000000:00000001"),
    port: 0xa327,
    want: undefined,
  },
  {
    name: "the port as a remote port does not count",
    text: HEAD + "   0: 0100007F:1234 0100007F:A327 0A 00000000:00000009 00:0 0 0 0 1\n",
    port: 0xa327,
    want: undefined,
  },
  {
    name: "an IPv6 listener",
    text: HEAD + line("00000000000000000000000000000000:4E1F", "0A", "00000000:00000002"),
    port: 19999,
    want: 2,
  },
];

for (const c of CASES) {
  Deno.test(`acceptQueue() reads ${c.name}`, () => {
    assert.equal(acceptQueue(c.text, c.port), c.want);
  });
}

Deno.test("readListeners() stops at the first line that is not a listener", () => {
  const dir = Deno.makeTempDirSync({ prefix: "accept_watch_" });
  try {
    const path = `${dir}/tcp`;
    const established = Array.from({ length: 2000 }, () => line("0100007F:A327", "01", "00000000:00000007"));
    const listeners = line("0100007F:A327", "0A", "00000000:00000003") +
      line("0100007F:A328", "0A", "00000000:00000000");
    Deno.writeTextFileSync(path, HEAD + listeners + established.join(""));
    const head = readListeners(path);
    assert.equal(head, HEAD + listeners);
    assert.equal(acceptQueue(head, 0xa327), 3);
    Deno.writeTextFileSync(path, HEAD + listeners);
    assert.equal(readListeners(path), HEAD + listeners, "a file of listeners only is read whole");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("readListeners() on this machine's /proc/net/tcp finds a listener of ours", () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (l.addr as Deno.NetAddr).port;
    const head = readListeners("/proc/net/tcp");
    assert.equal(acceptQueue(head, port), 0);
    for (const ln of head.split("\n").slice(1, -1)) assert.equal(ln.trim().split(/\s+/)[3], "0A", ln);
  } finally {
    l.close();
  }
});

Deno.test("readAcceptQueue() reads the file of the listener's family only", () => {
  const dir = Deno.makeTempDirSync({ prefix: "accept_watch_" });
  try {
    Deno.mkdirSync(`${dir}/net`);
    Deno.writeTextFileSync(`${dir}/net/tcp`, HEAD + line("0100007F:A327", "0A", "00000000:00000004"));
    Deno.writeTextFileSync(
      `${dir}/net/tcp6`,
      HEAD + line("00000000000000000000000000000000:A327", "0A", "00000000:00000009"),
    );
    assert.equal(readAcceptQueue(0xa327, { procRoot: dir }), 4);
    assert.equal(readAcceptQueue(0xa327, { procRoot: dir, ipv6: true }), 9);
    assert.equal(readAcceptQueue(0xa327, { procRoot: `${dir}/none` }), undefined);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
