/**
 * Retention of the dbengine store: files are deleted only whole, oldest first, by age (the
 * tier's history) and by disk space (the tier's share of the budget; tier 0's share also pays
 * for the journal). The segment being written is never deleted, so a store over its budget with
 * nothing old left says so once instead of deleting what it is writing.
 * @module
 */

import { errText } from "./io.ts";
import type { Segment, TierState } from "./pages.ts";
import type { PageReader } from "./reader.ts";
import type { EngineState } from "./state.ts";

/** Deletes the segments every tier no longer keeps; `journalBytes` counts against tier 0. */
export function applyRetention(s: EngineState, reader: PageReader, journalBytes: number): void {
  for (const t of s.t) {
    const horizon = s.newestT - t.historySec;
    while (t.segs.length > 0 && t.segs[0] !== t.active && t.segs[0].maxT < horizon) {
      deleteSegment(s, reader, t, "older than the history");
    }
    if (t.budget <= 0) continue;
    const journal = t.k === 0 ? journalBytes : 0;
    while (t.bytes() + journal > t.budget && t.segs.length > 0 && t.segs[0] !== t.active) {
      deleteSegment(s, reader, t, "over the disk space");
    }
    const over = t.bytes() + journal > t.budget;
    if (over !== t.overBudget) {
      t.overBudget = over;
      if (over) {
        s.log.warn(
          "Tier {tier} of store {dir} holds {bytes} bytes, over its {budget} byte share of the disk space, with nothing old left to delete: the open segment and the journal need more",
          { tier: t.k, dir: s.dir, bytes: t.bytes() + journal, budget: t.budget },
        );
      }
    }
  }
}

/** Deletes the oldest segment of `t` and every page entry pointing into it. */
function deleteSegment(s: EngineState, reader: PageReader, t: TierState, reason: string): void {
  const seg: Segment = t.segs[0];
  let entries = 0;
  for (let id = 0; id < s.keys.length; id++) {
    entries += t.pages[id]?.removeSeg(seg.seq) ?? 0;
    entries += t.patches[id]?.removeSeg(seg.seq) ?? 0;
  }
  seg.rf?.close();
  seg.rf = null;
  t.segs.shift();
  t.indexStale = true;
  try {
    Deno.removeSync(seg.path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      s.log.warn("Cannot delete {file}: {error}", { file: seg.path, error: errText(err) });
    }
  }
  reader.forgetSegment(t.k, seg.seq);
  s.log.debug("Deleted {file} ({bytes} bytes, {pages} pages): {reason}", {
    file: seg.path,
    bytes: seg.size,
    pages: entries,
    reason,
  });
}
