/**
 * The `[logs]` reader: where each log goes (Netdata 1.37.1's `error`, `access`, `health`,
 * `debug`, newer Netdata's `daemon` for `error`, and `facility`) and flood protection.
 * @module
 */

import type { Doc, Resolver } from "./resolver.ts";
import { q } from "./resolver.ts";
import { problem, type RawValue } from "./schema.ts";
import type { AgentConfig, ConfigProblem } from "./types.ts";
import { FACILITIES } from "../util/journal.ts";

/** The words a log output accepts besides an absolute path. */
export const LOG_OUTPUTS = ["journal", "syslog", "stderr", "none"] as const;

/** Reads one output: a word of {@link LOG_OUTPUTS} or a file path (relative: in `[directories] log`). */
export function logOutput(raw: RawValue, problems: ConfigProblem[]): string | undefined {
  const v = raw.value.trim();
  if (v !== "" && !v.endsWith("/")) return v;
  problems.push(problem(
    "error",
    raw,
    `Cannot use ${q(raw.key)} in [${raw.section}]: expected ${LOG_OUTPUTS.map(q).join(", ")} or a ` +
      `file path, got ${q(raw.value)}`,
  ));
  return undefined;
}

/** Reads `[logs]` (and the older `[global] ... log` names). */
export function readLogs(agent: Doc, r: Resolver): NonNullable<AgentConfig["logs"]> {
  const out = (raw: RawValue) => logOutput(raw, r.problems);
  return {
    daemon: r.file(agent, "logs/daemon", out, "auto"),
    access: r.file(agent, "logs/access", out, "none"),
    health: r.file(agent, "logs/health", out, "none"),
    debug: r.file(agent, "logs/debug", out, "none"),
    facility: r.file(agent, "logs/facility", r.oneOf(Object.keys(FACILITIES)), "daemon"),
    floodPeriodSec: r.file(agent, "logs/errors flood protection period", r.seconds(0, 86400), 1200),
    floodLines: r.file(
      agent,
      "logs/errors to trigger flood protection",
      r.int({ min: 0, max: 1000000 }),
      200,
    ),
  };
}
