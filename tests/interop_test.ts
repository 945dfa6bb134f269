/**
 * Streaming between our agent and Debian's real netdata 1.37.1, every process real and on
 * 127.0.0.1: a netdata child into our parent, our child into a netdata parent, a netdata child
 * through our proxy into a netdata parent, refused API keys, and TLS both ways. Values are
 * compared over the same absolute seconds with what the origin of the metrics serves itself.
 * They fail when netdata is not installed (`make test` installs it).
 */
import { assert } from "./_helpers/assert.ts";
import { waitFor } from "./_helpers/agent.ts";
import { netdataLines, receiverConf, senderConf, withLab } from "./_helpers/lab.ts";
import { httpGet, type NetdataProcess } from "./_helpers/netdata.ts";

const TLS_DIR = new URL("./fixtures/tls/", import.meta.url).pathname;
/** Collected every second by both implementations, one incremental-percentage and one absolute. */
const CHARTS = ["system.cpu", "system.ram"];
/** Seconds both sides must agree on, at least. */
const MIN_ROWS = 5;
const NOT_PERMITTED = "You are not permitted to access this. Check the logs for more info.";

/** An API to read: its base URL (`…/host/NAME` for a mirrored host), and a CA to verify it with. */
interface Api {
  base: string;
  /** PEM; without it an https server's certificate is not checked. */
  ca?: string;
}

// deno-lint-ignore no-explicit-any
async function getJson(url: string, ca?: string): Promise<any> {
  const r = await httpGet(url, { ca });
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text);
}

/** `host:port` of a URL, for `destination`. */
function hostPort(url: string): string {
  return new URL(url).host;
}

/** Asserts that `mirror` shows a host with the labels the host itself shows (forwarded verbatim). */
async function assertSameLabels(origin: Api, mirror: Api): Promise<void> {
  const [o, m] = await Promise.all([
    getJson(`${origin.base}/api/v1/info`, origin.ca),
    getJson(`${mirror.base}/api/v1/info`, mirror.ca),
  ]);
  assert.deepEqual(m.host_labels, o.host_labels, `host labels at ${mirror.base} and at ${origin.base}`);
}

/** Asserts that netdata's error.log has a line matching `re`; shows the streaming lines if not. */
function assertLogged(nd: NetdataProcess, re: RegExp): void {
  const log = nd.log();
  assert.ok(re.test(log), `netdata error.log has no line matching ${re}:\n${netdataLines(log)}`);
}

/** Waits until `api` lists `hostname` in /api/v1/info and returns its mirrored_hosts_status entry. */
async function mirrored(api: Api, hostname: string, timeoutMs = 15000) {
  return await waitFor(
    async () => {
      const info = await getJson(`${api.base}/api/v1/info`, api.ca);
      // deno-lint-ignore no-explicit-any
      return info.mirrored_hosts_status.find((h: any) => h.hostname === hostname);
    },
    timeoutMs,
    `${api.base} to list ${hostname}`,
  );
}

/**
 * Asserts that `mirror` (a parent's view of a host) serves the same system.cpu and system.ram
 * values as `origin` (the host itself) over at least {@link MIN_ROWS} common seconds, every
 * second, the mirror's first one too. Netdata parents run dbengine (tests/_helpers/netdata.ts): in
 * `ram` mode a v1.37.1 parent stores each replayed point one slot late (src/stream/PROTOCOL.md §6.1).
 * Every chart, over a busy minute, is compared in fidelity_test.ts. Values agree to float
 * precision: the same raw numbers go through the same computation; netdata keeps ~7 significant
 * digits.
 */
async function assertSameValues(origin: Api, mirror: Api): Promise<void> {
  const charts = (api: Api, id: string) => getJson(`${api.base}/api/v1/chart?chart=${id}`, api.ca);
  const windows = await waitFor(
    async () => {
      const out: { id: string; first: number; last: number }[] = [];
      for (const id of CHARTS) {
        const [o, m] = await Promise.all([charts(origin, id), charts(mirror, id)]);
        // netdata's last_entry can be the slot still being collected: leave it out.
        // From the origin's first second: a mirror that lost its first points must show it.
        const first = o.first_entry, last = Math.min(o.last_entry, m.last_entry) - 1;
        if (last - first + 1 < MIN_ROWS + 2) return undefined;
        out.push({ id, first, last });
      }
      return out;
    },
    25000,
    `${MIN_ROWS + 2} common seconds of ${CHARTS.join(", ")} on ${origin.base} and ${mirror.base}`,
  );

  for (const { id, first, last } of windows) {
    const data = (api: Api) =>
      getJson(
        `${api.base}/api/v1/data?chart=${id}&after=${first - 1}&before=${last}&points=${
          last - first + 1
        }&format=json&options=seconds|unaligned`,
        api.ca,
      );
    const [o, m] = await Promise.all([data(origin), data(mirror)]);
    const tables = `origin ${origin.base}: ${JSON.stringify(o)}\nmirror ${mirror.base}: ${JSON.stringify(m)}`;
    assert.deepEqual(m.labels, o.labels, `${id}: dimensions differ\n${tables}`);
    assert.deepEqual(
      // deno-lint-ignore no-explicit-any
      m.data.map((r: any[]) => r[0]),
      // deno-lint-ignore no-explicit-any
      o.data.map((r: any[]) => r[0]),
      `${id}: rows differ\n${tables}`,
    );
    assert.equal(o.data.length, last - first + 1, `${id}: expected the rows ${first}..${last}\n${tables}`);
    assert.equal(o.data[0]?.[0], last, `${id}: expected the rows ${first}..${last}\n${tables}`);
    const bad: string[] = [];
    let full = 0;
    for (let r = 0; r < o.data.length; r++) {
      const [t, ...ov] = o.data[r] as (number | null)[];
      const mv = (m.data[r] as (number | null)[]).slice(1);
      for (let c = 0; c < ov.length; c++) {
        const a = mv[c], b = ov[c];
        const same = a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
        if (!same) bad.push(`${t} ${o.labels[c + 1]}: mirror ${a}, origin ${b}`);
      }
      if (ov.every((v) => v !== null)) full++;
    }
    assert.deepEqual(bad, [], `${id}: values differ over ${first}..${last}\n${tables}`);
    assert.ok(full >= MIN_ROWS, `${id}: only ${full} rows with values over ${first}..${last}\n${tables}`);
  }
}

Deno.test({
  name:
    "a netdata child streams into our parent: served by name and GUID, 1 hop, with the child's own values",
  async fn() {
    await withLab(async (lab) => {
      const key = crypto.randomUUID();
      const parent = await lab.agent("parent", [
        "--role",
        "parent",
        "--hostname",
        "ours-p1",
        "--config",
        await lab.confDir({ "stream.conf": receiverConf(key) }),
      ]);
      const child = await lab.netdata({
        hostname: "nd-c1",
        streamConf: senderConf(hostPort(parent.url), key),
      });
      const guid = (await getJson(`${child.url}/api/v1/info`)).uid;
      const status = await mirrored({ base: parent.url }, "nd-c1");
      assert.deepEqual(
        { guid: status.guid, reachable: status.reachable, hops: status.hops },
        { guid, reachable: true, hops: 1 },
      );
      const info = await getJson(`${parent.url}/api/v1/info`);
      assert.ok(info.mirrored_hosts.includes("nd-c1"), JSON.stringify(info.mirrored_hosts));
      await assertSameValues({ base: child.url }, { base: `${parent.url}/host/nd-c1` });
      await assertSameLabels({ base: child.url }, { base: `${parent.url}/host/nd-c1` });
      for (const path of ["nd-c1", guid]) {
        assert.equal((await getJson(`${parent.url}/host/${path}/api/v1/info`)).uid, guid, `/host/${path}/`);
        assert.equal(
          (await getJson(`${parent.url}/host/${path}/api/v1/chart?chart=system.cpu`)).id,
          "system.cpu",
        );
      }
      assertLogged(child, /STREAM nd-c1 \[send to \S+\]: established link/);
    });
  },
});

Deno.test({
  name: "our child streams into a netdata parent, which serves our child's own values",
  async fn() {
    await withLab(async (lab) => {
      const key = crypto.randomUUID();
      const parent = await lab.netdata({
        hostname: "nd-p2",
        collect: false,
        streamConf: receiverConf(key),
      });
      const child = await lab.agent("child", [
        "--role",
        "child",
        "--hostname",
        "ours-c2",
        "--stream-to",
        hostPort(parent.url),
        "--api-key",
        key,
      ]);
      const guid = (await getJson(`${child.url}/api/v1/info`)).uid;
      const status = await mirrored({ base: parent.url }, "ours-c2");
      assert.deepEqual(
        { guid: status.guid, reachable: status.reachable, hops: status.hops },
        { guid, reachable: true, hops: 1 },
      );
      await assertSameValues({ base: child.url }, { base: `${parent.url}/host/ours-c2` });
      await assertSameLabels({ base: child.url }, { base: `${parent.url}/host/ours-c2` });
      assertLogged(parent, /STREAM ours-c2 \[receive from \[localhost\]:\d+\]: established link/);
    });
  },
});

Deno.test({
  name: "netdata child -> our proxy -> netdata parent: 2 hops upstream, the child's own values",
  async fn() {
    await withLab(async (lab) => {
      const upKey = crypto.randomUUID(), downKey = crypto.randomUUID();
      const parent = await lab.netdata({
        hostname: "nd-p3",
        collect: false,
        streamConf: receiverConf(upKey),
      });
      const proxy = await lab.agent("proxy", [
        "--role",
        "proxy",
        "--hostname",
        "ours-x3",
        "--config",
        await lab.confDir({
          "stream.conf": senderConf(hostPort(parent.url), upKey) + "\n" + receiverConf(downKey),
        }),
      ]);
      const child = await lab.netdata({
        hostname: "nd-c3",
        streamConf: senderConf(hostPort(proxy.url), downKey),
      });
      const guid = (await getJson(`${child.url}/api/v1/info`)).uid;
      const proxyGuid = (await getJson(`${proxy.url}/api/v1/info`)).uid;

      const atProxy = await mirrored({ base: proxy.url }, "nd-c3");
      assert.deepEqual({ guid: atProxy.guid, hops: atProxy.hops }, { guid, hops: 1 }, "at the proxy");
      const atParent = await mirrored({ base: parent.url }, "nd-c3");
      assert.deepEqual(
        { guid: atParent.guid, reachable: atParent.reachable, hops: atParent.hops },
        { guid, reachable: true, hops: 2 },
        "the child at the netdata parent",
      );
      const proxyAtParent = await mirrored({ base: parent.url }, "ours-x3");
      assert.deepEqual(
        { guid: proxyAtParent.guid, reachable: proxyAtParent.reachable, hops: proxyAtParent.hops },
        { guid: proxyGuid, reachable: true, hops: 1 },
        "the proxy's own host at the netdata parent",
      );
      // Like a netdata proxy, ours streams the child's host under the child's own User-Agent.
      const childVersion = (await getJson(`${child.url}/api/v1/info`)).version;
      assert.equal((await getJson(`${parent.url}/host/nd-c3/api/v1/info`)).version, childVersion);
      assertLogged(parent, /Host 'nd-c3' .* program_name 'netdata', program_version 'v1\.37\.1'/);
      await assertSameValues({ base: child.url }, { base: `${parent.url}/host/nd-c3` });
      await assertSameLabels({ base: child.url }, { base: `${parent.url}/host/nd-c3` });
    });
  },
});

Deno.test({
  name: "our parent refuses netdata children with an unknown or a disabled API key, and says so",
  async fn() {
    await withLab(async (lab) => {
      const good = crypto.randomUUID(), disabled = crypto.randomUUID(), unknown = crypto.randomUUID();
      const parent = await lab.agent("parent", [
        "--role",
        "parent",
        "--hostname",
        "ours-p4",
        "--config",
        await lab.confDir({ "stream.conf": `${receiverConf(good)}\n[${disabled}]\n    enabled = no\n` }),
      ]);
      const dest = hostPort(parent.url);
      const [, unknownChild, disabledChild] = await Promise.all([
        // A child with the right key proves the parent accepts streams at all.
        lab.netdata({ hostname: "nd-ok4", collect: false, streamConf: senderConf(dest, good) }),
        lab.netdata({ hostname: "nd-unknown4", collect: false, streamConf: senderConf(dest, unknown) }),
        lab.netdata({ hostname: "nd-disabled4", collect: false, streamConf: senderConf(dest, disabled) }),
      ]);
      await mirrored({ base: parent.url }, "nd-ok4");
      const denied = /STREAM \S+ \[send to [^\]]+\]: remote server denied access/;
      await waitFor(
        () =>
          /Refused child nd-unknown4 .*unknown API key/.test(parent.output()) &&
          /Refused child nd-disabled4 .*API key is disabled/.test(parent.output()) &&
          denied.test(unknownChild.log()) && denied.test(disabledChild.log()),
        15000,
        "both refusals, logged on both sides",
      );
      for (const line of parent.output().split("\n").filter((l) => /Refused child/.test(l))) {
        assert.ok(line.includes(`reply="${NOT_PERMITTED}"`), line);
      }
      const info = await getJson(`${parent.url}/api/v1/info`);
      assert.deepEqual(
        info.mirrored_hosts.toSorted(),
        ["nd-ok4", "ours-p4"],
        "refused children are not listed",
      );
      assert.doesNotMatch(unknownChild.log() + disabledChild.log(), /established link/);
    });
  },
});

Deno.test({
  name: "TLS: a netdata child into our ^SSL=force parent, and our child into a netdata ^SSL=force parent",
  async fn() {
    await withLab(async (lab) => {
      const key = crypto.randomUUID();
      const ca = await Deno.readTextFile(`${TLS_DIR}ca.pem`);
      const [parent, ndParent] = await Promise.all([
        // Our parent with the docs' self-signed certificate. startAgent passes "--bind 127.0.0.1", which
        // wins over "bind to" in agent.conf, so the same TLS entry is given as --bind too.
        lab.agent("parent", [
          "--role",
          "parent",
          "--hostname",
          "ours-p5",
          "--config",
          await lab.confDir({
            "agent.conf": `[web]\n    bind to = 127.0.0.1:0^SSL=force\n    ssl key = ${TLS_DIR}key.pem\n` +
              `    ssl certificate = ${TLS_DIR}cert.pem\n`,
            "stream.conf": receiverConf(key),
          }),
          "--bind",
          "127.0.0.1^SSL=force",
        ]),
        // A netdata parent with the CA-signed certificate for 127.0.0.1.
        lab.netdata({
          hostname: "nd-p5",
          collect: false,
          streamConf: receiverConf(key),
          tls: { key: `${TLS_DIR}server.key`, cert: `${TLS_DIR}server.pem` },
        }),
      ]);
      assert.match(parent.url, /^https:/);
      const [child, ourChild, unverified] = await Promise.all([
        lab.netdata({
          hostname: "nd-c5",
          streamConf: senderConf(
            `${hostPort(parent.url)}:SSL`,
            key,
            "    ssl skip certificate verification = yes\n",
          ),
        }),
        // Verifies the netdata parent's certificate against our CA.
        lab.agent("child", [
          "--role",
          "child",
          "--hostname",
          "ours-c5",
          "--config",
          await lab.confDir({
            "stream.conf": senderConf(
              `${hostPort(ndParent.url)}:SSL`,
              key,
              `    CAfile = ${TLS_DIR}ca.pem\n`,
            ),
          }),
        ]),
        // Verification on, CA unknown: must not connect.
        lab.agent("unverified child", [
          "--role",
          "child",
          "--hostname",
          "ours-c5x",
          "--config",
          await lab.confDir({ "stream.conf": senderConf(`${hostPort(ndParent.url)}:SSL`, key) }),
        ]),
      ]);

      const childGuid = (await getJson(`${child.url}/api/v1/info`)).uid;
      const atOurs = await mirrored({ base: parent.url }, "nd-c5");
      assert.deepEqual({ guid: atOurs.guid, reachable: atOurs.reachable }, {
        guid: childGuid,
        reachable: true,
      });
      const atNetdata = await mirrored({ base: ndParent.url, ca }, "ours-c5");
      assert.equal(atNetdata.reachable, true);
      await Promise.all([
        assertSameValues({ base: child.url }, { base: `${parent.url}/host/nd-c5` }),
        assertSameValues({ base: ourChild.url }, { base: `${ndParent.url}/host/ours-c5`, ca }),
      ]);
      assertLogged(child, /STREAM nd-c5 \[send to \S+\]: established link/);

      await waitFor(
        () => /Cannot stream ours-c5x to \S+: .*(certificate|verify|issuer)/i.test(unverified.output()),
        10000,
        "ours-c5x to reject the netdata parent's certificate",
      );
      const info = await getJson(`${ndParent.url}/api/v1/info`, ca);
      assert.ok(!info.mirrored_hosts.includes("ours-c5x"), JSON.stringify(info.mirrored_hosts));
    });
  },
});
