import { assert } from "../../tests/_helpers/assert.ts";
import { buildConfig } from "../config/load.ts";
import { clientAllowed } from "../util/patterns.ts";
import { policyRefusal, receiverPolicy } from "./policy.ts";

const KEY = "11111111-2222-3333-4444-555555555555";
const GUID = "aaaaaaaa-2222-3333-4444-555555555555";

Deno.test("policyRefusal(): Netdata's order of refusals, for the handshake and a reload", () => {
  const rows = [
    { name: "enabled key", conf: `[${KEY}]\n enabled = yes\n`, want: undefined },
    { name: "unknown key", conf: "", want: "API_KEY_UNKNOWN" },
    { name: "disabled key", conf: `[${KEY}]\n enabled = no\n`, want: "API_KEY_DISABLED" },
    {
      name: "key not type api",
      conf: `[${KEY}]\n type = machine\n enabled = yes\n`,
      want: "API_KEY_NOT_API",
    },
    {
      name: "address not allowed for the key",
      conf: `[${KEY}]\n enabled = yes\n allow from = 10.*\n`,
      want: "API_KEY_ADDRESS_NOT_ALLOWED",
    },
    {
      name: "GUID section not type machine",
      conf: `[${KEY}]\n enabled = yes\n[${GUID}]\n enabled = yes\n`,
      want: "MACHINE_GUID_NOT_MACHINE",
    },
    {
      name: "machine GUID disabled",
      conf: `[${KEY}]\n enabled = yes\n[${GUID}]\n type = machine\n enabled = no\n`,
      want: "MACHINE_GUID_DISABLED",
    },
    {
      name: "address not allowed for the GUID",
      conf: `[${KEY}]\n enabled = yes\n[${GUID}]\n type = machine\n allow from = 10.*\n`,
      want: "MACHINE_GUID_ADDRESS_NOT_ALLOWED",
    },
  ];
  for (const row of rows) {
    const { config } = buildConfig({
      role: "parent",
      stream: { file: "stream.conf", text: row.conf },
      systemHostname: "h",
    });
    const policy = receiverPolicy(config, KEY, GUID);
    assert.equal(policyRefusal(policy, (p) => clientAllowed(p, "127.0.0.1")), row.want, row.name);
  }
});
