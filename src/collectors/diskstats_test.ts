import { compileSimplePattern } from "../util/patterns.ts";
import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario } from "./_fixture.ts";
import { DiskstatsCollector } from "./diskstats.ts";

Deno.test("DiskstatsCollector: this machine (real snapshots): vda only, loop and zram skipped, system.io", () => {
  const { host } = runScenario("diskstats/this_machine", (r) => new DiskstatsCollector(r));
  const io = host.charts.get("disk.vda")!;
  assert.equal(io.family, "/");
  assert.deepEqual(
    [...io.labels].map(([k, v]) => [k, v.value, v.source]),
    [
      ["_collect_plugin", "proc.plugin", 1],
      ["_collect_module", "/proc/diskstats", 1],
      ["device", "vda", 1],
      ["mount_point", "/", 1],
      ["device_type", "physical", 1],
    ],
  );
});

Deno.test("DiskstatsCollector: a disk added, one removed (obsolete), a partition and a loop device skipped", () => {
  const { host } = runScenario("diskstats/disk_hotplug", (r) => new DiskstatsCollector(r));
  const vda = host.charts.get("disk.vda")!;
  assert.equal(vda.family, "vda", "not mounted: the family is the disk name");
  assert.equal(vda.labels.get("mount_point")?.value, "[none]");
  const sdc = host.charts.get("disk.sdc")!;
  assert.equal(sdc.family, "/mnt/data dir", "mountinfo octal escapes are decoded; the first mount wins");
  assert.equal(sdc.labels.get("device_type")?.value, "physical");
});

const patterns: { name: string; pattern: string; s: string; want: boolean }[] = [
  { name: "prefix", pattern: "loop*", s: "loop12", want: true },
  { name: "prefix miss", pattern: "ram*", s: "zram0", want: false },
  { name: "suffix", pattern: "*-ifb", s: "eth0-ifb", want: true },
  { name: "exact", pattern: "lo", s: "lo", want: true },
  { name: "exact miss", pattern: "lo", s: "lo0", want: false },
];
for (const p of patterns) {
  Deno.test(`the exclusion patterns, ${p.name}: "${p.pattern}" vs "${p.s}"`, () => {
    assert.equal(compileSimplePattern(p.pattern)(p.s) === true, p.want);
  });
}
