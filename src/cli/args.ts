/**
 * Command-line parsing with commander: `agent [run] [options]`, `agent keygen`,
 * `agent check-config`, `agent dump-config`, `agent --version`. Pure: argv in, a parsed command
 * out; nothing runs here.
 * @module
 */

import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { LogLevel, Role } from "../config/types.ts";
import type { MemoryMode } from "../store/mod.ts";
import { VERSION } from "../version.ts";

/** Options shared by run, check-config and dump-config. */
export interface CommonOptions {
  role: Role;
  config?: string;
  port?: number;
  bind?: string;
  hostname?: string;
  dataDir?: string;
  memoryMode?: MemoryMode;
  logLevel?: LogLevel;
  streamTo?: string;
  apiKey?: string;
  procRoot?: string;
  updateEvery?: number;
}

/** The outcome of parsing argv. */
export type ParsedArgs =
  | { command: "run" | "check-config" | "dump-config"; options: CommonOptions }
  | { command: "keygen" }
  | { command: "exit"; code: number; output: string };

function intArg(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--role <role>", "what this node does; only picks defaults, config files say the rest")
        .choices(["standalone", "child", "parent", "proxy"]).default("standalone"),
    )
    .option("-c, --config <dir>", "config directory holding agent.conf (or netdata.conf) and stream.conf")
    .option("-p, --port <n>", "web/API port (overrides [web] bind to)", intArg(0, 65535))
    .option("--bind <addr>", "address to listen on, e.g. 127.0.0.1 or * (overrides [web] bind to)")
    .option("--hostname <name>", "hostname this node reports (overrides [global] hostname)")
    .option("--data-dir <dir>", "data directory (overrides [directories] lib)")
    .addOption(
      new Option("--memory-mode <mode>", "metrics store (overrides [db] mode)").choices([
        "none",
        "ram",
        "dbengine",
      ]),
    )
    .addOption(new Option("--log-level <level>", "log level").choices(["debug", "info", "warning", "error"]))
    .option(
      "--stream-to <destinations>",
      "stream to these parents (sets [stream] destination, enables streaming)",
    )
    .option("--api-key <uuid>", "API key for streaming (sets [stream] api key)")
    .option(
      "--update-every <s>",
      "seconds between collections (overrides [global] update every)",
      intArg(1, 86400),
    )
    .addOption(new Option("--proc-root <dir>", "read /proc from this directory (tests)").hideHelp());
}

/** The visible options of `cmd`, one per line, as commander prints them. */
function optionsHelp(cmd: Command): string {
  const help = cmd.createHelp();
  const opts = help.visibleOptions(cmd).filter((o) => o.long !== "--help");
  const width = Math.max(...opts.map((o) => help.optionTerm(o).length));
  return opts.map((o) => `  ${help.optionTerm(o).padEnd(width)}  ${help.optionDescription(o)}`).join("\n") +
    "\n";
}

/**
 * Parses argv (without the program name).
 * Usage errors become `{ command: "exit", code: 2 }`; --help and --version `{ code: 0 }`.
 */
export function parseArgs(argv: string[]): ParsedArgs {
  let result: ParsedArgs | undefined;
  let output = "";
  // `-V` as well as `-v` (commander takes one short flag).
  if (argv[0] === "-V") argv = ["--version", ...argv.slice(1)];
  const program = new Command("agent")
    .description("A Netdata-compatible metrics agent: collects, stores, serves and streams metrics")
    .version(VERSION, "-v, --version", "print the version (also -V)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => output += s, writeErr: (s) => output += s })
    .showHelpAfterError("(run 'agent --help' for usage)");

  const runCmd = addCommonOptions(
    program.command("run", { isDefault: true }).description("run the agent (the default command)"),
  ).action((opts: CommonOptions) => {
    result = { command: "run", options: opts };
  });
  program.addHelpText("after", () => `\nRun options (agent [run] [options]):\n${optionsHelp(runCmd)}`);
  addCommonOptions(
    program.command("check-config").description("validate the configuration and print every problem"),
  ).action((opts: CommonOptions) => {
    result = { command: "check-config", options: opts };
  });
  addCommonOptions(
    program.command("dump-config").description("print the effective configuration, defaults filled in"),
  ).action((opts: CommonOptions) => {
    result = { command: "dump-config", options: opts };
  });
  program.command("keygen").description("print a new random API key (a UUID) for stream.conf").action(() => {
    result = { command: "keygen" };
  });

  const first = argv[0];
  const commands = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (first !== undefined && !first.startsWith("-") && !commands.includes(first)) {
    return {
      command: "exit",
      code: 2,
      output: `error: unknown command ${JSON.stringify(first)}; the commands are ${commands.join(", ")}\n` +
        "(run 'agent --help' for usage)\n",
    };
  }
  try {
    program.parse(argv, { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    const ok = e.code === "commander.helpDisplayed" || e.code === "commander.version" ||
      e.code === "commander.help";
    return { command: "exit", code: ok ? 0 : 2, output };
  }
  return result ?? { command: "exit", code: 2, output };
}
