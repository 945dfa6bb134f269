/**
 * Test fixture: a host with a RAM store (or a given one), a settable clock and every-second
 * collection. Tests only.
 * @module
 */

import { createStore, type MemoryMode, type Store } from "../store/mod.ts";
import type { Chart } from "./chart.ts";
import type { ChartDef } from "./defs.ts";
import { Host } from "./host.ts";

/** Options of {@link testHost}; each has a plain default. */
export interface TestHostOptions {
  hostname?: string;
  guid?: string;
  /** Its clock (µs); default the wall clock. */
  clock?: { us: number };
  isLocal?: boolean;
  /** Seconds of RAM history (default 3600), when no `store` is given. */
  historySec?: number;
  store?: Store;
  /** What the host reports (default the store's mode). */
  memoryMode?: MemoryMode;
}

/** A host for tests: RAM store of `historySec`, update every 1 s. */
export function testHost(o: TestHostOptions = {}): Host {
  const historySec = o.historySec ?? 3600;
  const store = o.store ?? createStore({ mode: "ram", historySec });
  const clock = o.clock;
  return new Host({
    hostname: o.hostname ?? "t",
    machineGuid: o.guid ?? "00000000-0000-0000-0000-000000000001",
    store,
    memoryMode: o.memoryMode ?? store.mode,
    updateEvery: 1,
    historySec,
    isLocal: o.isLocal ?? false,
    ...(clock ? { nowUs: () => clock.us } : {}),
  });
}

/**
 * A line chart on `host` with plain test values ("t", "u", "f", priority 1, every second, plugin
 * "p"; its context is its id); `def` sets the id and overrides any of them.
 */
export function testChart(host: Host, def: Partial<ChartDef> & { id: string }): Chart {
  return host.defineChart({
    title: "t",
    units: "u",
    family: "f",
    context: def.id,
    chartType: "line",
    priority: 1,
    updateEvery: 1,
    plugin: "p",
    module: "",
    ...def,
  });
}
