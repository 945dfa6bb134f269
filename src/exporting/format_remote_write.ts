/**
 * The prometheus_remote_write formatter: Netdata 1.37.1's series
 * (exporting/prometheus/remote_write/remote_write.c) with the names of
 * `/api/v1/allmetrics?format=prometheus`, as a snappy-compressed protobuf WriteRequest:
 *
 * - per host `netdata_info{instance, application, version, <host labels>} 1` at the round's time;
 * - average/sum: `PREFIX_CONTEXT_UNITS_average{chart, family, dimension, instance}` (no units for
 *   sum) at the end of the window;
 * - as collected: `PREFIX_CONTEXT[_total]{chart, family, dimension, instance}` for homogeneous
 *   charts, else `PREFIX_CONTEXT_DIMENSION[_total]{chart, family, instance}`, at the collection
 *   time, only when collected within the round;
 * - `send variables`: each custom host variable as `PREFIX_NAME{instance}`.
 *
 * Unlike Netdata, labels are sorted by name, as the remote write spec requires.
 * @module
 */

import type { Chart, Dimension } from "../host/mod.ts";
import type { ExportHost, FormatOptions, FormattedBatch, Formatter } from "./format.ts";
import { promLabel, promName, promUnits } from "./naming.ts";
import { WriteRequestEncoder } from "./protobuf.ts";
import { snappyCompress } from "./snappy.ts";

/** Options of the remote write formatter. */
export interface RemoteWriteOptions extends FormatOptions {
  sendVariables: boolean;
}

/** Labels of one series, kept sorted by name with an insertion sort (a handful per series). */
class LabelSet {
  names: string[] = [];
  values: string[] = [];
  n = 0;

  clear(): void {
    this.n = 0;
  }

  add(name: string, value: string): void {
    let i = this.n++;
    while (i > 0 && this.names[i - 1] > name) {
      this.names[i] = this.names[i - 1];
      this.values[i] = this.values[i - 1];
      i--;
    }
    this.names[i] = name;
    this.values[i] = value;
  }
}

/** See the module doc. */
export class RemoteWriteFormatter implements Formatter {
  readonly #o: RemoteWriteOptions;
  readonly #enc = new WriteRequestEncoder();
  readonly #l = new LabelSet();
  #collected: boolean;
  #afterSec = 0;
  #nowMs = 0;
  #instance = "";
  #chart = "";
  #family = "";
  #context = "";
  #units = "";
  #homogeneous = true;
  #promCollector = false;

  constructor(o: RemoteWriteOptions) {
    this.#o = o;
    this.#collected = o.dataSource === "as collected";
  }

  begin(afterSec: number, _beforeSec: number, nowMs: number): void {
    this.#enc.reset();
    this.#afterSec = afterSec;
    this.#nowMs = nowMs;
  }

  startHost(h: ExportHost): void {
    this.#instance = promLabel(h.name);
    const l = this.#l;
    l.clear();
    l.add("__name__", "netdata_info");
    l.add("instance", this.#instance);
    if (h.host.program) l.add("application", h.host.program);
    if (h.host.version) l.add("version", h.host.version);
    for (const [k, v] of h.labels) l.add(promName(k), promLabel(v));
    this.#enc.series(l.names, l.values, l.n, 1, this.#nowMs);
    if (!this.#o.sendVariables) return;
    for (const [k, v] of h.host.variables) {
      l.clear();
      l.add("__name__", `${this.#o.prefix}_${promName(k)}`);
      l.add("instance", this.#instance);
      this.#enc.series(l.names, l.values, l.n, v, this.#nowMs);
    }
  }

  startChart(c: Chart): void {
    this.#chart = promLabel(this.#o.sendNamesInsteadOfIds ? c.name : c.id);
    this.#family = promLabel(c.family);
    this.#context = promName(c.context);
    this.#homogeneous = true;
    this.#units = "";
    if (this.#collected) {
      const d0 = c.dimensions[0];
      for (const d of c.dimensions) {
        if (d.algorithm !== d0.algorithm || d.multiplier !== d0.multiplier || d.divisor !== d0.divisor) {
          this.#homogeneous = false;
        }
      }
      this.#promCollector = c.module === "prometheus";
    } else if (this.#o.dataSource === "average") this.#units = promUnits(c.units, false);
  }

  metric(d: Dimension, value: number, tSec: number, tMs: number): void {
    const l = this.#l;
    l.clear();
    l.add("chart", this.#chart);
    l.add("family", this.#family);
    l.add("instance", this.#instance);
    const dimRaw = this.#o.sendNamesInsteadOfIds ? d.name : d.id;
    const p = this.#o.prefix;
    if (this.#collected) {
      if (tSec < this.#afterSec) return;
      const counter = d.algorithm === "incremental" || d.algorithm === "percentage-of-incremental-row";
      const suffix = counter && !this.#promCollector ? "_total" : "";
      if (this.#homogeneous) {
        l.add("__name__", `${p}_${this.#context}${suffix}`);
        l.add("dimension", promLabel(dimRaw));
      } else l.add("__name__", `${p}_${this.#context}_${promName(dimRaw)}${suffix}`);
      this.#enc.series(l.names, l.values, l.n, value, Math.floor(tMs));
    } else {
      if (!Number.isFinite(value)) return;
      const suffix = this.#o.dataSource === "sum" ? "_sum" : "_average";
      l.add("__name__", `${p}_${this.#context}${this.#units}${suffix}`);
      l.add("dimension", promLabel(dimRaw));
      this.#enc.series(l.names, l.values, l.n, value, tSec * 1000);
    }
  }

  end(): FormattedBatch | undefined {
    if (this.#enc.count === 0) return undefined;
    return { payload: snappyCompress(this.#enc.finish()), samples: this.#enc.count };
  }
}
