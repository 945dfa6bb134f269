import { assert } from "../../tests/_helpers/assert.ts";
import { buildConfig } from "./load.ts";
import { formatProblem } from "./mod.ts";

const build = (agent: string) =>
  buildConfig({ role: "standalone", agent: { file: "agent.conf", text: agent }, systemHostname: "h" });

Deno.test("[logs]: outputs, Netdata 1.37's names, flood protection and bad values", () => {
  const rows = [
    {
      name: "defaults",
      input: "",
      want: { daemon: "auto", floodPeriodSec: 1200, floodLines: 200 },
      problems: [],
    },
    { name: "daemon", input: "[logs]\n daemon = journal\n", want: { daemon: "journal" }, problems: [] },
    {
      name: "1.37's error",
      input: "[logs]\n error = /var/log/a.log\n",
      want: { daemon: "/var/log/a.log" },
      problems: [],
    },
    {
      name: "[global] error log",
      input: "[global]\n error log = syslog\n",
      want: { daemon: "syslog" },
      problems: [],
    },
    {
      name: "flood keys",
      input: "[logs]\n errors flood protection period = 60\n errors to trigger flood protection = 5\n",
      want: { floodPeriodSec: 60, floodLines: 5 },
      problems: [],
    },
    {
      name: "a relative path",
      input: "[logs]\n daemon = error.log\n",
      want: { daemon: "error.log" },
      problems: [],
    },
    {
      name: "a directory",
      input: "[logs]\n daemon = /var/log/\n",
      want: { daemon: "auto" },
      problems: [
        'agent.conf:2: error: [logs] daemon: Cannot use "daemon" in [logs]: expected "journal", "syslog", "stderr", "none" or a file path, got "/var/log/"',
      ],
    },
    {
      name: "bad facility",
      input: "[logs]\n facility = nope\n",
      want: { facility: "daemon" },
      problems: ["agent.conf:2: error: [logs] facility: *"],
    },
  ];
  for (const row of rows) {
    const { config, problems } = build(row.input);
    for (const [k, v] of Object.entries(row.want)) {
      assert.equal((config.logs as Record<string, unknown>)[k], v, `${row.name}: ${k}`);
    }
    const got = problems.filter((p) => p.severity === "error").map(formatProblem);
    assert.equal(got.length, row.problems.length, `${row.name}: ${got.join("\n")}`);
    row.problems.forEach((p, i) => {
      if (p.endsWith("*")) assert.ok(got[i].startsWith(p.slice(0, -1)), got[i]);
      else assert.equal(got[i], p);
    });
  }
});
