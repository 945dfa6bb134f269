/**
 * `GET /api/v1/info`: per-host node information plus the agent-global node
 * list and analytics fields, in Netdata's field order and whitespace.
 * @module
 */

import { STATUS } from "../../health/expression.ts";
import type { Host } from "../../host/mod.ts";
import { jsonString, RawJson } from "../format.ts";
import { hostVersion, jsonReply, type Reply, type RouteContext } from "../reply.ts";

/**
 * System-info fields printed always, and the NETDATA_* variables they come from. The OS ones
 * accept the stream's NETDATA_SYSTEM_OS_* spelling too, which Netdata's receiver renames to
 * NETDATA_HOST_OS_*.
 */
const OS_FIELDS: readonly (readonly [string, string])[] = [
  ["os_name", "NETDATA_SYSTEM_OS_NAME|NETDATA_HOST_OS_NAME"],
  ["os_id", "NETDATA_SYSTEM_OS_ID|NETDATA_HOST_OS_ID"],
  ["os_id_like", "NETDATA_SYSTEM_OS_ID_LIKE|NETDATA_HOST_OS_ID_LIKE"],
  ["os_version", "NETDATA_SYSTEM_OS_VERSION|NETDATA_HOST_OS_VERSION"],
  ["os_version_id", "NETDATA_SYSTEM_OS_VERSION_ID|NETDATA_HOST_OS_VERSION_ID"],
  ["os_detection", "NETDATA_SYSTEM_OS_DETECTION|NETDATA_HOST_OS_DETECTION"],
  ["cores_total", "NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT"],
  ["total_disk_space", "NETDATA_SYSTEM_TOTAL_DISK_SIZE"],
  ["cpu_freq", "NETDATA_SYSTEM_CPU_FREQ"],
  ["ram_total", "NETDATA_SYSTEM_TOTAL_RAM"],
];

/** Printed only when known. */
const CONTAINER_FIELDS: readonly (readonly [string, string])[] = [
  ["container_os_name", "NETDATA_CONTAINER_OS_NAME"],
  ["container_os_id", "NETDATA_CONTAINER_OS_ID"],
  ["container_os_id_like", "NETDATA_CONTAINER_OS_ID_LIKE"],
  ["container_os_version", "NETDATA_CONTAINER_OS_VERSION"],
  ["container_os_version_id", "NETDATA_CONTAINER_OS_VERSION_ID"],
  ["container_os_detection", "NETDATA_CONTAINER_OS_DETECTION"],
  ["is_k8s_node", "NETDATA_HOST_IS_K8S_NODE"],
];

const KERNEL_FIELDS: readonly (readonly [string, string])[] = [
  ["kernel_name", "NETDATA_SYSTEM_KERNEL_NAME"],
  ["kernel_version", "NETDATA_SYSTEM_KERNEL_VERSION"],
  ["architecture", "NETDATA_SYSTEM_ARCHITECTURE"],
  ["virtualization", "NETDATA_SYSTEM_VIRTUALIZATION"],
  ["virt_detection", "NETDATA_SYSTEM_VIRT_DETECTION"],
  ["container", "NETDATA_SYSTEM_CONTAINER"],
  ["container_detection", "NETDATA_SYSTEM_CONTAINER_DETECTION"],
];

const CLOUD_FIELDS: readonly (readonly [string, string])[] = [
  ["cloud_provider_type", "NETDATA_INSTANCE_CLOUD_TYPE"],
  ["cloud_instance_type", "NETDATA_INSTANCE_CLOUD_INSTANCE_TYPE"],
  ["cloud_instance_region", "NETDATA_INSTANCE_CLOUD_INSTANCE_REGION"],
];

/** `"k":"v"` lines of a label map, Netdata's rrdlabels_to_buffer() layout. */
export function labelLines(labels: ReadonlyMap<string, { value: string }>, indent: string): string {
  const parts: string[] = [];
  for (const [k, l] of labels) parts.push(indent + jsonString(k) + ":" + jsonString(l.value));
  return parts.join(",\n");
}

/** Release channel from a version string, like Netdata: a `-` means a nightly build. */
export function releaseChannel(version: string): string {
  return version.includes("-") ? "nightly" : "stable";
}

/** Unique `plugin`/`module` pairs of the host's visible charts, in first-seen order. */
function collectors(host: Host): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const c of host.visibleCharts()) {
    const k = c.plugin + ":" + c.module;
    if (seen.has(k)) continue;
    seen.add(k);
    parts.push(
      `\n\t\t{\n\t\t\t"plugin": ${jsonString(c.plugin)},\n\t\t\t"module": ${jsonString(c.module)}\n\t\t}`,
    );
  }
  return parts.join(",");
}

/** Handles `/api/v1/info`. */
export function infoRoute(ctx: RouteContext): Reply {
  const host = ctx.host;
  const hosts = ctx.hosts.list();
  const fields: [string, string][] = [];
  const add = (k: string, raw: string) => fields.push([k, raw]);

  add("version", jsonString(hostVersion(ctx, host)));
  add("uid", jsonString(host.machineGuid));
  add("mirrored_hosts", "[\n" + hosts.map((h) => "\t\t" + jsonString(h.hostname)).join(",\n") + "\n\t]");
  add(
    "mirrored_hosts_status",
    "[\n" +
      hosts.map((h) =>
        `\t\t{ "guid": ${jsonString(h.machineGuid)}, "hostname": ${jsonString(h.hostname)}, ` +
        `"reachable": ${h.state.reachable || h === ctx.hosts.localhost}, "hops": ${h.state.hops}, ` +
        `"claim_id": ${h.claimId === null ? "null" : jsonString(h.claimId)}, "node_id": null }`
      ).join(",\n") + "\n\t]",
  );
  // Netdata's info_summary_alarm_statuses(): alarms of collected charts, by status.
  let normal = 0, warning = 0, critical = 0;
  for (const a of ctx.health?.of(host)?.alarms ?? []) {
    if (a.chart.lastCollectedUs === 0) continue;
    if (a.status === STATUS.WARNING) warning++;
    else if (a.status === STATUS.CRITICAL) critical++;
    else normal++;
  }
  add("alarms", `{\n\t\t"normal": ${normal},\n\t\t"warning": ${warning},\n\t\t"critical": ${critical}\n\t}`);
  const info = host.systemInfo;
  const lookup = (keys: string) => {
    for (const k of keys.split("|")) {
      const v = info.get(k);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  for (const [k, v] of OS_FIELDS) add(k, jsonString(lookup(v) ?? ""));
  for (const [k, v] of CONTAINER_FIELDS) {
    const value = lookup(v);
    if (value !== undefined) add(k, jsonString(value));
  }
  for (const [k, v] of KERNEL_FIELDS) add(k, jsonString(lookup(v) ?? ""));
  for (const [k, v] of CLOUD_FIELDS) {
    const value = lookup(v);
    if (value !== undefined) add(k, jsonString(value));
  }
  add("host_labels", "{\n" + labelLines(host.labels, "\t\t") + "\n\t}");
  add("functions", "{\n\n\t}");
  add("collectors", "[" + collectors(host) + "\n\t]");

  const cfg = ctx.config;
  const local = ctx.hosts.localhost;
  let charts = 0;
  let metrics = 0;
  for (const c of local.visibleCharts()) {
    charts++;
    for (const d of c.dimensions) if (!d.hidden && !d.obsolete) metrics++;
  }
  const https = cfg.web.bindTo.some((b) => b.ssl !== "none");
  add("cloud-enabled", "false");
  add("cloud-available", "false");
  add("agent-claimed", "false");
  add("aclk-available", "false");
  add("memory-mode", jsonString(cfg.global.memoryMode));
  add("multidb-disk-quota", String(cfg.db.dbengineMultihostDiskSpaceMB));
  add("page-cache-size", "null");
  add("stream-enabled", String(cfg.stream.enabled));
  add("stream-compression", "null");
  add("hosts-available", String(hosts.length));
  add("https-enabled", String(https));
  add("buildinfo", "null");
  add("release-channel", jsonString(releaseChannel(ctx.version)));
  add("web-enabled", String(cfg.web.mode !== "none"));
  add("notification-methods", "null");
  add("exporting-enabled", "null");
  add("exporting-connectors", "null");
  add("allmetrics-prometheus-used", "null");
  add("allmetrics-shell-used", "null");
  add("allmetrics-json-used", "null");
  add("dashboard-used", "null");
  add("charts-count", String(charts));
  add("metrics-count", String(metrics));

  const extra = ctx.streamStatus?.(host);
  if (extra !== undefined) {
    for (const [k, v] of Object.entries(extra)) {
      const raw = v === undefined ? "null" : v instanceof RawJson ? v.text : JSON.stringify(v);
      const at = fields.findIndex(([name]) => name === k);
      if (at >= 0) fields[at][1] = raw;
      else fields.push([k, raw]);
    }
  }

  return jsonReply("{\n" + fields.map(([k, raw]) => `\t${jsonString(k)}: ${raw}`).join(",\n") + "\n}");
}
