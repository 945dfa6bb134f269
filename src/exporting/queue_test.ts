import { getLogger } from "@logtape/logtape";
import { assert } from "../../tests/_helpers/assert.ts";
import { DiskQueue, type QueueOptions } from "./queue.ts";

const log = getLogger(["agent", "test"]);
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function open(dir: string, o: Partial<QueueOptions> = {}): DiskQueue {
  return DiskQueue.open({ dir, maxBytes: 1 << 20, maxRecords: 1000, logger: log, ...o });
}

/** Everything waiting, oldest first, committing as it goes. */
function drain(q: DiskQueue): string[] {
  const out: string[] = [];
  for (let b = q.peek(); b !== undefined; b = q.peek()) {
    out.push(text(b.payload));
    q.commit(b.id);
  }
  return out;
}

function segments(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("seg-")).sort();
}

/** Record sizes: 12 header + 12 fixed body + payload. */
const REC = (payload: string) => 24 + payload.length;

Deno.test("DiskQueue keeps order, resumes after reopen, and never gives a committed batch again", () => {
  const dir = Deno.makeTempDirSync({ prefix: "queue-" });
  try {
    let q = open(dir);
    for (const p of ["a1", "a2", "a3"]) q.append(bytes(p), 1, 1000);
    const b = q.peek()!;
    assert.equal(text(b.payload), "a1");
    q.commit(b.id);
    q.commit(b.id); // a second commit of the same batch does nothing
    q.close();
    q = open(dir);
    assert.equal(q.stats().records, 2);
    q.append(bytes("a4"), 2, 2000);
    assert.deepEqual(drain(q), ["a2", "a3", "a4"]);
    q.close();
    q = open(dir);
    assert.deepEqual(q.stats().records, 0);
    q.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("DiskQueue drops the oldest batches over its bounds, counted", () => {
  const rows: {
    name: string;
    o: Partial<QueueOptions>;
    append: string[];
    want: string[];
    dropped: number;
  }[] = [
    {
      name: "by batches",
      o: { maxRecords: 2 },
      append: ["b1", "b2", "b3", "b4"],
      want: ["b3", "b4"],
      dropped: 2,
    },
    {
      name: "by bytes",
      o: { maxBytes: REC("b1") * 3 },
      append: ["b1", "b2", "b3", "b4"],
      want: ["b2", "b3", "b4"],
      dropped: 1,
    },
    { name: "the newest always stays", o: { maxBytes: 1 }, append: ["b1", "b2"], want: ["b2"], dropped: 1 },
  ];
  for (const r of rows) {
    const dir = Deno.makeTempDirSync({ prefix: "queue-" });
    try {
      let q = open(dir, r.o);
      const first = q.peek(); // in flight while the bound drops it
      for (const p of r.append) q.append(bytes(p), 10, 0);
      assert.equal(first, undefined);
      assert.equal(q.stats().droppedRecords, r.dropped, r.name);
      assert.equal(q.stats().droppedSamples, r.dropped * 10, r.name);
      q.close();
      q = open(dir, r.o);
      assert.deepEqual(drain(q), r.want, r.name + " (after reopening)");
      q.close();
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
});

Deno.test("DiskQueue.commit() of a batch the bound dropped meanwhile removes nothing else", () => {
  const dir = Deno.makeTempDirSync({ prefix: "queue-" });
  try {
    const q = open(dir, { maxRecords: 2 });
    q.append(bytes("c1"), 1, 0);
    const inFlight = q.peek()!;
    q.append(bytes("c2"), 1, 0);
    q.append(bytes("c3"), 1, 0); // drops c1
    q.commit(inFlight.id);
    assert.deepEqual(drain(q), ["c2", "c3"]);
    q.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("DiskQueue deletes segments once everything in them was delivered", () => {
  const dir = Deno.makeTempDirSync({ prefix: "queue-" });
  try {
    const q = open(dir, { segmentBytes: REC("d1") * 2 });
    for (const p of ["d1", "d2", "d3", "d4", "d5"]) q.append(bytes(p), 1, 0);
    assert.equal(segments(dir).length, 3);
    assert.deepEqual(drain(q).length, 5);
    assert.deepEqual(segments(dir), ["seg-0000000003.q"], "the segment being written stays");
    q.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("DiskQueue recovers damaged files: keeps good records, logs and counts the rest", () => {
  const p = (i: number) => `record-${i}`;
  const len = REC(p(1));
  const rows: { name: string; damage: (file: string) => void; want: string[]; damaged: number }[] = [
    {
      name: "a torn tail (cut mid-record)",
      damage: (f) => Deno.truncateSync(f, len * 2 + 5),
      want: [p(1), p(2)],
      damaged: 5,
    },
    {
      name: "a flipped CRC bit in the middle record",
      damage: (f) => {
        const b = Deno.readFileSync(f);
        b[len + 8] ^= 1;
        Deno.writeFileSync(f, b);
      },
      want: [p(1), p(3)],
      damaged: len,
    },
    {
      name: "a zeroed length",
      damage: (f) => {
        const b = Deno.readFileSync(f);
        b.fill(0, len + 4, len + 8);
        Deno.writeFileSync(f, b);
      },
      want: [p(1), p(3)],
      damaged: len,
    },
    {
      name: "a flipped payload byte in the last record",
      damage: (f) => {
        const b = Deno.readFileSync(f);
        b[len * 3 - 1] ^= 0xff;
        Deno.writeFileSync(f, b);
      },
      want: [p(1), p(2)],
      damaged: len,
    },
    {
      name: "a garbled committed file starts from the oldest record",
      damage: (f) => Deno.writeTextFileSync(f.replace(/seg-.*/, "committed"), "garbage"),
      want: [p(1), p(2), p(3)],
      damaged: 0,
    },
  ];
  for (const r of rows) {
    const dir = Deno.makeTempDirSync({ prefix: "queue-" });
    try {
      let q = open(dir);
      for (let i = 1; i <= 3; i++) q.append(bytes(p(i)), 1, 0);
      q.close();
      r.damage(`${dir}/${segments(dir)[0]}`);
      q = open(dir);
      assert.equal(q.stats().damagedBytes, r.damaged, r.name);
      q.append(bytes("after"), 1, 0);
      q.close();
      q = open(dir);
      assert.deepEqual(drain(q), [...r.want, "after"], r.name);
      q.close();
      q = open(dir);
      assert.equal(q.stats().damagedBytes, 0, r.name + ": delivered damage is not reported again");
      q.close();
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
});
