/**
 * Test fixtures for the API tests: hosts with real stores, a config, and request helpers.
 * @module
 */

import { testHost } from "../host/_fixture.ts";
import type { AgentConfig } from "../config/types.ts";
import { type Chart, type ChartDef, type Host, Hosts } from "../host/mod.ts";
import { createApi } from "./mod.ts";

/** A fixed wall clock: 2026-11-21 (epoch seconds around 1795293600). */
export const NOW_SEC = 1795293605;

/** A complete config for tests. */
export function testConfig(): AgentConfig {
  return {
    role: "standalone",
    files: {},
    global: {
      hostname: "nd-parent",
      updateEvery: 1,
      memoryMode: "dbengine",
      historySec: 3600,
      gapWhenLostIterationsAbove: 1,
      logLevel: "info",
      procRoot: "/proc",
    },
    web: {
      mode: "static-threaded",
      bindTo: [{ host: "*", port: 19999, ssl: "none" }],
      sslKey: "",
      sslCertificate: "",
      allowConnectionsFrom: "*",
      allowStreamingFrom: "*",
      acceptStreamingEverySec: 0,
      timeoutForFirstRequestSec: 60,
      disconnectIdleClientsAfterSec: 60,
      maxQueryValues: 2_000_000,
      maxLargeAnswers: 4,
      enableGzip: true,
      gzipLevel: 3,
    },
    directories: {
      config: "/etc/agent",
      lib: "/var/lib/agent",
      cache: "/var/cache/agent",
      log: "/var/log/agent",
      healthConfig: "",
      stockHealthConfig: "",
    },
    health: {
      enabled: true,
      scriptToExecuteOnAlarm: "",
      runAtLeastEverySec: 10,
      maxLogEntries: 1000,
      defaultRepeatWarningSec: 0,
      defaultRepeatCriticalSec: 0,
      postponeHibernationSec: 60,
      enableStockConfig: true,
      webhookUrl: "",
      silencersFile: "",
    },
    db: {
      enableReplication: true,
      secondsToReplicate: 86400,
      secondsPerReplicationStep: 600,
      dbengineMultihostDiskSpaceMB: 256,
    },
    stream: {
      enabled: false,
      destination: "",
      destinations: [],
      apiKey: "",
      timeoutSec: 60,
      defaultPort: 19999,
      sendChartsMatching: "*",
      bufferSizeBytes: 10485760,
      reconnectDelaySec: 5,
      initialClockResyncIterations: 60,
      enableCompression: true,
      enableCompactRounds: true,
      sslSkipCertificateVerification: true,
      caPath: "",
      caFile: "",
    },
    receivers: new Map(),
  };
}

/** Options of {@link makeHost}. */
export interface HostFixture {
  hostname: string;
  guid: string;
  isLocal?: boolean;
  clock?: { us: number };
}

/** A host with a RAM store of an hour. */
export function makeHost(f: HostFixture): Host {
  return testHost({
    hostname: f.hostname,
    guid: f.guid,
    memoryMode: "dbengine",
    isLocal: f.isLocal ?? false,
    ...(f.clock ? { clock: f.clock } : {}),
  });
}

/** A chart definition with defaults. */
export function chartDef(id: string, extra: Partial<ChartDef> = {}): ChartDef {
  return {
    id,
    title: "Title of " + id,
    units: "units",
    family: id.split(".")[0],
    context: id,
    chartType: "line",
    priority: 1000,
    updateEvery: 1,
    plugin: "test.plugin",
    module: "",
    ...extra,
  };
}

/**
 * Defines a chart with absolute dimensions and stores `values[d][i]` at `from + i * ue` straight
 * into the store (NaN for gaps).
 */
export function storedChart(
  host: Host,
  id: string,
  dims: (string | { id: string; name?: string; hidden?: boolean })[],
  from: number,
  values: number[][],
  extra: Partial<ChartDef> = {},
): Chart {
  const chart = host.defineChart(chartDef(id, extra));
  dims.forEach((d, i) => {
    const def = typeof d === "string" ? { id: d } : d;
    const dim = chart.defineDimension({ algorithm: "absolute", multiplier: 1, divisor: 1, ...def });
    const ue = chart.updateEvery;
    for (let k = 0; k < values[i].length; k++) host.store.append(dim.seriesId, from + k * ue, values[i][k]);
  });
  return chart;
}

/** A local agent with the API (its `[web]` keys overridden by `web`), and a way to GET. */
export function testAgent(local?: Host, web: Partial<AgentConfig["web"]> = {}) {
  const localhost = local ??
    makeHost({ hostname: "nd-parent", guid: "dc25b32c-e5ea-11f1-b3d9-02fc00000001", isLocal: true });
  const hosts = new Hosts(localhost);
  let nowMs = NOW_SEC * 1000 + 123;
  const base = testConfig();
  const config = { ...base, web: { ...base.web, ...web } };
  const app = createApi({ hosts, config, version: "v0.1.0", nowMs: () => nowMs });
  return {
    hosts,
    localhost,
    app,
    setNow(sec: number) {
      nowMs = sec * 1000;
    },
    async get(path: string, init?: RequestInit): Promise<{ status: number; body: string; headers: Headers }> {
      const res = await app.request(path, init);
      return { status: res.status, body: await res.text(), headers: res.headers };
    },
  };
}

/**
 * Runs `rounds` collection rounds through the real pipeline, one per `updateEvery` seconds, the
 * clock starting at `startSec + 0.5`; `value(dimIndex, round)` gives each raw value.
 */
export function collect(
  chart: Chart,
  clock: { us: number },
  startSec: number,
  rounds: number,
  value: (dim: number, round: number) => number,
): void {
  for (let r = 0; r < rounds; r++) {
    clock.us = (startSec + r * chart.updateEvery + 0.5) * 1_000_000;
    chart.begin(0);
    chart.dimensions.forEach((d, i) => chart.set(d, value(i, r)));
    chart.end();
  }
}
