/**
 * `GET /api/v1/allmetrics`: shell, json, prometheus and prometheus_all_hosts,
 * with Netdata's names, escaping, 7-decimal values and the per-scraper window.
 * @module
 */

import { promLabel, promName, promUnits } from "../../exporting/naming.ts";
import { storedValue } from "../../exporting/value.ts";
import type { Dimension, Host } from "../../host/mod.ts";
import { CT_JSON, CT_PROMETHEUS, CT_TEXT, formatFixed, jsonString } from "../format.ts";
import { compileSimplePattern, type SimplePattern } from "../../util/patterns.ts";
import { lastStoredValue, type QueryScratch } from "../query/mod.ts";
import { hostVersion, type Reply, type RouteContext, textReply } from "../reply.ts";

const SOURCE_AS_COLLECTED = 1;
const SOURCE_AVERAGE = 2;
const SOURCE_SUM = 3;

const OUT_HELP = 1;
const OUT_TYPES = 2;
const OUT_NAMES = 4;
const OUT_TIMESTAMPS = 8;
const OUT_VARIABLES = 16;
const OUT_OLDUNITS = 32;
const OUT_HIDEUNITS = 64;

const OUTPUT_FLAGS: Record<string, number> = {
  help: OUT_HELP,
  types: OUT_TYPES,
  names: OUT_NAMES,
  timestamps: OUT_TIMESTAMPS,
  variables: OUT_VARIABLES,
  oldunits: OUT_OLDUNITS,
  hideunits: OUT_HIDEUNITS,
};

const DATA_SOURCE_PARAMS = new Set([
  "data",
  "source",
  "data source",
  "data-source",
  "data_source",
  "datasource",
]);

/** The Prometheus exporter's `update every` (Netdata's default): the first scrape's window. */
const EXPORTER_UPDATE_EVERY = 10;

/** Netdata's shell_name_copy(): upper-case, non-alphanumerics as `_`. */
function shellName(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, "_").toUpperCase();
}

function wasCollected(d: Dimension): boolean {
  return d.collections > 0 || d.lastCollectedUs > 0;
}

/** `%0.0f` of a value rounded half away from zero (Netdata's roundndd()). */
function roundText(n: number): string {
  const r = n < 0 ? -Math.round(-n) : Math.round(n);
  return Object.is(r, -0) ? "-0" : formatFixed(r, 0);
}

/** Handles `/api/v1/allmetrics`. */
export function allmetricsRoute(ctx: RouteContext): Reply {
  let format: string | undefined = "shell";
  let filter: string | undefined;
  let server = ctx.clientIp;
  let prefix = "netdata";
  let source = SOURCE_AVERAGE;
  let out = OUT_TIMESTAMPS | OUT_NAMES;
  for (const [name, value] of ctx.params.pairs) {
    if (name === "format") {
      format = ["shell", "prometheus", "prometheus_all_hosts", "json"].includes(value) ? value : undefined;
    } else if (name === "filter") filter = value;
    else if (name === "server") server = value;
    else if (name === "prefix") prefix = value;
    else if (DATA_SOURCE_PARAMS.has(name)) {
      if (["raw", "as collected", "as-collected", "as_collected", "ascollected"].includes(value)) {
        source = SOURCE_AS_COLLECTED;
      } else if (value === "average") source = SOURCE_AVERAGE;
      else if (value === "sum" || value === "volume") source = SOURCE_SUM;
    } else if (name in OUTPUT_FLAGS) {
      if (value === "yes" || value === "1" || value === "true") out |= OUTPUT_FLAGS[name];
      else out &= ~OUTPUT_FLAGS[name];
    }
  }
  switch (format) {
    case "json":
      return { status: 200, type: CT_JSON, body: allmetricsJson(ctx.host, filter, ctx.state.scratch) };
    case "shell":
      return { status: 200, type: CT_TEXT, body: allmetricsShell(ctx.host, filter, ctx.state.scratch) };
    case "prometheus":
    case "prometheus_all_hosts":
      return {
        status: 200,
        type: CT_PROMETHEUS,
        body: prometheus(ctx, format === "prometheus_all_hosts", { filter, server, prefix, source, out }),
      };
    default:
      return textReply(
        400,
        "Which format? 'shell', 'prometheus', 'prometheus_all_hosts' and 'json' are currently supported.",
      );
  }
}

function compileFilter(filter: string | undefined): SimplePattern | undefined {
  return filter === undefined ? undefined : compileSimplePattern(filter);
}

function allmetricsShell(host: Host, filter: string | undefined, scratch: QueryScratch): string {
  const p = compileFilter(filter);
  let out = "";
  for (const st of host.charts.values()) {
    if (p !== undefined && p(st.name) !== true) continue;
    const chart = shellName(st.name);
    out += `\n# chart: ${st.id} (name: ${st.name})\n`;
    if (st.hidden || st.obsolete || st.dimensions.length === 0) continue;
    let total = 0;
    for (const d of st.dimensions) {
      if (!wasCollected(d) || d.obsolete) continue;
      const dim = shellName(d.name);
      let n = lastStoredValue(host.store, d.seriesId, scratch);
      if (!Number.isFinite(n)) {
        out += `NETDATA_${chart}_${dim}=""      # ${st.units}\n`;
        continue;
      }
      if (d.multiplier < 0 || d.divisor < 0) n = -n;
      n = n < 0 ? -Math.round(-n) : Math.round(n);
      if (!d.hidden) total += n;
      out += `NETDATA_${chart}_${dim}="${roundText(n)}"      # ${st.units}\n`;
    }
    out += `NETDATA_${chart}_VISIBLETOTAL="${roundText(total)}"      # ${st.units}\n`;
  }
  return out + "\n# NETDATA ALARMS RUNNING\n";
}

function allmetricsJson(host: Host, filter: string | undefined, scratch: QueryScratch): string {
  const p = compileFilter(filter);
  let out = "{";
  let charts = 0;
  for (const st of host.visibleCharts()) {
    if (p !== undefined && p(st.id) !== true && p(st.name) !== true) continue;
    out += (charts++ > 0 ? "," : "") + `\n\t${jsonString(st.id)}: {\n` +
      `\t\t"name":${jsonString(st.name)},\n` +
      `\t\t"family":${jsonString(st.family)},\n` +
      `\t\t"context":${jsonString(st.context)},\n` +
      `\t\t"units":${jsonString(st.units)},\n` +
      `\t\t"last_updated": ${st.lastEntrySec()},\n` +
      `\t\t"dimensions": {`;
    let dims = 0;
    for (const d of st.dimensions) {
      if (!wasCollected(d) || d.obsolete) continue;
      const v = lastStoredValue(host.store, d.seriesId, scratch);
      out += (dims++ > 0 ? "," : "") + `\n\t\t\t${jsonString(d.id)}: {\n` +
        `\t\t\t\t"name": ${jsonString(d.name)},\n` +
        `\t\t\t\t"value": ${v === v ? formatFixed(v, 7) : "null"}\n\t\t\t}`;
    }
    out += "\n\t\t}\n\t}";
  }
  return out + "\n}";
}

interface PromOptions {
  filter: string | undefined;
  server: string;
  prefix: string;
  source: number;
  out: number;
}

function prometheus(ctx: RouteContext, allHosts: boolean, o: PromOptions): string {
  const nowSec = Math.floor(ctx.nowMs / 1000);
  const server = o.server === "" ? "default" : o.server;
  const key = server + "\u0000" + ctx.host.machineGuid;
  const seen = ctx.state.prometheusLastAccess.get(key);
  ctx.state.prometheusLastAccess.set(key, nowSec);
  let after = seen ?? 0;
  const firstSeen = after === 0;
  if (firstSeen) after = nowSec - EXPORTER_UPDATE_EVERY;
  if (after > nowSec) after = nowSec - EXPORTER_UPDATE_EVERY;

  let text = "";
  if ((o.out & OUT_HELP) !== 0) {
    const mode = o.source === SOURCE_AS_COLLECTED
      ? "as collected"
      : o.source === SOURCE_AVERAGE
      ? "average"
      : "sum";
    text +=
      `# COMMENT netdata "${ctx.host.hostname}" to ${
        firstSeen ? "FIRST SEEN " : ""
      }prometheus "${server}", ` +
      `source "${mode}", last seen ${firstSeen ? 0 : nowSec - after} ${
        firstSeen ? "never" : "seconds ago"
      }, ` +
      `time range ${after} to ${nowSec}\n\n`;
  }
  const hosts = allHosts ? ctx.hosts.list() : [ctx.host];
  for (const h of hosts) text += prometheusHost(ctx, h, allHosts, o, after, nowSec);
  return text;
}

function prometheusHost(
  ctx: RouteContext,
  host: Host,
  allHosts: boolean,
  o: PromOptions,
  after: number,
  before: number,
): string {
  const filter = compileFilter(o.filter);
  const names = (o.out & OUT_NAMES) !== 0;
  const help = (o.out & OUT_HELP) !== 0;
  const types = (o.out & OUT_TYPES) !== 0;
  const timestamps = (o.out & OUT_TIMESTAMPS) !== 0;
  const prefix = o.prefix;
  const hostname = promLabel(host.hostname);
  const scratch = ctx.state.scratch;

  const hostLabels: string[] = [];
  for (const [k, l] of host.labels) {
    if ((l.source & 2) === 0) continue; // only labels from configuration, like Netdata's default
    const name = promName(k);
    const value = promLabel(l.value);
    if (name !== "" && value !== "") hostLabels.push(`${name}="${value}"`);
  }
  let out = `netdata_info{instance="${hostname}",application="${promLabel(host.program)}",` +
    `version="${promLabel(hostVersion(ctx, host))}"` +
    (hostLabels.length > 0 ? "," + hostLabels.join(",") : "") +
    (timestamps ? `} 1 ${Math.floor(ctx.nowMs)}\n` : "} 1\n");
  const labels = allHosts ? `,instance="${hostname}"` : "";

  if ((o.out & OUT_VARIABLES) !== 0) {
    let header = false;
    const l = labels === "" ? "" : "{" + labels.slice(1) + "}";
    for (const [k, v] of host.variables) {
      if (!header) {
        header = true;
        if (help) out += "\n# COMMENT global host and chart variables\n";
      }
      if (!Number.isFinite(v)) {
        if (help) out += `# COMMENT variable "${k}" is ${v !== v ? "NAN" : "INF"}. Skipped.\n`;
        continue;
      }
      out += `${prefix}_${promName(k)}${l} ${formatFixed(v, 7)}` +
        (timestamps ? ` ${before * 1000}\n` : "\n");
    }
  }

  const asCollected = o.source === SOURCE_AS_COLLECTED;
  for (const st of host.charts.values()) {
    if (filter !== undefined && filter(names ? st.name : st.id) !== true) continue;
    if (st.obsolete || st.dimensions.length === 0) continue;
    if (host.store.mode === "none" && !asCollected) continue;
    const chart = promLabel(names ? st.name : st.id);
    const family = promLabel(st.family);
    const context = promName(st.context);
    let homogeneous = true;
    let promCollector = false;
    let units = "";
    if (asCollected) {
      const d0 = st.dimensions[0];
      for (const d of st.dimensions) {
        if (d.algorithm !== d0.algorithm || d.multiplier !== d0.multiplier || d.divisor !== d0.divisor) {
          homogeneous = false;
        }
      }
      promCollector = st.module === "prometheus";
    } else if (o.source === SOURCE_AVERAGE && (o.out & OUT_HIDEUNITS) === 0) {
      units = promUnits(st.units, (o.out & OUT_OLDUNITS) !== 0);
    }
    if (help) {
      out +=
        `\n# COMMENT ${homogeneous ? "homogeneous" : "heterogeneous"} chart "${names ? st.name : st.id}", ` +
        `context "${st.context}", family "${st.family}", units "${st.units}"\n`;
    }
    for (const d of st.dimensions) {
      if (!wasCollected(d) || d.obsolete) continue;
      const dimRaw = names ? d.name : d.id;
      if (asCollected) {
        const collectedSec = Math.floor(d.lastCollectedUs / 1_000_000);
        if (collectedSec < after) continue;
        let type = "gauge";
        let relation = "gives";
        let suffix = "";
        if (d.algorithm === "incremental" || d.algorithm === "percentage-of-incremental-row") {
          type = "counter";
          relation = "delta gives";
          if (!promCollector) suffix = "_total";
        }
        const dim = homogeneous ? promLabel(dimRaw) : promName(dimRaw);
        const metric = `${prefix}_${context}${homogeneous ? "" : "_" + dim}`;
        if (help) {
          out +=
            `# COMMENT ${metric}${suffix}: chart "${names ? st.name : st.id}", context "${st.context}", ` +
            `family "${st.family}", dimension "${dimRaw}", value * ` +
            (promCollector ? "1 / 1" : `${d.multiplier} / ${d.divisor}`) +
            ` ${relation} ${st.units} (${type})\n`;
        }
        // Netdata's TYPE line leaves out the _total suffix.
        if (types) out += `# TYPE ${metric} ${type}\n`;
        out += `${metric}${suffix}{chart="${chart}",family="${family}"` +
          (homogeneous ? `,dimension="${dim}"` : "") + `${labels}} ` +
          (promCollector
            ? formatFixed(d.lastCollected * d.multiplier / d.divisor, 7)
            : String(d.lastCollected)) +
          (timestamps ? ` ${Math.floor(d.lastCollectedUs / 1000)}\n` : "\n");
      } else {
        const v = storedValue(
          host.store,
          d.seriesId,
          st.updateEvery,
          { afterSec: after, beforeSec: before },
          o.source === SOURCE_SUM,
          scratch.buf,
        );
        if (!Number.isFinite(v.value)) continue;
        const suffix = o.source === SOURCE_SUM ? "_sum" : "_average";
        const dim = promLabel(dimRaw);
        if (help) {
          out +=
            `# COMMENT ${prefix}_${context}${units}${suffix}: dimension "${dimRaw}", value is ${st.units}, ` +
            `gauge, dt ${after} to ${v.lastSec} inclusive\n`;
        }
        if (types) out += `# TYPE ${prefix}_${context}${units}${suffix} gauge\n`;
        out +=
          `${prefix}_${context}${units}${suffix}{chart="${chart}",family="${family}",dimension="${dim}"${labels}} ` +
          formatFixed(v.value, 7) + (timestamps ? ` ${v.lastSec * 1000}\n` : "\n");
      }
    }
  }
  return out;
}
