import { assert } from "../../tests/_helpers/assert.ts";
import { type AlarmEntry, ENTRY_EXEC_FAILED } from "./alarm.ts";
import { STATUS } from "./expression.ts";
import {
  ARGUMENT_NAMES,
  buildNotification,
  editCommand,
  type NotificationContext,
  QueueNotifier,
  runScript,
  webhook,
} from "./notify.ts";

function entry(over: Partial<AlarmEntry> = {}): AlarmEntry {
  return {
    uniqueId: 11,
    alarmId: 7,
    alarmEventId: 3,
    when: 1800000000,
    name: "ram_in_use",
    chart: "system.ram",
    context: "system.ram",
    family: "ram",
    classification: "Utilization",
    component: "Memory",
    type: "System",
    exec: undefined,
    recipient: undefined,
    source: "4@/etc/agent/health.d/ram.conf",
    units: "%",
    info: "ram",
    duration: 30,
    nonClearDuration: 0,
    oldValue: 50.4,
    newValue: 91.6,
    valueString: "91.6%",
    oldValueString: "50.4%",
    oldStatus: STATUS.CLEAR,
    newStatus: STATUS.WARNING,
    delay: 0,
    delayUpToTimestamp: 1800000000,
    flags: 0,
    execRunTimestamp: 0,
    execCode: 0,
    updatedById: 0,
    updatesId: 10,
    lastRepeat: 0,
    exprSource: "$this > 90",
    exprError: "[ $this = 91.6 ] ",
    ...over,
  }; // deno-fmt-ignore
}

const CTX: NotificationContext = {
  hostname: "node1",
  childMachineGuid: "",
  configDir: "/etc/agent",
  warnAlarms: ["cpu=1799999990"],
  critAlarms: [],
  nWarn: 1,
  nCrit: 0,
  defaultExec: "/usr/lib/netdata/plugins.d/alarm-notify.sh",
  defaultRecipient: "root",
};

Deno.test("buildNotification() gives Netdata 1.37.1's 29 arguments in its order", () => {
  const n = buildNotification(entry(), CTX);
  assert.equal(n.exec, "/usr/lib/netdata/plugins.d/alarm-notify.sh");
  assert.equal(n.args.length, 29);
  assert.equal(ARGUMENT_NAMES.length, 29);
  assert.deepStrictEqual(n.args, [
    "root",
    "node1",
    "11",
    "7",
    "3",
    "1800000000",
    "ram_in_use",
    "system.ram",
    "ram",
    "WARNING",
    "CLEAR",
    "92",
    "50",
    "4@/etc/agent/health.d/ram.conf",
    "30",
    "0",
    "%",
    "ram",
    "91.6%",
    "50.4%",
    "$this > 90",
    "[ $this = 91.6 ] ",
    "1",
    "0",
    "cpu=1799999990",
    "",
    "Utilization",
    "sudo /etc/agent/edit-config health.d/ram.conf=4=node1",
    "",
  ]); // deno-fmt-ignore
  assert.equal(editCommand("no-at-sign", "/x", "h"), "");
});

Deno.test("the webhook POSTs the notification as JSON to a local HTTP server", async () => {
  const got: Record<string, string>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    got.push(await req.json());
    return new Response("ok");
  });
  try {
    const q = new QueueNotifier("webhook", webhook(`http://127.0.0.1:${server.addr.port}/alarms`));
    const e = entry();
    q.send(buildNotification(e, CTX));
    await q.close();
    assert.equal(got.length, 1);
    assert.equal(got[0].name, "ram_in_use");
    assert.equal(got[0].status, "WARNING");
    assert.equal(got[0].old_status, "CLEAR");
    assert.equal(Object.keys(got[0]).length, 29);
    assert.equal(e.flags & ENTRY_EXEC_FAILED, 0);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a failing notification is retried, then marked failed with its exit code", async () => {
  const dir = await Deno.makeTempDir({ prefix: "notify-test-" });
  try {
    const script = `${dir}/fail.sh`;
    await Deno.writeTextFile(script, `#!/bin/sh\necho "$#" >> ${dir}/tries\necho boom >&2\nexit 3\n`);
    await Deno.chmod(script, 0o755);
    const failed: string[] = [];
    const q = new QueueNotifier("script", runScript, {
      attempts: 3,
      retryMs: 10,
      onFailed: (_, err) => failed.push(err),
    });
    const e = entry({ exec: script });
    q.send(buildNotification(e, CTX));
    await q.close();
    assert.deepStrictEqual((await Deno.readTextFile(`${dir}/tries`)).trim().split("\n"), ["29", "29", "29"]);
    assert.equal(e.execCode, 3);
    assert.notEqual(e.flags & ENTRY_EXEC_FAILED, 0);
    assert.match(failed[0], /exited with code 3: boom/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("QueueNotifier delivers different alarms at once, and one alarm's notifications in order", async () => {
  const events: string[] = [];
  let active = 0, peak = 0;
  const q = new QueueNotifier("test", async (n) => {
    active++;
    peak = Math.max(peak, active);
    events.push(`start ${n.entry.alarmId}:${n.entry.alarmEventId}`);
    await new Promise((r) => setTimeout(r, 20));
    events.push(`end ${n.entry.alarmId}:${n.entry.alarmEventId}`);
    active--;
  }, { concurrency: 4 });
  for (const [alarmId, alarmEventId] of [[1, 1], [1, 2], [2, 1], [3, 1], [1, 3]]) {
    q.send(buildNotification(entry({ alarmId, alarmEventId }), CTX));
  }
  await q.close();
  assert.equal(peak, 3, "alarms 1, 2 and 3 at once");
  const one = events.filter((e) => / 1:/.test(e));
  assert.deepStrictEqual(one, ["start 1:1", "end 1:1", "start 1:2", "end 1:2", "start 1:3", "end 1:3"]);
});
