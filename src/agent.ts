/**
 * The only place where parts are wired: config -> store + local host -> collectors -> API.
 * @module
 */

import type { Health } from "./health/mod.ts";
import type { Exporting } from "./exporting/mod.ts";
import { createCollectors, Scheduler } from "./collectors/mod.ts";
import { isUuid } from "./config/schema.ts";
import type { AgentConfig } from "./config/types.ts";
import { Host, Hosts } from "./host/mod.ts";
import { applyHostMeta, HostMetaWriter, loadHostMeta } from "./host/persist.ts";
import { detectSystemInfo, systemLabels } from "./host/system_info.ts";
import type { Listener } from "./net/listen.ts";
import { createStore, MAX_TIERS, type MemoryMode, type Store } from "./store/mod.ts";
import { SendBufferStore } from "./store/sendbuffer.ts";
import { Receiver, StreamSenders } from "./stream/mod.ts";
import { getLogger } from "./util/log.ts";
import { VERSION } from "./version.ts";

/** Injectable dependencies (tests). */
export interface AgentDeps {
  /** Wall clock in microseconds. */
  nowUs?: () => number;
}

/** A running agent. */
export interface Agent {
  readonly hosts: Hosts;
  /** URLs of the web listeners (empty with `[web] mode = none`). */
  readonly urls: readonly string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Applies a reloaded configuration's stream.conf receiver sections (keys, `allow from`, per-key
   * settings) to new and connected children; returns how many children it disconnected. Other
   * settings keep their running values until a restart.
   */
  reload(config: AgentConfig): number;
}

/**
 * Reads this node's machine GUID from `<lib>/registry/netdata.public.unique.id` (Netdata's own
 * place, so a Netdata data directory keeps its identity), creating it when missing.
 */
export function loadMachineGuid(libDir: string): string {
  const log = getLogger(["agent", "main"]);
  const dir = `${libDir}/registry`;
  const file = `${dir}/netdata.public.unique.id`;
  try {
    const text = Deno.readTextFileSync(file).trim();
    if (isUuid(text)) return text.toLowerCase();
    log.warn("Ignoring machine GUID in {file}: not a UUID, got {text}", { file, text });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      log.warn("Cannot read machine GUID from {file}: {error}", { file, error: String(e) });
    }
  }
  const guid = crypto.randomUUID();
  try {
    Deno.mkdirSync(dir, { recursive: true });
    Deno.writeTextFileSync(file, guid + "\n");
    log.info("Created machine GUID {guid} in {file}", { guid, file });
  } catch (e) {
    log.warn("Cannot save machine GUID to {file}, using {guid} for this run only: {error}", {
      file,
      guid,
      error: String(e),
    });
  }
  return guid;
}

/**
 * The store of one host: dbengine keeps its files in `<lib>/dbengine/<machine GUID>/`, with the
 * `[db] dbengine multihost disk space MB` budget.
 */
export function hostStore(
  config: AgentConfig,
  mode: MemoryMode,
  historySec: number,
  machineGuid: string,
): Store {
  if (mode !== "dbengine") return createStore({ mode, historySec });
  return createStore({
    mode,
    historySec,
    dir: dbDir(config, machineGuid),
    diskSpaceBytes: config.db.dbengineMultihostDiskSpaceMB * 1024 * 1024,
    // Netdata allows up to 5; we keep per-second, per-minute and per-hour.
    tiers: Math.min(config.db.storageTiers ?? 3, MAX_TIERS),
  });
}

/** Where a host's dbengine files and metadata live. */
function dbDir(config: AgentConfig, machineGuid: string): string {
  return `${config.directories.lib}/dbengine/${machineGuid}`;
}

/**
 * The child hosts a previous run kept on disk (`<lib>/dbengine/<guid>/host.json`), with their
 * stores reopened: unreachable until their children reconnect. A damaged file is logged and
 * skipped.
 */
function loadSavedHosts(config: AgentConfig, localGuid: string): Host[] {
  const log = getLogger(["agent", "main"]);
  const root = `${config.directories.lib}/dbengine`;
  const out: Host[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(root)];
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isDirectory || e.name === localGuid) continue;
    const dir = `${root}/${e.name}`;
    let meta;
    try {
      meta = loadHostMeta(dir);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        log.warn("Skipping saved host in {dir}: {error}", { dir, error: String(err) });
      }
      continue;
    }
    const host = new Host({
      hostname: meta.hostname,
      machineGuid: meta.machineGuid,
      store: hostStore(config, "dbengine", config.global.historySec, meta.machineGuid),
      memoryMode: "dbengine",
      updateEvery: meta.updateEvery,
      historySec: config.global.historySec,
      isLocal: false,
      gapWhenLostIterationsAbove: config.global.gapWhenLostIterationsAbove,
    });
    applyHostMeta(host, meta);
    host.state.reachable = false;
    out.push(host);
    log.info("Loaded host {host} ({charts} charts) from {dir}", {
      host: meta.hostname,
      charts: meta.charts.length,
      dir,
    });
  }
  return out;
}

/** Builds an agent from a resolved config; `start()` begins collecting and serving. */
export function createAgent(config: AgentConfig, deps: AgentDeps = {}): Agent {
  const log = getLogger(["agent", "main"]);
  const g = config.global;
  const machineGuid = loadMachineGuid(config.directories.lib);
  // A headless child keeps what it collects in a bounded send buffer, for replication.
  const replication = config.db.enableReplication;
  const ownStore = hostStore(config, g.memoryMode, g.historySec, machineGuid);
  const sendBuffer = config.stream.enabled && replication && g.memoryMode === "none"
    ? new SendBufferStore(ownStore, config.stream.bufferSizeBytes, config.db.secondsToReplicate)
    : undefined;
  const localStore = sendBuffer ?? ownStore;
  const local = new Host({
    hostname: g.hostname,
    machineGuid,
    store: localStore,
    memoryMode: g.memoryMode,
    updateEvery: g.updateEvery,
    historySec: g.historySec,
    isLocal: true,
    program: "agent",
    version: `v${VERSION}`,
    nowUs: deps.nowUs,
    gapWhenLostIterationsAbove: g.gapWhenLostIterationsAbove,
  });
  const sysRoot = g.procRoot.endsWith("/proc") ? g.procRoot.slice(0, -5) + "/sys" : "/sys";
  for (const [k, v] of detectSystemInfo({ procRoot: g.procRoot, sysRoot })) local.systemInfo.set(k, v);
  local.labels = systemLabels(local.systemInfo);
  const hosts = new Hosts(local);
  // Children's metadata beside their dbengine files, so a restarted parent serves them at once.
  const metaWriters = new Map<Host, HostMetaWriter>();
  const keepMeta = (host: Host) => {
    if (host.isLocal || host.memoryMode !== "dbengine" || metaWriters.has(host)) return;
    const w = new HostMetaWriter(host, dbDir(config, host.machineGuid));
    metaWriters.set(host, w);
    host.observers.push(w);
  };
  const flushMeta = (host?: Host) => {
    for (const [h, w] of metaWriters) {
      if (host !== undefined && h !== host) continue;
      try {
        w.flush();
      } catch (e) {
        log.warn("Cannot save the metadata of host {host}: {error}", { host: h.hostname, error: String(e) });
      }
    }
  };
  for (const host of loadSavedHosts(config, machineGuid)) {
    hosts.add(host);
    keepMeta(host);
  }
  let metaTimer: ReturnType<typeof setInterval> | undefined;
  const collectors = createCollectors({
    procRoot: g.procRoot,
    updateEvery: g.updateEvery,
    switches: config.collectors,
  });
  const scheduler = new Scheduler(local, collectors, { updateEverySec: g.updateEvery });
  const senders = new StreamSenders({
    config,
    local,
    program: "agent",
    version: `v${VERSION}`,
    ...(sendBuffer ? { replayFrom: () => sendBuffer.buffer } : {}),
  });
  // Loaded in start() only where alerts can run (a store here, or children to receive), so a
  // headless child keeps none of its code (nor the query code it reads through).
  let health: Health | undefined;
  let childHealthPolicy: typeof import("./health/mod.ts").childHealthPolicy | undefined;
  const receiver = new Receiver({
    hosts,
    config,
    createStore: (mode, historySec, guid) => hostStore(config, mode, historySec, guid),
    requestTimeoutSec: Math.min(30, config.web.timeoutForFirstRequestSec),
    onConnected(host, policy, session) {
      keepMeta(host);
      // The session keeps only the key's first characters (and an ellipsis).
      const prefix = session.apiKeyShort.replace(/[^0-9a-fA-F-]/g, "");
      const key = [...config.receivers.keys()].find((k) => prefix !== "" && k.startsWith(prefix)) ?? "";
      health?.setPolicy(
        host,
        childHealthPolicy!(config.receivers, {
          apiKey: key,
          machineGuid: host.machineGuid,
          healthEnabled: config.health.enabled,
        }),
      );
      senders.childConnected(host, policy);
    },
    onDisconnected(host) {
      flushMeta(host);
      senders.childDisconnected(host);
      // An archived child keeps its data and metadata, not its descriptors.
      try {
        host.store.releaseFiles?.();
      } catch (e) {
        log.warn("Cannot release the files of host {host}: {error}", {
          host: host.hostname,
          error: String(e),
        });
      }
    },
  });
  // Loaded in start() only when configured, so a headless child keeps none of their code.
  let exporting: Exporting | undefined;
  const listeners: Listener[] = [];
  const urls: string[] = [];
  // SIGUSR2 reloads the health configuration, as Netdata does.
  let loadHealthRules: typeof import("./health/mod.ts").loadHealthRules | undefined;
  const reloadHealth = () => {
    if (health === undefined || loadHealthRules === undefined) return;
    const changes = health.reload(loadHealthRules(config).rules);
    log.info("Health configuration reloaded: {added} added, {removed} removed, {changed} changed", changes);
  };

  return {
    hosts,
    urls,
    async start() {
      metaTimer = setInterval(() => flushMeta(), 5000);
      scheduler.start();
      if (g.memoryMode !== "none" || config.receivers.size > 0) {
        const h = await import("./health/mod.ts");
        childHealthPolicy = h.childHealthPolicy;
        loadHealthRules = h.loadHealthRules;
        health = h.createHealth(config, hosts);
        health.start();
      }
      if (Deno.build.os !== "windows") Deno.addSignalListener("SIGUSR2", reloadHealth);
      senders.start();
      const ex = config.exporting;
      if (ex !== undefined && ex.enabled && ex.instances.length > 0) {
        const { createExporting } = await import("./exporting/mod.ts");
        exporting = createExporting({
          config,
          hosts,
          replicationPending: (h) =>
            receiver.sessions().some((s) => s.host === h && !s.endReason && s.replicating.size > 0),
        });
        exporting?.start();
      }
      if (config.web.mode !== "none") {
        // The API (Hono, the dashboard) and the listener (TLS) only where there is a web server.
        const [{ createApi, streamingInfo }, { listen }] = await Promise.all([
          import("./api/mod.ts"),
          import("./net/listen.ts"),
        ]);
        const streamStatus = (host: Host) =>
          streamingInfo(host, {
            local,
            senderStatus: (h) => senders.get(h)?.status(),
            sessions: () => receiver.sessions(),
            sendBuffer,
          });
        const app = createApi({
          hosts,
          config,
          version: `v${VERSION}`,
          streamStatus: (h) => ({
            ...streamStatus(h),
            ...(h === local ? { ...exporting?.info(), collisions: receiver.collisions() } : {}),
          }),
          health,
        });
        // Read and checked at load (config/tls.ts).
        const tls = config.web.tls;
        const tlsFiles = config.web.bindTo.some((b) => b.ssl !== "none") && tls
          ? { key: tls.key, cert: tls.certificate }
          : undefined;
        for (const spec of config.web.bindTo) {
          const l = await listen({
            spec,
            tls: tlsFiles,
            allowConnectionsFrom: config.web.allowConnectionsFrom,
            firstRequestTimeoutMs: config.web.timeoutForFirstRequestSec * 1000,
            idleTimeoutMs: config.web.disconnectIdleClientsAfterSec * 1000,
            stream: (socket, head, peer) => receiver.handle(socket, head, peer),
            http: (req, peer) =>
              app.fetch(req, {
                info: { remoteAddr: { hostname: peer.hostname, port: peer.port, transport: "tcp" } },
              }),
          });
          listeners.push(l);
          urls.push(l.url);
          log.info("listening {url}", { url: l.url });
        }
      }
      log.info("Agent {hostname} started as {role}: {collectors} collectors, memory mode {mode}", {
        hostname: g.hostname,
        role: config.role,
        collectors: collectors.length,
        mode: g.memoryMode,
      });
    },
    reload(next: AgentConfig) {
      return receiver.reload({ ...config, receivers: next.receivers });
    },
    async stop() {
      clearInterval(metaTimer);
      await scheduler.stop();
      if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGUSR2", reloadHealth);
      await health?.stop();
      flushMeta();
      await senders.stop();
      await exporting?.stop();
      receiver.close();
      await Promise.all(listeners.map((l) => l.close()));
      for (const c of collectors) c.close();
      for (const h of hosts.list()) h.store.close();
    },
  };
}
