/**
 * File names, the few synchronous I/O loops the dbengine store needs (every write loops until
 * each byte is written, every read until each byte is read, so a short read or write never
 * leaves a record half there without an error) and the damage report that segment and journal
 * recovery share.
 * @module
 */

import type { Logger } from "@logtape/logtape";
import { badReason, type Damage, samplesInDamagedRecord } from "../chunk/mod.ts";

/** Segment file names: `seg-<10-digit seq>.dat`. */
export const SEG_RE = /^seg-(\d{10})\.dat$/;
/** Journal file names: `journal-<10-digit seq>.wal`. */
export const JOURNAL_RE = /^journal-(\d{10})\.wal$/;

/** A sequence number as the 10 digits of a file name. */
export function pad(seq: number): string {
  return String(seq).padStart(10, "0");
}

/** Path of segment `seq` in the tier directory `tierDir`. */
export function segPath(tierDir: string, seq: number): string {
  return `${tierDir}/seg-${pad(seq)}.dat`;
}

/** Path of journal `seq` in the store directory `dir`. */
export function journalPath(dir: string, seq: number): string {
  return `${dir}/journal-${pad(seq)}.wal`;
}

/** Writes all of `bytes` to `f` (at its current position). */
export function writeAll(f: Deno.FsFile, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
}

/**
 * Fills `out` from `f` at byte `off`.
 * @throws {RangeError} when the file ends first.
 */
export function readAt(f: Deno.FsFile, off: number, out: Uint8Array): void {
  f.seekSync(off, Deno.SeekMode.Start);
  let got = 0;
  while (got < out.length) {
    const n = f.readSync(out.subarray(got));
    if (n === null || n === 0) throw new RangeError(`File ends ${out.length - got} bytes early`);
    got += n;
  }
}

/** The message of a caught error, for a log line. */
export function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What recovery skipped while reading damaged files. */
export interface DamageStats {
  damagedBytes: number;
  damagedSamples: number;
}

/** Logs one stretch of damage in `path` (skipped, or a tail cut off) and counts it in `stats`. */
export function reportDamage(
  log: Logger,
  file: { path: string; bytes: Uint8Array },
  d: Damage,
  stats: DamageStats,
): void {
  const samples = samplesInDamagedRecord(file.bytes, d.off, d.off + d.len);
  stats.damagedBytes += d.len;
  stats.damagedSamples += samples;
  const what = d.tail ? "Cut a damaged tail of" : "Skipped damaged bytes in";
  log.warn(`${what} {file} at {offset}: {bytes} bytes, {samples} samples lost ({reason})`, {
    file: file.path,
    offset: d.off,
    bytes: d.len,
    samples,
    reason: badReason(d.code),
  });
}
