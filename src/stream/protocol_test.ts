import { assert } from "../../tests/_helpers/assert.ts";
import {
  buildStreamRequest,
  CAP_COMPACT,
  CAP_COMPRESSION,
  CAP_DEFLATE,
  CAP_REPLICATION,
  capabilityNames,
  decodeCapabilities,
  negotiate,
  parseHandshakeReply,
  parseStreamRequest,
  parseVersionParam,
  PROMPT_V1,
  PROMPT_V2,
  promptFor,
  REPLY_NOT_PERMITTED,
  splitWords,
} from "./protocol.ts";

const FIXTURES = new URL("../../tests/fixtures/netdata-1.37.1/", import.meta.url);
function fixture(name: string): string {
  return new TextDecoder("latin1").decode(Deno.readFileSync(new URL(name, FIXTURES)));
}

Deno.test("decodeCapabilities() maps old protocol numbers and keeps the newest marker", () => {
  const rows: [number, string][] = [
    [0, "V1"],
    [1, "V1"],
    [2, "V2 HLABELS"],
    [3, "VN HLABELS CLAIM"],
    [5, "VN HLABELS CLAIM CLABELS COMPRESSION"],
    [15352, "VCAPS HLABELS CLAIM CLABELS FUNCTIONS REPLICATION BINARY"],
    [16376, "VCAPS HLABELS CLAIM CLABELS COMPRESSION FUNCTIONS REPLICATION BINARY"],
  ];
  for (const [ver, names] of rows) {
    assert.equal(capabilityNames(decodeCapabilities(ver)), names, `ver=${ver}`);
  }
});

Deno.test("negotiate() and promptFor() answer like a v1.37.1 parent (PROTOCOL.md §1)", () => {
  const netdataParent = 16376 | 64; // everything 1.37.1 implements
  const rows: [number, string][] = [
    [0, PROMPT_V1],
    [1, PROMPT_V1],
    [6, PROMPT_V1],
    [2, PROMPT_V2],
    [3, "Hit me baby, push them over with the version=3"],
    [5, "Hit me baby, push them over with the version=5"],
    [64, "Hit me baby, push them over with the version=64"],
    [15352, "Hit me baby, push them over with the version=15296"],
    [16376, "Hit me baby, push them over with the version=16320"],
    [2147483647, "Hit me baby, push them over with the version=16320"],
    [960, "Hit me baby, push them over with the version=960"],
  ];
  for (const [ver, reply] of rows) {
    assert.equal(promptFor(negotiate(ver, netdataParent)), reply, `ver=${ver}`);
  }
});

Deno.test("negotiate() never grants a bit the child did not offer", () => {
  const ours = 960 | CAP_REPLICATION | CAP_COMPRESSION;
  assert.equal(negotiate(15352, ours) & CAP_COMPRESSION, 0);
  assert.equal(negotiate(960, ours), 960);
});

Deno.test("negotiate(): a v1.37.1 child's offers never get our own bits; ours get them", () => {
  const ours = 960 | CAP_REPLICATION | CAP_COMPRESSION | CAP_DEFLATE | CAP_COMPACT;
  // What v1.37.1 children offer (with and without compression, replication).
  for (const ver of [960, 1984, 5056, 6080, 15352, 16376]) {
    assert.equal(negotiate(ver, ours) & (CAP_DEFLATE | CAP_COMPACT), 0, `ver=${ver}`);
  }
  const ourChild = 6080 | CAP_DEFLATE | CAP_COMPACT;
  assert.equal(negotiate(ourChild, ours) & CAP_COMPACT, CAP_COMPACT);
  assert.match(promptFor(negotiate(ourChild, ours)), /version=\d+$/);
  assert.equal(capabilityNames(CAP_COMPACT), "COMPACT");
});

Deno.test("parseVersionParam() reads digits like atoi", () => {
  assert.equal(parseVersionParam("15352"), 15352);
  assert.equal(parseVersionParam("12abc"), 12);
  assert.equal(parseVersionParam("abc"), 0);
  assert.equal(parseVersionParam(undefined), 0);
});

Deno.test("parseHandshakeReply() accepts the prompts and names every refusal", () => {
  assert.deepEqual(parseHandshakeReply("Hit me baby, push them over with the version=15296"), {
    ok: true,
    caps: 15296,
  });
  const r = parseHandshakeReply(REPLY_NOT_PERMITTED);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.postponeSec, 60);
  const h = parseHandshakeReply("HTTP/1.1 400 Bad Request\r\n");
  assert.ok(!h.ok && h.reason === "not understood");
});

Deno.test({
  name: "parseStreamRequest() reads real v1.37.1 requests",
  fn() {
    const text = fixture("c2p-first-connect-uncompressed.bin");
    const head = text.slice(0, text.indexOf("\r\n\r\n") + 4);
    const req = parseStreamRequest(head);
    assert.equal(req.params.get("key"), "11111111-2222-3333-4444-555555555555");
    assert.equal(req.params.get("hostname"), "sa-child");
    assert.equal(req.params.get("machine_guid"), "997c4f26-e5eb-11f1-ae16-02fc00000001");
    assert.equal(req.params.get("ver"), "15352");
    assert.equal(req.params.get("NETDATA_CONTAINER_OS_NAME"), "Debian GNU/Linux");
    assert.equal(req.params.get("NETDATA_CONTAINER_OS_VERSION"), "12 (bookworm)");
    assert.equal(req.params.has("tags"), false, "empty values are ignored");
    assert.equal(req.program, "netdata");
    assert.equal(req.version, "v1.37.1");
  },
});

Deno.test("buildStreamRequest() round-trips through parseStreamRequest()", () => {
  const head = buildStreamRequest(
    [
      ["key", "11111111-2222-3333-4444-555555555555"],
      ["hostname", "pi one&two=3"],
      ["ver", "960"],
      ["tags", ""],
    ],
    "agent",
    "v0.1.0",
  );
  assert.ok(head.endsWith("\r\n\r\n"));
  const req = parseStreamRequest(head);
  // Netdata decodes before splitting, so an encoded & still splits: we never send one raw, and
  // this documents the quirk.
  assert.equal(req.params.get("hostname"), "pi one");
  assert.equal(req.params.get("ver"), "960");
  assert.equal(req.program, "agent");
});

Deno.test("parseStreamRequest() rejects control characters and non-STREAM heads", () => {
  assert.throws(() => parseStreamRequest("GET / HTTP/1.1\r\n\r\n"), SyntaxError);
  assert.throws(() => parseStreamRequest("STREAM key=%01 HTTP/1.1\r\n\r\n"), SyntaxError);
  assert.throws(() => parseStreamRequest("STREAM key=a\r\n\r\n"), SyntaxError);
});

Deno.test("splitWords() follows Netdata's quoting and separator rules (PROTOCOL.md §4)", () => {
  const rows: [string, string[]][] = [
    ['SET "x" = 5', ["SET", "x", "5"]],
    ["SET x 5", ["SET", "x", "5"]],
    ["SET x=5", ["SET", "x", "5"]],
    ["DIMENSION=d2=d2=absolute", ["DIMENSION", "d2", "d2", "absolute"]],
    ['"ab"cd', ["ab", "cd"]],
    ["a'b c", ["a'b", "c"]],
    ["RBEGIN '' 1 2 3", ["RBEGIN", "", "1", "2", "3"]],
    ['CHART "a.b" "" "Title with \'q\' = x" "u"', ["CHART", "a.b", "", "Title with 'q' = x", "u"]],
    ['X "a\\"b" c', ["X", 'a\\"b', "c"]],
    ["  \t \r\n", []],
  ];
  const words: string[] = [];
  for (const [line, want] of rows) {
    const n = splitWords(line, words);
    assert.deepEqual(words.slice(0, n), want, line);
  }
  const many = Array.from({ length: 25 }, (_, i) => `w${i}`).join(" ");
  assert.equal(splitWords(many, words), 20);
});

Deno.test({
  name: "splitWords() reads every line of a real capture",
  fn() {
    const text = fixture("c2p-reconnect-after-32s-gap-replication.bin");
    const body = text.slice(text.indexOf("\r\n\r\n") + 4);
    const words: string[] = [];
    let chart = 0;
    for (const line of body.split("\n")) {
      const n = splitWords(line, words);
      if (n === 0) continue;
      if (words[0] === "CHART") {
        chart++;
        assert.equal(n, 13, line);
      }
      if (words[0] === "DIMENSION") assert.equal(n, 7, line);
    }
    assert.ok(chart > 0);
  },
});
