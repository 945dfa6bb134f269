/**
 * A cgroup file kept open and re-read from offset 0 every tick, like proc_file.ts's ProcFile, but
 * done after one read when it comes back short: cgroup files are kernel seq_files, whose read fills
 * the buffer while there is more, so a short read is the end. That saves the read that returns 0,
 * one system call of three per file per tick (the seek, the read, the empty read), over the dozen
 * files each cgroup has.
 * @module
 */

/** One open cgroup file. */
export class CgroupFile {
  readonly path: string;
  #file: Deno.FsFile | null;
  #buf: Uint8Array;

  /**
   * Opens `path` for reading.
   * @throws {Deno.errors.NotFound | Deno.errors.PermissionDenied} when it cannot be opened.
   */
  constructor(path: string, initialBytes = 512) {
    this.path = path;
    this.#file = Deno.openSync(path, { read: true });
    this.#buf = new Uint8Array(initialBytes > 16 ? initialBytes : 16);
  }

  /**
   * Rewinds and reads the whole file; returns its length in bytes.
   * @throws {Error} when the file is closed or the read fails (the cgroup was removed).
   */
  read(): number {
    const f = this.#file;
    if (f === null) throw new Error(`Cannot read "${this.path}": file is closed`);
    f.seekSync(0, Deno.SeekMode.Start);
    let n = 0;
    for (;;) {
      const room = this.#buf.length - n;
      const r = f.readSync(this.#buf.subarray(n));
      if (r === null || r === 0) break;
      n += r;
      if (r < room) break; // a short read of a seq_file: the end
      // Full: grow by doubling, keep what was read, and read on.
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf);
      this.#buf = bigger;
    }
    return n;
  }

  /** The bytes of the last read; valid until the next {@link read} (the buffer is reused). */
  get bytes(): Uint8Array {
    return this.#buf;
  }

  /** Closes the file; further reads throw. Idempotent. */
  close(): void {
    if (this.#file === null) return;
    try {
      this.#file.close();
    } catch { /* already closed by the runtime */ }
    this.#file = null;
  }
}
