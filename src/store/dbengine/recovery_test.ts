/**
 * Disk store recovery tests: damaged files (each reopened to check exactly what was kept and
 * what was logged), crash recovery from the journal, and a writer killed with -9.
 */

import { assert } from "../../../tests/_helpers/assert.ts";
import {
  type CapturedLog,
  captureLogs,
  copyDir,
  openDisk,
  removeDir,
  T0,
  tempDir,
  values,
} from "../_helper.ts";
import {
  REC_JFLUSH,
  REC_JSET,
  REC_PAGE,
  REC_SERIES,
  RECORD_HEADER_BYTES,
  scanRecords,
} from "../chunk/mod.ts";
import type { Store } from "../mod.ts";
import { PAGE_POINTS } from "./mod.ts";

/** First slot of a page window, so pages in these tests are whole. */
const B = Math.ceil(T0 / PAGE_POINTS[0]) * PAGE_POINTS[0];
const PAGES = 4;
const TAIL = 100;
const TOTAL = PAGES * PAGE_POINTS[0] + TAIL;

function valueAt(i: number): number {
  return (i * 37) % 1000 + 0.5;
}

/** Writes TOTAL points of one series (4 whole pages, then 100 in a fifth) and closes. */
function writeFixture(dir: string): void {
  const s = openDisk(dir, { historySec: 86400, tiers: 1 });
  const id = s.define("system.cpu|user", 1);
  for (let i = 0; i < TOTAL; i++) s.append(id, B + i, valueAt(i));
  s.close();
}

interface Rec {
  type: number;
  off: number;
  len: number;
}

function records(path: string): Rec[] {
  const bytes = Deno.readFileSync(path);
  const out: Rec[] = [];
  scanRecords(bytes, 20, bytes.length, (type, off, len) => out.push({ type, off, len }), () => {
    throw new Error(`${path} is damaged before the test damaged it`);
  });
  return out;
}

function segmentPath(dir: string, tier = 0): string {
  const names = [...Deno.readDirSync(`${dir}/tier${tier}`)].map((e) => e.name).filter((n) =>
    n.startsWith("seg-")
  ).sort();
  assert.equal(names.length, 1, `one segment in ${dir}/tier${tier}: ${names}`);
  return `${dir}/tier${tier}/${names[0]}`;
}

/** Which of the five pages read back intact (true), as gaps (false); throws on wrong values. */
function pagesKept(s: Store): boolean[] {
  const id = s.define("system.cpu|user", 1);
  const v = values(s, id, B, B + TOTAL - 1);
  const kept: boolean[] = [];
  for (let p = 0; p <= PAGES; p++) {
    const from = p * PAGE_POINTS[0];
    const to = Math.min(TOTAL, from + PAGE_POINTS[0]);
    let intact = 0;
    let gaps = 0;
    for (let i = from; i < to; i++) {
      if (Number.isNaN(v[i])) gaps++;
      else if (v[i] === valueAt(i)) intact++;
      else throw new Error(`slot ${i} reads ${v[i]}, wrote ${valueAt(i)}`);
    }
    assert.ok(intact === 0 || gaps === 0, `page ${p} is partly kept (${intact} kept, ${gaps} gaps)`);
    kept.push(gaps === 0);
  }
  return kept;
}

function flip(path: string, off: number, mask: number): void {
  const b = Deno.readFileSync(path);
  b[off] ^= mask;
  Deno.writeFileSync(path, b);
}

function warnings(logs: CapturedLog[]): CapturedLog[] {
  return logs.filter((l) => l.level === "warning" || l.level === "error");
}

interface DamageCase {
  name: string;
  /** Damages the files; `pages` are the page records of the segment in order (w0 … w4). */
  damage(dir: string, seg: string, pages: Rec[]): void;
  /** Pages that must read back. */
  kept: boolean[];
  /** What the warnings must say: bytes and samples lost (undefined: no warning at all). */
  logged?: { bytes: number | ((pages: Rec[]) => number); samples: number; tail: boolean };
  /** Size the segment must have after the reopen (undefined: unchanged). */
  size?: (pages: Rec[]) => number;
}

const damageCases: DamageCase[] = [
  {
    name: "truncated in the middle of the last record: that record's points go, the file is cut",
    damage: (_d, seg, pages) => Deno.truncateSync(seg, pages[4].off + 30),
    kept: [true, true, true, true, false],
    logged: { bytes: 30, samples: TAIL, tail: true },
    size: (pages) => pages[4].off,
  },
  {
    name: "zeroed length of a middle page: that page goes, the records after it are resynced",
    damage: (_d, seg, pages) => {
      const b = Deno.readFileSync(seg);
      b.fill(0, pages[1].off + 4, pages[1].off + 8);
      Deno.writeFileSync(seg, b);
    },
    kept: [true, false, true, true, true],
    logged: { bytes: (pages) => pages[1].len, samples: PAGE_POINTS[0], tail: false },
  },
  {
    name: "flipped CRC bit: only that page goes",
    damage: (_d, seg, pages) => flip(seg, pages[2].off + 9, 0x10),
    kept: [true, true, false, true, true],
    logged: { bytes: (pages) => pages[2].len, samples: PAGE_POINTS[0], tail: false },
  },
  {
    name: "flipped payload bit: only that page goes",
    damage: (_d, seg, pages) => flip(seg, pages[0].off + pages[0].len - 3, 0x01),
    kept: [false, true, true, true, true],
    logged: { bytes: (pages) => pages[0].len, samples: PAGE_POINTS[0], tail: false },
  },
  {
    name: "garbage tail: everything is kept and the garbage is cut",
    damage: (_d, seg) => {
      const f = Deno.openSync(seg, { append: true });
      f.writeSync(new Uint8Array(500).map((_, i) => (i * 7 + 1) & 0x7f));
      f.close();
    },
    kept: [true, true, true, true, true],
    logged: { bytes: 500, samples: 0, tail: true },
    size: (pages) => pages[4].off + pages[4].len,
  },
  {
    name: "missing index: rebuilt from the segment, everything kept",
    damage: (dir) => Deno.removeSync(`${dir}/tier0/index.dat`),
    kept: [true, true, true, true, true],
  },
  {
    name: "garbage index: ignored and rebuilt, everything kept",
    damage: (dir) => Deno.writeFileSync(`${dir}/tier0/index.dat`, new Uint8Array(300).fill(0x41)),
    kept: [true, true, true, true, true],
  },
];

for (const c of damageCases) {
  Deno.test(`DiskStore open: ${c.name}`, () => {
    const dir = tempDir("damage");
    try {
      writeFixture(dir);
      const seg = segmentPath(dir);
      const recs = records(seg);
      assert.deepEqual(recs.map((r) => r.type), [
        REC_SERIES,
        REC_PAGE,
        REC_PAGE,
        REC_PAGE,
        REC_PAGE,
        REC_PAGE,
      ]);
      const pages = recs.slice(1);
      const sizeBefore = Deno.statSync(seg).size;
      c.damage(dir, seg, pages);
      // without its index the segment is scanned at open (with it, see the read-time tests)
      try {
        Deno.removeSync(`${dir}/tier0/index.dat`);
      } catch {
        // the case removed it
      }
      captureLogs((logs) => {
        const s = openDisk(dir, { historySec: 86400, tiers: 1 });
        try {
          assert.deepEqual(pagesKept(s), c.kept);
          const warn = warnings(logs).filter((l) => /damaged/.test(l.text));
          if (c.logged === undefined) {
            assert.deepEqual(warnings(logs), [], "no warnings");
          } else {
            assert.equal(warn.length, 1, `one damage warning: ${JSON.stringify(logs)}`);
            const want = typeof c.logged.bytes === "number" ? c.logged.bytes : c.logged.bytes(pages);
            assert.equal(warn[0].props.bytes, want, "bytes lost");
            assert.equal(warn[0].props.samples, c.logged.samples, "samples lost");
            assert.match(warn[0].text, c.logged.tail ? /^Cut a damaged tail/ : /^Skipped damaged bytes/);
          }
          assert.equal(Deno.statSync(seg).size, c.size ? c.size(pages) : Deno.statSync(seg).size);
          if (!c.size && c.logged === undefined) assert.equal(Deno.statSync(seg).size, sizeBefore);
          // the store goes on: appends after the damage land and survive another restart
          const id = s.define("system.cpu|user", 1);
          s.append(id, B + TOTAL, 7);
        } finally {
          s.close();
        }
        const again = openDisk(dir, { historySec: 86400, tiers: 1 });
        try {
          assert.deepEqual(pagesKept(again), c.kept, "a second open keeps the same");
          assert.deepEqual(values(again, again.define("system.cpu|user", 1), B + TOTAL, B + TOTAL), [7]);
        } finally {
          again.close();
        }
      });
    } finally {
      removeDir(dir);
    }
  });
}

Deno.test("DiskStore read: a page damaged in place behind a valid index reads as gaps and is logged once", () => {
  const dir = tempDir("damage");
  try {
    writeFixture(dir);
    const seg = segmentPath(dir);
    const pages = records(seg).slice(1);
    flip(seg, pages[3].off + RECORD_HEADER_BYTES + 20, 0x04); // same size: the index still matches
    captureLogs((logs) => {
      const s = openDisk(dir, { historySec: 86400, tiers: 1 });
      try {
        assert.deepEqual(warnings(logs), [], "nothing to see at open: the index is trusted");
        assert.deepEqual(pagesKept(s), [true, true, true, false, true]);
        assert.deepEqual(pagesKept(s), [true, true, true, false, true]);
        const w = warnings(logs);
        assert.equal(w.length, 1, "logged once");
        assert.match(w[0].text, /Cannot read page/);
        assert.equal(w[0].props.count, PAGE_POINTS[0]);
      } finally {
        s.close();
      }
    });
  } finally {
    removeDir(dir);
  }
});

Deno.test("DiskStore open: a damaged catalog record falls back to the index's copy; without either, pages are dropped and logged", () => {
  const dir = tempDir("damage");
  try {
    writeFixture(dir);
    const seg = segmentPath(dir);
    const series = records(seg)[0];
    // header is untouched but the catalog record's CRC is wrong; the index lists the series
    const b = Deno.readFileSync(seg);
    b[series.off + RECORD_HEADER_BYTES] ^= 0xff;
    Deno.writeFileSync(seg, b);
    Deno.truncateSync(seg, Deno.statSync(seg).size); // same size: index used
    captureLogs(() => {
      const s = openDisk(dir, { historySec: 86400, tiers: 1 });
      assert.deepEqual(pagesKept(s), [true, true, true, true, true]);
      s.close();
    });
    // now without the index: the mapping is gone with the record, the pages cannot be placed
    const copy = copyDir(dir);
    try {
      for (const e of Deno.readDirSync(`${copy}/tier0`)) {
        if (e.name === "index.dat") Deno.removeSync(`${copy}/tier0/index.dat`);
      }
      // keep only the damaged original segment
      for (const e of Deno.readDirSync(`${copy}/tier0`)) {
        if (e.name !== seg.slice(seg.lastIndexOf("/") + 1)) Deno.removeSync(`${copy}/tier0/${e.name}`);
      }
      captureLogs((logs) => {
        const s = openDisk(copy, { historySec: 86400, tiers: 1 });
        try {
          assert.equal(s.seriesCount, 1, "the unknown id is held, never reused");
          const w = warnings(logs).map((l) => l.text).join("\n");
          assert.match(w, /Skipped damaged bytes/);
          assert.match(w, /Dropped 5 pages of series with no definition/);
          const id = s.define("system.cpu|user", 1);
          assert.equal(s.lastTime(id), 0);
          assert.equal(id, 1, "a new id above every id found in the files");
        } finally {
          s.close();
        }
      });
    } finally {
      removeDir(copy);
    }
  } finally {
    removeDir(dir);
  }
});

Deno.test("DiskStore open: a damaged segment header is logged and its records still read", () => {
  const dir = tempDir("damage");
  try {
    writeFixture(dir);
    const seg = segmentPath(dir);
    flip(seg, 2, 0x20);
    Deno.removeSync(`${dir}/tier0/index.dat`);
    captureLogs((logs) => {
      const s = openDisk(dir, { historySec: 86400, tiers: 1 });
      try {
        assert.deepEqual(pagesKept(s), [true, true, true, true, true]);
        assert.match(warnings(logs).map((l) => l.text).join("\n"), /bad header \(bad magic\)/);
      } finally {
        s.close();
      }
    });
  } finally {
    removeDir(dir);
  }
});

Deno.test("DiskStore recovery: a torn journal tail loses only the last flush, and says so", () => {
  const dir = tempDir("journal");
  let image = "";
  try {
    const s = openDisk(dir, { historySec: 86400, tiers: 1 });
    const id = s.define("c|d", 1);
    for (let i = 0; i < 50; i++) s.append(id, B + i, i);
    s.flush!();
    for (let i = 50; i < 80; i++) s.append(id, B + i, i);
    s.flush!();
    image = copyDir(dir);
    s.close();
    const journal = [...Deno.readDirSync(image)].find((e) => e.name.endsWith(".wal"))!.name;
    const path = `${image}/${journal}`;
    const recs = records(path);
    // an empty snapshot at open, then per flush: the changed slots and a flush stamp
    assert.deepEqual(recs.map((r) => r.type), [REC_JFLUSH, REC_JSET, REC_JFLUSH, REC_JSET, REC_JFLUSH]);
    Deno.truncateSync(path, recs[3].off + 40); // the last entry's head survives, its values do not
    captureLogs((logs) => {
      const r = openDisk(image, { historySec: 86400, tiers: 1 });
      try {
        const rid = r.define("c|d", 1);
        assert.equal(r.lastTime(rid), B + 49);
        assert.deepEqual(values(r, rid, B, B + 49), Array.from({ length: 50 }, (_, i) => i));
        const w = warnings(logs);
        const cut = w.find((l) => /^Cut a damaged tail/.test(l.text))!;
        assert.equal(cut.props.bytes, 40);
        assert.equal(cut.props.samples, 30);
        const unclean = w.find((l) => /not closed cleanly/.test(l.text))!;
        assert.equal(unclean.props.newest, B + 49);
        assert.equal(unclean.props.flushIntervalSec, 3600);
        assert.ok(typeof unclean.props.lastFlushMs === "number" && unclean.props.lastFlushMs > 0);
      } finally {
        r.close();
      }
    });
    assert.deepEqual(
      [...Deno.readDirSync(image)].filter((e) => e.name.endsWith(".wal")),
      [],
      "clean close drops the journal",
    );
  } finally {
    removeDir(dir);
    removeDir(image);
  }
});

Deno.test("DiskStore recovery: sealed pages, tiers and patches written between flushes all come back", () => {
  const dir = tempDir("journal");
  let image = "";
  try {
    const s = openDisk(dir, { historySec: 86400 });
    const a = s.define("a|x", 1);
    const b = s.define("b|y", 5);
    for (let i = 1; i <= 3 * 3600; i++) {
      s.append(a, B + i, i % 60);
      if (i % 5 === 0) s.append(b, B + i, i);
      if (i % 1000 === 0) s.flush!();
    }
    s.append(a, B + 10, -1); // a patch
    s.flush!();
    image = copyDir(dir);
    const want = values(s, a, B, B + 3 * 3600);
    const wantB = values(s, b, B, B + 3 * 3600);
    const t1 = new Float64Array(200);
    const t1b = {
      min: t1,
      max: new Float64Array(200),
      sum: new Float64Array(200),
      count: new Float64Array(200),
    };
    const n1 = s.readTier!(a, 1, B, B + 3 * 3600, t1b);
    const wantT1 = Array.from(t1b.sum.subarray(0, n1));
    s.close();
    captureLogs(() => {
      const r = openDisk(image, { historySec: 86400 });
      try {
        assert.deepEqual(values(r, r.define("a|x", 1), B, B + 3 * 3600), want);
        assert.deepEqual(values(r, r.define("b|y", 5), B, B + 3 * 3600), wantB);
        const got = {
          min: new Float64Array(200),
          max: new Float64Array(200),
          sum: new Float64Array(200),
          count: new Float64Array(200),
        };
        const n = r.readTier!(r.define("a|x", 1), 1, B, B + 3 * 3600, got);
        assert.deepEqual(
          Array.from(got.sum.subarray(0, n)),
          wantT1,
          "tier 1 incl. the point rebuilt from tier 0",
        );
      } finally {
        r.close();
      }
    });
  } finally {
    removeDir(dir);
    removeDir(image);
  }
});

const KILL_WRITER = new URL("./testdata/kill_writer.ts", import.meta.url).pathname;
const CONFIG = new URL("../../../deno.json", import.meta.url).pathname;

/** Reads `t ms` lines from a child's stdout until `until()` says stop, then to the end. */
async function readTicks(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      onLine(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
  }
}

Deno.test("DiskStore survives kill -9: at most the last flush interval is lost, and the loss is logged", async () => {
  const dir = tempDir("kill");
  const flushMs = 200;
  const series = 20;
  // timers of a loaded machine run late; the bound checked is flush interval + this
  const slackMs = 300;
  try {
    for (let round = 0; round < 3; round++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--config",
          CONFIG,
          KILL_WRITER,
          dir,
          String(flushMs / 1000),
          String(series),
          "2",
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const stderr = new Response(child.stderr).text();
      const appendedAt = new Map<number, number>();
      let startT = 0;
      let firstTickMs = 0;
      let killMs = 0;
      const runMs = 500 + round * 170; // kill at a different point of the flush cycle each round
      const reading = readTicks(child.stdout, (line) => {
        const [a, b] = line.split(" ");
        if (a === "ready") {
          startT = Number(b);
          return;
        }
        appendedAt.set(Number(a), Number(b));
        if (firstTickMs === 0) firstTickMs = Number(b);
        if (killMs === 0 && Number(b) - firstTickMs >= runMs) {
          killMs = Date.now();
          child.kill("SIGKILL");
        }
      });
      await reading;
      const status = await child.status;
      const errText = await stderr;
      assert.equal(status.signal, "SIGKILL", `the child was killed, not ended: ${errText}`);
      const lastAppended = Math.max(...appendedAt.keys());

      captureLogs((logs) => {
        const s = openDisk(dir, { historySec: 3600, diskSpaceBytes: 1024 * 1024 });
        try {
          const ids = Array.from({ length: series }, (_, i) => s.define(`kill|s${i}`, 1));
          const last = s.lastTime(ids[0]);
          for (const id of ids) assert.equal(s.lastTime(id), last, "every series kept the same ticks");
          assert.ok(last <= lastAppended, "nothing appears that was not appended");
          assert.ok(last > startT, `round ${round}: something of this run was kept (${last} <= ${startT})`);
          // whatever was lost had been appended within the last flush interval before the kill
          const firstLost = appendedAt.get(last + 1);
          if (firstLost !== undefined) {
            assert.ok(
              firstLost >= killMs - flushMs - slackMs,
              `round ${round}: lost ticks from ${
                killMs - firstLost
              } ms before the kill (flush every ${flushMs} ms)`,
            );
          }
          // and what was kept is exact
          for (const id of [ids[0], ids[series - 1]]) {
            const v = values(s, id, startT + 1, last);
            const i = id === ids[0] ? 0 : series - 1;
            assert.deepEqual(v, v.map((_, k) => ((startT + 1 + k) * 31 + i) % 1000));
          }
          const unclean = warnings(logs).find((l) => /not closed cleanly/.test(l.text));
          assert.ok(unclean, `the crash is logged: ${JSON.stringify(logs)}`);
          assert.equal(unclean.props.newest, last);
          assert.equal(unclean.props.flushIntervalSec, flushMs / 1000, "the writer's interval, not ours");
          const lastFlush = unclean.props.lastFlushMs as number;
          assert.ok(
            lastFlush <= killMs && lastFlush >= killMs - flushMs - slackMs,
            "the last flush was just before the kill",
          );
        } finally {
          s.close();
        }
      });
    }
  } finally {
    removeDir(dir);
  }
});
