/**
 * Logging through LogTape: readable coloured lines on a terminal, one logfmt line per event
 * otherwise (or JSON lines with `format: "json"`). Writes synchronously to stderr so nothing is
 * lost when the process exits.
 * @module
 */

import {
  configureSync,
  getAnsiColorFormatter,
  getJsonLinesFormatter,
  getLogfmtFormatter,
  getLogger,
  type Logger,
  type LogRecord,
  resetSync,
  type TextFormatter,
} from "@logtape/logtape";
import type { LogLevel } from "../config/types.ts";

export { getLogger, type Logger };

/** Netdata's MESSAGE_IDs for streaming connection events (used by issue #3). */
export const MSGID_CHILD_CONNECTION = "ed4cdb8f1beb4ad3b57cb3cae2d162fa";
export const MSGID_PARENT_CONNECTION = "6e2e3839067648968b646045dbf28d66";

/** Options for {@link setupLogging}. */
export interface LogOptions {
  level: LogLevel;
  /** "auto": text on a terminal, logfmt otherwise. */
  format?: "auto" | "text" | "logfmt" | "json";
  /** Where lines go; defaults to stderr. */
  write?: (line: string) => void;
}

const encoder = new TextEncoder();

function writeStderr(line: string): void {
  const bytes = encoder.encode(line);
  let off = 0;
  while (off < bytes.length) off += Deno.stderr.writeSync(bytes.subarray(off));
}

/** Configures LogTape for the agent (category root "agent"); safe to call again. */
export function setupLogging(opts: LogOptions): void {
  const format = opts.format ?? "auto";
  const tty = Deno.stderr.isTerminal();
  let formatter: TextFormatter;
  if (format === "json") formatter = getJsonLinesFormatter();
  else if (format === "logfmt" || (format === "auto" && !tty)) formatter = getLogfmtFormatter();
  else formatter = getAnsiColorFormatter({ timestamp: "date-time", level: "ABBR" });
  const write = opts.write ?? writeStderr;
  const sink = (record: LogRecord) => write(formatter(record));
  resetSync();
  configureSync({
    sinks: { main: sink },
    loggers: [
      { category: ["agent"], lowestLevel: opts.level, sinks: ["main"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["main"] },
    ],
  });
}
