import { assert } from "../../../tests/_helpers/assert.ts";
import { optionsToString, parseDataOptions } from "./options.ts";

Deno.test("parseDataOptions() and optionsToString() use Netdata's table order and first spellings", () => {
  const flags = parseDataOptions("ms|flip|jsonwrap|nonzero|absolute,match-ids reverse bogus");
  assert.equal(optionsToString(flags), "nonzero,flip,jsonwrap,ms,abs,match_ids");
});
