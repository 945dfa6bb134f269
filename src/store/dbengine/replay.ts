/**
 * Journal replay at open, after an unclean shutdown: the journals' JSET entries rebuild the open
 * pages as of the last completed flush, JSEAL markers retire entries whose window was sealed
 * into a segment meanwhile, and the JFLUSH stamp tells the log when that flush was. Then every
 * series' accumulating tier points are rebuilt from the tier below (the journal never carries
 * them).
 * @module
 */

import {
  ByteReader,
  decodeXor32,
  FILE_HEADER_BYTES,
  JsetEntry,
  KIND_JOURNAL,
  readFileHeader,
  readJsetEntry,
  REC_JFLUSH,
  REC_JSEAL,
  REC_JSET,
  RECORD_HEADER_BYTES,
  scanRecords,
} from "../chunk/mod.ts";
import { MAX_TIERS, TIER_GROUPING } from "../tiers.ts";
import type { Backfill } from "./backfill.ts";
import { type DamageStats, errText, JOURNAL_RE, reportDamage } from "./io.ts";
import type { Journal } from "./journal.ts";
import type { OpenPages } from "./open_pages.ts";
import { mergePoint, PAGE_POINTS, type TierState } from "./pages.ts";
import type { PageReader } from "./reader.ts";
import type { EngineState } from "./state.ts";

/** The parts a replay writes through. */
export interface ReplayParts {
  reader: PageReader;
  journal: Journal;
  pages: OpenPages;
  backfill: Backfill;
}

/** Replays the journals of one store at open; used once. */
export class JournalReplay {
  readonly #s: EngineState;
  readonly #p: ReplayParts;
  /** Where journal values are decoded (apart from the page scratch, which page loads use meanwhile). */
  readonly #jdec: Uint32Array[] = [];
  readonly #jdecF: Float32Array[] = [];

  constructor(state: EngineState, parts: ReplayParts) {
    this.#s = state;
    this.#p = parts;
    for (let c = 0; c < 4; c++) {
      const j = new Uint32Array(PAGE_POINTS[0]);
      this.#jdec.push(j);
      this.#jdecF.push(new Float32Array(j.buffer));
    }
  }

  /** Replays the journals left by an unclean shutdown; returns their paths. */
  replay(stats: DamageStats): string[] {
    const s = this.#s;
    const found: number[] = [];
    for (const e of Deno.readDirSync(s.dir)) {
      const m = e.isFile ? JOURNAL_RE.exec(e.name) : null;
      if (m !== null) found.push(Number(m[1]));
    }
    found.sort((a, b) => a - b);
    const paths: string[] = [];
    const e = new JsetEntry();
    const r = new ByteReader(new Uint8Array(0));
    let entries = 0;
    let stale = 0;
    let lastFlushMs = 0;
    let flushMs = 0;
    for (const seq of found) {
      const path = this.#p.journal.path(seq);
      paths.push(path);
      this.#p.journal.noteFound(seq);
      const bytes = Deno.readFileSync(path);
      const h = readFileHeader(bytes);
      if (!h.ok || h.kind !== KIND_JOURNAL) {
        s.log.warn("Journal {file} has a bad header ({reason}); reading its records anyway", {
          file: path,
          reason: h.ok ? `kind ${h.kind}` : h.reason,
        });
        if (bytes.length < FILE_HEADER_BYTES) continue;
      }
      scanRecords(bytes, FILE_HEADER_BYTES, bytes.length, (type, off, len) => {
        if (type === REC_JSEAL) {
          this.#applySealMarkers(bytes, off + RECORD_HEADER_BYTES, off + len);
          return;
        }
        if (type === REC_JFLUSH) {
          try {
            const fr = new ByteReader(bytes, off + RECORD_HEADER_BYTES, off + len);
            lastFlushMs = fr.varint();
            flushMs = fr.varint();
          } catch {
            // a stamp is only for the log
          }
          return;
        }
        if (type !== REC_JSET) return;
        r.reset(bytes, off + RECORD_HEADER_BYTES, off + len);
        try {
          const tier = r.u8();
          if (tier >= MAX_TIERS) throw new RangeError(`journal record of tier ${tier}`);
          const ncols = tier === 0 ? 1 : 4;
          e.id = 0;
          e.startT = 0;
          while (r.left > 0) {
            readJsetEntry(r, e);
            if (e.count > PAGE_POINTS[tier]) throw new RangeError(`journal entry of ${e.count} points`);
            for (let c = 0; c < ncols; c++) {
              r.pos = decodeXor32(r.buf, r.pos, r.end, e.count, this.#jdec[c], 0);
            }
            if (tier < s.t.length && this.#applyJournalEntry(s.t[tier], e)) entries++;
            else stale++;
          }
        } catch (err) {
          s.log.warn("Skipped the rest of a journal record of {file} at {offset}: {error}", {
            file: path,
            offset: off,
            error: errText(err),
          });
        }
      }, (d) => reportDamage(s.log, { path, bytes }, d, stats));
    }
    if (found.length > 0) {
      let newest = 0;
      for (let id = 0; id < s.keys.length; id++) newest = Math.max(newest, s.lastTime(id, 0));
      s.log.warn(
        "Store {dir} was not closed cleanly: replayed {entries} journal entries up to its last flush at {lastFlush}; points appended after that flush (its writer flushed every {flushIntervalSec} s) are lost; newest point now at {newest}",
        {
          dir: s.dir,
          entries,
          stale,
          lastFlush: lastFlushMs > 0 ? new Date(lastFlushMs).toISOString() : "unknown",
          lastFlushMs,
          flushIntervalSec: flushMs > 0 ? flushMs / 1000 : "unknown",
          newest,
        },
      );
    }
    return paths;
  }

  /**
   * Rebuilds every series' accumulating tier points from the tier below: tier 1 from the tier-0
   * slots of its interval, tier 2 from the tier-1 points of its interval plus tier 1's
   * accumulating point. Falls back to the point stored by `close()` when the tier below holds
   * nothing for the interval (expired).
   */
  rebuildCurrentPoints(): void {
    const s = this.#s;
    const reader = this.#p.reader;
    const t0 = s.t[0];
    const a = s.agg;
    const tb = s.tb;
    for (let id = 0; id < s.keys.length; id++) {
      const last0 = t0.last[id];
      if (last0 < 0 || s.keys[id] === "") continue;
      for (let k = 1; k < s.t.length; k++) {
        const t = s.t[k];
        const p = Math.ceil(last0 / t.g);
        a[0] = a[1] = a[2] = NaN;
        a[3] = 0;
        if (k === 1) {
          const lo = (p - 1) * t.g + 1;
          const buf = s.f64;
          buf.fill(NaN, 0, last0 - lo + 1);
          reader.fill0(id, lo, last0, lo, buf);
          for (let i = 0; i <= last0 - lo; i++) {
            mergePoint(a, buf[i], buf[i], buf[i], buf[i] === buf[i] ? 1 : 0);
          }
        } else {
          const lower = s.t[k - 1];
          const lp = lower.curP[id];
          const lo = (p - 1) * TIER_GROUPING + 1;
          if (lp - 1 >= lo) {
            this.#clearTierBuffers(lp - lo);
            reader.fillTier(lower, id, lo, lp - 1, lo, tb, false);
            for (let i = 0; i < lp - lo; i++) mergePoint(a, tb.min[i], tb.max[i], tb.sum[i], tb.count[i]);
          }
          if (lp >= lo) mergePoint(a, lower.curMin[id], lower.curMax[id], lower.curSum[id], lower.curCnt[id]);
        }
        if (a[3] === 0 && p <= t.last[id]) {
          this.#clearTierBuffers(1);
          reader.fillTier(t, id, p, p, p, tb, false);
          if (tb.count[0] > 0) mergePoint(a, tb.min[0], tb.max[0], tb.sum[0], tb.count[0]);
        }
        t.curP[id] = p;
        t.curEnd[id] = p * t.g;
        t.curMin[id] = a[0];
        t.curMax[id] = a[1];
        t.curSum[id] = a[2];
        t.curCnt[id] = a[3];
        if (p > t.last[id]) t.last[id] = p;
      }
    }
  }

  /**
   * Replays seal markers: the window was sealed into a segment after the journal entries seen
   * so far, so the page on disk supersedes them and the replayed copy is dropped (or, when
   * that page record is missing, written as a recovered page).
   */
  #applySealMarkers(bytes: Uint8Array, pos: number, end: number): void {
    const s = this.#s;
    const r = new ByteReader(bytes, pos, end);
    while (r.left > 0) {
      const id = r.varint();
      const gen = r.varint();
      const tier = r.u8();
      const win = r.varint();
      if (tier >= s.t.length || id >= s.keys.length || gen !== s.gen[id]) continue;
      const t = s.t[tier];
      const op = t.open[id];
      if (op === null || op.win !== win) continue;
      const pages = t.pages[id];
      if (pages === null || pages.findWindow(t.pp, win) < 0) this.#p.pages.seal(t, id, op);
      op.reset(-1);
    }
  }

  /**
   * Applies one decoded journal entry (values in the journal scratch) to the open pages of
   * tier `t`; false when it no longer applies (another definition, or its window is on disk).
   */
  #applyJournalEntry(t: TierState, e: JsetEntry): boolean {
    const s = this.#s;
    const id = e.id;
    if (id >= s.keys.length || s.keys[id] === "" || e.gen !== s.gen[id]) return false;
    const tue = s.ue[id] * t.g;
    const start = e.startT / tue;
    if (!Number.isInteger(start)) return false;
    const w = Math.floor(start / t.pp);
    if (Math.floor((start + e.count - 1) / t.pp) !== w) throw new RangeError("Journal entry spans windows");
    const jdec = this.#jdec;
    let op = t.open[id];
    if (op === null || op.win !== w) {
      if (op !== null && w < op.win) {
        // an older window: sealed and on disk unless that record was lost
        const pages = t.pages[id];
        if (pages !== null && pages.findWindow(t.pp, w) >= 0) return false;
        if (t.k > 0) return false;
        for (let i = 0; i < e.count; i++) this.#p.backfill.patch(id, start + i, this.#jdecF[0][i]);
        this.#p.backfill.flushRun(id);
        return true;
      }
      op = this.#p.pages.openWindow(t, id, w);
    }
    const from = start - w * t.pp;
    let changed = false;
    const bits = op.bits;
    for (let i = 0; i < e.count; i++) {
      const j = from + i;
      for (let c = 0; c < bits.length; c++) {
        if (bits[c][j] !== jdec[c][i]) {
          changed = true;
          bits[c][j] = jdec[c][i];
        }
      }
      if (t.k > 0) op.sum[j] = this.#jdecF[2][i];
    }
    if (changed) op.changed = true;
    const end = start + e.count - 1;
    if (op.lo < 0 || start < op.lo) op.lo = start;
    if (end > op.hi) op.hi = end;
    if (end > t.last[id]) t.last[id] = end;
    const endT = end * s.ue[id] * t.g;
    if (t.k === 0 && endT > s.newestT) s.newestT = endT;
    return true;
  }

  #clearTierBuffers(n: number): void {
    const tb = this.#s.tb;
    tb.min.fill(NaN, 0, n);
    tb.max.fill(NaN, 0, n);
    tb.sum.fill(NaN, 0, n);
    tb.count.fill(0, 0, n);
  }
}
