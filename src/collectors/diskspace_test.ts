import { assert } from "../../tests/_helpers/assert.ts";
import { runScenario, TESTDATA } from "./_fixture.ts";
import { DiskspaceCollector, fixChartId, type FsAccess, type FsStats, simplePattern } from "./diskspace.ts";

/** statfs(2) answers recorded beside the scenario (statfs.json: mount point -> StatFs). */
function recordedFs(scenario: string): FsAccess {
  const table = JSON.parse(Deno.readTextFileSync(`${TESTDATA}${scenario}/statfs.json`)) as Record<
    string,
    FsStats
  >;
  return {
    statfs(path) {
      const s = table[path];
      if (s === undefined) throw new Deno.errors.NotFound(path);
      return s;
    },
    isDirectory: (path) => path in table,
  };
}

const scenarios: { name: string; path: string }[] = [
  { name: "this machine: /, /dev and /dev/shm (real mountinfo and statfs)", path: "diskspace/this_machine" },
  {
    name:
      "a Raspberry Pi 4: SD card, /boot without inodes, NFS; dummy, excluded and read-only mounts left out",
    path: "diskspace/raspberry_pi_4",
  },
];

for (const s of scenarios) {
  Deno.test(`DiskspaceCollector: ${s.name}`, () => {
    const { host } = runScenario(s.path, (r) => new DiskspaceCollector({ ...r, fs: recordedFs(s.path) }));
    const root = host.charts.get("disk_space._")!;
    assert.deepEqual([...root.labels.keys()], [
      "_collect_plugin",
      "_collect_module",
      "mount_point",
      "filesystem",
      "mount_root",
    ]);
    assert.equal(root.labels.get("filesystem")?.value, "ext4");
  });
}

Deno.test("simplePattern() matches Netdata's globs, first match wins, ! negates", () => {
  const excluded = simplePattern("/proc/* /sys/* !/run/user/keep /run/user/*");
  const table: { input: string; want: boolean }[] = [
    { input: "/proc/sys/fs/binfmt_misc", want: true },
    { input: "/proc", want: false },
    { input: "/run/user/1000", want: true },
    { input: "/run/user/keep", want: false },
    { input: "/", want: false },
  ];
  for (const t of table) assert.equal(excluded(t.input), t.want, t.input);
  assert.equal(simplePattern("*sshfs fusectl")("fuse.sshfs"), true);
});

Deno.test("fixChartId() turns a mount point into Netdata's chart id", () => {
  assert.equal(fixChartId("/"), "_");
  assert.equal(fixChartId("/media/pi/USB STICK"), "_media_pi_USB_STICK");
  assert.equal(fixChartId("/mnt/data-1.x"), "_mnt_data-1.x");
});

Deno.test("DiskspaceCollector throws without mountinfo (createCollectors then skips it)", () => {
  assert.throws(
    () => new DiskspaceCollector({ procRoot: "/nonexistent", updateEvery: 1 }),
    Deno.errors.NotFound,
  );
});
