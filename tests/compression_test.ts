/**
 * Stream compression (src/stream/PROTOCOL.md §13) between real processes on 127.0.0.1: a netdata
 * 1.37.1 child compressing into our parent, our child compressing into a netdata parent, our own
 * pair with compression on and off, and a damaged compressed stream. Compressed links must carry
 * fewer bytes than their text, and every chart must be equal at both ends (compareAll).
 * The netdata tests fail when netdata is not installed (`make test` installs it).
 */
import { assert } from "./_helpers/assert.ts";
import { waitFor } from "./_helpers/agent.ts";
import { assertAllChartsEqual } from "./_helpers/fidelity.ts";
import { netdataLines, openStream, receiverConf, senderConf, withLab } from "./_helpers/lab.ts";
import { httpGet } from "./_helpers/netdata.ts";

// deno-lint-ignore no-explicit-any
async function getJson(url: string): Promise<any> {
  const r = await httpGet(url);
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text);
}

function hostPort(url: string): string {
  return new URL(url).host;
}

Deno.test("a netdata child with compression on streams LZ4 into our parent; every chart is equal", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID();
    const parent = await lab.agent("parent", [
      "--role",
      "parent",
      "--hostname",
      "ours-zp",
      "--config",
      await lab.confDir({ "stream.conf": receiverConf(key) }),
    ]);
    const child = await lab.netdata({
      hostname: "nd-zc",
      streamConf: senderConf(hostPort(parent.url), key, "    enable compression = yes\n"),
    });
    await assertAllChartsEqual(child.url, `${parent.url}/host/nd-zc`, 6);
    const info = await getJson(`${parent.url}/host/nd-zc/api/v1/info`);
    const rx = info.streaming.receiver;
    assert.match(rx.capabilities, /\bCOMPRESSION\b/);
    assert.doesNotMatch(rx.capabilities, /DEFLATE|COMPACT/, "a netdata child never offers our own codecs");
    assert.ok(
      rx.bytes_received * 2 < rx.bytes_uncompressed,
      `on the wire ${rx.bytes_received} bytes for ${rx.bytes_uncompressed} of text`,
    );
    assert.match(
      child.log(),
      /STREAM nd-zc \[send to \S+\]: established link with negotiated capabilities: .*COMPRESSION/,
    );
  });
});

Deno.test("our child compresses its stream into a netdata parent that grants it; every chart is equal", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID();
    const parent = await lab.netdata({ hostname: "nd-zp", collect: false, streamConf: receiverConf(key) });
    const child = await lab.agent("child", [
      "--role",
      "child",
      "--hostname",
      "ours-zc",
      "--stream-to",
      hostPort(parent.url),
      "--api-key",
      key,
    ]);
    await assertAllChartsEqual(child.url, `${parent.url}/host/ours-zc`, 6);
    const info = await getJson(`${child.url}/api/v1/info`);
    const tx = info.streaming.sender;
    assert.match(tx.capabilities, /\bCOMPRESSION\b/);
    assert.doesNotMatch(tx.capabilities, /DEFLATE|COMPACT/, "a netdata parent never grants our own codecs");
    assert.equal(info["stream-compression"], true);
    assert.ok(
      tx.bytesSent * 2 < tx.bytesText,
      `on the wire ${tx.bytesSent} bytes for ${tx.bytesText} of text`,
    );
    const log = parent.log();
    assert.ok(
      /STREAM ours-zc \[receive from [^\]]*\]:\d+\]: established link with negotiated capabilities: .*COMPRESSION/
        .test(log),
      netdataLines(log),
    );
  });
});

Deno.test("our pair: DEFLATE (ours) when the parent's key allows compression, plain text when it does not", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID(), plainKey = crypto.randomUUID();
    const parent = await lab.agent("parent", [
      "--role",
      "parent",
      "--hostname",
      "ours-p",
      "--config",
      await lab.confDir({
        "stream.conf": receiverConf(key) + receiverConf(plainKey) + "    enable compression = no\n",
      }),
    ]);
    const child = (name: string, k: string) =>
      lab.agent(name, [
        "--role",
        "child",
        "--hostname",
        name,
        "--stream-to",
        hostPort(parent.url),
        "--api-key",
        k,
      ]);
    const [zc, pc] = await Promise.all([child("ours-z", key), child("ours-plain", plainKey)]);
    await assertAllChartsEqual(zc.url, `${parent.url}/host/ours-z`, 4);
    await assertAllChartsEqual(pc.url, `${parent.url}/host/ours-plain`, 4);
    const z = (await getJson(`${parent.url}/host/ours-z/api/v1/info`)).streaming.receiver;
    const p = (await getJson(`${parent.url}/host/ours-plain/api/v1/info`)).streaming.receiver;
    assert.match(z.capabilities, /\bDEFLATE\b/);
    assert.doesNotMatch(z.capabilities, /COMPRESSION/);
    assert.doesNotMatch(p.capabilities, /COMPRESSION|DEFLATE/);
    assert.equal(p.bytes_received, p.bytes_uncompressed);
    assert.ok(z.bytes_received * 4 < z.bytes_uncompressed, JSON.stringify(z));
  });
});

Deno.test("a stream that fails to decompress ends that connection with a reason; the next gets no compression", async () => {
  await withLab(async (lab) => {
    const key = crypto.randomUUID();
    const parent = await lab.parent("ours-p", receiverConf(key));
    const guid = crypto.randomUUID();
    const connect = async (body: Uint8Array): Promise<string> => {
      const { conn, reply } = await openStream(
        parent.url,
        `key=${key}&hostname=bad-z&machine_guid=${guid}&ver=16376`,
      );
      try {
        await conn.write(body);
        return reply;
      } finally {
        await new Promise((r) => setTimeout(r, 300));
        conn.close();
      }
    };
    // A valid header, then a block whose match points before the stream's start.
    const first = await connect(new Uint8Array([0xfa, 0x85, 0x80, 0x0a, 0x10, 65, 0x09, 0x00, 0x00]));
    assert.ok(Number(first.split("=")[1]) & 1024, first);
    const rx = await waitFor(
      async () => {
        const r = (await getJson(`${parent.url}/host/bad-z/api/v1/info`)).streaming.receiver;
        return r?.end_reason_code ? r : undefined;
      },
      10000,
      "the bad stream to end",
    );
    assert.equal(rx.end_reason_code, "DECOMPRESSION_FAILED");
    assert.match(rx.end_reason, /^cannot decompress the stream: block 1: LZ4 offset 9/);
    const second = await connect(new TextEncoder().encode("END\n"));
    assert.equal(Number(second.split("=")[1]) & 1024, 0, second);
  });
});
