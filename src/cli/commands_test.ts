import { assert } from "../../tests/_helpers/assert.ts";
import { buildConfig } from "../config/load.ts";
import { logTarget, needRestart, startError } from "./commands.ts";

const KEY = "11111111-2222-3333-4444-555555555555";
const build = (agent = "", stream = "") =>
  buildConfig({
    role: "parent",
    agent: { file: "agent.conf", text: agent },
    stream: { file: "stream.conf", text: stream },
    systemHostname: "h",
  }).config;

Deno.test("needRestart() names what a reload does not apply", () => {
  const base = build("", `[${KEY}]\n enabled = yes\n`);
  const rows = [
    { name: "a receiver section", after: build("", `[${KEY}]\n enabled = no\n`), want: [] },
    {
      name: "agent.conf [web]",
      after: build("[web]\n default port = 1234\n", `[${KEY}]\n enabled = yes\n`),
      want: ["[web]"],
    },
    {
      name: "[stream]",
      after: build(
        "",
        `[stream]\n enabled = yes\n destination = p:1\n api key = ${KEY}\n[${KEY}]\n enabled = yes\n`,
      ),
      want: ["stream.conf [stream]"],
    },
  ];
  for (const row of rows) assert.deepEqual(needRestart(base, row.after), row.want, row.name);
});

Deno.test("logTarget() picks the journal when stderr is the journal and [logs] daemon is unset", () => {
  const rows = [
    { name: "unset, terminal", agent: "", journal: false, want: "stderr" },
    { name: "unset, under systemd", agent: "", journal: true, want: "journal" },
    { name: "stderr under systemd", agent: "[logs]\n daemon = stderr\n", journal: true, want: "stderr" },
    { name: "syslog", agent: "[logs]\n daemon = syslog\n", journal: false, want: "syslog" },
    { name: "none", agent: "[logs]\n daemon = none\n", journal: false, want: "none" },
    { name: "a file", agent: "[logs]\n daemon = /var/log/agent/error.log\n", journal: true, want: "file" },
  ];
  for (const row of rows) assert.equal(logTarget(build(row.agent), row.journal).kind, row.want, row.name);
  const rel = logTarget(build("[directories]\n log = /var/log/a\n[logs]\n daemon = error.log\n"), false);
  assert.deepEqual(rel, { kind: "file", path: "/var/log/a/error.log" });
});

Deno.test("startError() names the address of a taken port", () => {
  const rows = [
    {
      input: new Error("listen EADDRINUSE: address already in use 127.0.0.1:19999"),
      want:
        "cannot listen on 127.0.0.1:19999: the address is already in use (another agent or Netdata running?)",
    },
    {
      input: new Error("listen EACCES: permission denied 0.0.0.0:80"),
      want: "cannot listen on 0.0.0.0:80: permission denied (ports below 1024 need privileges)",
    },
    { input: new Error("something else"), want: "something else" },
  ];
  for (const { input, want } of rows) assert.equal(startError(input), want);
});
