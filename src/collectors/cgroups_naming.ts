/**
 * cgroups naming: Netdata 1.37.1's default enable / search / rename / systemd-service patterns, its
 * chart id and name fixers, and cgroup-name.sh's answers (from the path, or the Docker API). Kept apart
 * from the collector because these are pure string rules (plus one socket client) that the tests check
 * on their own.
 * @module
 */

/** Netdata 1.37.1's "enable by default cgroups matching". */
export const ENABLED_PATHS = `!*/init.scope !/system.slice/run-*.scope *.scope /machine.slice/*.service
  */kubepods/pod*/* */kubepods/*/pod*/* */*-kubepods-pod*/* */*-kubepods-*-pod*/* !*kubepods* !*kubelet*
  !*/vcpu* !*/emulator !*.mount !*.partition !*.service !*.socket !*.slice !*.swap !*.user !/ !/docker
  !*/libvirt !/lxc !/lxc/*/* !/lxc.monitor* !/lxc.pivot !/lxc.payload !/machine !/qemu !/system !/systemd
  !/user *`;
/** "search for cgroups in subpaths matching". */
export const SEARCH_PATHS = `!*/init.scope !*-qemu !*.libvirt-qemu !/init.scope !/system !/systemd !/user
  !/user.slice !/lxc/*/* !/lxc.monitor !/lxc.payload/*/* !/lxc.payload.* *`;
/** "run script to rename cgroups matching". */
export const RENAME_PATHS = `!/ !*.mount !*.socket !*.partition /machine.slice/*.service !*.service
  !*.slice !*.swap !*.user !init.scope !*.scope/vcpu* !*.scope/emulator *.scope *docker* *lxc* *qemu*
  */kubepods/pod*/* */kubepods/*/pod*/* */*-kubepods-pod*/* */*-kubepods-*-pod*/* !*kubepods* !*kubelet*
  *.libvirt-qemu *`;
/** "cgroups to match as systemd services". */
export const SYSTEMD_SERVICES = `!/system.slice/*/*.service /system.slice/*.service`;

/** Asks a container engine for a container's name: null when it has none to give. */
export type ContainerNames = (dockerId: string) => Promise<string | null>;

/** Netdata's netdata_fix_chart_id(): lower case; letters, digits, `.`, `_`, `-` kept, `,` to `.`, the rest `_`. */
export function fixId(s: string): string {
  return s.toLowerCase().replace(/,/g, ".").replace(/[^a-z0-9._-]/g, "_");
}

/** Netdata's netdata_fix_chart_name(): as fixId() but `/` is kept and `\` becomes `/`. */
export function fixName(s: string): string {
  return s.toLowerCase().replace(/,/g, ".").replace(/\\/g, "/").replace(/[^a-z0-9./_-]/g, "_");
}

/** A cgroup path without its leading slash ("/" stays), as cgroup_chart_id_strdupz() takes it. */
export function skipSlash(s: string): string {
  if (s === "") return "/";
  return s[0] === "/" && s.length > 1 ? s.slice(1) : s;
}

/** cgroup_chart_id_strdupz() + substitute_dots_in_id(). */
export function chartIdOf(name: string): string {
  return fixId(skipSlash(name)).replace(/\./g, "-");
}

/**
 * What cgroup-name.sh answers for a cgroup (`intermediate` is its path as a chart id), when no
 * engine has to be asked; `{ docker }` when the Docker API has to be.
 */
export function scriptName(intermediate: string): { name: string } | { docker: string } {
  if (/^.*docker[-_/.][a-fA-F0-9]+[-_.]?.*$/.test(intermediate)) {
    const id = /^.*docker[-_/]([a-fA-F0-9]+)[-_.]?.*$/.exec(intermediate)?.[1] ?? "";
    if (id.length === 64 || id.length === 12) return { docker: id };
  } else if (/^.*libpod-[a-fA-F0-9]+.*$/.test(intermediate)) {
    const id = /^.*libpod-([a-fA-F0-9]+).*$/.exec(intermediate)![1];
    if (id.length === 64) return { name: id.slice(0, 12) };
  } else if (/machine.slice[_/].*\.service/.test(intermediate)) {
    return { name: intermediate.replace(/.*machine.slice[_/](.*)\.service/, "$1") };
  } else if (/lxc.payload.*/.test(intermediate)) {
    return { name: intermediate.replace(/lxc\.payload\.(.*)/, "$1") };
  }
  return { name: intermediate.length > 100 ? intermediate.slice(0, 100) : intermediate };
}

/** Reads a container's name from the Docker Engine API over its unix socket (cgroup-name.sh's way). */
export function dockerApiNames(socketPath = "/var/run/docker.sock", timeoutMs = 2000): ContainerNames {
  return async (id) => {
    let conn: Deno.UnixConn;
    try {
      conn = await Deno.connect({ transport: "unix", path: socketPath });
    } catch {
      return null;
    }
    const timer = setTimeout(() => conn.close(), timeoutMs);
    try {
      const req = new TextEncoder().encode(`GET /containers/${id}/json HTTP/1.0\r\nHost: localhost\r\n\r\n`);
      for (let off = 0; off < req.length;) off += await conn.write(req.subarray(off));
      const chunks: Uint8Array[] = [];
      const buf = new Uint8Array(16384);
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        chunks.push(buf.slice(0, n));
      }
      const text = new TextDecoder().decode(concat(chunks));
      const sep = text.indexOf("\r\n\r\n");
      if (!/^HTTP\/1\.[01] 200/.test(text) || sep < 0) return null;
      const body = JSON.parse(text.slice(sep + 4)) as { Name?: string; Config?: { Env?: string[] } };
      // Nomad's tasks are named by namespace, job, task and allocation, as cgroup-name.sh does.
      const env = new Map(
        (body.Config?.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
      );
      const nomad = ["NOMAD_NAMESPACE", "NOMAD_JOB_NAME", "NOMAD_TASK_NAME", "NOMAD_SHORT_ALLOC_ID"].map((
        k,
      ) => env.get(k) ?? "");
      if (nomad.every((v) => v !== "")) return nomad.join("-");
      const name = (body.Name ?? "").replace(/^\//, "");
      return name === "" ? null : name;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
      try {
        conn.close();
      } catch { /* closed by the timer */ }
    }
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** convert_cgroup_to_systemd_service(): the unit's name without its extension. */
export function serviceTitle(id: string): string {
  let s = id.slice(id.lastIndexOf("/") + 1);
  const dot = s.lastIndexOf(".");
  if (dot > 0) s = s.slice(0, dot);
  return fixName(skipSlash(s));
}
