/**
 * System V IPC, Netdata 1.37's "ipc" module: system.ipc_semaphores and system.ipc_semaphore_arrays,
 * system.message_queue_messages / _bytes (a dimension per queue) and system.shared_memory_segments
 * / _bytes, with host variables `$ipc_semaphores_max` and `$ipc_semaphores_arrays_max` (re-read
 * every 60 s).
 *
 * Netdata asks semctl(SEM_INFO) for the semaphore counts, which Deno cannot call without FFI; the
 * same two numbers come from /proc/sysvipc/sem: the sets are its lines (semusz) and the
 * semaphores the sum of their `nsems` (semaem). Limits come from /proc/sys/kernel/sem, as in Netdata.
 * @module
 */

import type { Chart, Dimension, Host } from "../host/mod.ts";
import {
  type ChartSpec,
  defineChart,
  NO,
  obsoleteChart,
  type Origin,
  PLUGIN_PROC,
  setHostVariable,
  YES,
} from "./_helper.ts";
import { DEFAULTS, type EnableLookup } from "./_table.ts";
import type { Collector } from "./collector.ts";
import { ProcFile, readSmallFile, Scanner } from "./proc_file.ts";

const MODULE = "ipc";
const SECTION = "ipc";
/** Netdata's "max dimensions in memory allowed". */
const MAX_QUEUES = 50;
const LIMITS_EVERY_SEC = 60;

function spec(
  id: string,
  title: string,
  units: string,
  family: string,
  priority: number,
  area: boolean,
): ChartSpec {
  return {
    id: `system.${id}`,
    title,
    units,
    family,
    context: `system.${id}`,
    chartType: area ? "area" : "stacked",
    priority,
  };
}

interface One {
  chart: Chart;
  dim: Dimension;
}

interface Queue {
  messages: Dimension;
  bytes: Dimension;
  seen: boolean;
}

/** Collects System V semaphores, message queues and shared memory. */
export class IpcCollector implements Collector {
  readonly name = "proc:ipc";
  readonly updateEvery: number;
  readonly #origin: Origin;
  readonly #sem: ProcFile | null;
  readonly #msg: ProcFile | null;
  readonly #shm: ProcFile | null;
  readonly #limitsPath: string;
  readonly #scan = new Scanner();
  #limitsAgeSec = LIMITS_EVERY_SEC;
  #semaphores: One | null = null;
  #arrays: One | null = null;
  #shmSegments: One | null = null;
  #shmBytes: One | null = null;
  #msgMessages: Chart | null = null;
  #msgBytes: Chart | null = null;
  #doMsg: boolean;
  readonly #queues = new Map<number, Queue>();
  /** id, messages, bytes of each queue of the current round (reused). */
  readonly #vals: number[] = [];

  /** @throws {Error} when neither semaphores nor message queues can be read (no System V IPC). */
  constructor(opts: { procRoot: string; updateEvery: number; enable?: EnableLookup }) {
    this.updateEvery = opts.updateEvery;
    this.#origin = { plugin: PLUGIN_PROC, module: MODULE, updateEvery: opts.updateEvery };
    const enable = opts.enable ?? DEFAULTS;
    this.#limitsPath = opts.procRoot + "/sys/kernel/sem";
    const open = (on: boolean, path: string) => {
      if (!on) return null;
      try {
        return new ProcFile(path, 4096);
      } catch {
        return null;
      }
    };
    const semOn = enable(SECTION, "semaphore totals", YES) !== NO && readSmallFile(this.#limitsPath) !== null;
    this.#sem = open(semOn, opts.procRoot + "/sysvipc/sem");
    this.#msg = open(enable(SECTION, "message queues", YES) !== NO, opts.procRoot + "/sysvipc/msg");
    this.#shm = open(enable(SECTION, "shared memory totals", YES) !== NO, opts.procRoot + "/sysvipc/shm");
    this.#doMsg = this.#msg !== null;
    if (this.#sem === null && this.#msg === null) {
      this.close();
      throw new Deno.errors.NotFound(
        `Cannot read System V IPC semaphores or message queues under "${opts.procRoot}"`,
      );
    }
  }

  collect(host: Host, deltaUs: number): void {
    if (this.#sem !== null) this.#semaphoresRound(host, deltaUs);
    if (this.#doMsg) this.#queuesRound(host, deltaUs);
    if (this.#shm !== null) this.#sharedMemoryRound(host, deltaUs);
  }

  close(): void {
    this.#sem?.close();
    this.#msg?.close();
    this.#shm?.close();
  }

  #semaphoresRound(host: Host, deltaUs: number): void {
    this.#semaphores ??= this.#one(
      host,
      spec("ipc_semaphores", "IPC Semaphores", "semaphores", "ipc semaphores", 1203, true),
      "semaphores",
    );
    this.#arrays ??= this.#one(
      host,
      spec("ipc_semaphore_arrays", "IPC Semaphore Arrays", "arrays", "ipc semaphores", 1204, true),
      "arrays",
    );
    this.#limitsAgeSec += this.updateEvery;
    if (this.#limitsAgeSec >= LIMITS_EVERY_SEC) {
      // semmsl semmns semopm semmni
      const w = (readSmallFile(this.#limitsPath) ?? "").split(/\s+/);
      if (w.length >= 4) {
        this.#limitsAgeSec = 0;
        setHostVariable(host, "ipc_semaphores_max", Number.parseInt(w[1], 10) || 0);
        setHostVariable(host, "ipc_semaphores_arrays_max", Number.parseInt(w[3], 10) || 0);
      }
    }
    const f = this.#sem!;
    const s = this.#scan;
    s.reset(f.bytes, f.read());
    s.nextLine(); // header: key semid perms nsems ...
    let sets = 0, semaphores = 0;
    for (; !s.done; s.nextLine()) {
      if (s.wordsLeft() < 4) continue;
      s.skipWords(3);
      semaphores += s.uint();
      sets++;
    }
    put(this.#semaphores, deltaUs, semaphores);
    put(this.#arrays, deltaUs, sets);
  }

  #queuesRound(host: Host, deltaUs: number): void {
    const f = this.#msg!;
    const s = this.#scan;
    s.reset(f.bytes, f.read());
    s.nextLine(); // header: key msqid perms cbytes qnum ...
    for (const q of this.#queues.values()) q.seen = false;
    let any = false;
    let added = false;
    const vals = this.#vals;
    vals.length = 0;
    for (; !s.done; s.nextLine()) {
      if (s.wordsLeft() < 14) continue;
      s.word();
      const id = s.uint();
      s.word();
      const bytes = s.uint();
      const messages = s.uint();
      let q = this.#queues.get(id);
      if (q === undefined) {
        this.#msgMessages ??= this.#chart(
          host,
          spec(
            "message_queue_messages",
            "IPC Message Queue Number of Messages",
            "messages",
            "ipc message queues",
            1201,
            false,
          ),
        );
        this.#msgBytes ??= this.#chart(
          host,
          spec(
            "message_queue_bytes",
            "IPC Message Queue Used Bytes",
            "bytes",
            "ipc message queues",
            1202,
            false,
          ),
        );
        const dim = { id: String(id), algorithm: "absolute", multiplier: 1, divisor: 1 } as const;
        q = {
          messages: this.#msgMessages.defineDimension(dim),
          bytes: this.#msgBytes.defineDimension(dim),
          seen: true,
        };
        this.#queues.set(id, q);
        added = true;
      }
      q.seen = true;
      vals.push(id, messages, bytes);
      any = true;
    }
    const mc = this.#msgMessages, bc = this.#msgBytes;
    if (mc === null || bc === null) return;
    let removed = false;
    for (const [id, q] of this.#queues) {
      if (q.seen) continue;
      q.messages.obsolete = true;
      q.bytes.obsolete = true;
      this.#queues.delete(id);
      removed = true;
    }
    if (added || removed) {
      mc.defined();
      bc.defined();
    }
    mc.begin(deltaUs);
    bc.begin(deltaUs);
    for (let i = 0; i < vals.length; i += 3) {
      const q = this.#queues.get(vals[i])!;
      mc.set(q.messages, vals[i + 1]);
      bc.set(q.bytes, vals[i + 2]);
    }
    mc.end();
    bc.end();
    if (this.#queues.size > MAX_QUEUES) {
      // Netdata stops charting queues when there are too many of them.
      obsoleteChart(mc);
      obsoleteChart(bc);
      this.#doMsg = false;
    } else if (!any) {
      obsoleteChart(mc);
      obsoleteChart(bc);
      this.#msgMessages = this.#msgBytes = null;
    }
  }

  #sharedMemoryRound(host: Host, deltaUs: number): void {
    const f = this.#shm!;
    const s = this.#scan;
    s.reset(f.bytes, f.read());
    s.nextLine(); // header: key shmid perms size ...
    let segments = 0, bytes = 0;
    for (; !s.done; s.nextLine()) {
      if (s.wordsLeft() < 16) continue;
      s.skipWords(3);
      bytes += s.uint();
      segments++;
    }
    this.#shmSegments ??= this.#one(
      host,
      spec(
        "shared_memory_segments",
        "IPC Shared Memory Number of Segments",
        "segments",
        "ipc shared memory",
        1205,
        false,
      ),
      "segments",
    );
    put(this.#shmSegments, deltaUs, segments);
    this.#shmBytes ??= this.#one(
      host,
      spec("shared_memory_bytes", "IPC Shared Memory Used Bytes", "bytes", "ipc shared memory", 1206, false),
      "bytes",
    );
    put(this.#shmBytes, deltaUs, bytes);
  }

  #one(host: Host, s: ChartSpec, dim: string): One {
    const { chart, dims } = defineChart(host, this.#origin, s, [[dim, null, "absolute", 1, 1]]);
    return { chart, dim: dims[0] };
  }

  #chart(host: Host, s: ChartSpec): Chart {
    return defineChart(host, this.#origin, s, []).chart;
  }
}

function put(one: One, deltaUs: number, v: number): void {
  one.chart.begin(deltaUs);
  one.chart.set(one.dim, v);
  one.chart.end();
}
