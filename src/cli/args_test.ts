import { assert } from "../../tests/_helpers/assert.ts";
import { parseArgs } from "./args.ts";
import { VERSION } from "../version.ts";

Deno.test("parseArgs(): help, version, unknown commands", () => {
  const rows: { name: string; input: string[]; code: number; output: RegExp }[] = [
    {
      name: "--help shows run's options",
      input: ["--help"],
      code: 0,
      output: /Run options[\s\S]*--role[\s\S]*--port/,
    },
    { name: "--help shows the commands", input: ["--help"], code: 0, output: /check-config[\s\S]*keygen/ },
    { name: "-v", input: ["-v"], code: 0, output: new RegExp(`^${VERSION}\n$`) },
    { name: "-V", input: ["-V"], code: 0, output: new RegExp(`^${VERSION}\n$`) },
    { name: "--version", input: ["--version"], code: 0, output: new RegExp(`^${VERSION}\n$`) },
    {
      name: "unknown command",
      input: ["frobnicate"],
      code: 2,
      output: /^error: unknown command "frobnicate"/,
    },
    { name: "unknown option", input: ["run", "--bogus"], code: 2, output: /unknown option '--bogus'/ },
  ];
  for (const row of rows) {
    const got = parseArgs(row.input);
    assert.equal(got.command, "exit", row.name);
    if (got.command !== "exit") continue;
    assert.equal(got.code, row.code, row.name);
    assert.match(got.output, row.output, row.name);
  }
  assert.equal(parseArgs(["--port", "1"]).command, "run");
});
