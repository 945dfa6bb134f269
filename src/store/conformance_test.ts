/**
 * One conformance suite for the Store interfaces, run against every implementation: the RAM
 * store, the disk store, the disk store closed and reopened between writing and reading, and
 * the disk store recovered from a crash image taken after a flush (journal replay).
 *
 * Each case writes through the StoreWriter (asserting what must hold right away, like
 * `droppedOld`), then checks through the StoreReader after re-defining its series by key, so
 * the restart variants also prove that keys map to the same ids.
 */

import { assert } from "../../tests/_helpers/assert.ts";
import { copyDir, openDisk, removeDir, T0, tempDir, tierValues, values } from "./_helper.ts";
import { createStore, type Store } from "./mod.ts";

interface Impl {
  name: string;
  /** Opens a store, runs `write`, maybe restarts or crashes it, then runs `check`. */
  run(historySec: number, write: (s: Store) => void, check: (s: Store) => void): void;
}

const impls: Impl[] = [
  {
    name: "ram",
    run(historySec, write, check) {
      const s = createStore({ mode: "ram", historySec });
      write(s);
      check(s);
      s.close();
    },
  },
  {
    name: "dbengine",
    run(historySec, write, check) {
      const dir = tempDir();
      const s = openDisk(dir, { historySec });
      try {
        write(s);
        check(s);
      } finally {
        s.close();
        removeDir(dir);
      }
    },
  },
  {
    name: "dbengine reopened",
    run(historySec, write, check) {
      const dir = tempDir();
      try {
        const s = openDisk(dir, { historySec });
        write(s);
        s.close();
        const again = openDisk(dir, { historySec });
        check(again);
        again.close();
        const third = openDisk(dir, { historySec }); // a second restart changes nothing
        check(third);
        third.close();
      } finally {
        removeDir(dir);
      }
    },
  },
  {
    name: "dbengine after a crash",
    run(historySec, write, check) {
      const dir = tempDir();
      let image = "";
      try {
        const s = openDisk(dir, { historySec });
        write(s);
        s.flush!();
        image = copyDir(dir); // the files as a kill -9 right after this flush leaves them
        s.close();
        const recovered = openDisk(image, { historySec });
        check(recovered);
        recovered.close();
      } finally {
        removeDir(dir);
        removeDir(image);
      }
    },
  },
];

interface Case {
  name: string;
  historySec: number;
  write(s: Store): void;
  check(s: Store): void;
}

const nan = NaN;

/** Asserts arrays equal with NaN equal to NaN (assert.deepEqual already does: SameValueZero). */
function same(got: number[], want: number[], msg: string): void {
  assert.deepEqual(got, want, msg);
}

const cases: Case[] = [
  {
    name: "reads back appended points on the grid",
    historySec: 60,
    write(s) {
      const id = s.define("c|d", 1);
      for (let i = 0; i < 5; i++) s.append(id, T0 + i, i * 1.5);
    },
    check(s) {
      const id = s.define("c|d", 1);
      same(values(s, id, T0, T0 + 4), [0, 1.5, 3, 4.5, 6], "values");
      assert.equal(s.firstTime(id), T0);
      assert.equal(s.lastTime(id), T0 + 4);
      assert.equal(s.updateEvery(id), 1);
      same(values(s, id, T0 - 2, T0 + 6), [nan, nan, 0, 1.5, 3, 4.5, 6, nan, nan], "outside reads as gaps");
    },
  },
  {
    name: "keeps several series apart and maps keys to the same ids",
    historySec: 60,
    write(s) {
      const a = s.define("a|x", 1);
      const b = s.define("b|y", 1);
      assert.notEqual(a, b);
      assert.equal(s.define("a|x", 1), a);
      s.append(a, T0, 1);
      s.append(b, T0, 2);
    },
    check(s) {
      assert.ok(s.seriesCount >= 2);
      const a = s.define("a|x", 1);
      const b = s.define("b|y", 1);
      same(values(s, a, T0, T0), [1], "a");
      same(values(s, b, T0, T0), [2], "b");
      const c = s.define("c|z", 1);
      assert.equal(s.seriesCount, 3);
      assert.ok(c !== a && c !== b);
      assert.equal(s.lastTime(c), 0);
    },
  },
  {
    name: "leaves skipped slots and NaN appends as gaps",
    historySec: 60,
    write(s) {
      const id = s.define("c|d", 1);
      s.append(id, T0, 1);
      s.append(id, T0 + 3, 4);
      s.append(id, T0 + 4, NaN);
    },
    check(s) {
      const id = s.define("c|d", 1);
      same(values(s, id, T0, T0 + 4), [1, nan, nan, 4, nan], "gaps");
      assert.equal(s.lastTime(id), T0 + 4, "a NaN append is the newest slot");
    },
  },
  {
    name: "stops serving slots older than its history (wrap-around)",
    historySec: 10,
    write(s) {
      const id = s.define("c|d", 1);
      for (let i = 0; i < 25; i++) s.append(id, T0 + i, i);
    },
    check(s) {
      const id = s.define("c|d", 1);
      assert.equal(s.firstTime(id), T0 + 15);
      assert.equal(s.lastTime(id), T0 + 24);
      same(values(s, id, T0 + 15, T0 + 24), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24], "kept");
      assert.ok(values(s, id, T0 + 10, T0 + 14).every(Number.isNaN), "recycled slots read as gaps");
    },
  },
  {
    name: "a gap longer than its history leaves only the new point",
    historySec: 10,
    write(s) {
      const id = s.define("c|d", 1);
      for (let i = 0; i < 10; i++) s.append(id, T0 + i, i);
      s.append(id, T0 + 100, 100);
    },
    check(s) {
      const id = s.define("c|d", 1);
      assert.equal(s.firstTime(id), T0 + 91);
      const v = values(s, id, T0 + 91, T0 + 100);
      assert.ok(v.slice(0, 9).every(Number.isNaN));
      assert.equal(v[9], 100);
    },
  },
  {
    name: "back-fills an older slot within its history and drops older ones",
    historySec: 10,
    write(s) {
      const id = s.define("c|d", 1);
      s.append(id, T0 + 20, 20);
      s.append(id, T0 + 15, 15);
      assert.equal(s.firstTime(id), T0 + 15);
      s.append(id, T0 + 5, 5);
      assert.equal(s.droppedOld, 1);
    },
    check(s) {
      const id = s.define("c|d", 1);
      assert.equal(s.firstTime(id), T0 + 15);
      same(values(s, id, T0 + 15, T0 + 20), [15, nan, nan, nan, nan, 20], "back-filled");
      assert.equal(s.lastTime(id), T0 + 20);
    },
  },
  {
    name: "back-fills gaps and overwrites slots in pages written long ago",
    historySec: 5000,
    write(s) {
      const id = s.define("c|d", 1);
      for (let i = 0; i < 3000; i++) if (i < 500 || i > 510) s.append(id, T0 + i, i);
      for (let i = 500; i <= 510; i++) s.append(id, T0 + i, -i); // fill the gap, in order
      s.append(id, T0 + 100, 0.5); // overwrite
      s.append(id, T0 + 2990, 1.5); // in the newest page
    },
    check(s) {
      const id = s.define("c|d", 1);
      const v = values(s, id, T0, T0 + 2999);
      assert.equal(v.length, 3000);
      for (let i = 0; i < 3000; i++) {
        const want = i === 100 ? 0.5 : i === 2990 ? 1.5 : i >= 500 && i <= 510 ? -i : i;
        assert.equal(v[i], want, `slot ${i}`);
      }
    },
  },
  {
    name: "back-fills before the first point within its history",
    historySec: 100,
    write(s) {
      const id = s.define("c|d", 1);
      s.append(id, T0 + 50, 50);
      s.append(id, T0 + 40, 40);
    },
    check(s) {
      const id = s.define("c|d", 1);
      assert.equal(s.firstTime(id), T0 + 40);
      same(
        values(s, id, T0 + 40, T0 + 50),
        [40, nan, nan, nan, nan, nan, nan, nan, nan, nan, 50],
        "before first",
      );
    },
  },
  {
    name: "keeps a grid of update-every seconds and rounds reads up to it",
    historySec: 100,
    write(s) {
      const id = s.define("load|load1", 5);
      s.append(id, T0, 1);
      s.append(id, T0 + 5, 2);
      s.append(id, T0 + 15, 4);
    },
    check(s) {
      const id = s.define("load|load1", 5);
      assert.equal(s.updateEvery(id), 5);
      same(values(s, id, T0 - 2, T0 + 7), [1, 2], "rounded");
      same(values(s, id, T0, T0 + 15), [1, 2, nan, 4], "gap on the 5 s grid");
      assert.equal(s.firstTime(id), T0);
      assert.equal(s.lastTime(id), T0 + 15);
    },
  },
  {
    name: "reads across many pages and stops at the buffer's length",
    historySec: 7200,
    write(s) {
      const id = s.define("c|d", 1);
      for (let i = 0; i < 5000; i++) s.append(id, T0 + i, i % 977);
    },
    check(s) {
      const id = s.define("c|d", 1);
      const all = values(s, id, T0, T0 + 4999);
      assert.equal(all.length, 5000);
      for (let i = 0; i < 5000; i++) assert.equal(all[i], i % 977, `slot ${i}`);
      const out = new Float64Array(100);
      assert.equal(s.read(id, T0 + 1000, T0 + 4999, out), 100);
      assert.equal(out[99], 1099 % 977);
      assert.equal(s.read(id, T0 + 10, T0 + 9, out), 0);
    },
  },
  {
    name: "redefining a series with another update every clears it",
    historySec: 100,
    write(s) {
      const id = s.define("c|d", 1);
      s.append(id, T0, 1);
      assert.equal(s.define("c|d", 2), id);
      assert.equal(s.lastTime(id), 0);
      s.append(id, T0 + 10, 10);
    },
    check(s) {
      const id = s.define("c|d", 2);
      assert.equal(s.updateEvery(id), 2);
      assert.equal(s.firstTime(id), T0 + 10);
      same(values(s, id, T0, T0 + 10), [nan, nan, nan, nan, nan, 10], "only the new grid");
    },
  },
  {
    name: "an empty series has no times and reads as gaps",
    historySec: 100,
    write(s) {
      s.define("c|d", 1);
    },
    check(s) {
      const id = s.define("c|d", 1);
      assert.equal(s.firstTime(id), 0);
      assert.equal(s.lastTime(id), 0);
      assert.ok(values(s, id, T0, T0 + 3).every(Number.isNaN));
      assert.equal(s.firstTime(id, 1), 0);
    },
  },
  {
    name: "aggregates tiers: per-minute and per-hour min, max, sum and count",
    historySec: 3 * 3600,
    write(s) {
      const id = s.define("c|d", 1);
      // T0 is a multiple of 3600: slots T0+1 … T0+7200 fill tier-2 points T0+3600 and T0+7200
      for (let i = 1; i <= 7200; i++) s.append(id, T0 + i, i % 97 === 0 ? NaN : i % 50);
    },
    check(s) {
      const id = s.define("c|d", 1);
      assert.equal(s.tierUpdateEvery!(id, 1), 60);
      assert.equal(s.tierUpdateEvery!(id, 2), 3600);
      assert.equal(s.firstTime(id, 1), T0 + 60);
      assert.equal(s.lastTime(id, 1), T0 + 7200);
      assert.equal(s.firstTime(id, 2), T0 + 3600);
      assert.equal(s.lastTime(id, 2), T0 + 7200);
      const t1 = tierValues(s, id, 1, { from: T0 + 1, to: T0 + 7200 });
      assert.equal(t1.count.length, 120);
      for (let p = 0; p < 120; p++) {
        let min = Infinity, max = -Infinity, sum = 0, count = 0;
        for (let i = p * 60 + 1; i <= p * 60 + 60; i++) {
          if (i % 97 === 0) continue;
          const v = i % 50;
          min = Math.min(min, v);
          max = Math.max(max, v);
          sum += v;
          count++;
        }
        assert.deepEqual(
          [t1.min[p], t1.max[p], t1.sum[p], t1.count[p]],
          [min, max, sum, count],
          `tier-1 point ${p}`,
        );
      }
      const t2 = tierValues(s, id, 2, { from: T0, to: T0 + 10000 });
      same(t2.count, [0, 3600 - 37, 3600 - 37], "tier-2 counts (37 gaps in each hour)");
      assert.ok(Number.isNaN(t2.sum[0]), "no data: NaN");
      assert.equal(t2.min[1], 0);
      assert.equal(t2.max[1], 49);
      const t0 = tierValues(s, id, 0, { from: T0 + 96, to: T0 + 98 });
      same(t0.sum, [46, nan, 48], "tier 0 through readTier");
      same(t0.count, [1, 0, 1], "tier 0 counts");
    },
  },
  {
    name: "tiers follow the series' grid (update every 5: tier 1 every 300 s)",
    historySec: 3600,
    write(s) {
      const id = s.define("c|d", 5);
      for (let i = 1; i <= 120; i++) s.append(id, T0 + i * 5, 2);
    },
    check(s) {
      const id = s.define("c|d", 5);
      assert.equal(s.tierUpdateEvery!(id, 1), 300);
      const t1 = tierValues(s, id, 1, { from: T0 + 1, to: T0 + 600 });
      same(t1.count, [60, 60], "counts");
      same(t1.sum, [120, 120], "sums");
      same(t1.min, [2, 2], "mins");
    },
  },
  {
    name: "a tier's newest point is partial until its interval ends",
    historySec: 3600,
    write(s) {
      const id = s.define("c|d", 1);
      for (let i = 1; i <= 90; i++) s.append(id, T0 + i, 1);
    },
    check(s) {
      const id = s.define("c|d", 1);
      assert.equal(s.lastTime(id, 1), T0 + 120);
      const t1 = tierValues(s, id, 1, { from: T0 + 60, to: T0 + 120 });
      same(t1.count, [60, 30], "counts");
      same(t1.sum, [60, 30], "sums");
    },
  },
];

for (const impl of impls) {
  for (const c of cases) {
    Deno.test(`Store (${impl.name}) ${c.name}`, () => impl.run(c.historySec, c.write, c.check));
  }
}
