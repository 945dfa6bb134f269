/**
 * The factory of the grouping methods: a resolved `group=` in, the {@link Grouping} that
 * implements it out.
 * @module
 */

import type { Grouping, GroupingContext, GroupMethod } from "./group_method.ts";
import {
  AverageGrouping,
  CountifGrouping,
  IncrementalSumGrouping,
  MinMaxGrouping,
  StddevGrouping,
  SumGrouping,
} from "./grouping_basic.ts";
import { MedianGrouping, PercentileGrouping, TrimmedMeanGrouping } from "./grouping_sorted.ts";
import { DesGrouping, SesGrouping } from "./grouping_smooth.ts";

/** Creates the grouping for a method. */
export function createGrouping(method: GroupMethod, ctx: GroupingContext): Grouping {
  switch (method.kind) {
    case "min":
      return new MinMaxGrouping(false);
    case "max":
      return new MinMaxGrouping(true);
    case "sum":
      return new SumGrouping();
    case "incremental_sum":
      return new IncrementalSumGrouping();
    case "median":
      return new MedianGrouping(ctx, method.percent);
    case "percentile":
      return new PercentileGrouping(ctx, method.percent);
    case "trimmed-mean":
      return new TrimmedMeanGrouping(ctx, method.percent);
    case "stddev":
      return new StddevGrouping(false);
    case "cv":
      return new StddevGrouping(true);
    case "ses":
      return new SesGrouping(ctx);
    case "des":
      return new DesGrouping(ctx);
    case "countif":
      return new CountifGrouping(ctx);
    default:
      return new AverageGrouping(ctx);
  }
}
