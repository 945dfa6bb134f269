import { assert } from "../../tests/_helpers/assert.ts";
import { acceptQueue } from "./accept_watch.ts";

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
