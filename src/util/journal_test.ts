import { assert } from "../../tests/_helpers/assert.ts";
import { encodeJournalEntry, journalFieldName, stderrIsJournal } from "./journal.ts";
import { getLogger, setupLogging } from "./log.ts";

Deno.test("journalFieldName() turns LogTape properties into journal field names", () => {
  const rows = [
    { input: "msg_id", want: "MESSAGE_ID" },
    { input: "machine_guid", want: "MACHINE_GUID" },
    { input: "reason-code", want: "REASON_CODE" },
    { input: "_private", want: "PRIVATE" },
    { input: "__", want: undefined },
  ];
  for (const { input, want } of rows) assert.equal(journalFieldName(input), want, input);
});

Deno.test("encodeJournalEntry() writes KEY=value lines, and the binary form for a value with a newline", () => {
  const d = new TextDecoder();
  assert.equal(
    d.decode(encodeJournalEntry([["MESSAGE", "hi"], ["PRIORITY", "6"]])),
    "MESSAGE=hi\nPRIORITY=6\n",
  );
  const bin = encodeJournalEntry([["MESSAGE", "a\nb"]]);
  assert.equal(d.decode(bin.subarray(0, 8)), "MESSAGE\n");
  assert.equal(new DataView(bin.buffer).getBigUint64(8, true), 3n);
  assert.equal(d.decode(bin.subarray(16)), "a\nb\n");
});

Deno.test("stderrIsJournal() is true only when JOURNAL_STREAM names fd 2's device and inode", () => {
  const st = Deno.statSync("/proc/self/fd/2");
  const rows = [
    { input: undefined, want: false },
    { input: "garbage", want: false },
    { input: `${st.dev}:${(st.ino ?? 0) + 1}`, want: false },
    { input: `${st.dev}:${st.ino}`, want: true },
  ];
  for (const { input, want } of rows) assert.equal(stderrIsJournal(input), want, String(input));
});

Deno.test({
  name: "setupLogging sends journal entries and syslog lines as datagrams",
  sanitizeResources: false,
}, async () => {
  const dir = await Deno.makeTempDir();
  const listen = (name: string) => Deno.listenDatagram({ transport: "unixpacket", path: `${dir}/${name}` });
  const journal = listen("journal");
  const syslog = listen("syslog");
  const d = new TextDecoder();
  try {
    let logs = setupLogging({ level: "info", target: { kind: "journal", socket: `${dir}/journal` } });
    getLogger(["agent", "t"]).warn("Child {host} refused", { msg_id: "ed4c", host: "c1", reason: "a\nb" });
    await logs.close();
    const [entry] = await journal.receive();
    const text = d.decode(entry);
    for (
      const want of [
        "MESSAGE=Child c1 refused\n",
        "PRIORITY=4\n",
        "SYSLOG_IDENTIFIER=agent\n",
        "MESSAGE_ID=ed4c\n",
      ]
    ) {
      assert.ok(text.includes(want), `${want} in ${text}`);
    }
    assert.ok(text.includes("REASON\n"), "a value with a newline goes in the binary form");
    logs = setupLogging({
      level: "info",
      target: { kind: "syslog", socket: `${dir}/syslog`, facility: "local0" },
    });
    getLogger(["agent", "t"]).error("Cannot {x}", { x: "go" });
    await logs.close();
    const [line] = await syslog.receive();
    assert.match(d.decode(line), /^<131>agent\[\d+\]: Cannot go$/);
  } finally {
    setupLogging({ level: "info", write: () => {} });
    journal.close();
    syslog.close();
    await Deno.remove(dir, { recursive: true });
  }
});
