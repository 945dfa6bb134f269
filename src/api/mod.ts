/**
 * The Netdata-compatible HTTP API v1 (answers as Netdata 1.37.1's do): `/api/v1/*`, the `/host/<id>/` prefix and the dashboard (src/web).
 *
 * Invariants:
 * - Read-only: routes read hosts, charts and the stores' read interface, never write them.
 * - No module-level state: per-instance state (Prometheus scrape windows, query buffers) lives in
 *   the app created by createApi(), so two agents can share a process.
 * - Objects keyed by chart or dimension ids are written by hand, keeping creation order.
 *
 * @example
 * ```ts
 * import { createApi } from "./mod.ts";
 * const app = createApi({ hosts, config, version: "v0.1.0" });
 * Deno.serve({ port: 19999 }, app.fetch);
 * ```
 * @module
 */

export { type ApiDeps, createApi } from "./app.ts";
export { sessionInfo, streamingInfo, type StreamingSources } from "./streaming.ts";
export {
  API_SEPARATORS,
  compileSimplePattern,
  DEFAULT_SEPARATORS,
  type SimplePattern,
  type SimplePatternOptions,
} from "../util/patterns.ts";
