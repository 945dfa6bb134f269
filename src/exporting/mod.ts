/**
 * Exporting: every host's metrics into external time-series databases (Netdata's exporting
 * engine, exporting.conf), with durable delivery.
 *
 * Invariants:
 * - One round per instance per `update every`, aligned, each covering the seconds after the
 *   previous one: a series gets one point per round, none skipped (engine.ts). A child's rounds
 *   wait while it is disconnected or still replicating, then go out oldest first.
 * - A formatted batch is on disk (queue.ts) before delivery starts; it leaves the queue only
 *   when the database accepted it or refused it for good (4xx, counted and logged). Batches
 *   leave in the order they were made, so a database sees each series' samples in time order.
 * - Each queue is bounded (`buffer on failures` batches, `queue disk space MB`); over it the
 *   oldest batches are dropped, counted and logged.
 * - Plain TCP connectors (graphite, opentsdb telnet, json) have no acknowledgement: a batch
 *   counts as delivered once written to the socket.
 * - Files: `<data dir>/exporting/<section>/` per instance: the queue, and `last_round` (JSON:
 *   where the rounds, and each waiting host, continue after a restart).
 *
 * @example
 * ```ts
 * const exporting = createExporting({ config, hosts });
 * exporting?.start();
 * // /api/v1/info: exporting?.info()
 * await exporting?.stop();
 * ```
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { ExportingInstanceConfig } from "../config/exporting_types.ts";
import type { AgentConfig } from "../config/types.ts";
import type { Host, Hosts } from "../host/mod.ts";
import { ExportingCharts } from "./charts.ts";
import { type EngineInstance, ExportingEngine } from "./engine.ts";
import { type Formatter, TextFormatter } from "./format.ts";
import { RemoteWriteFormatter } from "./format_remote_write.ts";
import { Delivery } from "./delivery.ts";
import { DiskQueue } from "./queue.ts";
import { createTransport } from "./transport.ts";

export { type ExportHost, type FormattedBatch, type Formatter, TextFormatter } from "./format.ts";
export { RemoteWriteFormatter } from "./format_remote_write.ts";
export { DiskQueue, type QueueStats } from "./queue.ts";

/** Options of {@link createExporting}. */
export interface ExportingOptions {
  config: AgentConfig;
  hosts: Hosts;
  /** Wall clock, epoch ms (tests). */
  nowMs?: () => number;
  /** Backlog pace (default 20 batches a second per instance). */
  backlogBatchesPerSec?: number;
  /**
   * Whether a connected child's parent still asks it for missed history (replication): its
   * rounds wait until that is done, so the gap is exported too.
   */
  replicationPending?: (host: Host) => boolean;
}

/** Seconds a reconnected child's rounds wait at least, for its replication requests to start. */
const RECONNECT_GRACE_SEC = 2;

/** The running exporting engine. */
export interface Exporting {
  start(): void;
  stop(): Promise<void>;
  /** The `/api/v1/info` fields: `exporting-enabled`, `exporting-connectors` and `exporting`. */
  info(): Record<string, unknown>;
}

/** The formatter of an instance's connector. */
export function createFormatter(c: ExportingInstanceConfig): Formatter {
  const o = {
    type: c.type,
    dataSource: c.dataSource,
    prefix: c.prefix,
    sendNamesInsteadOfIds: c.sendNamesInsteadOfIds,
    sendLabels: c.sendConfiguredLabels || c.sendAutomaticLabels,
  };
  return c.type === "prometheus_remote_write"
    ? new RemoteWriteFormatter({ ...o, sendVariables: c.sendVariables })
    : new TextFormatter(o);
}

/** A directory name for a section (`prometheus_remote_write:vm` -> `prometheus_remote_write_vm`). */
function dirName(section: string): string {
  return section.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * Builds the exporting engine of `[exporting:global] enabled` instances; undefined when
 * exporting is off or no instance is enabled.
 * @throws {Error} when an instance's queue directory cannot be created or read
 */
export function createExporting(o: ExportingOptions): Exporting | undefined {
  const cfg = o.config.exporting;
  if (cfg === undefined || !cfg.enabled || cfg.instances.length === 0) return undefined;
  const logger = getLogger(["agent", "exporting"]);
  const local = o.hosts.list()[0];
  const charts = new ExportingCharts(local, o.nowMs);
  const deliveries: Delivery[] = [];
  const instances: EngineInstance[] = cfg.instances.map((c) => {
    const dir = `${o.config.directories.lib}/exporting/${dirName(c.section)}`;
    const queue = DiskQueue.open({
      dir,
      maxBytes: c.queueDiskSpaceBytes,
      maxRecords: c.bufferOnFailures,
      logger,
    });
    const delivery = new Delivery({
      config: c,
      queue,
      transport: createTransport(c),
      logger,
      ...(o.backlogBatchesPerSec ? { backlogBatchesPerSec: o.backlogBatchesPerSec } : {}),
    });
    deliveries.push(delivery);
    return { config: c, formatter: createFormatter(c), delivery, stateFile: `${dir}/last_round` };
  });
  const now = o.nowMs ?? Date.now;
  const hostReady = (h: Host) =>
    h.isLocal ||
    (h.state.reachable && now() / 1000 - h.state.sinceSec >= RECONNECT_GRACE_SEC &&
      !o.replicationPending?.(h));
  const engine = new ExportingEngine({ hosts: o.hosts, instances, logger, nowMs: o.nowMs, hostReady });
  const rounds = engine.roundStats();
  instances.forEach((inst, k) =>
    charts.add(inst.config.name, deliveries[k], () => rounds[k], 130610 + k * 10)
  );
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    start() {
      engine.start();
      timer = setInterval(() => charts.update(), local.updateEvery * 1000);
      for (const i of instances) {
        logger.info("Exporting [{instance}] to {destination} every {every}s ({source})", {
          instance: i.config.section,
          destination: i.config.destination,
          every: i.config.updateEverySec,
          source: i.config.dataSource,
        });
      }
    },
    async stop() {
      clearInterval(timer);
      await engine.stop();
    },
    info() {
      const nowMs = now();
      return {
        "exporting-enabled": true,
        "exporting-connectors": [...new Set(instances.map((i) => i.config.type))].join("|"),
        exporting: instances.map((inst, k) => {
          const c = inst.config;
          const s = deliveries[k].stats;
          const q = deliveries[k].queueStats();
          return {
            instance: c.section,
            type: c.type,
            destination: c.destination,
            connected_to: deliveries[k].transport.connectedTo || null,
            update_every: c.updateEverySec,
            data_source: c.dataSource,
            rounds: rounds[k].rounds,
            last_round: rounds[k].lastBeforeSec,
            buffered_samples: rounds[k].bufferedSamples,
            samples_sent: s.sentSamples,
            bytes_sent: s.sentBytes,
            batches_sent: s.sentBatches,
            failures: s.failures,
            rejected_batches: s.rejectedBatches,
            rejected_samples: s.rejectedSamples,
            last_error: s.lastError || null,
            last_error_time: s.lastErrorMs ? Math.floor(s.lastErrorMs / 1000) : null,
            last_sent_time: s.lastSentMs ? Math.floor(s.lastSentMs / 1000) : null,
            queue: {
              batches: q.records,
              bytes: q.bytes,
              samples: q.samples,
              oldest_age_seconds: q.oldestMs ? Math.max(0, Math.round((nowMs - q.oldestMs) / 1000)) : 0,
              dropped_batches: q.droppedRecords,
              dropped_samples: q.droppedSamples,
              damaged_bytes: q.damagedBytes,
            },
          };
        }),
      };
    },
  };
}
