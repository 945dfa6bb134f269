/**
 * Export throughput per connector: rounds of the exporting engine over 10 hosts × 100 charts ×
 * 10 dimensions (average of 10 stored points each), formatted and appended to the on-disk queue,
 * on one core (no network). Gives samples per second and payload bytes per sample.
 *
 * Then the same remote write batches end to end into a real VictoriaMetrics, when installed.
 *
 * Run alone: `deno run -A tests/bench/exporting.ts`; `make bench` includes it.
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { ConnectorType, ExportingInstanceConfig } from "../../src/config/exporting_types.ts";
import { ExportingEngine } from "../../src/exporting/engine.ts";
import { Delivery } from "../../src/exporting/delivery.ts";
import { createFormatter, DiskQueue } from "../../src/exporting/mod.ts";
import { createTransport } from "../../src/exporting/transport.ts";
import { Host, Hosts } from "../../src/host/mod.ts";
import { createStore } from "../../src/store/mod.ts";
import { startVictoriaMetrics, VICTORIA_METRICS } from "../_helpers/tsdb.ts";

const T0 = 1795293600;
const HOSTS = 10, CHARTS = 100, DIMS = 10, SECONDS = 120;

function buildHosts(clock: { us: number }): Hosts {
  const make = (i: number) =>
    new Host({
      hostname: `bench-${i}`,
      machineGuid: crypto.randomUUID(),
      store: createStore({ mode: "ram", historySec: 600 }),
      memoryMode: "ram",
      updateEvery: 1,
      historySec: 600,
      isLocal: i === 0,
      nowUs: () => clock.us,
    });
  const hosts = new Hosts(make(0));
  for (let i = 1; i < HOSTS; i++) hosts.add(make(i));
  for (const h of hosts.list()) {
    const charts = [];
    for (let c = 0; c < CHARTS; c++) {
      const chart = h.defineChart({
        id: `bench.chart_${c}`,
        title: "t",
        units: "KiB/s",
        family: "bench",
        context: `bench.context_${c % 10}`,
        chartType: "line",
        priority: c,
        updateEvery: 1,
        plugin: "bench",
        module: "",
      });
      for (let d = 0; d < DIMS; d++) {
        chart.defineDimension({ id: `dim_${d}`, algorithm: "absolute", multiplier: 1, divisor: 1 });
      }
      charts.push(chart);
    }
    for (let s = 0; s < SECONDS; s++) {
      clock.us = (T0 + s) * 1e6 + 500_000;
      for (const chart of charts) {
        chart.begin(0);
        for (let d = 0; d < DIMS; d++) chart.set(chart.dimensions[d], 1000 * d + s);
        chart.end();
      }
    }
  }
  return hosts;
}

function config(type: ConnectorType): ExportingInstanceConfig {
  return {
    section: `${type}:bench`,
    type,
    name: "bench",
    enabled: true,
    destination: "",
    destinations: [],
    dataSource: "average",
    updateEverySec: 10,
    prefix: "netdata",
    hostname: "bench-0",
    sendNamesInsteadOfIds: true,
    sendChartsMatching: "*",
    sendHostsMatching: "*",
    sendConfiguredLabels: true,
    sendAutomaticLabels: false,
    sendVariables: false,
    remoteWriteUrlPath: "/api/v1/write",
    username: "",
    password: "",
    timeoutMs: 1000,
    bufferOnFailures: 100000,
    queueDiskSpaceBytes: 1 << 30,
    file: "bench",
    line: 0,
  };
}

/** Measures each connector; `report(name, value, unit, note)` prints a row. */
export function benchExporting(
  report: (name: string, value: number, unit: string, note?: string) => void,
): void {
  const clock = { us: 0 };
  const hosts = buildHosts(clock);
  const types: ConnectorType[] = ["prometheus_remote_write", "graphite", "opentsdb", "json"];
  for (const type of types) {
    const cfg = config(type);
    const logger = getLogger(["agent", "bench"]);
    let best = 0, bytesPerSample = 0;
    // Three laps (the first warms the JIT up); the best counts.
    for (let lap = 0; lap < 3; lap++) {
      const dir = Deno.makeTempDirSync({ prefix: "bench-exporting-" });
      const queue = DiskQueue.open({ dir, maxBytes: 1 << 30, maxRecords: 100000, logger });
      let samples = 0, bytes = 0;
      const engine = new ExportingEngine({
        hosts,
        instances: [{
          config: cfg,
          formatter: createFormatter(cfg),
          delivery: {
            enqueue(payload, n, createdMs) {
              queue.append(payload, n, createdMs);
              samples += n;
              bytes += payload.length;
            },
            start() {},
            stop: () => Promise.resolve(),
          },
          stateFile: `${dir}/last_round`,
        }],
        logger,
        nowMs: () => clock.us / 1000,
      });
      // Rounds at before = T0+20 … T0+110: ten rounds of 10 s, each reading 10 points per series.
      clock.us = (T0 + 10) * 1e6;
      engine.prepare();
      clock.us = (T0 + 110) * 1e6 + 100_000;
      const start = performance.now();
      engine.tick();
      const sec = (performance.now() - start) / 1000;
      queue.close();
      Deno.removeSync(dir, { recursive: true });
      best = Math.max(best, samples / sec);
      bytesPerSample = bytes / samples;
    }
    report(`export ${type}`, best / 1e3, "k samples/s", "one core, formatted + queued on disk");
    report(
      `export ${type} bytes/sample`,
      bytesPerSample,
      "B",
      type === "prometheus_remote_write" ? "snappy" : "",
    );
  }
}

/**
 * End to end into a real VictoriaMetrics (when installed): ten rounds of remote write batches
 * (a million samples) queued on disk, then delivered over HTTP as a backlog without a pace limit.
 */
export async function benchExportingToVictoriaMetrics(
  report: (name: string, value: number, unit: string, note?: string) => void,
): Promise<void> {
  try {
    Deno.statSync(VICTORIA_METRICS);
  } catch {
    report(
      "export remote write into VictoriaMetrics",
      0,
      "k samples/s",
      `skipped: ${VICTORIA_METRICS} missing`,
    );
    return;
  }
  const vm = await startVictoriaMetrics();
  const dir = Deno.makeTempDirSync({ prefix: "bench-exporting-" });
  const logger = getLogger(["agent", "bench"]);
  const cfg = {
    ...config("prometheus_remote_write"),
    destinations: [{ text: `127.0.0.1:${vm.port}`, host: "127.0.0.1", port: vm.port, ssl: false }],
    timeoutMs: 30000,
  };
  const queue = DiskQueue.open({ dir, maxBytes: 1 << 30, maxRecords: 100000, logger });
  const delivery = new Delivery({
    config: cfg,
    queue,
    transport: createTransport(cfg),
    logger,
    backlogBatchesPerSec: 1e6,
  });
  try {
    const clock = { us: 0 };
    const engine = new ExportingEngine({
      hosts: buildHosts(clock),
      instances: [{ config: cfg, formatter: createFormatter(cfg), delivery, stateFile: `${dir}/last_round` }],
      logger,
      nowMs: () => clock.us / 1000,
    });
    clock.us = (T0 + 10) * 1e6;
    engine.prepare();
    clock.us = (T0 + 110) * 1e6 + 100_000;
    engine.tick();
    const samples = queue.stats().samples;
    const start = performance.now();
    delivery.start();
    while (queue.stats().records > 0) await new Promise((r) => setTimeout(r, 5));
    const sec = (performance.now() - start) / 1000;
    report(
      "export remote write into VictoriaMetrics",
      samples / sec / 1e3,
      "k samples/s",
      `end to end over HTTP, ${delivery.stats.failures} failures; VictoriaMetrics on the same cores`,
    );
  } finally {
    await delivery.stop();
    await vm.remove();
    Deno.removeSync(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const print = (name: string, value: number, unit: string, note = "") =>
    console.log(`${name.padEnd(42)} ${value.toFixed(2).padStart(10)} ${unit.padEnd(14)} ${note}`);
  benchExporting(print);
  await benchExportingToVictoriaMetrics(print);
}
