/**
 * What defines a chart and a dimension (the fields of the streaming `CHART` and `DIMENSION`
 * lines) and a host label: plain data, shared by the host model, the collectors, the stream and
 * the saved host metadata. Kept apart from the pipeline in `chart.ts`.
 * @module
 */

/** Netdata's dimension algorithms. */
export type Algorithm =
  | "absolute"
  | "incremental"
  | "percentage-of-absolute-row"
  | "percentage-of-incremental-row";

/** Parses an algorithm name; unknown or empty names are "absolute", like Netdata. */
export function parseAlgorithm(text: string): Algorithm {
  switch (text) {
    case "incremental":
    case "percentage-of-absolute-row":
    case "percentage-of-incremental-row":
      return text;
    default:
      return "absolute";
  }
}

/** Chart display types. */
export type ChartType = "line" | "area" | "stacked";

/** What defines a chart (the fields of the streaming `CHART` line). */
export interface ChartDef {
  /** `type.id`, e.g. `system.cpu`. */
  id: string;
  /** Full name (`type.name`); defaults to the id. */
  name?: string;
  title: string;
  units: string;
  family: string;
  context: string;
  chartType: ChartType;
  priority: number;
  /** Seconds between collections. */
  updateEvery: number;
  plugin: string;
  module: string;
  obsolete?: boolean;
  detail?: boolean;
  hidden?: boolean;
  storeFirst?: boolean;
}

/** What defines a dimension (the fields of the streaming `DIMENSION` line). */
export interface DimensionDef {
  id: string;
  /** Defaults to the id. */
  name?: string;
  algorithm: Algorithm;
  multiplier: number;
  divisor: number;
  hidden?: boolean;
  noreset?: boolean;
  obsolete?: boolean;
}

/** A label with Netdata's source bitmask (1 auto, 2 config, 4 k8s, 8 cloud). */
export interface Label {
  value: string;
  source: number;
}
