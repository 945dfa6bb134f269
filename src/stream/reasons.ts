/**
 * Why a stream connection was refused or ended: one named list, used by the log lines (field
 * `reason_code` beside the text in `reason`), `/api/v1/info` (`end_reason_code` / `end_reason` of a
 * child, `lastErrorCode` / `lastError` of a sender) and the dashboard (the text, with the code as
 * its tooltip). Codes are stable identifiers; texts are for people and may carry a detail.
 * @module
 */

import { type HandshakeRefusal, MAX_REQUEST_BYTES } from "./protocol.ts";

/**
 * Every reason and its human text. A `{}` in the text is replaced by the occurrence's detail
 * (a number of seconds, a quoted reply); any other detail follows the text after a colon.
 */
export const REASONS = {
  // A parent refusing a STREAM request (PROTOCOL.md §2.2, in the order it checks).
  REQUEST_TIMEOUT: "no complete STREAM request within {} s",
  REQUEST_TOO_LONG: `STREAM request over ${MAX_REQUEST_BYTES} bytes`,
  DATA_BEFORE_REPLY: "data sent before the handshake reply",
  BAD_REQUEST: "bad STREAM request",
  STREAMING_NOT_ALLOWED: "address not in [web] allow streaming from",
  NO_API_KEY: "no API key",
  NO_HOSTNAME: "no hostname",
  BAD_HOSTNAME: "hostname not allowed",
  NO_MACHINE_GUID: "no machine GUID",
  API_KEY_NOT_UUID: "API key is not a UUID",
  MACHINE_GUID_NOT_UUID: "machine GUID is not a UUID",
  API_KEY_NOT_API: "API key section is not type api",
  API_KEY_UNKNOWN: "unknown API key",
  API_KEY_DISABLED: "API key is disabled",
  API_KEY_ADDRESS_NOT_ALLOWED: "address not allowed for this API key",
  MACHINE_GUID_NOT_MACHINE: "machine GUID section is not type machine",
  MACHINE_GUID_DISABLED: "machine GUID is disabled",
  MACHINE_GUID_ADDRESS_NOT_ALLOWED: "address not allowed for this machine GUID",
  SAME_LOCALHOST: "machine GUID is this agent's own",
  ALREADY_CONNECTED: "host already connected",
  RATE_LIMITED: "rate limit: one request per {} s",
  STORE_UNAVAILABLE: "cannot open the host's store",
  // A parent closing a child's stream (PROTOCOL.md §4).
  IDLE_TIMEOUT: "no data for {} s",
  BAD_LINE: "bad line",
  UNKNOWN_KEYWORD: "unknown keyword",
  LINE_TOO_LONG: "line too long",
  DECOMPRESSION_FAILED: "cannot decompress the stream",
  CHILD_CLOSED: "connection closed by the child",
  TAKEN_OVER: "silent session replaced by a new one from {}",
  // Either side.
  SHUTDOWN: "closed by this agent: shutting down",
  SOCKET_ERROR: "socket error",
  INTERNAL_ERROR: "internal error",
  // A child failing to stream to a destination (PROTOCOL.md §7).
  CANNOT_CONNECT: "cannot connect",
  CONNECTION_FAILED: "connection failed",
  CONNECT_TIMEOUT: "timeout in connect after {} s",
  HANDSHAKE_TIMEOUT: "timeout in handshake after {} s",
  STREAM_TIMEOUT: "timeout in stream after {} s",
  CLOSED_DURING_CONNECT: "closed during connect",
  CLOSED_DURING_HANDSHAKE: "closed during handshake",
  PARENT_CLOSED: "parent closed the connection",
  // The parent's refusal, as a child reads its reply (PROTOCOL.md §2.3); the detail is the reply.
  REFUSED_SAME_LOCALHOST: "parent refused: same localhost ({})",
  REFUSED_ALREADY_STREAMING: "parent refused: already streaming ({})",
  REFUSED_NOT_PERMITTED: "parent refused: not permitted ({})",
  REFUSED_BUSY: "parent refused: busy ({})",
  REFUSED_INTERNAL_ERROR: "parent refused: internal error ({})",
  REFUSED_INITIALIZING: "parent refused: initializing ({})",
  REFUSED_NOT_UNDERSTOOD: "parent refused: not understood ({})",
} as const;

/** A reason's name, e.g. `"API_KEY_UNKNOWN"`. */
export type ReasonCode = keyof typeof REASONS;

/** One refusal or ending: its code, and its text with the detail filled in. */
export interface Reason {
  readonly code: ReasonCode;
  readonly text: string;
}

/**
 * The reason `code` with its detail: `reason("RATE_LIMITED", "5")` is
 * `{ code: "RATE_LIMITED", text: "rate limit: one request per 5 s" }`.
 */
export function reason(code: ReasonCode, detail?: string | number): Reason {
  const text: string = REASONS[code];
  if (detail === undefined || detail === "") return { code, text: text.replace("{}", "") };
  return { code, text: text.includes("{}") ? text.replace("{}", String(detail)) : `${text}: ${detail}` };
}

const REFUSALS: Record<HandshakeRefusal, ReasonCode> = {
  "same localhost": "REFUSED_SAME_LOCALHOST",
  "already streaming": "REFUSED_ALREADY_STREAMING",
  "not permitted": "REFUSED_NOT_PERMITTED",
  "busy": "REFUSED_BUSY",
  "internal error": "REFUSED_INTERNAL_ERROR",
  "initializing": "REFUSED_INITIALIZING",
  "not understood": "REFUSED_NOT_UNDERSTOOD",
};

/** The reason code of a parent's refusal. */
export function refusalCode(refusal: HandshakeRefusal): ReasonCode {
  return REFUSALS[refusal];
}
