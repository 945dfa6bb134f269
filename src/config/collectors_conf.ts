/**
 * netdata.conf's collector switches: `[plugins]`, `[plugin:proc]` and the `[plugin:proc:<module>]`
 * options the collectors read (see COLLECTOR_KEYS), checked here and handed to the collectors as
 * plain values; only keys that a file sets are kept (the collectors know their defaults).
 * @module
 */

import { CGROUPS_SETTING_KEYS, COLLECTOR_KEYS, COLLECTOR_UNUSED_KEYS, DISKSPACE_MOUNT_KEYS } from "./keys.ts";
import { type Doc, notUsedMessage, q, unknownKey } from "./resolver.ts";
import { duration, int, problem, type RawValue } from "./schema.ts";
import type { AgentConfig, CollectorSwitch, ConfigProblem } from "./types.ts";

const DISKSPACE_MOUNT = "plugin:proc:diskspace:";
const PROC_OPTIONS = "plugin:proc:";
const CGROUPS = "plugin:cgroups";

/** The keys a collector section takes, or undefined when the section is not one of them. */
function keysOf(section: string): readonly string[] | undefined {
  if (section.startsWith(DISKSPACE_MOUNT) && section.length > DISKSPACE_MOUNT.length) {
    return DISKSPACE_MOUNT_KEYS;
  }
  return COLLECTOR_KEYS[section];
}

/** Whether `[section]` is read by {@link readCollectors} (its leftovers are reported there). */
export function isCollectorSection(section: string): boolean {
  return keysOf(section) !== undefined;
}

/** Netdata's boolean-or-auto values. */
function readSwitch(raw: RawValue, problems: ConfigProblem[]): CollectorSwitch | undefined {
  switch (raw.value.trim().toLowerCase()) {
    case "yes":
    case "true":
    case "on":
      return "yes";
    case "no":
    case "false":
    case "off":
      return "no";
    case "auto":
    case "on demand":
      return "auto";
  }
  problems.push(problem(
    "error",
    raw,
    `Cannot parse ${q(raw.key)} in [${raw.section}]: expected "yes", "no" or "auto", got ${q(raw.value)}`,
  ));
  return undefined;
}

/** Checks one of {@link CGROUPS_SETTING_KEYS}: a number in its range, an absolute path, or a pattern. */
function readCgroupsSetting(raw: RawValue, problems: ConfigProblem[]): string | number | undefined {
  const k = raw.key;
  if (k === "update every" || k === "check for new cgroups every") {
    return duration(raw, problems, { min: 1, max: 86400 });
  }
  if (k === "containers priority") return int(raw, problems, { min: 1, max: 2147483647 });
  if (k.startsWith("recheck zero")) return int(raw, problems, { min: 0, max: 1000000, unit: "iterations" });
  if (k === "max cgroups to allow") return int(raw, problems, { min: 1, max: 1000000 });
  if (k === "max cgroups depth to monitor") return int(raw, problems, { min: 0, max: 1000 });
  if (k.startsWith("path to ") || k === "meminfo filename to monitor") {
    if (raw.value.startsWith("/")) return raw.value.replace(/\/+$/, "") || "/";
    problems.push(problem(
      "error",
      raw,
      `Cannot use ${q(k)} in [${raw.section}]: expected an absolute path, got ${q(raw.value)}`,
    ));
    return undefined;
  }
  return raw.value; // a simple pattern: any words match or not, none is malformed
}

/**
 * Reads the collector switches and reports the other keys of those sections: Netdata's that we do
 * not use as warnings, unknown ones as errors (with the nearest known key).
 */
export function readCollectors(agent: Doc, problems: ConfigProblem[]): AgentConfig["collectors"] {
  const plugins: Record<string, boolean> = {};
  const modules: Record<string, boolean> = {};
  const options: Record<string, Record<string, CollectorSwitch>> = {};
  const settings: Record<string, Record<string, string | number>> = {};
  const file = agent.ini.file;
  for (const section of agent.ini.sections) {
    const keys = keysOf(section.name);
    if (keys === undefined) continue;
    for (const e of section.entries.values()) {
      if (!keys.includes(e.key)) {
        const where = { file, line: e.line, section: section.name, key: e.key };
        const unused = COLLECTOR_UNUSED_KEYS[section.name] ?? [];
        problems.push(
          unused.includes(e.key)
            ? problem("warning", where, notUsedMessage(section.name, e.key))
            : unknownKey(where, [...keys, ...unused]),
        );
        continue;
      }
      const raw = agent.take(section.name, e.key)!;
      if (section.name === CGROUPS && CGROUPS_SETTING_KEYS.includes(e.key)) {
        const v = readCgroupsSetting(raw, problems);
        if (v !== undefined) (settings[section.name] ??= {})[e.key] = v;
        continue;
      }
      const v = readSwitch(raw, problems);
      if (v === undefined) continue;
      if (section.name === "plugins") plugins[e.key] = v !== "no";
      else if (section.name === "plugin:proc") modules[e.key] = v !== "no";
      else {
        // `[plugin:proc:<module>]` by module name; other plugins' sections (`plugin:timex`) whole.
        const name = section.name.startsWith(PROC_OPTIONS)
          ? section.name.slice(PROC_OPTIONS.length)
          : section.name;
        (options[name] ??= {})[e.key] = v;
      }
    }
  }
  // `settings` only when a file has some, so that configs without them compare as before.
  return Object.keys(settings).length > 0
    ? { plugins, modules, options, settings }
    : { plugins, modules, options };
}
