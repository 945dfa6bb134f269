/**
 * The parsed form of a health rule (an `alarm:` or `template:` entity), at the bottom of the health
 * folder: the rule parser and its value parsers both build it.
 * @module
 */

import type { Expression } from "./expression.ts";

/** A `lookup:` line. */
export interface Lookup {
  /** Canonical grouping name (`average`, `incremental_sum`...). */
  group: string;
  /** Seconds, negative (relative to `before`). */
  after: number;
  /** Seconds, `at` (0 = now, negative = in the past). */
  before: number;
  /** Query options (`absolute`, `percentage`, `unaligned`, `match-ids`, `match-names`, `min2max`, `null2zero`). */
  options: string[];
  /** `of DIMS` (Netdata's dimension pattern, `,`/`|` separated), undefined for all. */
  dimensions: string | undefined;
  /** `foreach DIMS`: one alarm per matching dimension. */
  foreach: string | undefined;
}

/** `delay:` */
export interface Delay {
  up: number;
  down: number;
  multiplier: number;
  max: number;
}

/** One `alarm:` or `template:` entity. */
export interface Rule {
  kind: "alarm" | "template";
  name: string;
  /** `LINE@FILE`, Netdata's `source`. */
  source: string;
  file: string;
  line: number;
  /** Chart (alarm) or context (template). */
  on: string;
  os: string | undefined;
  hosts: string | undefined;
  families: string | undefined;
  charts: string | undefined;
  plugin: string | undefined;
  module: string | undefined;
  hostLabels: string | undefined;
  lookup: Lookup | undefined;
  calc: Expression | undefined;
  warn: Expression | undefined;
  crit: Expression | undefined;
  /** Seconds between evaluations (from `every`, else the lookup's window). */
  every: number;
  green: number;
  red: number;
  exec: string | undefined;
  to: string | undefined;
  units: string | undefined;
  info: string | undefined;
  classification: string | undefined;
  component: string | undefined;
  type: string | undefined;
  delay: Delay;
  /** Seconds; undefined = the `[health] default repeat ...` of the host. */
  warnRepeatEvery: number | undefined;
  critRepeatEvery: number | undefined;
  noClearNotification: boolean;
  /** The text of each key as written (for the API and reload diffs). */
  text: Record<string, string>;
}
