import { assert } from "../../tests/_helpers/assert.ts";
import { ascii, KeyTable, ProcFile, Scanner } from "./proc_file.ts";

function scan(text: string, separators = ""): Scanner {
  const s = new Scanner(separators);
  const b = ascii(text);
  s.reset(b, b.length);
  return s;
}

const numberCases: { name: string; input: string; read: (s: Scanner) => number; want: number }[] = [
  { name: "uint() reads digits", input: "  12345 6", read: (s) => s.uint(), want: 12345 },
  {
    name: "uint() is 0 for a negative number, like str2ull()",
    input: "-1\n",
    read: (s) => s.uint(),
    want: 0,
  },
  { name: "uint() stops at the first non-digit", input: "12kB", read: (s) => s.uint(), want: 12 },
  { name: "uint() is 0 past the end of the line", input: "\n5", read: (s) => s.uint(), want: 0 },
  { name: "uint() is exact up to 2^53", input: "9007199254740991", read: (s) => s.uint(), want: 2 ** 53 - 1 },
  { name: "decimal() rounds like strtod()", input: "12.29", read: (s) => s.decimal(), want: 12.29 },
  { name: "decimal() without a fraction", input: "7", read: (s) => s.decimal(), want: 7 },
  { name: "fixed(3) scales exactly", input: "342.70", read: (s) => s.fixed(3), want: 342700 },
  { name: "fixed(3) truncates extra digits", input: "1.23456", read: (s) => s.fixed(3), want: 1234 },
  { name: "fixed(3) of an integer", input: "5", read: (s) => s.fixed(3), want: 5000 },
];
for (const c of numberCases) {
  Deno.test(`Scanner.${c.name}`, () => {
    assert.equal(c.read(scan(c.input)), c.want);
  });
}

Deno.test("Scanner splits words on extra separators and walks lines", () => {
  const s = scan("MemTotal:  100 kB\nMemFree:\t50 kB\n\nlast", ":");
  const got: string[] = [];
  for (; !s.done; s.nextLine()) {
    const words: string[] = [];
    while (s.word()) words.push(s.wordString());
    got.push(words.join("|"));
  }
  assert.deepEqual(got, ["MemTotal|100|kB", "MemFree|50|kB", "", "last"]);
});

Deno.test("Scanner.wordsLeft() counts without moving", () => {
  const s = scan("a b c\nd");
  s.word();
  assert.equal(s.wordsLeft(), 2);
  assert.equal(s.uint(), 0);
  assert.equal(s.wordString(), "b");
});

Deno.test("KeyTable finds keys by bytes and rejects near misses", () => {
  const t = new KeyTable(["intr", "ctxt", "processes"]);
  const b = ascii("ctxt intr procs processes");
  assert.deepEqual([t.find(b, 0, 4), t.find(b, 5, 9), t.find(b, 10, 15), t.find(b, 16, 25)], [1, 0, -1, 2]);
});

Deno.test("ProcFile grows its buffer for big files and sees rewrites of the same file", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/big`;
    const big = "x".repeat(100_000) + "\n";
    Deno.writeTextFileSync(path, big);
    const f = new ProcFile(path, 16);
    assert.equal(f.read(), big.length);
    assert.equal(f.bytes[99_999], 120);
    Deno.writeTextFileSync(path, "short\n");
    assert.equal(f.read(), 6);
    assert.equal(String.fromCharCode(...f.bytes.subarray(0, 5)), "short");
    f.close();
    f.close();
    assert.throws(() => f.read(), /closed/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ProcFile reads a real /proc file repeatedly", () => {
  const f = new ProcFile("/proc/stat", 64);
  try {
    const a = f.read();
    const b = f.read();
    assert.ok(a > 100 && b > 100);
    assert.equal(String.fromCharCode(...f.bytes.subarray(0, 3)), "cpu");
  } finally {
    f.close();
  }
});
