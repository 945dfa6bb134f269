/**
 * The schema of the configuration files, as data: which keys of netdata.conf and stream.conf the
 * agent reads, their older names, the Netdata keys and sections it knows but does not use, and
 * the defaults that `--role` picks.
 *
 * What Netdata 1.37.1 reads in the netdata.conf sections that we use is gathered from its
 * config_get*() and config_move() calls (plus the keys Debian's package adds). Our keys are read;
 * Netdata's other keys are warnings; anything else in these sections is an error.
 * @module
 */

import type { MemoryMode } from "../store/mod.ts";
import { destinations } from "./destination.ts";
import { addressPattern, bool, duration, int, oneOf, type RawValue, uuid } from "./schema.ts";
import type { AgentConfig, ConfigProblem, LogLevel, ReceiverOptions, Role } from "./types.ts";

/** The roles `--role` accepts. */
export const ROLES: readonly Role[] = ["standalone", "child", "parent", "proxy"];
/** The values of `[db] mode`. */
export const MEMORY_MODES: readonly MemoryMode[] = ["ram", "dbengine", "none"];
/** The values of `[logs] level`. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error"];
/** The values of `[web] mode`. */
export const WEB_MODES: readonly AgentConfig["web"]["mode"][] = ["static-threaded", "none"];

/** What each role picks by default. */
export const ROLE_DEFAULTS: Record<Role, { memoryMode: MemoryMode; streamEnabled: boolean }> = {
  standalone: { memoryMode: "ram", streamEnabled: false },
  child: { memoryMode: "ram", streamEnabled: true },
  parent: { memoryMode: "dbengine", streamEnabled: false },
  proxy: { memoryMode: "dbengine", streamEnabled: true },
};

/** Splits a `|`-separated list (one line per table instead of one line per key). */
const words = (list: string): readonly string[] =>
  list.split("|").map((w) => w.trim()).filter((w) => w !== "");

/** Keys of netdata.conf that the agent reads, by section; older names are in ALIASES below. */
export const AGENT_KEYS: Record<string, readonly string[]> = {
  global: words(`hostname | host access prefix | update every | memory mode | history |
    gap when lost iterations above | bind socket to IP | bind to | port | default port |
    config directory | lib directory | cache directory | log directory | log level | error log | access log |
    debug log | facility log | errors flood protection period | errors to trigger flood protection`),
  db: words(`update every | mode | retention | storage tiers | dbengine multihost disk space MB |
    gap when lost iterations above | enable replication | seconds to replicate | seconds per replication step`),
  web: words(`mode | default port | bind to | ssl key | ssl certificate | allow connections from |
    allow streaming from | accept a streaming request every seconds | timeout for first request |
    disconnect idle clients after seconds | max values per query | max large answers at once |
    enable gzip compression | gzip compression level`),
  directories: words(`config | lib | cache | log | health config | stock health config`),
  logs: words(`level | daemon | error | access | health | debug | facility | errors flood protection period |
    errors to trigger flood protection`),
  health: words(
    `enabled | script to execute on alarm | run at least every seconds | in memory max health log entries |
    default repeat warning | default repeat critical | postpone alarms during hibernation for seconds |
    enable stock health configuration | webhook url | silencers file`,
  ),
};

/** Older names read when the current one is not set (Netdata's config_move() order). */
export const ALIASES: Record<string, readonly (readonly [string, string])[]> = {
  "db/update every": [["global", "update every"]],
  "db/mode": [["global", "memory mode"]],
  "db/retention": [["global", "history"]],
  "db/gap when lost iterations above": [["global", "gap when lost iterations above"]],
  "web/default port": [["global", "port"], ["global", "default port"]],
  "web/bind to": [["global", "bind socket to IP"], ["global", "bind to"]],
  "directories/config": [["global", "config directory"]],
  "directories/lib": [["global", "lib directory"]],
  "directories/cache": [["global", "cache directory"]],
  "directories/log": [["global", "log directory"]],
  "logs/level": [["global", "log level"]],
  // Newer Netdata's `daemon` is 1.37.1's `error`.
  "logs/daemon": [["logs", "error"], ["global", "error log"]],
  "logs/access": [["global", "access log"]],
  "logs/debug": [["global", "debug log"]],
  "logs/facility": [["global", "facility log"]],
  "logs/errors flood protection period": [["global", "errors flood protection period"]],
  "logs/errors to trigger flood protection": [["global", "errors to trigger flood protection"]],
};

/** Keys Netdata reads in those sections that the agent does not use. */
export const NETDATA_UNUSED_KEYS: Record<string, readonly string[]> = {
  global: words(`OOM score | TZ environment variable | cleanup obsolete charts after seconds |
    cleanup orphan hosts after seconds | dbengine disk space | dbengine extent pages |
    dbengine multihost disk space | dbengine page fetch retries | dbengine page fetch timeout | debug flags |
    delete obsolete charts files | delete orphan hosts files | disconnect idle web clients after seconds |
    enable metric correlations | enable web responses gzip compression | enable zero metrics |
    glibc malloc arena max for netdata | glibc malloc arena max for plugins | home directory |
    http port listen backlog | libuv worker threads | lock directory | memory deduplication (ksm) |
    metric correlations method | page cache size | page cache uses malloc | plugins directory | process nice level |
    process scheduling policy | process scheduling priority | pthread stack size |
    respect web browser do not track policy | run as user | stock config directory | timezone |
    web compression level | web compression strategy | web files directory | web files group | web files owner |
    web x-frame-options header`),
  db: words(`cleanup obsolete charts after secs | cleanup orphan hosts after secs | dbengine disk space MB |
    dbengine page cache size MB | dbengine page cache with malloc | dbengine page descriptors in file mapped memory |
    dbengine page fetch retries | dbengine page fetch timeout secs | dbengine pages per extent |
    delete obsolete charts files | delete orphan hosts files | enable zero metrics | memory deduplication (ksm) |
    page cache size | page cache with malloc | replication threads`),
  web: words(`allow badges by dns | allow badges from |
    allow connections by dns | allow dashboard by dns | allow dashboard from | allow management by dns |
    allow management from | allow netdata.conf by dns | allow netdata.conf from | allow streaming by dns |
    custom dashboard_info.js | des max window | gzip compression strategy | listen backlog |
    respect do not track policy |
    ses max window | tls ciphers | tls version | web files group | web files owner |
    web server max sockets | web server threads | x-frame-options response header`),
  directories: words(`home | lock | plugins | registry | stock config | web`),
  health: words(`has unstable connection | is ephemeral | rotate log every lines`),
  logs: words(`debug flags`),
};

/** `[db] dbengine tier N ...` keys, which Netdata builds from the tier number. */
export const DB_TIER_KEY_RE =
  /^dbengine tier \d+ (page cache size MB|multihost disk space MB|update every iterations|backfill)$/;

/** Sections of netdata.conf that Netdata has and we do not use (no "did you mean" for these). */
export const NETDATA_SECTIONS = new Set(
  words(`environment variables | host labels | sqlite | cloud | ml | registry | global statistics |
    plugins | statsd | stream | exporting:global | prometheus:exporter | backend`),
);

/** Keys of `[stream]` in stream.conf (all used). */
export const STREAM_KEYS = words(
  `enabled | destination | api key | timeout seconds | default port | send charts matching |
  buffer size bytes | reconnect delay seconds | initial clock resync iterations | enable compression | enable compact rounds |
  ssl skip certificate verification | CApath | CAfile`,
);

/** What reading a receiver value needs besides the value. */
export interface ReceiverContext {
  /** `[stream] default port`, the port of proxy destinations that name none. */
  defaultPort: number;
}

/** Reads one receiver value into its typed form, or pushes its problems and returns undefined. */
export type ReceiverRead = (raw: RawValue, problems: ConfigProblem[], ctx: ReceiverContext) => unknown;

/** How one receiver key is read and where its value goes in a `ReceiverSection`. */
export interface ReceiverKey {
  read: ReceiverRead;
  /** `section`: a field of the section itself; `own` / `defaults`: a field of those options. */
  into: "section" | "own" | "defaults";
  field: string;
}

const text: ReceiverRead = (r) => r.value;
const entries: ReceiverRead = (r, p) => int(r, p, { min: 5, max: 31536000, unit: "entries" });
const mode: ReceiverRead = (r, p) => oneOf(r, p, { values: MEMORY_MODES });
const health: ReceiverRead = (r, p) => oneOf(r, p, { values: ["yes", "no", "auto", "on demand"] });
const postpone: ReceiverRead = (r, p) => duration(r, p, { min: 0, max: 86400 });
const apiKey: ReceiverRead = (r, p) => uuid(r, p, { allowEmpty: true });
const dests: ReceiverRead = (r, p, ctx) => destinations(r, p, { defaultPort: ctx.defaultPort });

/** [plain name, `ReceiverOptions` field, reader, name in an API key's section (undefined: none)]. */
const OPTIONS: readonly (readonly [string, keyof ReceiverOptions, ReceiverRead, string | undefined])[] = [
  ["history", "historyEntries", entries, "default history"],
  ["memory mode", "memoryMode", mode, "default memory mode"],
  ["health enabled", "healthEnabled", health, "health enabled by default"],
  [
    "postpone alarms on connect seconds",
    "postponeAlarmsOnConnectSec",
    postpone,
    "default postpone alarms on connect seconds",
  ],
  ["proxy enabled", "proxyEnabled", bool, "default proxy enabled"],
  ["proxy destination", "proxyDestinations", dests, "default proxy destination"],
  ["proxy api key", "proxyApiKey", apiKey, "default proxy api key"],
  ["proxy send charts matching", "proxySendChartsMatching", text, "default proxy send charts matching"],
  ["enable compression", "enableCompression", bool, undefined],
  ["enable replication", "enableReplication", bool, undefined],
  [
    "seconds to replicate",
    "secondsToReplicate",
    (r, p) => duration(r, p, { min: 0, max: 31536000 }),
    undefined,
  ],
  [
    "seconds per replication step",
    "secondsPerReplicationStep",
    (r, p) => duration(r, p, { min: 1, max: 86400 }),
    undefined,
  ],
];

/** Keys of a receiver section (`[<API key>]` / `[<machine GUID>]`) that Netdata 1.37.1 reads: how and where to. */
export const RECEIVER_KEYS: ReadonlyMap<string, ReceiverKey> = new Map<string, ReceiverKey>([
  ["type", { read: (r, p) => oneOf(r, p, { values: ["api", "machine"] }), into: "section", field: "type" }],
  ["enabled", { read: bool, into: "section", field: "enabled" }],
  ["allow from", { read: addressPattern, into: "section", field: "allowFrom" }],
  ["update every", {
    read: (r, p) => duration(r, p, { min: 1, max: 600 }),
    into: "section",
    field: "updateEvery",
  }],
  ...OPTIONS.flatMap(([name, field, read, dflt]) => [
    ...(dflt !== undefined ? [[dflt, { read, into: "defaults", field }] as const] : []),
    [name, { read, into: "own", field }] as const,
  ]),
]);

/** Receiver keys of later Netdata versions, accepted with a warning. */
export const RECEIVER_UNUSED_KEYS = words(`multiple connections | host tags | is ephemeral node`);

/** Names of the template sections in the stock stream.conf. */
export const RECEIVER_TEMPLATES = new Set(["API_KEY", "MACHINE_GUID"]);

/**
 * `[plugin:cgroups]` keys that are not switches: numbers (`update every`, ...), simple patterns and
 * paths, checked by config/collectors_conf.ts and handed to the cgroups collector as written.
 */
export const CGROUPS_SETTING_KEYS = words(`update every | check for new cgroups every | containers priority |
  recheck zero blkio every iterations | recheck zero memory failcnt every iterations |
  recheck zero detailed memory every iterations | max cgroups to allow | max cgroups depth to monitor |
  enable by default cgroups matching | enable by default cgroups names matching |
  search for cgroups in subpaths matching | run script to rename cgroups matching |
  cgroups to match as systemd services | path to /sys/fs/cgroup/cpuacct | path to /sys/fs/cgroup/cpuset |
  path to /sys/fs/cgroup/blkio | path to /sys/fs/cgroup/memory | path to /sys/fs/cgroup/devices |
  path to unified cgroups | meminfo filename to monitor`);

/**
 * netdata.conf's collector switches that the agent reads: `[plugins]` (whole plugins), `[plugin:proc]`
 * (proc modules, by Netdata's module name) and the options of `[plugin:proc:<module>]` sections
 * (yes, no or auto), as Netdata 1.37.1 names them. `[plugin:proc:diskspace:<mount point>]` sections
 * take {@link DISKSPACE_MOUNT_KEYS}.
 */
export const COLLECTOR_KEYS: Record<string, readonly string[]> = {
  plugins: words(`proc | diskspace | idlejitter | timex | cgroups | python.d`),
  "plugin:proc": words(`/proc/stat | /proc/uptime | /proc/loadavg | /proc/sys/kernel/random/entropy_avail |
    /proc/pressure | /proc/interrupts | /proc/softirqs | /proc/vmstat | /proc/meminfo | /sys/block/zram |
    /proc/net/dev | /proc/net/wireless | /proc/net/sockstat | /proc/net/sockstat6 | /proc/net/netstat | /proc/net/softnet_stat |
    /proc/net/stat/conntrack | /proc/diskstats | ipc`),
  "plugin:proc:/proc/net/netstat": words(
    `bandwidth | input errors | multicast bandwidth | broadcast bandwidth |
    multicast packets | broadcast packets | ECN packets | TCP memory pressures | TCP connection aborts |
    TCP reorders | TCP out-of-order queue | TCP SYN cookies | TCP SYN queue | TCP accept queue`,
  ),
  "plugin:proc:/proc/net/snmp": words(`ipv4 packets | ipv4 fragments sent | ipv4 fragments assembly |
    ipv4 errors | ipv4 ICMP packets | ipv4 ICMP messages | ipv4 TCP connections | ipv4 TCP packets |
    ipv4 TCP errors | ipv4 TCP opens | ipv4 TCP handshake issues | ipv4 UDP packets | ipv4 UDP errors |
    ipv4 UDPLite packets`),
  "plugin:proc:/proc/net/snmp6": words(`bandwidth | ipv6 packets | ipv6 fragments sent |
    ipv6 fragments assembly | ipv6 errors | ipv6 UDP packets | ipv6 UDP errors | ipv6 UDPlite packets |
    ipv6 UDPlite errors | multicast bandwidth | broadcast bandwidth | multicast packets | icmp | icmp redirects |
    icmp errors | icmp echos | icmp group membership | icmp router | icmp neighbor | icmp mldv2 | icmp types | ect`),
  "plugin:proc:/proc/pressure": words(`enable cpu some pressure | enable cpu full pressure |
    enable memory some pressure | enable memory full pressure | enable io some pressure | enable io full pressure`),
  "plugin:proc:/proc/vmstat": words(`swap i/o | disk i/o | memory page faults | out of memory kills |
    system-wide numa metric summary`),
  "plugin:proc:/proc/interrupts": words(`interrupts per core`),
  "plugin:proc:/proc/softirqs": words(`interrupts per core`),
  "plugin:proc:/proc/net/sockstat": words(
    `ipv4 sockets | ipv4 TCP sockets | ipv4 TCP memory | ipv4 UDP sockets |
    ipv4 UDP memory | ipv4 UDPLITE sockets | ipv4 RAW sockets | ipv4 FRAG sockets | ipv4 FRAG memory`,
  ),
  "plugin:proc:/proc/net/sockstat6": words(`ipv6 TCP sockets | ipv6 UDP sockets | ipv6 UDPLITE sockets |
    ipv6 RAW sockets | ipv6 FRAG sockets`),
  "plugin:proc:/proc/net/softnet_stat": words(`softnet_stat per core`),
  "plugin:proc:/proc/net/wireless": words(`status for all interfaces | quality for all interfaces |
    discarded packets for all interfaces | missed beacon for all interface`),
  "plugin:proc:/proc/net/stat/nf_conntrack": words(`netfilter new connections | netfilter connection changes |
    netfilter connection expectations | netfilter connection searches | netfilter errors | netfilter connections`),
  "plugin:proc:ipc": words(`message queues | semaphore totals | shared memory totals`),
  "plugin:proc:diskspace": words(`space usage for all disks | inodes usage for all disks`),
  "plugin:timex": words(`clock synchronization state | time offset`),
  "plugin:cgroups": words(`enable cpuacct stat (total CPU) | enable cpuacct usage (per core CPU) |
    enable cpuacct cpu throttling | enable cpuacct cpu shares | enable memory | enable detailed memory |
    enable memory limits fail count | enable swap memory | enable blkio bandwidth | enable blkio operations |
    enable blkio throttle bandwidth | enable blkio throttle operations | enable blkio queued operations |
    enable blkio merged operations | enable cpu pressure | enable io some pressure | enable io full pressure |
    enable memory some pressure | enable memory full pressure | enable systemd services | use unified cgroups | report used memory |
    enable systemd services detailed memory |
    ${CGROUPS_SETTING_KEYS.join(" | ")}`),
};

/** Keys of a `[plugin:proc:diskspace:<mount point>]` section. */
export const DISKSPACE_MOUNT_KEYS = words(`space usage | inodes usage`);

/** Netdata 1.37.1's keys of those sections that the agent does not use (warnings). */
export const COLLECTOR_UNUSED_KEYS: Record<string, readonly string[]> = {
  plugins: words(`apps | tc | ebpf | statsd | slabinfo | perf | fping | ioping | nfacct |
    go.d | charts.d | node.d | checks | freeipmi | xenstat | cups | netdata monitoring |
    enable running new plugins | check for new plugins every`),
  "plugin:proc": words(`/sys/kernel/mm/ksm | /sys/devices/system/edac/mc | /sys/devices/system/node |
    /proc/pagetypeinfo | /proc/net/sctp/snmp | /proc/net/ip_vs/stats | /sys/class/infiniband |
    /proc/net/stat/synproxy | /proc/mdstat | /proc/net/rpc/nfsd | /proc/net/rpc/nfs | /proc/spl/kstat/zfs/arcstats |
    /proc/spl/kstat/zfs/pool/state | /sys/fs/btrfs | /sys/class/power_supply | netdata server resources`),
  "plugin:proc:/proc/net/netstat": words(`filename to monitor`),
  "plugin:proc:/proc/net/snmp": words(`filename to monitor`),
  "plugin:proc:/proc/net/snmp6": words(`filename to monitor`),
  "plugin:proc:/proc/pressure": words(`base path of pressure metrics`),
  "plugin:proc:/proc/vmstat": words(`filename to monitor`),
  "plugin:proc:/proc/interrupts": words(`filename to monitor`),
  "plugin:proc:/proc/softirqs": words(`filename to monitor`),
  "plugin:proc:/proc/net/sockstat": words(`filename to monitor | update constants every`),
  "plugin:proc:/proc/net/sockstat6": words(`filename to monitor`),
  "plugin:proc:/proc/net/softnet_stat": words(`filename to monitor`),
  "plugin:proc:/proc/net/wireless": words(`filename to monitor`),
  "plugin:proc:/proc/net/stat/nf_conntrack": words(`filename to monitor`),
  "plugin:proc:ipc": words(
    `msg filename to monitor | shm filename to monitor | max dimensions in memory allowed`,
  ),
  "plugin:proc:diskspace": words(`exclude space metrics on paths | exclude space metrics on filesystems |
    remove charts of unmounted disks | update every | check for new mount points every`),
  "plugin:timex": words(`update every`),
  "plugin:cgroups": words(
    `script to get cgroup names |
    script to get cgroup network interfaces`,
  ),
};
