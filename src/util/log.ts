/**
 * Logging through LogTape: readable coloured lines on a terminal, one logfmt line per event
 * otherwise (or JSON lines with `format: "json"`), to stderr, a file (reopened by `reopen()`,
 * for logrotate's SIGHUP), syslog (`/dev/log`) or the systemd journal (native protocol, with each
 * event's fields as journal fields: `msg_id` becomes `MESSAGE_ID`). Stderr and files are written
 * synchronously so nothing is lost when the process exits; datagrams go out in order and
 * `flush()` waits for them.
 *
 * Flood protection (Netdata's `errors flood protection period` / `errors to trigger flood
 * protection`): at most that many warnings and errors per period; the rest are counted and
 * reported once the period ends.
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
import {
  DatagramSender,
  encodeJournalEntry,
  encodeSyslog,
  FACILITIES,
  JOURNAL_SOCKET,
  journalFieldName,
  PRIORITIES,
} from "./journal.ts";

export { getLogger, type Logger };

/** Netdata's MESSAGE_IDs for streaming connection events (used by issue #3). */
export const MSGID_CHILD_CONNECTION = "ed4cdb8f1beb4ad3b57cb3cae2d162fa";
export const MSGID_PARENT_CONNECTION = "6e2e3839067648968b646045dbf28d66";

/** Where log lines go. */
export type LogTarget =
  | { kind: "stderr" }
  | { kind: "none" }
  | { kind: "file"; path: string }
  | { kind: "journal"; socket?: string }
  | { kind: "syslog"; socket?: string; facility?: string };

/** Options for {@link setupLogging}. */
export interface LogOptions {
  level: LogLevel;
  /** "auto": text on a terminal, logfmt otherwise (stderr and files only). */
  format?: "auto" | "text" | "logfmt" | "json";
  /** Where lines go: stderr by default. */
  target?: LogTarget;
  /** Writes each line instead of the target (tests). */
  write?: (line: string) => void;
  /** At most `lines` per `periodSec` (0 = no limit). */
  flood?: { periodSec: number; lines: number };
  /** `SYSLOG_IDENTIFIER` / syslog tag (default "agent"). */
  ident?: string;
  /** Clock in ms for flood protection (tests). */
  nowMs?: () => number;
}

/** What {@link setupLogging} returns. */
export interface LogHandle {
  /** Reopens a log file (after logrotate moved it); nothing for other targets. */
  reopen(): void;
  /** Waits until queued datagrams were sent. */
  flush(): Promise<void>;
  /** Flushes and closes the file or socket. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

function writeAll(w: { writeSync(p: Uint8Array): number }, line: string): void {
  const bytes = encoder.encode(line);
  let off = 0;
  while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
}

/** The message with its values filled in (strings bare, others as JSON). */
export function renderMessage(record: LogRecord): string {
  let out = "";
  record.message.forEach((part, i) => {
    out += i % 2 === 0 ? String(part) : typeof part === "string" ? part : JSON.stringify(part);
  });
  return out;
}

/** A journal entry for a record: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and each property as a field. */
export function journalFields(record: LogRecord, ident: string): [string, string][] {
  const fields: [string, string][] = [
    ["MESSAGE", renderMessage(record)],
    ["PRIORITY", String(PRIORITIES[record.level] ?? 6)],
    ["SYSLOG_IDENTIFIER", ident],
    ["LOGGER", record.category.join(".")],
  ];
  for (const [k, v] of Object.entries(record.properties)) {
    const name = journalFieldName(k);
    if (name === undefined || v === undefined || name === "MESSAGE" || name === "PRIORITY") continue;
    fields.push([name, typeof v === "string" ? v : JSON.stringify(v)]);
  }
  return fields;
}

function textFormatter(format: LogOptions["format"], tty: boolean): TextFormatter {
  if (format === "json") return getJsonLinesFormatter();
  if (format === "logfmt" || ((format ?? "auto") === "auto" && !tty)) return getLogfmtFormatter();
  return getAnsiColorFormatter({ timestamp: "date-time", level: "ABBR" });
}

/** Configures LogTape for the agent (category root "agent"); safe to call again. */
export function setupLogging(opts: LogOptions): LogHandle {
  const target = opts.target ?? { kind: "stderr" };
  const ident = opts.ident ?? "agent";
  const onError = (e: Error) =>
    writeAll(Deno.stderr, `Cannot write to the log ${target.kind}: ${e.message}\n`);
  let emit: (record: LogRecord) => void;
  let file: Deno.FsFile | undefined;
  let dgram: DatagramSender | undefined;
  const openFile = (path: string) => Deno.openSync(path, { append: true, create: true });
  if (opts.write) {
    const formatter = textFormatter(opts.format, false);
    const write = opts.write;
    emit = (r) => write(formatter(r));
  } else if (target.kind === "none") {
    emit = () => {};
  } else if (target.kind === "file") {
    const formatter = textFormatter(opts.format, false);
    file = openFile(target.path);
    emit = (r) => {
      try {
        if (file) writeAll(file, formatter(r));
      } catch (e) {
        onError(e as Error);
      }
    };
  } else if (target.kind === "journal") {
    const sender = dgram = new DatagramSender(target.socket ?? JOURNAL_SOCKET, onError);
    emit = (r) => sender.send(encodeJournalEntry(journalFields(r, ident)));
  } else if (target.kind === "syslog") {
    const sender = dgram = new DatagramSender(target.socket ?? "/dev/log", onError);
    const facility = FACILITIES[target.facility ?? "daemon"] ?? 3;
    emit = (r) => sender.send(encodeSyslog(facility, PRIORITIES[r.level] ?? 6, ident, renderMessage(r)));
  } else {
    const formatter = textFormatter(opts.format, Deno.stderr.isTerminal());
    emit = (r) => writeAll(Deno.stderr, formatter(r));
  }
  const sink = opts.flood && opts.flood.lines > 0
    ? floodGuard(emit, opts.flood, opts.nowMs ?? Date.now)
    : emit;
  resetSync();
  configureSync({
    sinks: { main: sink },
    loggers: [
      { category: ["agent"], lowestLevel: opts.level, sinks: ["main"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["main"] },
    ],
  });
  return {
    reopen() {
      if (target.kind !== "file" || !file) return;
      try {
        const next = openFile(target.path);
        file.close();
        file = next;
      } catch (e) {
        onError(e as Error);
      }
    },
    flush: async () => await dgram?.flush(),
    async close() {
      await dgram?.close();
      file?.close();
      file = undefined;
    },
  };
}

/**
 * Passes at most `lines` warnings and errors per `periodSec` (Netdata's "errors" to trigger flood
 * protection); reports how many it held back when a period ends. Info and debug lines always pass.
 */
export function floodGuard(
  emit: (r: LogRecord) => void,
  flood: { periodSec: number; lines: number },
  nowMs: () => number,
): (r: LogRecord) => void {
  let start = nowMs();
  let count = 0;
  let dropped = 0;
  return (r) => {
    if (r.level !== "warning" && r.level !== "error" && r.level !== "fatal") return emit(r);
    const now = nowMs();
    if (now - start >= flood.periodSec * 1000) {
      if (dropped > 0) {
        const msg =
          `Flood protection: ${dropped} warnings and errors suppressed in the last ${flood.periodSec} s`;
        emit({ ...r, level: "warning", message: [msg], rawMessage: msg, properties: { dropped } });
      }
      start = now;
      count = 0;
      dropped = 0;
    }
    if (count < flood.lines) {
      count++;
      emit(r);
      if (count === flood.lines) {
        const msg = `Flood protection: over ${flood.lines} warnings and errors in ${flood.periodSec} s, ` +
          `suppressing the rest of this period`;
        emit({ ...r, level: "warning", message: [msg], rawMessage: msg, properties: {} });
      }
    } else {
      dropped++;
    }
  };
}
