/**
 * What the engine hands a connector's formatter, and the formatters of the text connectors,
 * byte for byte as Netdata 1.37.1 writes them (exporting/{graphite,opentsdb,json}/*.c):
 *
 * - graphite: `PREFIX.HOST.CHART.DIMENSION[;LABEL=VALUE...] VALUE TIME\n`
 * - opentsdb (telnet): `put PREFIX.CHART.DIMENSION TIME VALUE host=HOST[ LABEL=VALUE...]\n`
 * - opentsdb:http: a JSON array of `{"metric":…,"timestamp":…,"value":…,"tags":{"host":…}}`
 * - json: one object per line; json:http: the same objects in a JSON array
 *
 * Stored values (average, sum) print with 7 decimals (`%0.7Lf`), collected ones as integers.
 * Chart and dimension names go through `exporting_name_copy()` (graphite, opentsdb).
 * @module
 */

import type { ConnectorType, ExportingDataSource } from "../config/exporting_types.ts";
import type { Chart, Dimension, Host } from "../host/mod.ts";
import { formatFixed } from "../util/number.ts";
import { exportingName, graphiteLabelValue, opentsdbLabelValue } from "./naming.ts";

/** A host as one batch exports it. */
export interface ExportHost {
  host: Host;
  /** The name it is exported under: `hostname` of the instance for this agent, else the host's. */
  name: string;
  /** The labels that pass `send configured labels` / `send automatic labels`, in order. */
  labels: readonly (readonly [string, string])[];
}

/** One formatted batch. */
export interface FormattedBatch {
  payload: Uint8Array;
  samples: number;
}

/** Turns one export round into a batch; one per connector instance, reused round after round. */
export interface Formatter {
  /** Starts a round covering `afterSec`..`beforeSec`; `nowMs` stamps host info and variables. */
  begin(afterSec: number, beforeSec: number, nowMs: number): void;
  startHost(h: ExportHost): void;
  startChart(c: Chart): void;
  /**
   * One dimension: `value` is the stored average or sum reported at `tSec`, or (as collected)
   * the last collected integer, collected at `tSec` (`tMs` with milliseconds).
   */
  metric(d: Dimension, value: number, tSec: number, tMs: number): void;
  /** The round's batch, undefined when it holds no sample. */
  end(): FormattedBatch | undefined;
}

/** What every formatter is configured with. */
export interface FormatOptions {
  type: ConnectorType;
  dataSource: ExportingDataSource;
  prefix: string;
  sendNamesInsteadOfIds: boolean;
  /** `send configured labels` or `send automatic labels` is on (JSON then always has "labels"). */
  sendLabels: boolean;
}

const encoder = new TextEncoder();

function labelsText(type: ConnectorType, labels: ExportHost["labels"]): string {
  let out = "";
  switch (type) {
    case "graphite":
    case "graphite:http":
      for (const [k, v] of labels) out += `;${k}=${graphiteLabelValue(v)}`;
      return out;
    case "opentsdb":
      for (const [k, v] of labels) out += ` ${k}=${opentsdbLabelValue(v)}`;
      return labels.length > 0 ? " " + out.slice(1) : "";
    case "opentsdb:http":
      for (const [k, v] of labels) out += `,"${k}":"${opentsdbLabelValue(v)}"`;
      return out;
    default: {
      const parts = labels.map(([k, v]) => `"${k}":${JSON.stringify(v)}`);
      return labels.length > 0 ? `"labels":{${parts.join(",")}},` : `"labels":{},`;
    }
  }
}

/** The formatter of graphite, opentsdb and json (plaintext and http). */
export class TextFormatter implements Formatter {
  readonly #o: FormatOptions;
  readonly #collected: boolean;
  readonly #array: boolean;
  #text = "";
  #samples = 0;
  #hostName = "";
  #labels = "";
  #chart: Chart | undefined;
  #chartName = "";

  constructor(o: FormatOptions) {
    this.#o = o;
    this.#collected = o.dataSource === "as collected";
    this.#array = o.type === "opentsdb:http" || o.type === "json:http";
  }

  begin(): void {
    this.#text = this.#array ? "[\n" : "";
    this.#samples = 0;
  }

  startHost(h: ExportHost): void {
    this.#hostName = h.name;
    // Netdata builds the labels only when one of the two label options is on, and then for JSON
    // always writes the "labels" object (empty when every label is filtered out).
    this.#labels = this.#o.sendLabels ? labelsText(this.#o.type, h.labels) : "";
  }

  startChart(c: Chart): void {
    this.#chart = c;
    this.#chartName = exportingName(this.#o.sendNamesInsteadOfIds ? c.name : c.id);
  }

  metric(d: Dimension, value: number, tSec: number): void {
    const c = this.#chart!;
    const v = this.#collected ? String(value) : formatFixed(value, 7);
    const p = this.#o.prefix;
    const dim = exportingName(this.#o.sendNamesInsteadOfIds ? d.name : d.id);
    switch (this.#o.type) {
      case "graphite":
      case "graphite:http":
        this.#text += `${p}.${this.#hostName}.${this.#chartName}.${dim}${this.#labels} ${v} ${tSec}\n`;
        break;
      case "opentsdb":
        this.#text +=
          `put ${p}.${this.#chartName}.${dim} ${tSec} ${v} host=${this.#hostName}${this.#labels}\n`;
        break;
      case "opentsdb:http":
        if (this.#text.length > 2) this.#text += ",\n";
        this.#text += `{"metric":"${p}.${this.#chartName}.${dim}","timestamp":${tSec},"value":${v},` +
          `"tags":{"host":"${this.#hostName}"${this.#labels}}}`;
        break;
      default: {
        if (this.#array && this.#text.length > 2) this.#text += ",\n";
        // Netdata's two JSON variants differ in one space: "chart_context": and "units": of stored values.
        const sp = this.#collected ? "" : " ";
        this.#text += `{"prefix":${JSON.stringify(p)},"hostname":${JSON.stringify(this.#hostName)},` +
          this.#labels +
          `"chart_id":${JSON.stringify(c.id)},"chart_name":${JSON.stringify(c.name)},` +
          `"chart_family":${JSON.stringify(c.family)},"chart_context":${sp}${JSON.stringify(c.context)},` +
          `"chart_type":${JSON.stringify(c.type)},"units":${sp}${JSON.stringify(c.units)},` +
          `"id":${JSON.stringify(d.id)},"name":${JSON.stringify(d.name)},"value":${v},` +
          `"timestamp":${sp}${tSec}}` + (this.#array ? "" : "\n");
      }
    }
    this.#samples++;
  }

  end(): FormattedBatch | undefined {
    if (this.#samples === 0) return undefined;
    if (this.#array) this.#text += "\n]\n";
    return { payload: encoder.encode(this.#text), samples: this.#samples };
  }
}
