/**
 * Disk store tests beyond the conformance suite and recovery (`recovery_test.ts`): back-fill
 * after a restart, retention by disk space and by age, tier history, the flush timer, option
 * checks, and a model check against the RAM store.
 */

import { assert } from "../../../tests/_helpers/assert.ts";
import { captureLogs, copyDir, openDisk, removeDir, T0, tempDir, values } from "../_helper.ts";
import { createStore } from "../mod.ts";
import { PAGE_POINTS } from "./mod.ts";
import type { DiskStore } from "./store.ts";

/** First slot of a page window, so pages in these tests are whole. */
const B = Math.ceil(T0 / PAGE_POINTS[0]) * PAGE_POINTS[0];

Deno.test("DiskStore back-fill after a restart lands in the newest page and in older pages", () => {
  const dir = tempDir("backfill");
  try {
    let s = openDisk(dir, { historySec: 86400, tiers: 1 });
    let id = s.define("c|d", 1);
    for (let i = 0; i < 1500; i++) if (i !== 1400 && i !== 10) s.append(id, B + i, i);
    s.close();
    s = openDisk(dir, { historySec: 86400, tiers: 1 });
    id = s.define("c|d", 1);
    s.append(id, B + 1400, 1400); // the newest page, reloaded from disk
    s.append(id, B + 10, 10); // an older page: a patch
    s.append(id, B + 1500, 1500);
    s.close();
    s = openDisk(dir, { historySec: 86400, tiers: 1 });
    id = s.define("c|d", 1);
    assert.deepEqual(values(s, id, B, B + 1500), Array.from({ length: 1501 }, (_, i) => i));
    s.close();
  } finally {
    removeDir(dir);
  }
});

function segmentFiles(dir: string, tier = 0): string[] {
  return [...Deno.readDirSync(`${dir}/tier${tier}`)].map((e) => e.name).filter((n) => n.startsWith("seg-"))
    .sort();
}

Deno.test("DiskStore retention by disk space: the oldest files go first and the newest data stays whole", () => {
  const dir = tempDir("space");
  try {
    // 20 noisy series: ~3 bytes per sample, open pages ~60 KiB (the journal holds up to twice that)
    const budget = 1024 * 1024;
    captureLogs((logs) => {
      const s = openDisk(dir, { historySec: 10 * 86400, tiers: 1, diskSpaceBytes: budget });
      try {
        const ids = Array.from({ length: 20 }, (_, i) => s.define(`noisy|d${i}`, 1));
        let seed = 1;
        const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
        const firstSeen: string[] = [];
        for (let i = 0; i < 40000; i++) {
          for (const id of ids) s.append(id, B + i, Math.round(rnd() * 1e6) / 100);
          if (i % 20 === 19) {
            s.flush!();
            assert.ok(s.diskBytes!() <= budget, `${s.diskBytes!()} bytes on disk after ${i} s`);
            const files = segmentFiles(dir);
            if (firstSeen.length === 0 || files[0] !== firstSeen[firstSeen.length - 1]) {
              firstSeen.push(files[0]);
            }
          }
        }
        // deleted oldest first: the oldest file name only ever moves forward
        assert.ok(firstSeen.length > 3, "several segments were deleted");
        assert.deepEqual([...firstSeen].sort(), firstSeen);
        const deleted = logs.filter((l) => /^Deleted/.test(l.text));
        assert.ok(deleted.length >= firstSeen.length - 1);
        assert.ok(deleted.every((l) => l.props.reason === "over the disk space"));
        // what is left is one contiguous newest stretch of every series
        for (const id of ids) {
          const first = s.firstTime(id);
          assert.ok(first > B, "old data is gone");
          const v = values(s, id, first, B + 39999);
          assert.ok(v.every((x) => !Number.isNaN(x)), "no holes between first and last");
          assert.ok(v.length > 2000, `${v.length} s kept`);
          assert.ok(values(s, id, B, first - 1).every(Number.isNaN));
        }
      } finally {
        s.close();
      }
    });
    // and it reopens to the same
    const again = openDisk(dir, { historySec: 10 * 86400, tiers: 1, diskSpaceBytes: budget });
    try {
      const id = again.define("noisy|d0", 1);
      assert.equal(again.lastTime(id), B + 39999);
      assert.ok(again.diskBytes!() <= budget);
    } finally {
      again.close();
    }
  } finally {
    removeDir(dir);
  }
});

Deno.test("DiskStore retention by age: data older than the history is not served and its files go", () => {
  const dir = tempDir("age");
  try {
    const s = openDisk(dir, { historySec: 600, tiers: 1 });
    try {
      const id = s.define("c|d", 1);
      for (let i = 0; i < 20000; i++) {
        s.append(id, B + i, i);
        if (i % 10 === 9) s.flush!();
      }
      assert.equal(s.firstTime(id), B + 20000 - 600);
      assert.ok(values(s, id, B, B + 20000 - 601).every(Number.isNaN));
      assert.deepEqual(values(s, id, B + 19990, B + 19999), Array.from({ length: 10 }, (_, i) => 19990 + i));
      // a page spans 1024 s: at most the pages overlapping the last 600 s, plus the open segment
      assert.ok(segmentFiles(dir).length <= 3, `files left: ${segmentFiles(dir)}`);
    } finally {
      s.close();
    }
  } finally {
    removeDir(dir);
  }
});

Deno.test("DiskStore tiers keep a longer history than tier 0", () => {
  const dir = tempDir("tiers");
  try {
    const s = openDisk(dir, { historySec: 600, tierHistorySec: [86400, 30 * 86400] });
    try {
      const id = s.define("c|d", 1);
      for (let i = 1; i <= 7200; i++) {
        s.append(id, B + i, 1);
        if (i % 100 === 0) s.flush!();
      }
      assert.equal(s.firstTime(id), B + 7200 - 599);
      assert.equal(s.firstTime(id, 1), B + 60);
      const b = {
        min: new Float64Array(200),
        max: new Float64Array(200),
        sum: new Float64Array(200),
        count: new Float64Array(200),
      };
      const n = s.readTier!(id, 1, B + 60, B + 7200, b);
      assert.equal(n, 120);
      assert.ok(Array.from(b.count.subarray(0, n)).every((c) => c === 60));
    } finally {
      s.close();
    }
  } finally {
    removeDir(dir);
  }
});

Deno.test("DiskStore flushes on its timer", async () => {
  const dir = tempDir("timer");
  let image = "";
  try {
    const s = openDisk(dir, { historySec: 3600, flushIntervalSec: 0.05 });
    const id = s.define("c|d", 1);
    s.append(id, B, 42);
    await new Promise((r) => setTimeout(r, 200));
    image = copyDir(dir);
    s.close();
    captureLogs(() => {
      const r = openDisk(image, { historySec: 3600 });
      assert.deepEqual(values(r, r.define("c|d", 1), B, B), [42]);
      r.close();
    });
  } finally {
    removeDir(dir);
    removeDir(image);
  }
});

Deno.test("createStore() checks dbengine options", () => {
  const dir = tempDir("opts");
  try {
    const cases: { name: string; opts: Record<string, unknown>; want: RegExp }[] = [
      { name: "no dir", opts: {}, want: /needs a directory/ },
      {
        name: "tiny disk space",
        opts: { dir, diskSpaceBytes: 1000 },
        want: /Disk space must be at least 65536 bytes, got 1000/,
      },
      {
        name: "zero flush interval",
        opts: { dir, flushIntervalSec: 0 },
        want: /Flush interval must be above 0/,
      },
      { name: "four tiers", opts: { dir, tiers: 4 }, want: /Storage tiers must be 1 to 3, got 4/ },
      {
        name: "tier history below tier 0's",
        opts: { dir, tierHistorySec: [10] },
        want: /History of tier 1 must be at least 3600/,
      },
    ];
    for (const c of cases) {
      assert.throws(() => createStore({ mode: "dbengine", historySec: 3600, ...c.opts }), (err: unknown) => {
        assert.ok(err instanceof RangeError, c.name);
        assert.match(err.message, c.want, c.name);
        return true;
      });
    }
  } finally {
    removeDir(dir);
  }
});

Deno.test("DiskStore matches the RAM store under random appends, gaps, back-fills, restarts and crashes", () => {
  let seed = Number(Deno.env.get("MODEL_SEED") ?? 12345);
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const history = 3 * 3600;
  const ram = createStore({ mode: "ram", historySec: history });
  let dir = tempDir("model");
  const dirs = [dir];
  let disk = openDisk(dir, { historySec: history });
  const keys = Array.from({ length: 12 }, (_, i) => ({ key: `m|s${i}`, ue: i % 4 === 3 ? 5 : 1 }));
  const pausedUntil = keys.map(() => 0);
  let droppedBefore = 0;
  let newest = 0;
  // The disk store serves a series' last `history` like the RAM ring, but also nothing older
  // than the store's newest time minus `history` (files go by age); a series in a long pause
  // can differ from the ring there, so compare from the later of the two.
  const check = (label: string) => {
    for (const { key, ue } of keys) {
      const r = ram.define(key, ue);
      const d = disk.define(key, ue);
      const horizon = (Math.floor((newest - history) / ue) + 1) * ue;
      const first = Math.max(ram.firstTime(r), horizon);
      if (first > ram.lastTime(r)) {
        assert.equal(disk.lastTime(d), 0, `${label}: ${key} expired`);
        continue;
      }
      assert.equal(disk.lastTime(d), ram.lastTime(r), `${label}: ${key} last`);
      assert.equal(disk.firstTime(d), first, `${label}: ${key} first`);
      const want = values(ram, r, first - 50 * ue, ram.lastTime(r) + 10 * ue);
      for (let k = 0; k < 50; k++) want[k] = NaN;
      assert.deepEqual(
        values(disk, d, first - 50 * ue, ram.lastTime(r) + 10 * ue),
        want,
        `${label}: ${key} values`,
      );
    }
  };
  const restart = (step: number) => {
    droppedBefore = ram.droppedOld; // the counter starts again with the process
    if (step % 2 === 0) {
      disk.close();
      disk = openDisk(dir, { historySec: history });
      return;
    }
    disk.flush!();
    const image = copyDir(dir); // a crash right after a flush
    dirs.push(image);
    disk.close();
    dir = image;
    captureLogs(() => {
      disk = openDisk(dir, { historySec: history });
    });
  };
  try {
    let T = B;
    for (let tick = 1; tick <= 6 * 3600; tick++) {
      T++;
      for (let i = 0; i < keys.length; i++) {
        const { key, ue } = keys[i];
        const r = ram.define(key, ue);
        const d = disk.define(key, ue);
        if (T % ue === 0 && T >= pausedUntil[i] && rnd() < 0.98) {
          const v = rnd() < 0.05 ? NaN : Math.round(rnd() * 2000) / 8;
          ram.append(r, T, v);
          disk.append(d, T, v);
          newest = T;
          if (rnd() < 0.0005) pausedUntil[i] = T + Math.floor(rnd() * 3000); // a collector stops a while
        }
        if (rnd() < 0.01) {
          // replication filling a gap, near or far back (sometimes beyond retention)
          const back = ue * (1 + Math.floor(rnd() * (rnd() < 0.5 ? 50 : 2500)));
          const t = Math.floor((T - back) / ue) * ue;
          const v = Math.round(rnd() * 2000) / 8;
          ram.append(r, t, v);
          disk.append(d, t, v);
        }
        assert.equal(disk.droppedOld, ram.droppedOld - droppedBefore, `tick ${tick}: dropped`);
      }
      if (tick % 2700 === 0) {
        restart(tick / 2700);
        check(`after restart at tick ${tick}`);
      } else if (tick % 500 === 0) {
        check(`tick ${tick}`);
      }
    }
    check("end");
  } finally {
    disk.close();
    ram.close();
    for (const d of dirs) removeDir(d);
  }
});

Deno.test("DiskStore releaseFiles() closes every descriptor once its journal sync is done; writes and reads after it reopen them and lose nothing", async () => {
  const dir = tempDir("release");
  // Descriptors on this store's files only: other test files run in this process at the same time.
  const fds = () =>
    [...Deno.readDirSync("/proc/self/fd")].filter((e) => {
      try {
        return Deno.readLinkSync(`/proc/self/fd/${e.name}`).startsWith(dir);
      } catch {
        return false;
      }
    }).length;
  try {
    const before = fds();
    let s = openDisk(dir, { historySec: 86400, tiers: 2 });
    let id = s.define("c|d", 1);
    for (let i = 0; i < 700; i++) s.append(id, B + i, i);
    s.flush!();
    assert.ok(fds() > before, "the store holds no descriptor while open");
    for (let i = 700; i < 710; i++) s.append(id, B + i, i); // written by releaseFiles()
    s.releaseFiles!();
    await (s as DiskStore).settled(); // a journal snapshot's fdatasync may run off the event loop
    assert.equal(fds(), before, "descriptors left after releaseFiles()");
    assert.deepEqual(values(s, id, B, B + 699), Array.from({ length: 700 }, (_, i) => i)); // reads reopen
    s.releaseFiles!();
    for (let i = 710; i < 1500; i++) s.append(id, B + i, i); // writes reopen
    s.flush!();
    s.releaseFiles!();
    s.close();
    assert.equal(fds(), before);
    s = openDisk(dir, { historySec: 86400, tiers: 2 });
    id = s.define("c|d", 1);
    assert.deepEqual(values(s, id, B, B + 1499), Array.from({ length: 1500 }, (_, i) => i));
    s.close();
  } finally {
    removeDir(dir);
  }
});

Deno.test("DiskStores share their decode scratch: reads and back-fills of one never show in another", () => {
  const dirs = [tempDir("shared-a"), tempDir("shared-b")];
  try {
    for (const [k, dir] of dirs.entries()) {
      const s = openDisk(dir, { historySec: 86400, tiers: 1 });
      const id = s.define("c|d", 1);
      for (let i = 0; i < 2100; i++) s.append(id, B + i, 1000 * k + (i % 500));
      s.close();
    }
    const [a, b] = dirs.map((d) => openDisk(d, { historySec: 86400, tiers: 1 }));
    const [ia, ib] = [a.define("c|d", 1), b.define("c|d", 1)];
    const want = (k: number, from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => 1000 * k + ((from - B + i) % 500));
    // Alternate single-point reads within one sealed page each: a reader that trusted its cached
    // page after the other store decoded into the scratch would answer with the other's values.
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(values(a, ia, B + i, B + i), want(0, B + i, B + i));
      assert.deepEqual(values(b, ib, B + i, B + i), want(1, B + i, B + i));
    }
    b.append(ib, B + 5, 77); // a back-fill into a sealed page goes through the scratch too
    assert.deepEqual(values(a, ia, B + 3, B + 6), want(0, B + 3, B + 6));
    assert.deepEqual(values(b, ib, B + 5, B + 5), [77]);
    a.close();
    b.close();
  } finally {
    for (const d of dirs) removeDir(d);
  }
});

Deno.test("DiskStore holds no descriptors between timer flushes, and loses nothing by it", async () => {
  const dir = tempDir("between");
  const fds = () =>
    [...Deno.readDirSync("/proc/self/fd")].filter((e) => {
      try {
        return Deno.readLinkSync(`/proc/self/fd/${e.name}`).startsWith(dir);
      } catch {
        return false;
      }
    }).length;
  try {
    const s = openDisk(dir, { historySec: 86400, tiers: 2, flushIntervalSec: 0.05 });
    const id = s.define("c|d", 1);
    for (let i = 0; i < 1500; i++) s.append(id, B + i, i);
    assert.ok(fds() > 0, "files are open while points wait for their flush");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fds(), 0, "descriptors held after a timer flush");
    for (let i = 1500; i < 2100; i++) s.append(id, B + i, i);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(values(s, id, B, B + 2099), Array.from({ length: 2100 }, (_, i) => i));
    s.close();
    const r = openDisk(dir, { historySec: 86400, tiers: 2 });
    assert.deepEqual(values(r, r.define("c|d", 1), B, B + 2099), Array.from({ length: 2100 }, (_, i) => i));
    r.close();
  } finally {
    removeDir(dir);
  }
});
