import { getLogger } from "@logtape/logtape";
import { assert } from "../../tests/_helpers/assert.ts";
import type { ConnectorType, ExportingInstanceConfig } from "../config/exporting_types.ts";
import { testHost } from "../host/_fixture.ts";
import { type Chart, type Host, Hosts } from "../host/mod.ts";
import { ExportingEngine } from "./engine.ts";
import { createFormatter } from "./mod.ts";
import { snappyUncompress } from "./snappy.ts";

const START = 1795293600; // a multiple of 10
const US = 1_000_000;

function instance(type: ConnectorType, o: Partial<ExportingInstanceConfig> = {}): ExportingInstanceConfig {
  return {
    section: `${type}:t`,
    type,
    name: "t",
    enabled: true,
    destination: "x",
    destinations: [],
    dataSource: "average",
    updateEverySec: 10,
    prefix: "netdata",
    hostname: "exported-parent",
    sendNamesInsteadOfIds: true,
    sendChartsMatching: "*",
    sendHostsMatching: "localhost *",
    sendConfiguredLabels: true,
    sendAutomaticLabels: false,
    sendVariables: false,
    remoteWriteUrlPath: "/receive",
    username: "",
    password: "",
    timeoutMs: 1000,
    bufferOnFailures: 100,
    queueDiskSpaceBytes: 1 << 20,
    file: "exporting.conf",
    line: 1,
    ...o,
  };
}

/** A parent ("localhost") and a child, each with one chart collected every second for 20 s. */
function lab(clock: { us: number }) {
  const local = testHost({ hostname: "parent", isLocal: true, clock });
  const child = testHost({ hostname: "child-1", guid: "00000000-0000-0000-0000-000000000002", clock });
  child.labels.set("room", { value: "a b;c", source: 2 });
  child.labels.set("_os", { value: "linux", source: 1 });
  child.state.reachable = true; // a connected child
  const hosts = new Hosts(local);
  hosts.add(child);
  const def = (h: Host, id: string, name: string): Chart => {
    const c = h.defineChart({
      id,
      name,
      title: "t",
      units: "percentage",
      family: "cpu",
      context: "system.cpu",
      chartType: "stacked",
      priority: 1,
      updateEvery: 1,
      plugin: "p",
      module: "",
    });
    c.defineDimension({ id: "u", name: "user", algorithm: "absolute", multiplier: 1, divisor: 1 });
    c.defineDimension({ id: "s", name: "sys-x", algorithm: "absolute", multiplier: 1, divisor: 1 });
    return c;
  };
  const charts = [def(local, "system.cpu", "system.cpu"), def(child, "cpu.cpu0", "cpu.core-0")];
  for (let r = 0; r <= 20; r++) {
    clock.us = (START + r) * US + 500_000;
    for (const c of charts) {
      c.begin(0);
      c.set(c.dimensions[0], 10);
      c.set(c.dimensions[1], 5 + (r % 2));
      c.end();
    }
  }
  return hosts;
}

/** Runs one round of `cfg` at `START + 20` and returns the batch. */
function round(cfg: ExportingInstanceConfig): { payload: Uint8Array; samples: number } {
  const clock = { us: 0 };
  const hosts = lab(clock);
  const got: { payload: Uint8Array; samples: number }[] = [];
  const engine = new ExportingEngine({
    hosts,
    instances: [{
      config: cfg,
      formatter: createFormatter(cfg),
      delivery: {
        enqueue: (payload, samples) => got.push({ payload: payload.slice(), samples }),
        start() {},
        stop: () => Promise.resolve(),
      },
      stateFile: "/nonexistent/dir/last_round",
    }],
    logger: getLogger(["agent", "test"]),
    nowMs: () => clock.us / 1000,
  });
  clock.us = (START + 10) * US;
  engine.prepare();
  clock.us = (START + 20) * US + 700_000;
  engine.tick();
  assert.equal(got.length, 1);
  return got[0];
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
// Window of the round at before = START+20: points START+8 .. START+17, reported at START+17.
const T = START + 17;
// 5 + (r % 2) averaged over ten points: 5.5.

Deno.test("text connectors write exactly Netdata 1.37.1's lines", () => {
  const rows: { name: string; cfg: ExportingInstanceConfig; want: string }[] = [
    {
      name: "graphite, average, names, configured labels",
      cfg: instance("graphite"),
      want: `netdata.exported-parent.system.cpu.user 10.0000000 ${T}\n` +
        `netdata.exported-parent.system.cpu.sys_x 5.5000000 ${T}\n` +
        `netdata.child-1.cpu.core_0.user;room=a_b_c 10.0000000 ${T}\n` +
        `netdata.child-1.cpu.core_0.sys_x;room=a_b_c 5.5000000 ${T}\n`,
    },
    {
      name: "graphite, ids, sum, automatic labels too, prefix",
      cfg: instance("graphite", {
        sendNamesInsteadOfIds: false,
        dataSource: "sum",
        sendAutomaticLabels: true,
        prefix: "nd",
      }),
      want: `nd.exported-parent.system.cpu.u 100.0000000 ${T}\n` +
        `nd.exported-parent.system.cpu.s 55.0000000 ${T}\n` +
        `nd.child-1.cpu.cpu0.u;room=a_b_c;_os=linux 100.0000000 ${T}\n` +
        `nd.child-1.cpu.cpu0.s;room=a_b_c;_os=linux 55.0000000 ${T}\n`,
    },
    {
      name: "graphite, as collected: the last collected integer at its second",
      cfg: instance("graphite", { dataSource: "as collected", sendHostsMatching: "!localhost *" }),
      want: `netdata.child-1.cpu.core_0.user;room=a_b_c 10 ${START + 20}\n` +
        `netdata.child-1.cpu.core_0.sys_x;room=a_b_c 5 ${START + 20}\n`,
    },
    {
      name: "opentsdb telnet",
      cfg: instance("opentsdb", { sendChartsMatching: "cpu.*" }),
      want: `put netdata.cpu.core_0.user ${T} 10.0000000 host=child-1 room=a_b_c\n` +
        `put netdata.cpu.core_0.sys_x ${T} 5.5000000 host=child-1 room=a_b_c\n`,
    },
    {
      name: "opentsdb http",
      cfg: instance("opentsdb:http", { sendHostsMatching: "child-*" }),
      want: `[\n{"metric":"netdata.cpu.core_0.user","timestamp":${T},"value":10.0000000,` +
        `"tags":{"host":"child-1","room":"a_b_c"}},\n` +
        `{"metric":"netdata.cpu.core_0.sys_x","timestamp":${T},"value":5.5000000,` +
        `"tags":{"host":"child-1","room":"a_b_c"}}\n]\n`,
    },
    {
      name: "json, average",
      cfg: instance("json", { sendHostsMatching: "localhost", sendChartsMatching: "*.cpu" }),
      want: `{"prefix":"netdata","hostname":"exported-parent","labels":{},"chart_id":"system.cpu",` +
        `"chart_name":"system.cpu","chart_family":"cpu","chart_context": "system.cpu","chart_type":"system",` +
        `"units": "percentage","id":"u","name":"user","value":10.0000000,"timestamp": ${T}}\n` +
        `{"prefix":"netdata","hostname":"exported-parent","labels":{},"chart_id":"system.cpu",` +
        `"chart_name":"system.cpu","chart_family":"cpu","chart_context": "system.cpu","chart_type":"system",` +
        `"units": "percentage","id":"s","name":"sys-x","value":5.5000000,"timestamp": ${T}}\n`,
    },
    {
      name: "json:http, as collected, without labels",
      cfg: instance("json:http", {
        dataSource: "as collected",
        sendHostsMatching: "child-1",
        sendConfiguredLabels: false,
      }),
      want: `[\n{"prefix":"netdata","hostname":"child-1","chart_id":"cpu.cpu0","chart_name":"cpu.core-0",` +
        `"chart_family":"cpu","chart_context":"system.cpu","chart_type":"cpu","units":"percentage",` +
        `"id":"u","name":"user","value":10,"timestamp":${START + 20}},\n` +
        `{"prefix":"netdata","hostname":"child-1","chart_id":"cpu.cpu0","chart_name":"cpu.core-0",` +
        `"chart_family":"cpu","chart_context":"system.cpu","chart_type":"cpu","units":"percentage",` +
        `"id":"s","name":"sys-x","value":5,"timestamp":${START + 20}}\n]\n`,
    },
  ];
  for (const r of rows) {
    const b = round(r.cfg);
    assert.equal(text(b.payload), r.want, r.name);
    assert.equal(b.samples, r.want.split("\n").filter((l) => l.includes("cpu")).length, r.name + " samples");
  }
});

/** Decodes a WriteRequest: each series as `name{labels} value @ms`, labels in wire order. */
function decodeWriteRequest(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const td = new TextDecoder();
  const varint = (b: Uint8Array, p: { i: number }) => {
    let v = 0;
    for (let s = 1;; s *= 128) {
      const x = b[p.i++];
      v += (x & 127) * s;
      if (x < 128) return v;
    }
  };
  const fields = (b: Uint8Array) => {
    const f: { n: number; bytes?: Uint8Array; num?: number }[] = [];
    const p = { i: 0 };
    while (p.i < b.length) {
      const tag = varint(b, p);
      const wt = tag & 7;
      if (wt === 2) {
        const len = varint(b, p);
        f.push({ n: tag >> 3, bytes: b.subarray(p.i, p.i + len) });
        p.i += len;
      } else if (wt === 1) {
        f.push({ n: tag >> 3, num: new DataView(b.buffer, b.byteOffset + p.i, 8).getFloat64(0, true) });
        p.i += 8;
      } else f.push({ n: tag >> 3, num: varint(b, p) });
    }
    return f;
  };
  for (const ts of fields(bytes)) {
    let name = "", labels = "", sample = "";
    for (const f of fields(ts.bytes!)) {
      if (f.n === 1) {
        const [k, v] = fields(f.bytes!).map((x) => td.decode(x.bytes!));
        if (k === "__name__") name = v;
        labels += `${labels ? "," : ""}${k}="${v}"`;
      } else {
        const [v, t] = fields(f.bytes!).map((x) => x.num!);
        sample = `${v} @${t}`;
      }
    }
    out.push(`${name}{${labels}} ${sample}`);
  }
  return out;
}

Deno.test("prometheus_remote_write sends Netdata's names with sorted labels", () => {
  const rows: { name: string; cfg: ExportingInstanceConfig; want: string[] }[] = [
    {
      name: "average: units in the name, instance per host, netdata_info with configured labels",
      cfg: instance("prometheus_remote_write"),
      want: [
        `netdata_info{__name__="netdata_info",application="agent",instance="exported-parent"} 1 @${
          (START + 20) * 1000
        }`,
        `netdata_system_cpu_percentage_average{__name__="netdata_system_cpu_percentage_average",chart="system.cpu",dimension="user",family="cpu",instance="exported-parent"} 10 @${
          T * 1000
        }`,
        `netdata_system_cpu_percentage_average{__name__="netdata_system_cpu_percentage_average",chart="system.cpu",dimension="sys-x",family="cpu",instance="exported-parent"} 5.5 @${
          T * 1000
        }`,
        `netdata_info{__name__="netdata_info",application="agent",instance="child-1",room="a b;c"} 1 @${
          (START + 20) * 1000
        }`,
        `netdata_system_cpu_percentage_average{__name__="netdata_system_cpu_percentage_average",chart="cpu.core-0",dimension="user",family="cpu",instance="child-1"} 10 @${
          T * 1000
        }`,
        `netdata_system_cpu_percentage_average{__name__="netdata_system_cpu_percentage_average",chart="cpu.core-0",dimension="sys-x",family="cpu",instance="child-1"} 5.5 @${
          T * 1000
        }`,
      ],
    },
    {
      name: "as collected, homogeneous chart: dimension label, collection time in ms",
      cfg: instance("prometheus_remote_write", { dataSource: "as collected", sendHostsMatching: "child-1" }),
      want: [
        `netdata_info{__name__="netdata_info",application="agent",instance="child-1",room="a b;c"} 1 @${
          (START + 20) * 1000
        }`,
        `netdata_system_cpu{__name__="netdata_system_cpu",chart="cpu.core-0",dimension="user",family="cpu",instance="child-1"} 10 @${
          (START + 20) * 1000 + 500
        }`,
        `netdata_system_cpu{__name__="netdata_system_cpu",chart="cpu.core-0",dimension="sys-x",family="cpu",instance="child-1"} 5 @${
          (START + 20) * 1000 + 500
        }`,
      ],
    },
  ];
  for (const r of rows) {
    const b = round(r.cfg);
    assert.deepEqual(decodeWriteRequest(snappyUncompress(b.payload)), r.want, r.name);
    assert.equal(b.samples, r.want.length, r.name + " samples");
  }
});
