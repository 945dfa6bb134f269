/**
 * Netdata's stream destinations (`[stream] destination`, `default proxy destination`, `proxy
 * destination`): a list separated by spaces (or commas) of `[PROTOCOL:]HOST[%INTERFACE][:PORT][:SSL]`,
 * where PROTOCOL is `tcp` (the default) or `unix` and an IPv6 HOST goes in brackets. Parsed once
 * at load, so a sender never meets a destination it cannot use.
 * @module
 */

import { problem, type RawValue } from "./schema.ts";
import type { ConfigProblem, Destination } from "./types.ts";

/** Why an entry cannot be read: what was expected, and the part of the entry that was found instead. */
export interface DestinationError {
  expected: string;
  got: string;
}

const HOST_RE = /^[A-Za-z0-9._-]+$/;
const IPV6_RE = /^[0-9A-Fa-f:.]+$/;
const PORT_RE = /^\d{1,5}$/;

/**
 * Parses one entry of a destination list; `defaultPort` is the port of entries that name none
 * (`[stream] default port`). Pure: returns the destination, or what was wrong with it.
 *
 * @example
 * ```ts
 * parseDestination("[fd00::1]:19999:SSL", 19999); // { text, host: "fd00::1", port: 19999, ssl: true }
 * parseDestination("parent:99999", 19999); // { expected: "a port from 1 to 65535", got: "99999" }
 * ```
 */
export function parseDestination(entry: string, defaultPort: number): Destination | DestinationError {
  let s = entry;
  const colon = s.indexOf(":");
  const protocol = colon > 0 ? s.slice(0, colon).toLowerCase() : "";
  if (protocol === "unix" || s.startsWith("/")) {
    const path = protocol === "unix" ? s.slice(colon + 1) : s;
    if (path === "") return { expected: 'a socket path after "unix:"', got: "" };
    return { text: entry, host: "", port: 0, ssl: false, unixPath: path };
  }
  if (protocol === "udp") {
    return { expected: 'a TCP destination or "unix:/path" (streaming does not run over UDP)', got: "udp:" };
  }
  if (protocol === "tcp") s = s.slice(colon + 1);

  let ssl = false;
  if (s.toUpperCase().endsWith(":SSL")) {
    ssl = true;
    s = s.slice(0, -4);
  }

  let host: string;
  let rest: string;
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close < 0) return { expected: '"]" after the IPv6 address', got: s };
    host = s.slice(1, close);
    rest = s.slice(close + 1);
    if (host === "" || !IPV6_RE.test(host)) return { expected: "an IPv6 address in brackets", got: host };
  } else {
    const c = s.indexOf(":");
    host = c < 0 ? s : s.slice(0, c);
    rest = c < 0 ? "" : s.slice(c);
    if (rest.indexOf(":", 1) >= 0 && IPV6_RE.test(s)) {
      return { expected: 'an IPv6 address in brackets, like "[fd00::1]:19999"', got: s };
    }
  }

  let iface: string | undefined;
  const pct = host.indexOf("%");
  if (pct >= 0) {
    iface = host.slice(pct + 1);
    host = host.slice(0, pct);
    if (!HOST_RE.test(iface)) return { expected: 'a network interface after "%"', got: iface };
  }
  if (host === "") return { expected: "a host name or an IP address", got: s };
  if (!s.startsWith("[") && !HOST_RE.test(host)) {
    return { expected: "a host name or an IP address", got: host };
  }

  let port = defaultPort;
  if (rest !== "") {
    const digits = rest.slice(1);
    if (rest[0] !== ":" || !PORT_RE.test(digits) || Number(digits) < 1 || Number(digits) > 65535) {
      return { expected: "a port from 1 to 65535", got: rest[0] === ":" ? digits : rest };
    }
    port = Number(digits);
  }
  return { text: entry, host, port, ssl, ...(iface !== undefined ? { interface: iface } : {}) };
}

/** Options of {@link destinations}. */
export interface DestinationsOptions {
  /** Port of entries that name none (`[stream] default port`). */
  defaultPort: number;
  /** exporting.conf: a trailing `:https` reads as `:SSL`, and each entry keeps its text as written. */
  https?: boolean;
  /** exporting.conf `[TYPE:https:NAME]`: every entry uses TLS. */
  tls?: boolean;
  /** Why a unix socket cannot be used here (exporting connects over TCP); unset allows one. */
  noUnix?: string;
}

/**
 * Reads a destination list: every entry that cannot be read is one problem; returns undefined
 * when there is any. An empty value is an empty list.
 */
export function destinations(
  raw: RawValue,
  problems: ConfigProblem[],
  opts: DestinationsOptions,
): Destination[] | undefined {
  const out: Destination[] = [];
  let ok = true;
  for (const entry of raw.value.split(/[\s,]+/)) {
    if (entry === "") continue;
    const https = opts.https === true && /:https$/i.test(entry);
    const d = parseDestination(https ? entry.slice(0, -6) + ":SSL" : entry, opts.defaultPort);
    if ("expected" in d) {
      ok = false;
      problems.push(problem(
        "error",
        raw,
        `Cannot parse ${q(raw.key)} in [${raw.section}]: expected ${d.expected} in entry ${q(entry)}, ` +
          `got ${q(d.got)}`,
      ));
    } else if (opts.noUnix !== undefined && d.unixPath !== undefined) {
      ok = false;
      problems.push(
        problem(
          "error",
          raw,
          `Cannot use ${q(raw.key)} in [${raw.section}]: ${opts.noUnix}, got ${q(entry)}`,
        ),
      );
    } else out.push(opts.https === true ? { ...d, text: entry, ssl: d.ssl || opts.tls === true } : d);
  }
  return ok ? out : undefined;
}

const q = (s: string): string => JSON.stringify(s);
