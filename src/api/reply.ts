/**
 * What every route returns and what it gets: a framework-free reply (status, content type, body,
 * cacheability) and the per-request context. app.ts turns replies into HTTP responses.
 * @module
 */

import type { AgentConfig } from "../config/types.ts";
import type { HostHealth, ManageReply } from "../health/mod.ts";
import type { Host, Hosts } from "../host/mod.ts";
import { CT_JSON, CT_TEXT } from "./format.ts";
import type { AnswerGate } from "./gate.ts";
import type { TextSink } from "./sink.ts";
import type { QueryScratch } from "./query/mod.ts";
import type { QueryParams } from "./url.ts";

/** A route's answer. */
export interface Reply {
  status: number;
  /** Content-Type as sent. */
  type: string;
  body: string;
  /** The body already encoded (UTF-8); when set, `body` is ignored. */
  bytes?: Uint8Array<ArrayBuffer>;
  /** `Cache-Control: public` (+1 day) instead of no-cache; only honoured for 200. */
  cacheable?: boolean;
  /** Extra headers (Content-Disposition, Location, …). */
  headers?: [string, string][];
  /** The route took a slot of `state.gate` for this answer; it is released once the body is sent. */
  large?: boolean;
}

/** State one API instance keeps between requests (never module-level). */
export interface ApiState {
  /** Prometheus scrapers: `server + "\0" + machine GUID` -> epoch seconds of the last scrape. */
  readonly prometheusLastAccess: Map<string, number>;
  /** Reused buffers for queries. */
  readonly scratch: QueryScratch;
  /** Admission of large answers (`[web] max large answers at once`). */
  readonly gate: AnswerGate;
  /** The reused output buffer of data answers. */
  readonly sink: TextSink;
}

/** Everything a route needs for one request. */
export interface RouteContext {
  /** The host selected by `/host/<id>/`, or this agent. */
  host: Host;
  hosts: Hosts;
  config: AgentConfig;
  /** This program's version. */
  version: string;
  /** Wall clock of the request, ms. */
  nowMs: number;
  params: QueryParams;
  request: Request;
  /** The client address (for Prometheus scrape windows). */
  clientIp: string;
  /** `scheme://host[:port]` this agent was reached at. */
  origin: string;
  state: ApiState;
  streamStatus?: (host: Host) => Record<string, unknown> | undefined;
  health?: HealthView;
}

/** What the API reads of the health engine. */
export interface HealthView {
  /** The running health of `host`, undefined when its health is off. */
  of(host: Host): HostHealth | undefined;
  /** The host's alarm log, also kept after its health stopped (a disconnected child). */
  logOf(host: Host): HostHealth["log"] | undefined;
  /** `/api/v1/manage/health` (silencers), given the `X-Auth-Token` and the query's pairs. */
  manage?(token: string | undefined, params: readonly (readonly [string, string])[]): ManageReply;
}

/** A text/plain reply (errors and text formats). */
export function textReply(status: number, body: string, type = CT_TEXT): Reply {
  return { status, type, body };
}

/** The 503 of a busy agent: try again after a second. */
export function busyReply(message: string): Reply {
  return { status: 503, type: CT_TEXT, body: message, headers: [["Retry-After", "1"]] };
}

/** A 200 JSON reply. */
export function jsonReply(body: string, cacheable = false): Reply {
  return { status: 200, type: CT_JSON, body, cacheable };
}

/** The program version a host reports (this agent's own for the local host). */
export function hostVersion(ctx: RouteContext, host: Host): string {
  if (host.version !== "") return host.version;
  return host.isLocal ? ctx.version : "";
}
