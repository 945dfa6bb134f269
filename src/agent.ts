/**
 * The only place where parts are wired: config -> store + local host -> collectors -> API.
 * @module
 */

import { createApi } from "./api/mod.ts";
import { createCollectors, Scheduler } from "./collectors/mod.ts";
import type { AgentConfig } from "./config/types.ts";
import { Host, Hosts } from "./host/mod.ts";
import { detectSystemInfo, systemLabels } from "./host/system_info.ts";
import { listen, type Listener } from "./net/listen.ts";
import { createStore } from "./store/mod.ts";
import { Receiver } from "./stream/receiver.ts";
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
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    if (UUID_RE.test(text)) return text.toLowerCase();
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

/** Builds an agent from a resolved config; `start()` begins collecting and serving. */
export function createAgent(config: AgentConfig, deps: AgentDeps = {}): Agent {
  const log = getLogger(["agent", "main"]);
  const g = config.global;
  const local = new Host({
    hostname: g.hostname,
    machineGuid: loadMachineGuid(config.directories.lib),
    store: createStore({ mode: g.memoryMode, historySec: g.historySec }),
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
  const collectors = createCollectors({ procRoot: g.procRoot, updateEvery: g.updateEvery });
  const scheduler = new Scheduler(local, collectors, { updateEverySec: g.updateEvery });
  const receiver = new Receiver({ hosts, config });
  const listeners: Listener[] = [];
  const urls: string[] = [];

  return {
    hosts,
    urls,
    async start() {
      scheduler.start();
      if (config.web.mode !== "none") {
        const app = createApi({ hosts, config, version: `v${VERSION}` });
        const tlsFiles = config.web.bindTo.some((b) => b.ssl !== "none")
          ? {
            key: Deno.readTextFileSync(config.web.sslKey),
            cert: Deno.readTextFileSync(config.web.sslCertificate),
          }
          : undefined;
        for (const spec of config.web.bindTo) {
          const l = await listen({
            spec,
            tls: tlsFiles,
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
    async stop() {
      await scheduler.stop();
      receiver.close();
      await Promise.all(listeners.map((l) => l.close()));
      for (const c of collectors) c.close();
      for (const h of hosts.list()) h.store.close();
    },
  };
}
