/**
 * Compact rounds (src/stream/PROTOCOL.md §13.2) between real processes on 127.0.0.1: our child into
 * our parent with COMPACT and DEFLATE, into our proxy and on to a netdata 1.37.1 parent (which gets
 * Netdata's text), compared with a child that has it off; and a malformed compact record, which
 * closes that one connection. Every chart must be equal at both ends (compareAll). The netdata test
 * fails when netdata is not installed (`make test` installs it).
 */
import { assert } from "./_helpers/assert.ts";
import { getJson, waitFor } from "./_helpers/agent.ts";
import { assertAllChartsEqual } from "./_helpers/fidelity.ts";
import { openStream, receiverConf, senderConf, withLab } from "./_helpers/lab.ts";

function hostPort(url: string): string {
  return new URL(url).host;
}

/** Wire bytes per received sample of a parent's receiver, between two snapshots. */
// deno-lint-ignore no-explicit-any
function perSample(a: any, b: any): number {
  return (b.bytes_received - a.bytes_received) / Math.max(1, b.samples_received - a.samples_received);
}

Deno.test("our child -> our parent with COMPACT: every chart equal, fewer bytes per sample than without", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID(), offKey = crypto.randomUUID();
    const parent = await lab.agent("parent", [
      "--role",
      "parent",
      "--hostname",
      "cw-p",
      "--config",
      await lab.confDir({ "stream.conf": receiverConf(key) + receiverConf(offKey) }),
    ]);
    const [on] = await Promise.all([
      lab.agent("child", [
        "--role",
        "child",
        "--hostname",
        "cw-on",
        "--stream-to",
        hostPort(parent.url),
        "--api-key",
        key,
      ]),
      lab.agent("child-off", [
        "--role",
        "child",
        "--hostname",
        "cw-off",
        "--config",
        await lab.confDir({
          "stream.conf": senderConf(hostPort(parent.url), offKey, "    enable compact rounds = no\n"),
        }),
      ]),
    ]);
    const rx = async (h: string) => (await getJson(`${parent.url}/host/${h}/api/v1/info`)).streaming.receiver;
    await assertAllChartsEqual(on.url, `${parent.url}/host/cw-on`, 5);
    const [on0, off0] = [await rx("cw-on"), await rx("cw-off")];
    await new Promise((r) => setTimeout(r, 6000));
    const [on1, off1] = [await rx("cw-on"), await rx("cw-off")];
    assert.match(on1.capabilities, /\bCOMPACT\b/);
    assert.match(on1.capabilities, /\bDEFLATE\b/);
    assert.doesNotMatch(off1.capabilities, /COMPACT/);
    const [bOn, bOff] = [perSample(on0, on1), perSample(off0, off1)];
    assert.ok(on1.samples_received > on0.samples_received + 400, JSON.stringify(on1));
    assert.ok(
      bOn < bOff * 0.8,
      `with COMPACT ${bOn.toFixed(2)} bytes per sample, without ${bOff.toFixed(2)}`,
    );
    assert.ok(bOn <= 3, `with COMPACT ${bOn.toFixed(2)} bytes per sample (target 3)`);
    assert.match((await getJson(`${on.url}/api/v1/info`)).streaming.sender.capabilities, /\bCOMPACT\b/);
  });
});

Deno.test("our child -> our proxy (COMPACT) -> netdata parent (text): every chart equal at all three", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID(), proxyKey = crypto.randomUUID();
    const parent = await lab.netdata({ hostname: "cw-np", collect: false, streamConf: receiverConf(key) });
    const proxy = await lab.agent("proxy", [
      "--role",
      "proxy",
      "--hostname",
      "cw-x",
      "--config",
      await lab.confDir({
        "stream.conf": senderConf(hostPort(parent.url), key) + "\n" + receiverConf(proxyKey),
      }),
    ]);
    const child = await lab.agent("child", [
      "--role",
      "child",
      "--hostname",
      "cw-c",
      "--stream-to",
      hostPort(proxy.url),
      "--api-key",
      proxyKey,
    ]);
    await assertAllChartsEqual(child.url, `${proxy.url}/host/cw-c`, 5);
    await assertAllChartsEqual(child.url, `${parent.url}/host/cw-c`, 4);
    const atProxy = (await getJson(`${proxy.url}/host/cw-c/api/v1/info`)).streaming;
    assert.match(atProxy.receiver.capabilities, /\bCOMPACT\b/);
    // The proxy's sender of cw-c to the netdata parent: netdata grants neither COMPACT nor DEFLATE.
    assert.match(atProxy.sender.capabilities, /\bCOMPRESSION\b/);
    assert.doesNotMatch(atProxy.sender.capabilities, /COMPACT|DEFLATE/);
    assert.doesNotMatch(parent.log(), /COMPACT|DEFLATE/);
  });
});

Deno.test("a malformed compact record closes that connection with a named reason; the parent goes on", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID();
    const parent = await lab.parent("cw-bp", receiverConf(key));
    const ver = 960 | (1 << 29); // no LZ4, no replication: plain text and compact records
    const { conn, reply } = await openStream(
      parent.url,
      `key=${key}&hostname=cw-bad&machine_guid=${crypto.randomUUID()}&ver=${ver}`,
    );
    try {
      assert.ok(Number(reply.split("=")[1]) & (1 << 29), reply);
      await conn.write(
        new TextEncoder().encode(
          'CHART "t.c" "" "t" "u" "f" "t.c" "line" 1 1 "" "p" "m"\nDIMENSION "a" "a" "absolute" 1 1 ""\n' +
            "@0 0 =5\n@0 0 1\n@0 0 =1 =2\n",
        ),
      );
      const rx = await waitFor(
        async () => {
          const r = (await getJson(`${parent.url}/host/cw-bad/api/v1/info`)).streaming.receiver;
          return r?.end_reason_code ? r : undefined;
        },
        10000,
        "the bad stream to end",
      );
      assert.equal(rx.end_reason_code, "BAD_LINE");
      assert.match(rx.end_reason, /^line 5: compact record has more values than the chart's 1 dimensions/);
      assert.match(
        parent.output(),
        /Closing stream of child cw-bad from 127\.0\.0\.1:\d+: line 5: compact record/,
      );
      // The parent still answers.
      assert.equal((await getJson(`${parent.url}/api/v1/info`)).version !== undefined, true);
    } finally {
      conn.close();
    }
  });
});
