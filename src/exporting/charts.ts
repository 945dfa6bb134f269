/**
 * The agent's own charts of each connector instance, like Netdata's `netdata.exporting_*`
 * (exporting/send_internal_metrics.c) with the same ids, dimensions and families, plus ours for
 * the on-disk queue:
 *
 * - `netdata.exporting_NAME_metrics` (buffered, lost, sent) and `…_bytes` (buffered, lost, sent,
 *   received; KiB) per round of the chart;
 * - `netdata.exporting_NAME_ops` (write, discard, reconnect, failure, read);
 * - `netdata.exporting_NAME_queue` (ours: batches and KiB waiting on disk) and
 *   `netdata.exporting_NAME_queue_age` (ours: seconds the oldest batch has waited).
 *
 * Netdata charts per-interval counts with `absolute` dimensions; we feed the running totals to
 * `incremental` ones, which gives the same per-second rates without resetting counters.
 * @module
 */

import type { Chart, ChartDef, Dimension, DimensionDef, Host } from "../host/mod.ts";
import type { RoundStats } from "./engine.ts";
import type { Delivery } from "./delivery.ts";

type Dims = readonly (readonly [id: string, algorithm: DimensionDef["algorithm"], divisor: number])[];

interface InstanceCharts {
  delivery: Delivery;
  round: () => RoundStats;
  charts: { chart: Chart; dims: Dimension[]; values: () => number[] }[];
}

function define(host: Host, def: Omit<ChartDef, "plugin" | "module" | "chartType">, dims: Dims) {
  const chart = host.defineChart({ ...def, plugin: "netdata", module: "stats", chartType: "line" });
  return {
    chart,
    dims: dims.map(([id, algorithm, divisor]) =>
      chart.defineDimension({ id, algorithm, multiplier: 1, divisor })
    ),
  };
}

/** Defines and updates the charts of every instance on the local host. */
export class ExportingCharts {
  readonly #host: Host;
  readonly #list: InstanceCharts[] = [];
  readonly #nowMs: () => number;

  constructor(host: Host, nowMs: () => number = Date.now) {
    this.#host = host;
    this.#nowMs = nowMs;
  }

  /** Adds the charts of instance `name`. */
  add(name: string, delivery: Delivery, round: () => RoundStats, priority: number): void {
    const family = `exporting_${name}`;
    const base = { family, updateEvery: this.#host.updateEvery };
    const s = () => delivery.stats;
    const q = () => delivery.queueStats();
    const charts = [
      {
        ...define(this.#host, {
          ...base,
          id: `netdata.exporting_${name}_metrics`,
          title: "Netdata Buffered Metrics",
          units: "metrics",
          context: "exporting_buffer",
          priority,
        }, [["buffered", "incremental", 1], ["lost", "incremental", 1], ["sent", "incremental", 1]]),
        values: () => [round().bufferedSamples, q().droppedSamples + s().rejectedSamples, s().sentSamples],
      },
      {
        ...define(this.#host, {
          ...base,
          id: `netdata.exporting_${name}_bytes`,
          title: "Netdata Exporting Data Size",
          units: "KiB",
          context: "exporting_data_size",
          priority: priority + 1,
        }, [
          ["buffered", "incremental", 1024],
          ["lost", "incremental", 1024],
          ["sent", "incremental", 1024],
          ["received", "incremental", 1024],
        ]),
        values: () => [round().bufferedBytes, 0, s().sentBytes, 0],
      },
      {
        ...define(this.#host, {
          ...base,
          id: `netdata.exporting_${name}_ops`,
          title: "Netdata Exporting Operations",
          units: "operations",
          context: "exporting_operations",
          priority: priority + 2,
        }, [
          ["write", "incremental", 1],
          ["discard", "incremental", 1],
          ["reconnect", "incremental", 1],
          ["failure", "incremental", 1],
          ["read", "incremental", 1],
        ]),
        values: () => [
          s().sentBatches,
          q().droppedRecords + s().rejectedBatches,
          delivery.transport.reconnects,
          s().failures,
          0,
        ],
      },
      {
        ...define(this.#host, {
          ...base,
          id: `netdata.exporting_${name}_queue`,
          title: "Agent Exporting Queue on Disk",
          units: "batches, KiB",
          context: "exporting_queue",
          priority: priority + 3,
        }, [["batches", "absolute", 1], ["size", "absolute", 1024]]),
        values: () => [q().records, q().bytes],
      },
      {
        ...define(this.#host, {
          ...base,
          id: `netdata.exporting_${name}_queue_age`,
          title: "Agent Exporting Queue Age of the Oldest Batch",
          units: "seconds",
          context: "exporting_queue_age",
          priority: priority + 4,
        }, [["age", "absolute", 1]]),
        values:
          () => [q().oldestMs === 0 ? 0 : Math.max(0, Math.round((this.#nowMs() - q().oldestMs) / 1000))],
      },
    ];
    this.#list.push({ delivery, round, charts });
  }

  /** One collection round of every chart. */
  update(): void {
    for (const i of this.#list) {
      for (const c of i.charts) {
        const v = c.values();
        c.chart.begin(0);
        for (let k = 0; k < c.dims.length; k++) c.chart.set(c.dims[k], v[k]);
        c.chart.end();
      }
    }
  }
}
