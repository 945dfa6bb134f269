/**
 * The contract of the grouping methods (`group=`): the names Netdata accepts, what a method needs
 * to know about the query, and the {@link Grouping} interface every method implements.
 * @module
 */

/** The grouping methods, by canonical name. */
export type GroupKind =
  | "average"
  | "min"
  | "max"
  | "sum"
  | "incremental_sum"
  | "median"
  | "percentile"
  | "trimmed-mean"
  | "stddev"
  | "cv"
  | "ses"
  | "des"
  | "countif";

/** A resolved `group=`: its canonical name (as echoed), kind and default percentage. */
export interface GroupMethod {
  name: string;
  kind: GroupKind;
  /** Default percent for median/trimmed/percentile forms. */
  percent: number;
}

const GROUP_TABLE: readonly (readonly [string, string, GroupKind, number])[] = [
  // [alias, canonical, kind, default percent]
  ["average", "average", "average", 0],
  ["mean", "average", "average", 0],
  ["trimmed-mean1", "trimmed-mean1", "trimmed-mean", 1],
  ["trimmed-mean2", "trimmed-mean2", "trimmed-mean", 2],
  ["trimmed-mean3", "trimmed-mean3", "trimmed-mean", 3],
  ["trimmed-mean5", "trimmed-mean5", "trimmed-mean", 5],
  ["trimmed-mean10", "trimmed-mean10", "trimmed-mean", 10],
  ["trimmed-mean15", "trimmed-mean15", "trimmed-mean", 15],
  ["trimmed-mean20", "trimmed-mean20", "trimmed-mean", 20],
  ["trimmed-mean25", "trimmed-mean25", "trimmed-mean", 25],
  ["trimmed-mean", "trimmed-mean5", "trimmed-mean", 5],
  ["incremental_sum", "incremental_sum", "incremental_sum", 0],
  ["incremental-sum", "incremental_sum", "incremental_sum", 0],
  ["median", "median", "median", 0],
  ["trimmed-median1", "trimmed-median1", "median", 1],
  ["trimmed-median2", "trimmed-median2", "median", 2],
  ["trimmed-median3", "trimmed-median3", "median", 3],
  ["trimmed-median5", "trimmed-median5", "median", 5],
  ["trimmed-median10", "trimmed-median10", "median", 10],
  ["trimmed-median15", "trimmed-median15", "median", 15],
  ["trimmed-median20", "trimmed-median20", "median", 20],
  ["trimmed-median25", "trimmed-median25", "median", 25],
  ["trimmed-median", "trimmed-median5", "median", 5],
  ["percentile25", "percentile25", "percentile", 25],
  ["percentile50", "percentile50", "percentile", 50],
  ["percentile75", "percentile75", "percentile", 75],
  ["percentile80", "percentile80", "percentile", 80],
  ["percentile90", "percentile90", "percentile", 90],
  ["percentile95", "percentile95", "percentile", 95],
  ["percentile97", "percentile97", "percentile", 97],
  ["percentile98", "percentile98", "percentile", 98],
  ["percentile99", "percentile99", "percentile", 99],
  ["percentile", "percentile95", "percentile", 95],
  ["min", "min", "min", 0],
  ["max", "max", "max", 0],
  ["sum", "sum", "sum", 0],
  ["stddev", "stddev", "stddev", 0],
  ["cv", "cv", "cv", 0],
  ["rsd", "cv", "cv", 0],
  ["ses", "ses", "ses", 0],
  ["ema", "ses", "ses", 0],
  ["ewma", "ses", "ses", 0],
  ["des", "des", "des", 0],
  ["countif", "countif", "countif", 0],
];

/** Resolves a `group=` name; unknown or missing names are `average`. */
export function parseGroupMethod(name: string | undefined): GroupMethod {
  for (const [alias, canonical, kind, percent] of GROUP_TABLE) {
    if (alias === name) return { name: canonical, kind, percent };
  }
  return { name: "average", kind: "average", percent: 0 };
}

/** What a grouping method needs to know about the query. */
export interface GroupingContext {
  /** Database points per output row (`group`). */
  group: number;
  /** Rows of the query (for ses/des running windows). */
  points: number;
  resamplingGroup: number;
  resamplingDivisor: number;
  /** `group_options`. */
  options: string | undefined;
  /** `[web] ses max window` / `des max window` (default 15). */
  maxWindow?: number;
}

/** One time-grouping method: values go in with add(), each row comes out of flush(). */
export interface Grouping {
  /** Called when the query switches to another dimension. */
  reset(): void;
  add(value: number): void;
  /** The row value (0 when empty, with `empty` set). */
  flush(): number;
  /** Whether the last flush() had no value. */
  empty: boolean;
}
