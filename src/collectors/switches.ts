/**
 * netdata.conf's collector switches as the collectors use them: `[plugins] <plugin>` and
 * `[plugin:proc] <module>` turn a collector off, `[plugin:proc:<section>] <option>` sets one of its
 * charts (groups) to yes, no or auto.
 * @module
 */

import { AUTO, NO, YES } from "./_helper.ts";
import type { EnableLookup } from "./_table.ts";

/** The switches a config file set (the shape of the config's `collectors`); absent ones keep defaults. */
export interface CollectorSwitches {
  /** `[plugins]`: proc, diskspace, idlejitter, timex, cgroups, python.d. */
  readonly plugins?: Readonly<Record<string, boolean>>;
  /** `[plugin:proc]`, by Netdata's module name (`/proc/net/netstat`, `ipc`, ...). */
  readonly modules?: Readonly<Record<string, boolean>>;
  /** `[plugin:proc:<section>] <option>`, the section without `plugin:proc:`; `[plugin:timex]`, `[plugin:cgroups]` whole. */
  readonly options?: Readonly<Record<string, Readonly<Record<string, "yes" | "no" | "auto">>>>;
  /** `[plugin:cgroups]` numbers, patterns and paths, by section (checked when the config loaded). */
  readonly settings?: Readonly<Record<string, Readonly<Record<string, string | number>>>>;
}

/** Netdata's `[plugin:proc]` name of a proc collector where it differs from its chart module. */
const MODULE_KEYS: Record<string, string> = {
  "/proc/net/stat/nf_conntrack": "/proc/net/stat/conntrack",
};

/** Whether the collector called `name` (`proc:/proc/vmstat`, `diskspace`, ...) is switched on. */
export function collectorOn(switches: CollectorSwitches | undefined, name: string): boolean {
  if (switches === undefined) return true;
  const colon = name.indexOf(":");
  const plugin = colon < 0 ? name : name.slice(0, colon);
  if (switches.plugins?.[plugin] === false) return false;
  if (colon < 0) return true;
  const module = name.slice(colon + 1);
  return switches.modules?.[MODULE_KEYS[module] ?? module] !== false;
}

/** The collectors' option lookup over what the file set. */
export function optionLookup(switches: CollectorSwitches | undefined): EnableLookup {
  const options = switches?.options;
  if (options === undefined) return (_s, _o, dflt) => dflt;
  return (section, option, dflt) => {
    const v = options[section]?.[option];
    return v === undefined ? dflt : v === "yes" ? YES : v === "no" ? NO : AUTO;
  };
}
