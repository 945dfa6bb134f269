import { assert } from "../../tests/_helpers/assert.ts";
import { encodeJournalEntry, journalFieldName } from "./journal.ts";

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
