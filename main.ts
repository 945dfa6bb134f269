/**
 * `agent`: argv -> command -> exit code (0 ok, 1 runtime failure, 2 usage or config error).
 * @module
 */

import { parseArgs } from "./src/cli/args.ts";
import { checkConfig, dumpConfigCommand, keygen, run } from "./src/cli/commands.ts";

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  switch (parsed.command) {
    case "exit":
      if (parsed.output) {
        const write = parsed.code === 0 ? Deno.stdout : Deno.stderr;
        write.writeSync(new TextEncoder().encode(parsed.output));
      }
      return parsed.code;
    case "keygen":
      return keygen();
    case "check-config":
      return await checkConfig(parsed.options);
    case "dump-config":
      return await dumpConfigCommand(parsed.options);
    case "run":
      return await run(parsed.options);
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
