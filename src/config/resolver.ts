/**
 * The machinery the readers share: {@link Doc} (one parsed file, and which keys were read),
 * {@link Resolver} (default < file < flag, with where each value came from) and the command-line
 * overrides it applies.
 * @module
 */

import type { MemoryMode } from "../store/mod.ts";
import type { IniFile } from "./ini.ts";
import { ALIASES } from "./keys.ts";
import {
  bool,
  duration,
  int,
  type IntOptions,
  nonEmpty,
  oneOf,
  problem,
  type RawValue,
  suggest,
  type Where,
} from "./schema.ts";
import type { ConfigProblem, LogLevel, Role } from "./types.ts";

/** Command-line values that win over the files. Each is validated; problems name the flag. */
export interface ConfigOverrides {
  /** `--hostname`: `[global] hostname`. */
  hostname?: string;
  /** `--port`: `[web] default port`, and the port of every TCP `bind to` entry (0 picks a free port). */
  port?: number;
  /** `--bind`: `[web] bind to`, same syntax. */
  bind?: string;
  /** `--data-dir`: `[directories] lib`. */
  dataDir?: string;
  /** `--memory-mode`: `[db] mode`. */
  memoryMode?: MemoryMode;
  /** `--stream-to`: `[stream] destination`, and turns `[stream] enabled` on. */
  streamTo?: string;
  /** `--api-key`: `[stream] api key`. */
  apiKey?: string;
  /** `--log-level`: `[logs] level`. */
  logLevel?: LogLevel;
  /** `--proc-root`: where /proc is read from (Netdata: `[global] host access prefix` + "/proc"). */
  procRoot?: string;
  /** `--update-every`: `[db] update every`, in seconds. */
  updateEvery?: number;
}

/** The flag that sets each override, as named in problems. */
export const OVERRIDE_FLAGS: Readonly<Record<keyof ConfigOverrides, string>> = Object.freeze({
  hostname: "--hostname",
  port: "--port",
  bind: "--bind",
  dataDir: "--data-dir",
  memoryMode: "--memory-mode",
  streamTo: "--stream-to",
  apiKey: "--api-key",
  logLevel: "--log-level",
  procRoot: "--proc-root",
  updateEvery: "--update-every",
});

/** Quotes a value for a message. */
export const q = (s: string): string => JSON.stringify(s);

/** The warning for a Netdata key that the agent does not use. */
export const notUsedMessage = (section: string, key: string) =>
  `Ignoring ${q(key)} in [${section}]: the agent does not use this Netdata key`;

/** One parsed file plus which of its keys were read. */
export class Doc {
  readonly ini: IniFile;
  readonly #sections = new Map<string, IniFile["sections"][number]>();
  readonly #used = new Set<string>();

  constructor(ini: IniFile) {
    this.ini = ini;
    for (const s of ini.sections) this.#sections.set(s.name, s);
  }

  /** The value of `[section] key`, marked as read; undefined when the file does not set it. */
  take(section: string, key: string): RawValue | undefined {
    const e = this.#sections.get(section)?.entries.get(key);
    if (!e) return undefined;
    this.#used.add(`${section}\0${key}`);
    return { value: e.value, file: this.ini.file, line: e.line, section, key };
  }

  /** Whether `[section] key` was read. */
  isUsed(section: string, key: string): boolean {
    return this.#used.has(`${section}\0${key}`);
  }
}

/** A map whose contents cannot change after construction (Object.freeze does not stop Map.set). */
export class FrozenMap<K, V> extends Map<K, V> {
  #frozen = false;
  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [k, v] of entries) super.set(k, v);
    this.#frozen = true;
    Object.freeze(this);
  }
  override set(key: K, value: V): this {
    if (this.#frozen) throw new TypeError("Cannot change a frozen configuration map");
    return super.set(key, value);
  }
  override delete(_key: K): boolean {
    throw new TypeError("Cannot change a frozen configuration map");
  }
  override clear(): void {
    throw new TypeError("Cannot change a frozen configuration map");
  }
}

/** Freezes `value` and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  return Object.freeze(value);
}

/**
 * Resolves settings one by one: default < file < flag. Records where each effective value came
 * from (`sources`) and collects problems.
 */
export class Resolver {
  readonly problems: ConfigProblem[] = [];
  readonly sources = new Map<string, string>();
  readonly overrides: ConfigOverrides;

  constructor(overrides: ConfigOverrides) {
    this.overrides = overrides;
  }

  /**
   * Reads `id` (`section/key`) from `doc`, then its older names (see ALIASES); a value that does
   * not parse leaves the default in place (its problem is recorded).
   */
  file<T>(doc: Doc, id: string, read: (raw: RawValue) => T | undefined, dflt: T, dfltSource = "default"): T {
    const raw = this.pick(doc, id);
    const v = raw ? read(raw) : undefined;
    if (raw && v !== undefined) {
      this.sources.set(id, `${raw.file}:${raw.line}`);
      return v;
    }
    this.sources.set(id, dfltSource);
    return dflt;
  }

  /** The raw value of `id` or of its first older name that is set; later ones are warned about. */
  pick(doc: Doc, id: string): RawValue | undefined {
    let found: RawValue | undefined;
    for (const [section, key] of [splitId(id), ...(ALIASES[id] ?? [])]) {
      const raw = doc.take(section, key);
      if (!raw) continue;
      if (!found) found = raw;
      else {
        const wins = `${q(found.key)} in [${found.section}] is also set and wins`;
        this.problems.push(problem("warning", raw, `Ignoring ${q(key)} in [${section}]: ${wins}`));
      }
    }
    return found;
  }

  /** Applies override `name` to `id`, checked as if written in that key, with the flag as its file. */
  flag<T>(name: keyof ConfigOverrides, id: string, read: (raw: RawValue) => T | undefined, current: T): T {
    const given = this.overrides[name];
    if (given === undefined) return current;
    const [section, key] = splitId(id);
    const v = read({ value: String(given), file: OVERRIDE_FLAGS[name], line: 0, section, key });
    if (v === undefined) return current;
    this.sources.set(id, OVERRIDE_FLAGS[name]);
    return v;
  }

  // Typed shorthands for the getters of schema.ts.
  text = (r: RawValue): string => r.value;
  bool = (r: RawValue): boolean | undefined => bool(r, this.problems);
  int = (opts: IntOptions) => (r: RawValue): number | undefined => int(r, this.problems, opts);
  seconds = (min: number, max: number) => (r: RawValue): number | undefined =>
    duration(r, this.problems, { min, max });
  oneOf = <T extends string>(values: readonly T[]) => (r: RawValue): T | undefined =>
    oneOf(r, this.problems, { values });
  nonEmpty = (what: string) => (r: RawValue): string | undefined => nonEmpty(r, this.problems, { what });
}

function splitId(id: string): [string, string] {
  const slash = id.indexOf("/");
  return [id.slice(0, slash), id.slice(slash + 1)];
}

/** The file and line of a `sources` entry (`file:line`); flags and defaults have line 0. */
export function whereFrom(source: string, dflt: string): { file: string; line: number } {
  const m = /^(.*):(\d+)$/.exec(source);
  if (m) return { file: m[1], line: Number(m[2]) };
  return { file: source.startsWith("default") ? dflt : source, line: 0 };
}

/** The error for an unknown key, with the nearest known key. */
export function unknownKey(where: Where, known: Iterable<string>): ConfigProblem {
  const near = suggest(where.key, known);
  const hint = near ? `: did you mean ${q(near)}?` : "";
  return problem("error", where, `Unknown key ${q(where.key)} in [${where.section}]${hint}`);
}

/** The source of a default that `--role` picked. */
export function roleSource(role: Role, differsFromStandalone: boolean): string {
  return differsFromStandalone ? `default for --role ${role}` : "default";
}
