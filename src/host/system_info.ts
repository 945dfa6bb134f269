/**
 * What Netdata's system-info.sh reports about a node: OS, kernel, CPU, RAM, disk, virtualization
 * and container, as NETDATA_SYSTEM_* variables (streamed in the STREAM request, shown by
 * /api/v1/info) and as the automatic `_…` host labels.
 * @module
 */

import type { Label } from "./defs.ts";

/** Where to look (tests point these at fixtures). */
export interface SystemInfoOptions {
  procRoot?: string;
  sysRoot?: string;
  etcRoot?: string;
  env?: (name: string) => string | undefined;
}

function read(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function osRelease(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!text) return out;
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1], m[2].replace(/^"(.*)"$/, "$1"));
  }
  return out;
}

function architecture(): string {
  return Deno.build.arch === "aarch64" ? "aarch64" : Deno.build.arch;
}

/** Detects this machine's system info as Netdata's NETDATA_SYSTEM_* / NETDATA_HOST_* keys. */
export function detectSystemInfo(opts: SystemInfoOptions = {}): Map<string, string> {
  const proc = opts.procRoot ?? "/proc";
  const sys = opts.sysRoot ?? "/sys";
  const etc = opts.etcRoot ?? "/etc";
  const env = opts.env ?? ((n: string) => Deno.env.get(n));
  const info = new Map<string, string>();
  const osr = osRelease(read(`${etc}/os-release`) ?? read("/usr/lib/os-release"));
  const has = osr.size > 0;
  info.set("NETDATA_SYSTEM_OS_NAME", osr.get("NAME") ?? "unknown");
  info.set("NETDATA_SYSTEM_OS_ID", osr.get("ID") ?? "unknown");
  info.set("NETDATA_SYSTEM_OS_ID_LIKE", osr.get("ID_LIKE") ?? "unknown");
  info.set("NETDATA_SYSTEM_OS_VERSION", osr.get("VERSION") ?? "unknown");
  info.set("NETDATA_SYSTEM_OS_VERSION_ID", osr.get("VERSION_ID") ?? "unknown");
  info.set("NETDATA_SYSTEM_OS_DETECTION", has ? `${etc}/os-release` : "unknown");
  info.set("NETDATA_HOST_IS_K8S_NODE", env("KUBERNETES_SERVICE_HOST") ? "true" : "false");
  info.set("NETDATA_SYSTEM_KERNEL_NAME", Deno.build.os === "linux" ? "Linux" : Deno.build.os);
  info.set("NETDATA_SYSTEM_KERNEL_VERSION", Deno.osRelease());
  info.set("NETDATA_SYSTEM_ARCHITECTURE", architecture());

  const cpuinfo = read(`${proc}/cpuinfo`) ?? "";
  const hypervisor = /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo);
  const product = (read(`${sys}/class/dmi/id/sys_vendor`) ?? "").trim().toLowerCase();
  let virt = "none";
  if (hypervisor || product.includes("qemu") || product.includes("kvm")) {
    virt = product.includes("vmware") ? "vmware" : "kvm";
  }
  info.set("NETDATA_SYSTEM_VIRTUALIZATION", virt);
  info.set("NETDATA_SYSTEM_VIRT_DETECTION", `${proc}/cpuinfo`);
  let container = "none";
  let containerDetection = "none";
  try {
    Deno.statSync("/.dockerenv");
    container = "docker";
    containerDetection = "/.dockerenv";
  } catch {
    try {
      Deno.statSync("/run/.containerenv");
      container = "podman";
      containerDetection = "/run/.containerenv";
    } catch { /* not in a container */ }
  }
  info.set("NETDATA_SYSTEM_CONTAINER", container);
  info.set("NETDATA_SYSTEM_CONTAINER_DETECTION", containerDetection);

  const stat = read(`${proc}/stat`) ?? "";
  const cores = (stat.match(/^cpu\d+ /gm) ?? []).length || navigator.hardwareConcurrency || 1;
  info.set("NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT", String(cores));
  const maxFreq = Number(read(`${sys}/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq`));
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo)?.[1]);
  const freq = maxFreq > 0 ? maxFreq * 1000 : mhz > 0 ? Math.round(mhz * 1e6) : 0;
  info.set("NETDATA_SYSTEM_CPU_FREQ", freq > 0 ? String(freq) : "unknown");
  const memKiB = Number(/^MemTotal:\s+(\d+)/m.exec(read(`${proc}/meminfo`) ?? "")?.[1]);
  info.set("NETDATA_SYSTEM_TOTAL_RAM", memKiB > 0 ? String(memKiB * 1024) : "unknown");
  let disk = 0;
  try {
    for (const e of Deno.readDirSync(`${sys}/block`)) {
      if (/^(loop|ram|zram|dm-|md|sr)/.test(e.name)) continue;
      disk += Number(read(`${sys}/block/${e.name}/size`) ?? 0) * 512;
    }
  } catch { /* no /sys */ }
  info.set("NETDATA_SYSTEM_TOTAL_DISK_SIZE", disk > 0 ? String(disk) : "unknown");
  info.set("NETDATA_INSTANCE_CLOUD_TYPE", "unknown");
  info.set("NETDATA_INSTANCE_CLOUD_INSTANCE_TYPE", "unknown");
  info.set("NETDATA_INSTANCE_CLOUD_INSTANCE_REGION", "unknown");
  return info;
}

/** The automatic host labels Netdata derives from system info (source 1 = auto). */
export function systemLabels(info: ReadonlyMap<string, string>): Map<string, Label> {
  const labels = new Map<string, Label>();
  const auto = (name: string, key: string) =>
    labels.set(name, { value: info.get(key) ?? "unknown", source: 1 });
  auto("_cloud_provider_type", "NETDATA_INSTANCE_CLOUD_TYPE");
  auto("_cloud_instance_type", "NETDATA_INSTANCE_CLOUD_INSTANCE_TYPE");
  auto("_cloud_instance_region", "NETDATA_INSTANCE_CLOUD_INSTANCE_REGION");
  auto("_os_name", "NETDATA_SYSTEM_OS_NAME");
  auto("_os_version", "NETDATA_SYSTEM_OS_VERSION");
  auto("_kernel_version", "NETDATA_SYSTEM_KERNEL_VERSION");
  auto("_system_cores", "NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT");
  auto("_system_cpu_freq", "NETDATA_SYSTEM_CPU_FREQ");
  auto("_system_ram_total", "NETDATA_SYSTEM_TOTAL_RAM");
  auto("_system_disk_space", "NETDATA_SYSTEM_TOTAL_DISK_SIZE");
  auto("_architecture", "NETDATA_SYSTEM_ARCHITECTURE");
  auto("_virtualization", "NETDATA_SYSTEM_VIRTUALIZATION");
  auto("_container", "NETDATA_SYSTEM_CONTAINER");
  auto("_container_detection", "NETDATA_SYSTEM_CONTAINER_DETECTION");
  auto("_virt_detection", "NETDATA_SYSTEM_VIRT_DETECTION");
  auto("_is_k8s_node", "NETDATA_HOST_IS_K8S_NODE");
  labels.set("_aclk_available", { value: "false", source: 9 });
  labels.set("_is_ephemeral", { value: "false", source: 2 });
  labels.set("_has_unstable_connection", { value: "false", source: 2 });
  labels.set("_is_parent", { value: "false", source: 1 });
  return labels;
}
