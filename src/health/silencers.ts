/**
 * Netdata 1.37.1's health management API (`/api/v1/manage/health`, web/api/health/health_cmdapi.c):
 * silencers that disable alarms (no evaluation) or silence their notifications, for all alarms or
 * for those matching selectors (`alarm`, `template`, `chart`, `context`, `hosts`, `families`, simple
 * patterns), kept in a JSON file across restarts, behind the `X-Auth-Token` of `netdata.api.key`.
 * @module
 */

import { compileSimplePattern, type SimplePattern } from "../util/patterns.ts";
import type { Alarm } from "./alarm.ts";

/** What a silencer does. */
export type SilenceType = "None" | "DISABLE" | "SILENCE";

/** One selector set: every given pattern must match. */
interface Silencer {
  alarm?: string;
  chart?: string;
  context?: string;
  hosts?: string;
  families?: string;
}

const KEYS = ["alarm", "chart", "context", "hosts", "families"] as const;

/** The answer of a management command. */
export interface ManageReply {
  status: number;
  json: boolean;
  body: string;
}

/** The silencers of one agent (they apply to every host, like Netdata's). */
export class Silencers {
  all = false;
  type: SilenceType = "None";
  readonly list: Silencer[] = [];
  #compiled: Map<Silencer, Partial<Record<(typeof KEYS)[number], SimplePattern>>> = new Map();

  #add(s: Silencer): void {
    this.list.push(s);
    const c: Partial<Record<(typeof KEYS)[number], SimplePattern>> = {};
    for (const k of KEYS) if (s[k] !== undefined) c[k] = compileSimplePattern(s[k]!);
    this.#compiled.set(s, c);
  }

  /** Netdata's update_disabled_silenced(): what applies to `a` on host `hostname`. */
  check(a: Alarm, hostname: string): { disabled: boolean; silenced: boolean } {
    let hit = this.all;
    if (!hit && this.type !== "None") {
      hit = this.list.some((s) => {
        const c = this.#compiled.get(s)!;
        return (!c.alarm || c.alarm(a.name) === true) &&
          (!c.context || c.context(a.chart.context) === true) &&
          (!c.hosts || c.hosts(hostname) === true) &&
          (!c.chart || c.chart(a.chart.id) === true) &&
          (!c.families || c.families(a.chart.family) === true);
      });
    }
    return { disabled: hit && this.type === "DISABLE", silenced: hit && this.type === "SILENCE" };
  }

  /** Netdata's health_silencers2json(). */
  toJSON(): string {
    const items = this.list.map((s) => {
      const fields = KEYS.filter((k) => s[k] !== undefined).map((k) => `\n\t\t\t"${k}": "${s[k]}"`);
      return "\n\t\t{" + fields.join(",") + "\n\t\t}";
    });
    return `{\n\t"all": ${this.all},\n\t"type": "${this.type}",\n\t"silencers": [${items.join(",")}${
      items.length ? "\n\t" : ""
    }]\n}\n`;
  }

  /** Reads silencers saved by {@link Silencers.toJSON}; throws on a malformed file. */
  static parse(text: string): Silencers {
    const d = JSON.parse(text) as { all?: boolean; type?: string; silencers?: Record<string, string>[] };
    const s = new Silencers();
    s.all = d.all === true;
    s.type = d.type === "DISABLE" || d.type === "SILENCE" ? d.type : "None";
    for (const item of d.silencers ?? []) {
      const one: Silencer = {};
      for (const k of KEYS) if (typeof item[k] === "string") one[k] = item[k];
      s.#add(one);
    }
    return s;
  }

  /**
   * Runs one `/api/v1/manage/health` request (`cmd=` and selectors, in order), as Netdata does;
   * `changed` tells whether to save.
   */
  command(params: readonly (readonly [string, string])[]): ManageReply & { changed: boolean } {
    let body = "";
    let json = false;
    let changed = true;
    let selector: Silencer | undefined;
    for (const [key, value] of params) {
      if (key === "cmd") {
        if (value === "SILENCE ALL") {
          this.all = true;
          this.type = "SILENCE";
          body += "All alarm notifications are silenced\n";
        } else if (value === "DISABLE ALL") {
          this.all = true;
          this.type = "DISABLE";
          body += "All health checks are disabled\n";
        } else if (value === "SILENCE") {
          this.type = "SILENCE";
          body += "Alarm notifications silenced for alarms matching the selectors\n";
        } else if (value === "DISABLE") {
          this.type = "DISABLE";
          body += "Health checks disabled for alarms matching the selectors\n";
        } else if (value === "RESET") {
          this.all = false;
          this.type = "None";
          this.list.length = 0;
          this.#compiled.clear();
          body += "All health checks and notifications are enabled\n";
        } else if (value === "LIST") {
          json = true;
          changed = false;
          body += this.toJSON();
        }
        continue;
      }
      const k = key.toLowerCase();
      // Netdata accepts `template` as a selector but keeps no pattern for it (it matches all).
      if (k === "template") selector ??= {};
      else if ((KEYS as readonly string[]).includes(k)) {
        selector ??= {};
        selector[k as (typeof KEYS)[number]] = value;
      }
    }
    if (selector !== undefined) {
      this.#add(selector);
      body += "Alarm selector added\n";
      if (this.type === "None") {
        body +=
          "WARNING: Added alarm selector to silence/disable alarms without a SILENCE or DISABLE command.\n";
      }
    }
    if (this.type !== "None" && !this.all && this.list.length === 0) {
      body += "WARNING: SILENCE or DISABLE command is ineffective without defining any alarm selectors.\n";
    }
    return { status: 200, json, body, changed };
  }
}
