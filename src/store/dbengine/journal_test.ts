/**
 * The journal's snapshot at open is synced off the event loop: the journals it replaces go only
 * once it is on disk, or at a clean close.
 */
import { assert } from "../../../tests/_helpers/assert.ts";
import { copyDir, openDisk, removeDir, T0, tempDir, values } from "../_helper.ts";
import { PAGE_POINTS } from "./mod.ts";
import type { DiskStore } from "./store.ts";

const B = Math.ceil(T0 / PAGE_POINTS[0]) * PAGE_POINTS[0];

const journals = (dir: string) =>
  [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".wal")).map((e) => e.name).sort();

/** A store directory left as by a killed process: 80 points flushed, its journal on disk. */
function uncleanImage(): { dir: string; image: string } {
  const dir = tempDir("journal-bg");
  const s = openDisk(dir, { historySec: 86400, tiers: 1 });
  const id = s.define("c|d", 1);
  for (let i = 0; i < 80; i++) s.append(id, B + i, i);
  s.flush!();
  const image = copyDir(dir);
  s.close();
  return { dir, image };
}

Deno.test("dbengine open: the replayed journal goes once the new snapshot is synced, and nothing is lost", async () => {
  const { dir, image } = uncleanImage();
  try {
    const [old] = journals(image);
    const r = openDisk(image, { historySec: 86400, tiers: 1 }) as DiskStore;
    try {
      const now = journals(image);
      assert.equal(now.length, 2, `the old journal stays until the snapshot is synced: ${now}`);
      assert.ok(now.includes(old));
      await r.settled();
      await new Promise((res) => setTimeout(res, 0));
      const after = journals(image);
      assert.equal(after.length, 1, `after the sync: ${after}`);
      assert.ok(after[0] > old, `the new journal is kept: ${after}`);
      const id = r.define("c|d", 1);
      assert.deepEqual(values(r, id, B, B + 79), Array.from({ length: 80 }, (_, i) => i));
    } finally {
      r.close();
    }
    assert.deepEqual(journals(image), [], "a clean close leaves no journal");
  } finally {
    removeDir(dir);
    removeDir(image);
  }
});

Deno.test("dbengine open: a clean close before the snapshot's sync is done removes every journal", async () => {
  const { dir, image } = uncleanImage();
  try {
    const r = openDisk(image, { historySec: 86400, tiers: 1 }) as DiskStore;
    r.close();
    assert.deepEqual(journals(image), []);
    await r.settled();
    await new Promise((res) => setTimeout(res, 10));
    assert.deepEqual(journals(image), []);
    const again = openDisk(image, { historySec: 86400, tiers: 1 });
    try {
      const id = again.define("c|d", 1);
      assert.deepEqual(values(again, id, B, B + 79), Array.from({ length: 80 }, (_, i) => i));
    } finally {
      again.close();
    }
  } finally {
    removeDir(dir);
    removeDir(image);
  }
});
