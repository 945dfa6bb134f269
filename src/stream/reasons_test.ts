import { assert } from "../../tests/_helpers/assert.ts";
import { reason, type ReasonCode, REASONS, refusalCode } from "./reasons.ts";

const cases: { code: ReasonCode; detail?: string | number; want: string }[] = [
  { code: "API_KEY_UNKNOWN", want: "unknown API key" },
  { code: "REQUEST_TOO_LONG", want: "STREAM request over 16384 bytes" },
  { code: "RATE_LIMITED", detail: 5, want: "rate limit: one request per 5 s" },
  { code: "IDLE_TIMEOUT", detail: 600, want: "no data for 600 s" },
  { code: "SOCKET_ERROR", detail: "ECONNRESET", want: "socket error: ECONNRESET" },
  { code: "BAD_REQUEST", detail: "no GET", want: "bad STREAM request: no GET" },
  { code: "HANDSHAKE_TIMEOUT", detail: 60, want: "timeout in handshake after 60 s" },
  {
    code: "REFUSED_NOT_PERMITTED",
    detail: '"You are not"',
    want: 'parent refused: not permitted ("You are not")',
  },
  { code: "CHILD_CLOSED", detail: "", want: "connection closed by the child" },
];

for (const c of cases) {
  Deno.test(`reason(${c.code}, ${JSON.stringify(c.detail)}) reads ${JSON.stringify(c.want)}`, () => {
    assert.deepEqual(reason(c.code, c.detail), { code: c.code, text: c.want });
  });
}

Deno.test("REASONS: texts are distinct, so a text names its reason", () => {
  const texts = Object.values(REASONS);
  assert.equal(new Set(texts).size, texts.length);
});

Deno.test("refusalCode() names each parent refusal", () => {
  assert.equal(refusalCode("same localhost"), "REFUSED_SAME_LOCALHOST");
  assert.equal(refusalCode("not understood"), "REFUSED_NOT_UNDERSTOOD");
});
