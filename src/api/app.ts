/**
 * The HTTP layer: one catch-all Hono handler that parses the raw request target the way Netdata's
 * web server does (web_client.c), routes `/api/v1/<command>`, `/host/<id>/…` and the dashboard's
 * files (`/`, `/dashboard/*`, under every host prefix too; see src/web/mod.ts), and adds
 * Netdata's response headers (CORS echo, the two Cache-Control forms, Expires).
 * @module
 */

import { Hono } from "hono";
import { dumpConfig } from "../config/dump.ts";
import type { AgentConfig } from "../config/types.ts";
import type { Host, Hosts } from "../host/mod.ts";
import { CT_HTML, CT_JSON, CT_TEXT, htmlEscape, httpDate } from "./format.ts";
import { QueryScratch } from "./query/mod.ts";
import type { ApiState, Reply, RouteContext } from "./reply.ts";
import { busyReply, textReply } from "./reply.ts";
import { AnswerGate, BUSY_MESSAGE, LARGE_ANSWER_BYTES } from "./gate.ts";
import { acceptsGzip, compressible, gzip, GZIP_MIN_BYTES } from "./gzip.ts";
import { TextSink } from "./sink.ts";
import {
  alarmCountRoute,
  alarmLogRoute,
  alarmsRoute,
  alarmsValuesRoute,
  alarmVariablesRoute,
  manageHealthRoute,
} from "./routes/alarms.ts";
import { badgeRoute } from "./routes/badge.ts";
import { allmetricsRoute } from "./routes/allmetrics.ts";
import { chartRoute, chartsRoute } from "./routes/charts.ts";
import { contextRoute, contextsRoute } from "./routes/contexts.ts";
import { dataRoute } from "./routes/data.ts";
import { infoRoute } from "./routes/info.ts";
import { aclkRoute, registryRoute } from "./routes/registry.ts";
import { parseQuery, splitTarget, Tokenizer, urlDecode } from "./url.ts";
import { dashboardFile } from "../web/mod.ts";
import type { HealthView } from "./reply.ts";

/** What the API needs from the agent. */
export interface ApiDeps {
  /** The host database; `hosts.localhost` is this agent. */
  hosts: Hosts;
  config: AgentConfig;
  /** Our program version, e.g. "v0.1.0". */
  version: string;
  /** Injectable wall clock, ms. */
  nowMs?: () => number;
  /** Extra per-host streaming info for /api/v1/info; its keys override or extend the answer. */
  streamStatus?: (host: Host) => Record<string, unknown> | undefined;
  /** The health engine, when there is one (else the alarm endpoints answer "no alarms"). */
  health?: HealthView;
}

type Route = (ctx: RouteContext) => Reply;

/** The v1 commands we answer; every other one is "Unsupported v1 API command". */
const COMMANDS: Record<string, Route> = {
  info: infoRoute,
  data: dataRoute,
  chart: chartRoute,
  charts: chartsRoute,
  context: contextRoute,
  contexts: contextsRoute,
  archivedcharts: () => ({ status: 200, type: CT_JSON, body: "" }),
  registry: registryRoute,
  alarms: alarmsRoute,
  alarms_values: alarmsValuesRoute,
  alarm_log: alarmLogRoute,
  alarm_variables: alarmVariablesRoute,
  alarm_count: alarmCountRoute,
  "badge.svg": badgeRoute,
  "manage/health": manageHealthRoute,
  allmetrics: allmetricsRoute,
  aclk: aclkRoute,
  function: () => textReply(403, "You are not allowed to access this resource."),
  functions: () => textReply(403, "You are not allowed to access this resource."),
};

const NOT_UNDERSTOOD = "I don't understand you...\r\n";
const BAD_URL = "URL not valid. I don't understand you...\r\n";

/** Per-request facts the router passes down. */
interface RequestInfo {
  request: Request;
  nowMs: number;
  query: string | undefined;
  /** The raw path as requested (for redirects). */
  rawPath: string;
  clientIp: string;
  origin: string;
}

/**
 * Creates the API application; serve it with `Deno.serve(app.fetch)`.
 *
 * @example
 * ```ts
 * const app = createApi({ hosts, config, version: "v0.1.0" });
 * const res = await app.request("/api/v1/info");
 * ```
 */
export function createApi(deps: ApiDeps): Hono {
  const state: ApiState = {
    prometheusLastAccess: new Map(),
    scratch: new QueryScratch(),
    gate: new AnswerGate(deps.config.web.maxLargeAnswers),
    sink: new TextSink(),
  };
  const app = new Hono();
  app.all("*", (c) => {
    // Deno.serve passes its ServeHandlerInfo as env; agent.ts wraps it as { info }.
    type Addr = { remoteAddr?: { hostname?: string } };
    const env = c.env as (Addr & { info?: Addr }) | undefined;
    const ip = env?.remoteAddr?.hostname ?? env?.info?.remoteAddr?.hostname ?? "";
    return handle(deps, state, c.req.raw, ip);
  });
  return app;
}

/** Scheme and host the client used, honouring X-Forwarded-Proto/Host. */
function requestOrigin(req: Request): string {
  const url = new URL(req.url);
  const proto =
    req.headers.get("x-forwarded-proto")?.split(",")[0].trim() === "https" || url.protocol === "https:"
      ? "https"
      : "http";
  const host = req.headers.get("x-forwarded-host")?.split(",")[0].trim() || req.headers.get("host") ||
    url.host;
  return `${proto}://${host}`;
}

function handle(deps: ApiDeps, state: ApiState, req: Request, clientIp: string): Response {
  const nowMs = deps.nowMs?.() ?? Date.now();
  const allowOrigin = req.headers.get("origin") ?? "*";
  const base: [string, string][] = [
    ["Server", `agent/${deps.version}`],
    ["Access-Control-Allow-Origin", allowOrigin],
    ["Access-Control-Allow-Credentials", "true"],
    ["Date", httpDate(nowMs)],
  ];
  if (req.method === "OPTIONS") {
    return new Response("OK", {
      status: 200,
      headers: [
        ...base,
        ["Content-Type", CT_TEXT],
        ["Access-Control-Allow-Methods", "GET, OPTIONS"],
        [
          "Access-Control-Allow-Headers",
          "accept, x-requested-with, origin, content-type, cookie, pragma, cache-control, x-auth-token",
        ],
        ["Access-Control-Max-Age", "1209600"],
      ],
    });
  }
  let reply: Reply;
  if (req.method !== "GET") {
    reply = textReply(400, NOT_UNDERSTOOD);
  } else {
    reply = route(deps, state, req, nowMs, clientIp);
  }
  let bytes = reply.bytes ?? new TextEncoder().encode(reply.body);
  let large = reply.large === true;
  if (!large && bytes.length > LARGE_ANSWER_BYTES) {
    // Computed already, but not yet held while a slow client reads it: over the limit, drop it.
    large = state.gate.tryAcquire();
    if (!large) {
      reply = busyReply(BUSY_MESSAGE);
      bytes = new TextEncoder().encode(reply.body);
    }
  }
  const cacheable = reply.status === 200 && reply.cacheable === true;
  const expiresMs = nowMs + (cacheable ? 86400 : deps.hosts.localhost.updateEvery) * 1000;
  const headers: [string, string][] = [
    ...base,
    ["Content-Type", reply.type],
    ["Cache-Control", cacheable ? "public" : "no-cache, no-store, must-revalidate"],
  ];
  if (!cacheable) headers.push(["Pragma", "no-cache"]);
  headers.push(["Expires", httpDate(expiresMs)]);
  if (reply.headers !== undefined) headers.push(...reply.headers);
  if (deps.config.web.enableGzip && compressible(reply.type)) {
    headers.push(["Vary", "Accept-Encoding"]);
    if (bytes.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers.get("accept-encoding"))) {
      bytes = gzip(bytes, deps.config.web.gzipLevel);
      headers.push(["Content-Encoding", "gzip"]);
    }
  }
  headers.push(["Content-Length", String(bytes.length)]);
  // A large answer's slot is given back once its body has been read (or the client went away).
  return new Response(large ? state.gate.body(bytes) : bytes, { status: reply.status, headers });
}

function route(deps: ApiDeps, state: ApiState, req: Request, nowMs: number, clientIp: string): Reply {
  const target = splitTarget(req.url);
  const path = urlDecode(target.path);
  const query = target.query === undefined ? undefined : urlDecode(target.query);
  if (path === undefined || (target.query !== undefined && query === undefined)) {
    return textReply(400, BAD_URL);
  }
  const info: RequestInfo = {
    request: req,
    nowMs,
    query,
    rawPath: target.path,
    clientIp,
    origin: requestOrigin(req),
  };
  return processUrl(deps, state, info, deps.hosts.localhost, path, path);
}

/** Netdata's web_client_process_url(): the first path segment decides. */
function processUrl(
  deps: ApiDeps,
  state: ApiState,
  info: RequestInfo,
  host: Host,
  url: string | undefined,
  filePath: string,
): Reply {
  const t = new Tokenizer(url);
  const tok = t.next("/?");
  if (tok === "api") return apiRequest(deps, state, info, host, t.rest);
  if (tok === "host") return switchHost(deps, state, info, host, t.rest);
  // Like Netdata, /netdata.conf is the netdata.conf part only: stream.conf holds API keys.
  if (tok === "netdata.conf") return textReply(200, dumpConfig(deps.config, { file: "agent" }));
  // static files: the embedded dashboard, the same under every /host/<id>/ prefix
  const file = dashboardFile(filePath, { hostname: host.hostname });
  if (file !== undefined) return { status: 200, type: file.type, body: file.body, cacheable: file.cacheable };
  return textReply(404, "File does not exist, or is not accessible: " + htmlEscape(filePath), CT_HTML);
}

function switchHost(
  deps: ApiDeps,
  state: ApiState,
  info: RequestInfo,
  host: Host,
  url: string | undefined,
): Reply {
  if (host !== deps.hosts.localhost) return textReply(400, "Nesting of hosts is not allowed.");
  const t = new Tokenizer(url);
  const tok = t.next("/");
  if (tok !== "") {
    if (t.rest === undefined) {
      const q = info.query === undefined ? "" : "?" + info.query;
      return {
        status: 308,
        type: CT_TEXT,
        body: "Permanent redirect",
        headers: [["Location", `${info.origin}${info.rawPath}/${q}`]],
      };
    }
    const found = deps.hosts.find(tok);
    if (found !== undefined) return processUrl(deps, state, info, found, t.rest, "/" + t.rest);
  }
  return textReply(404, "This netdata does not maintain a database for host: " + htmlEscape(tok), CT_HTML);
}

/** Netdata's web_client_api_request(): `/api/<version>/<command>`. */
function apiRequest(
  deps: ApiDeps,
  state: ApiState,
  info: RequestInfo,
  host: Host,
  url: string | undefined,
): Reply {
  const t = new Tokenizer(url);
  const version = t.next("/");
  if (version === "") return textReply(400, "Which API version?");
  if (version !== "v1") return textReply(404, "Unsupported API version: " + htmlEscape(version), CT_HTML);
  const command = t.rest;
  if (command === undefined) return textReply(400, "Which API v1 command?");
  const fn = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (fn === undefined) return textReply(404, "Unsupported v1 API command: " + htmlEscape(command));
  return fn({
    host,
    hosts: deps.hosts,
    config: deps.config,
    version: deps.version,
    nowMs: info.nowMs,
    params: parseQuery(info.query),
    request: info.request,
    clientIp: info.clientIp,
    origin: info.origin,
    state,
    streamStatus: deps.streamStatus,
    health: deps.health,
  });
}
