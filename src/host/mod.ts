/**
 * The host model: hosts (this agent and every streamed child), their charts and dimensions, and
 * the collection pipeline that stores what collectors and children send.
 *
 * Invariants:
 * - The local host is always first in `Hosts.list()`; hosts stay in creation order and are never
 *   removed while the agent runs (a disconnected child stays, unreachable, with its data).
 * - A hostname or machine GUID names at most one host.
 * - Charts are created through `Host.defineChart()`, dimensions through `Chart.defineDimension()`;
 *   values flow only through `Chart.begin()` / `set()` / `end()`.
 *
 * @example
 * ```ts
 * import { createStore } from "../store/mod.ts";
 * import { Host, Hosts } from "./mod.ts";
 * const local = new Host({ hostname: "n1", machineGuid: crypto.randomUUID(), store: createStore({ mode: "ram", historySec: 3600 }),
 *   memoryMode: "ram", updateEvery: 1, historySec: 3600, isLocal: true });
 * const hosts = new Hosts(local);
 * const c = local.defineChart({ id: "app.x", title: "X", units: "n", family: "x", context: "app.x",
 *   chartType: "line", priority: 1, updateEvery: 1, plugin: "app", module: "" });
 * const d = c.defineDimension({ id: "v", algorithm: "absolute", multiplier: 1, divisor: 1 });
 * c.begin(0); c.set(d, 42); c.end();
 * ```
 * @module
 */

export { Chart, type ChartObserver, Dimension } from "./chart.ts";
export {
  type Algorithm,
  type ChartDef,
  type ChartType,
  type DimensionDef,
  type Label,
  parseAlgorithm,
} from "./defs.ts";
export { Host, type HostOptions, type HostState } from "./host.ts";
export { Hosts } from "./registry.ts";
