/**
 * The dashboard page: node list, streaming view, alerts and every chart of the selected node, drawn
 * with uPlot (the global `uPlot` from uplot.js). Plain browser JavaScript, no build step.
 *
 * It talks Netdata API v1 only (`info`, `charts`, `data`, `alarms`, `alarm_log`), by URLs relative to the page's
 * directory: at `/host/NAME/` every call goes to that node; the node list and the agent's own
 * streaming state come from the root (the page's directory minus `host/NAME/`). The `streaming`
 * object of /api/v1/info is this agent's extension; without it (a real Netdata) those parts say so.
 *
 * Charts poll only while on screen (IntersectionObserver) and the tab is visible. All charts share
 * one time range: live (the last N seconds) or a fixed window after a zoom or pan.
 */

/* global uPlot */

const PALETTE = [
  "#3366cc",
  "#dc3912",
  "#109618",
  "#ff9900",
  "#990099",
  "#0099c6",
  "#dd4477",
  "#66aa00",
  "#b82e2e",
  "#316395",
  "#994499",
  "#22aa99",
  "#aaaa11",
  "#6633cc",
  "#e67300",
  "#8b0707",
];

/** Pretty names of well-known menu sections (Netdata's menu). */
const SECTION_NAMES = {
  system: "System Overview",
  cpu: "CPUs",
  mem: "Memory",
  disk: "Disks",
  net: "Network Interfaces",
  ipv4: "IPv4 Networking",
  ipv6: "IPv6 Networking",
  netdata: "Netdata Monitoring",
  agent: "Agent Monitoring",
  apps: "Applications",
  users: "Users",
  groups: "User Groups",
  cgroup: "Containers & VMs",
};
/** Chart types whose prefix before `_` is the section (disk_util.sda belongs to Disks). */
const UNDERSCORE_SECTIONS = new Set(["disk", "net", "mount", "cgroup", "ap", "powersupply", "zram", "nfs"]);

const pageDir = new URL(".", location.href);
const hostMatch = /^(.*\/)host\/([^/]+)\/$/.exec(pageDir.pathname);
/** The agent's root page (where the node list and the agent's own streaming state come from). */
const rootDir = new URL(hostMatch ? hostMatch[1] : pageDir.pathname, pageDir);
/** The node named in the URL, or null for the agent itself. */
const selected = hostMatch ? decodeURIComponent(hostMatch[2]) : null;

/** Shared state; `window.__dash` exposes it to tests and the bench. */
const state = {
  live: true,
  windowSec: 300,
  after: 0,
  before: 0,
  /** Bumped on every range change; a chart refetches when its `rangeGen` is older. */
  rangeGen: 0,
  charts: [],
  visible: new Set(),
  firstDataMs: null,
  requests: 0,
  errors: [],
};
globalThis.__dash = state;

const $ = (id) => document.getElementById(id);

/** Creates an element: h("a", { href: "x", class: "y" }, "text", child). */
function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const k of kids) if (k !== undefined && k !== null) e.append(k);
  return e;
}

async function getJson(base, path) {
  state.requests++;
  const r = await fetch(new URL(path, base), { cache: "no-store" });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return await r.json();
}

/** A number in at most 4 significant digits, with k/M/G for big ones. */
function fmtNum(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(2) + "G";
  if (a >= 1e6) return (v / 1e6).toFixed(2) + "M";
  if (a >= 1e4) return (v / 1e3).toFixed(1) + "k";
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return "0";
  return v.toPrecision(3);
}

function fmtBytes(v) {
  if (typeof v !== "number") return String(v);
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function fmtAgo(sec) {
  if (!sec) return "-";
  const d = Math.max(0, Math.round(Date.now() / 1000 - sec));
  const rel = d < 60
    ? `${d}s`
    : d < 3600
    ? `${Math.floor(d / 60)}m`
    : d < 86400
    ? `${Math.floor(d / 3600)}h ${Math.floor(d % 3600 / 60)}m`
    : `${Math.floor(d / 86400)}d`;
  return `${new Date(sec * 1000).toLocaleTimeString()} (${rel} ago)`;
}

function shortKey(k) {
  return typeof k === "string" && k.length > 8 ? k.slice(0, 8) + "…" : String(k ?? "-");
}

function nodeHref(status) {
  return status.hops === 0
    ? rootDir.href
    : new URL(`host/${encodeURIComponent(status.hostname)}/`, rootDir).href;
}

// ---------------------------------------------------------------------------------------------
// Nodes and streaming

let rootInfo = null;
let hostInfo = null;
/** Per-host info of disconnected children (for "disconnected since"), refreshed slowly. */
const offlineInfo = new Map();

function isCurrent(st) {
  if (selected === null) return st.hops === 0;
  return st.hostname === selected || st.guid === selected || (selected === "localhost" && st.hops === 0);
}

function nodeStatuses(info) {
  if (Array.isArray(info.mirrored_hosts_status)) return info.mirrored_hosts_status;
  return (info.mirrored_hosts ?? []).map((name, i) => ({
    hostname: name,
    hops: i === 0 ? 0 : 1,
    reachable: i === 0,
  }));
}

/** The session a child arrived on, if the agent reports it. */
function childSession(hostname) {
  return rootInfo?.streaming?.children?.find((c) => c.hostname === hostname);
}

/** For a node more than one hop away: the node it most likely came through. */
function viaProxy(st, all) {
  if (st.hops < 2) return null;
  const recv = offlineInfo.get(st.hostname)?.streaming?.receiver ?? childSession(st.hostname);
  const peerIp = recv?.peer ? String(recv.peer).replace(/:\d+$/, "") : null;
  const candidates = all.filter((o) => o.hops === st.hops - 1 && o.hops > 0 && o.reachable);
  const byPeer = candidates.filter((o) => {
    const p = childSession(o.hostname)?.peer;
    return peerIp !== null && p !== undefined && String(p).replace(/:\d+$/, "") === peerIp;
  });
  if (byPeer.length === 1) return byPeer[0].hostname;
  if (candidates.length === 1) return candidates[0].hostname;
  return peerIp ?? "a proxy";
}

function renderNodes() {
  const list = $("nodes");
  const all = nodeStatuses(rootInfo);
  list.replaceChildren(...all.map((st) => {
    let text;
    let reasonCode;
    let cls = "dot";
    if (st.hops === 0) {
      text = "this node";
      cls += " up";
    } else if (st.reachable) {
      const s = childSession(st.hostname);
      text = "connected" + (s?.since ? " since " + fmtAgo(s.since) : "");
      cls += " up";
    } else {
      // this agent's info: the last session, and the newest stored point (about when it went away)
      const info = offlineInfo.get(st.hostname);
      const r = info?.streaming?.receiver;
      // when the session ended; else (a real Netdata) about when its newest point was stored
      const last = r?.ended ?? info?.storage?.last_entry;
      text = "disconnected" + (last ? " since " + fmtAgo(last) : "") +
        (r?.end_reason ? ` (${r.end_reason})` : "");
      // the reason's name (src/stream/reasons.ts) as the tooltip
      reasonCode = r?.end_reason_code ?? undefined;
      cls += " down";
    }
    if (st.hops > 0) text += `, hops ${st.hops}`;
    const via = viaProxy(st, all);
    if (via) text += `, via ${via}`;
    return h(
      "li",
      { class: isCurrent(st) ? "current" : undefined, "data-host": st.hostname },
      h("span", { class: cls }),
      // the time range travels along (read at click time, it changes)
      h(
        "a",
        { href: nodeHref(st), onclick: (e) => e.currentTarget.href = nodeHref(st) + location.hash },
        st.hostname,
      ),
      h("span", { class: "state", title: reasonCode }, text),
    );
  }));
}

/** Renders an object as a key/value table; numbers and nested objects too, unknown keys included. */
function kvTable(obj, labels) {
  const rows = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const fmt = labels[k];
    if (fmt === null) continue; // shown elsewhere
    let cell;
    if (fmt && fmt.fn) cell = fmt.fn(v, obj);
    else if (typeof v === "boolean") cell = v ? "yes" : "no";
    else if (typeof v === "number") cell = /bytes/i.test(k) ? fmtBytes(v) : v.toLocaleString();
    else if (Array.isArray(v)) cell = v.join(", ") || "-";
    else if (v !== null && typeof v === "object") cell = kvTable(v, {});
    else cell = v === null || v === "" ? "-" : String(v);
    rows.push(h("tr", null, h("th", null, fmt?.label ?? k.replace(/_/g, " ")), h("td", null, cell)));
  }
  return h("table", null, ...rows);
}

const SENDER_FIELDS = {
  hostname: { label: "host" },
  destination: { label: "destination" },
  destinations: { label: "destinations", fn: (v) => (Array.isArray(v) ? v.join(" ") : String(v)) },
  connected: {
    label: "connected",
    fn: (v) => h("span", null, h("span", { class: v ? "dot up" : "dot down" }), v ? "yes" : "no"),
  },
  sinceSec: { label: "since", fn: fmtAgo },
  bufferBytes: {
    label: "buffer",
    fn: (v, o) => {
      const max = o.bufferMaxBytes || 0;
      const pct = max > 0 ? Math.min(100, (100 * v) / max) : 0;
      return h(
        "span",
        null,
        h("span", { class: "bar" }, h("i", { style: `width:${pct.toFixed(1)}%` })),
        `${pct.toFixed(1)}% of ${fmtBytes(max)} (${fmtBytes(v)})`,
      );
    },
  },
  bufferMaxBytes: null,
  bytesSent: { label: "bytes sent", fn: fmtBytes },
  replicatedPoints: { label: "replicated points", fn: (v) => v.toLocaleString() },
  // the text, with the reason's name (src/stream/reasons.ts) as the tooltip
  lastError: {
    label: "last error",
    fn: (v, o) => h("span", { title: o.lastErrorCode || undefined }, v || "-"),
  },
  lastErrorCode: null,
};

const RECEIVER_FIELDS = {
  machine_guid: { label: "machine GUID" },
  api_key: { label: "key", fn: shortKey },
  since: { label: "since", fn: fmtAgo },
  connected: SENDER_FIELDS.connected,
  bytes_received: { label: "bytes received", fn: fmtBytes },
  end_reason: {
    label: "end reason",
    fn: (v, o) => h("span", { title: o.end_reason_code ?? undefined }, v ?? "-"),
  },
  end_reason_code: null,
};

function renderStreaming() {
  const body = h("div", { class: "body" });
  const hostName = hostInfo?.mirrored_hosts_status?.find((s) => isCurrent(s))?.hostname ?? selected ??
    "this node";
  const st = hostInfo?.streaming;
  const rootSt = rootInfo?.streaming;
  if (st === undefined && rootSt === undefined) {
    const to = hostInfo?.host_labels?._streams_to;
    body.append(h(
      "p",
      { class: "muted" },
      'This agent does not report streaming details (no "streaming" in /api/v1/info). ' +
        `stream enabled: ${hostInfo?.["stream-enabled"] ?? "unknown"}` + (to ? `, streams to ${to}` : ""),
    ));
  } else {
    body.append(h("h3", null, `${hostName} is sent to`));
    if (st?.sender) body.append(kvTable(st.sender, SENDER_FIELDS));
    else body.append(h("p", { class: "muted" }, "not streamed from this agent"));
    if (st?.receiver) {
      body.append(h("h3", null, `${hostName} is received from`), kvTable(st.receiver, RECEIVER_FIELDS));
    }
    const children = rootSt?.children ?? [];
    body.append(h("h3", null, `Children streaming into this agent (${children.length})`));
    if (children.length === 0) body.append(h("p", { class: "muted" }, "none"));
    else {
      const cols = ["hostname", "peer", "key", "since", "hops", "received", "capabilities"];
      body.append(h(
        "table",
        { id: "children" },
        h("tr", null, ...cols.map((c) => h("th", null, c))),
        ...children.map((c) =>
          h(
            "tr",
            null,
            h(
              "td",
              null,
              h("a", { href: nodeHref({ hostname: c.hostname, hops: c.hops ?? 1 }) }, c.hostname),
            ),
            h("td", null, String(c.peer ?? "-")),
            h("td", null, shortKey(c.api_key)),
            h("td", null, fmtAgo(c.since)),
            h("td", null, String(c.hops ?? "-")),
            h("td", null, fmtBytes(c.bytes_received ?? 0)),
            h("td", null, String(c.capabilities ?? "")),
          )
        ),
      ));
    }
  }
  $("streaming").querySelector(".body").replaceWith(body);
}

async function refreshNodes() {
  try {
    rootInfo = await getJson(rootDir, "api/v1/info");
    hostInfo = selected === null ? rootInfo : await getJson(pageDir, "api/v1/info");
    // "disconnected since" needs each offline child's own info; few per round.
    const offline = nodeStatuses(rootInfo).filter((s) => s.hops > 0 && !s.reachable).slice(0, 20);
    await Promise.all(offline.map(async (s) => {
      try {
        offlineInfo.set(
          s.hostname,
          await getJson(rootDir, `host/${encodeURIComponent(s.hostname)}/api/v1/info`),
        );
      } catch { /* gone meanwhile */ }
    }));
    renderNodes();
    renderStreaming();
  } catch (e) {
    state.errors.push(String(e));
  }
}

// ---------------------------------------------------------------------------------------------
// Alerts: raised alarms and the alarm log (/api/v1/alarms?all, /api/v1/alarm_log), and a tag on
// each chart that has alarms (its worst status).

const RAISED = new Set(["WARNING", "CRITICAL"]);
const STATUS_RANK = { CRITICAL: 4, WARNING: 3, CLEAR: 1, UNDEFINED: 0, UNINITIALIZED: 0, REMOVED: -1 };

function alertsTable(list) {
  return h(
    "table",
    null,
    h("tr", null, ...["status", "alert", "chart", "value", "since"].map((c) => h("th", null, c))),
    ...list.map((x) =>
      h(
        "tr",
        null,
        h("td", { class: `status-${x.status}` }, x.status),
        h("td", { title: x.info ?? "" }, x.name),
        h("td", null, h("a", { href: `#chart-${cssId(x.chart)}` }, x.chart)),
        h("td", null, x.value_string ?? String(x.value)),
        h("td", null, fmtAgo(x.last_status_change)),
      )
    ),
  );
}

function logTable(entries) {
  return h(
    "table",
    { class: "alarm-log" },
    h("tr", null, ...["when", "alert", "chart", "change", "value"].map((c) => h("th", null, c))),
    ...entries.map((e) =>
      h(
        "tr",
        null,
        h("td", null, fmtAgo(e.when)),
        h("td", { title: e.info ?? "" }, e.name),
        h("td", null, e.chart),
        h(
          "td",
          null,
          h("span", { class: `status-${e.old_status}` }, e.old_status),
          " → ",
          h("span", { class: `status-${e.status}` }, e.status),
        ),
        h("td", null, e.value_string ?? ""),
      )
    ),
  );
}

/** Marks each chart that has alarms with its worst status. */
function tagCharts(list) {
  const byChart = new Map();
  for (const x of list) {
    const cur = byChart.get(x.chart);
    if (!cur || (STATUS_RANK[x.status] ?? 0) > (STATUS_RANK[cur.status] ?? 0)) byChart.set(x.chart, x);
    byChart.get(x.chart).names = [...(cur?.names ?? []), `${x.name}: ${x.status} ${x.value_string ?? ""}`];
  }
  for (const el of document.querySelectorAll(".chart")) {
    const v = el.__view;
    if (!v) continue;
    const x = byChart.get(v.meta.id);
    let tag = v.head.querySelector(".alarm-tag");
    if (!x) {
      tag?.remove();
      continue;
    }
    if (!tag) v.head.append(tag = h("span", { class: "alarm-tag" }));
    tag.className = `alarm-tag status-${x.status}`;
    tag.textContent = RAISED.has(x.status)
      ? `${x.status}: ${x.name}`
      : `${x.names.length} alarm(s) ${x.status}`;
    tag.title = x.names.join("\n");
  }
}

async function refreshAlerts() {
  const body = h("div", { class: "body" });
  try {
    const a = await getJson(pageDir, "api/v1/alarms?all");
    const all = Object.values(a.alarms ?? {});
    const raised = all.filter((x) => RAISED.has(x.status));
    if (a.status === false) body.append(h("p", { class: "muted" }, "Health monitoring is off on this node."));
    else if (raised.length === 0) {
      body.append(h("p", { class: "muted" }, `No active alerts (${all.length} alarms checked).`));
    } else body.append(alertsTable(raised));
    tagCharts(all);
    if (a.status !== false) {
      const log = await getJson(pageDir, "api/v1/alarm_log");
      const shown = (Array.isArray(log) ? log : []).filter((e) => e.status !== e.old_status).slice(0, 15);
      if (shown.length > 0) body.append(h("h3", null, "Alarm log"), logTable(shown));
    }
  } catch (e) {
    body.append(h("p", { class: "muted" }, `Cannot read alerts: ${e.message}`));
  }
  $("alerts").querySelector(".body").replaceWith(body);
}

// ---------------------------------------------------------------------------------------------
// Charts

function cssId(s) {
  return String(s).replace(/[^A-Za-z0-9_-]/g, "_");
}

function sectionOf(chart) {
  const type = (chart.type || chart.id).split(".")[0];
  const us = type.indexOf("_");
  return us > 0 && UNDERSCORE_SECTIONS.has(type.slice(0, us)) ? type.slice(0, us) : type;
}

/** `#rrggbb` + alpha as `rgba()`. */
function alpha(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${a})`;
}

/** Stacks positive and negative values separately; hidden series are left as they are. */
function stack(raw, shown) {
  const n = raw[0].length;
  const pos = new Float64Array(n);
  const neg = new Float64Array(n);
  const out = [raw[0]];
  const bands = [];
  const lastOf = { pos: -1, neg: -1 };
  for (let s = 1; s < raw.length; s++) {
    if (!shown(s)) {
      out.push(raw[s]);
      continue;
    }
    let sum = 0;
    for (const v of raw[s]) sum += v ?? 0;
    const sign = sum < 0 ? "neg" : "pos";
    const acc = sign === "neg" ? neg : pos;
    out.push(raw[s].map((v, i) => (v === null ? null : (acc[i] += v))));
    // uPlot fills between a band's two series; default direction -1 for the positive stack
    if (lastOf[sign] > 0) {
      bands.push(sign === "neg" ? { series: [s, lastOf[sign]], dir: 1 } : { series: [s, lastOf[sign]] });
    }
    lastOf[sign] = s;
  }
  return { data: out, bands };
}

class ChartView {
  /** `family` is shown beside the title; `anchor` is the menu's target id for a family's first chart. */
  constructor(meta, family, anchor) {
    this.meta = meta;
    this.u = null;
    this.raw = null;
    this.labels = "";
    this.busy = false;
    this.lastFetchMs = 0;
    this.rangeGen = -1;
    this.viewEvery = meta.update_every || 1;
    this.off = new Set();
    this.plot = h("div", { class: "plot" }, h("div", { class: "msg" }, "waiting to be on screen"));
    this.el = h(
      "div",
      { class: "chart", id: `chart-${cssId(meta.id)}`, "data-chart": meta.id },
      this.head = h(
        "div",
        { id: anchor },
        h("span", { class: "family" }, family),
        h("span", { class: "title" }, meta.title),
        h("span", { class: "units" }, meta.units),
      ),
      this.plot,
    );
    this.el.__view = this;
  }

  /** Whether this chart should fetch now. */
  due(nowMs) {
    if (this.busy) return false;
    if (this.rangeGen !== state.rangeGen) return true;
    return state.live && nowMs - this.lastFetchMs >= this.viewEvery * 1000 - 150;
  }

  dataPath() {
    const width = Math.max(100, Math.floor(this.plot.clientWidth || 400));
    const span = state.live ? state.windowSec : state.before - state.after;
    const points = Math.max(2, Math.min(width, Math.ceil(span / (this.meta.update_every || 1))));
    const range = state.live
      ? `after=-${state.windowSec}&before=0`
      : `after=${state.after}&before=${state.before}`;
    return `api/v1/data?chart=${
      encodeURIComponent(this.meta.id)
    }&format=json&options=seconds%7Cflip%7Cjsonwrap` +
      `&points=${points}&group=average&gtime=0&${range}`;
  }

  async fetch() {
    this.busy = true;
    const gen = state.rangeGen;
    this.lastFetchMs = performance.now();
    try {
      const j = await getJson(pageDir, this.dataPath());
      this.rangeGen = gen;
      this.viewEvery = j.view_update_every || this.meta.update_every || 1;
      this.show(j.result.labels, j.result.data);
    } catch (e) {
      this.rangeGen = gen; // a 404 (no data in this range) is an answer too
      this.message(
        /HTTP 404/.test(e.message) ? "no data in this time range" : `cannot read data: ${e.message}`,
      );
    } finally {
      this.busy = false;
    }
  }

  message(text) {
    if (this.u) {
      this.u.destroy();
      this.u = null;
      this.labels = "";
    }
    this.plot.replaceChildren(h("div", { class: "msg" }, text));
  }

  show(labels, rows) {
    const n = labels.length;
    const cols = labels.map(() => new Array(rows.length));
    for (let i = 0; i < rows.length; i++) for (let c = 0; c < n; c++) cols[c][i] = rows[i][c];
    this.raw = cols;
    const key = labels.join("\u0001");
    if (!this.u || key !== this.labels) this.build(labels);
    this.setData();
    if (state.firstDataMs === null && cols.slice(1).some((c) => c.some((v) => v !== null))) {
      requestAnimationFrame(() => {
        state.firstDataMs ??= performance.now();
      });
    }
  }

  setData() {
    const u = this.u;
    if (this.meta.chart_type === "stacked") {
      const st = stack(this.raw, (s) => u.series[s].show);
      u.delBand(null);
      for (const b of st.bands) u.addBand(b);
      u.setData(st.data);
    } else {
      u.setData(this.raw);
    }
    this.legendLatest();
  }

  /** The legend shows the newest values while the cursor is elsewhere. */
  legendLatest() {
    const u = this.u;
    if (u && u.cursor.idx == null && this.raw[0].length > 0) u.setLegend({ idx: this.raw[0].length - 1 });
  }

  build(labels) {
    if (this.u) this.u.destroy();
    this.plot.replaceChildren();
    this.labels = labels.join("\u0001");
    const type = this.meta.chart_type;
    const series = [{}];
    labels.slice(1).forEach((name, i) => {
      const color = PALETTE[i % PALETTE.length];
      series.push({
        label: name,
        stroke: color,
        width: 1.5,
        fill: type === "line" ? undefined : alpha(color, type === "stacked" ? 0.6 : 0.25),
        show: !this.off.has(name),
        points: { show: false },
        value: (_u, _v, si, idx) => (idx == null ? "-" : fmtNum(this.raw[si][idx])),
      });
    });
    const opts = {
      width: Math.max(200, this.plot.clientWidth || 400),
      height: 200,
      series,
      cursor: {
        // share the crosshair only: a drag or double click acts once, in the chart it happened in
        sync: { key: "dash", filters: { pub: (type) => type === "mousemove" || type === "mouseleave" } },
        drag: { x: true, y: false, setScale: false },
      },
      scales: {
        x: {
          time: true,
          range: (_u, _min, max) => (state.live ? [max - state.windowSec, max] : [state.after, state.before]),
        },
      },
      axes: [{}, { size: 56, values: (_u, vals) => vals.map(fmtNum) }],
      legend: { live: true },
      hooks: {
        setSelect: [(u) => {
          if (u.select.width < 3) return;
          const a = u.posToVal(u.select.left, "x");
          const b = u.posToVal(u.select.left + u.select.width, "x");
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          setRange(Math.floor(a), Math.ceil(b));
        }],
        setSeries: [(u, si) => {
          if (si == null) return;
          const name = u.series[si].label;
          if (u.series[si].show) this.off.delete(name);
          else this.off.add(name);
          if (type === "stacked") this.setData();
        }],
        setCursor: [() => this.legendLatest()],
      },
    };
    this.u = new uPlot(opts, labels.map(() => []), this.plot);
    this.u.over.addEventListener("dblclick", goLive);
  }

  resize() {
    if (this.u) this.u.setSize({ width: Math.max(200, this.plot.clientWidth), height: 200 });
  }
}

function setRange(after, before) {
  const now = Math.floor(Date.now() / 1000);
  if (before > now) {
    after -= before - now;
    before = now;
  }
  if (before - after < 10) after = before - 10;
  if (!state.live && after === state.after && before === state.before) return;
  state.live = false;
  state.after = after;
  state.before = before;
  state.rangeGen++;
  updateRangeUi();
  tick();
}

function goLive() {
  state.live = true;
  state.rangeGen++;
  updateRangeUi();
  tick();
}

/** The window shown now (for pan and zoom-out from live). */
function currentWindow() {
  if (!state.live) return [state.after, state.before];
  const now = Math.floor(Date.now() / 1000);
  return [now - state.windowSec, now];
}

/** The time range in the URL (`#after=-300`, or `#after=A;before=B` in epoch seconds): links can be shared. */
function readHash() {
  const p = new URLSearchParams(location.hash.slice(1).replace(/;/g, "&"));
  const a = Number(p.get("after"));
  const b = Number(p.get("before"));
  if (a < 0 && !(b > 0)) {
    state.windowSec = Math.round(-a);
    const sel = $("window");
    if (![...sel.options].some((o) => Number(o.value) === state.windowSec)) {
      sel.append(h("option", { value: state.windowSec }, `${state.windowSec} s`));
    }
    sel.value = String(state.windowSec);
  } else if (a > 0 && b > a) {
    state.live = false;
    state.after = Math.round(a);
    state.before = Math.round(b);
  }
}

function updateRangeUi() {
  history.replaceState(
    null,
    "",
    state.live ? `#after=-${state.windowSec}` : `#after=${state.after};before=${state.before}`,
  );
  $("live").classList.toggle("on", state.live);
  const fmt = (t) => new Date(t * 1000).toLocaleString();
  $("range").textContent = state.live
    ? `live, last ${$("window").selectedOptions[0].textContent}`
    : `${fmt(state.after)} → ${fmt(state.before)}`;
}

let observer = null;

function buildCharts(charts) {
  const list = Object.values(charts).sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
  const sections = new Map();
  for (const c of list) {
    const s = sectionOf(c);
    if (!sections.has(s)) sections.set(s, new Map());
    const fam = sections.get(s);
    const f = c.family || "other";
    if (!fam.has(f)) fam.set(f, []);
    fam.get(f).push(c);
  }
  const root = $("charts");
  const menu = $("menu");
  // charts already shown keep their view (and plot); gone ones are dropped
  const old = new Map(state.charts.map((v) => [v.meta.id, v]));
  root.replaceChildren();
  menu.replaceChildren();
  state.charts = [];
  for (const [s, fams] of sections) {
    const sid = `sec-${cssId(s)}`;
    root.append(h("h2", { class: "section", id: sid }, SECTION_NAMES[s] ?? s));
    const sub = h("ul");
    menu.append(h("li", null, h("a", { href: `#${sid}` }, SECTION_NAMES[s] ?? s), sub));
    const grid = h("div", { class: "grid" });
    for (const [f, charts] of fams) {
      const fid = `fam-${cssId(s)}-${cssId(f)}`;
      if (fams.size > 1) sub.append(h("li", null, h("a", { href: `#${fid}` }, f)));
      charts.forEach((c, i) => {
        const anchor = i === 0 ? fid : undefined;
        let v = old.get(c.id);
        if (v === undefined) v = new ChartView(c, f, anchor);
        else {
          old.delete(c.id);
          v.meta = c;
          if (anchor) v.head.id = anchor;
          else v.head.removeAttribute("id");
        }
        state.charts.push(v);
        grid.append(v.el);
      });
    }
    root.append(grid);
  }
  for (const v of old.values()) {
    state.visible.delete(v);
    v.u?.destroy();
  }
  observer?.disconnect();
  observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const v = e.target.__view;
      if (!e.isIntersecting) state.visible.delete(v);
      else {
        state.visible.add(v);
        // the window may have been resized while it was off screen
        if (v.u && Math.abs(v.u.width - v.plot.clientWidth) > 2) v.resize();
      }
    }
    tick();
  }, { rootMargin: "100px 0px" });
  for (const v of state.charts) observer.observe(v.el);
}

/** Fetches what the visible charts need; called every second and on every change. */
function tick() {
  if (document.hidden) return;
  const now = performance.now();
  for (const v of state.visible) if (v.due(now)) v.fetch();
}

/** Chart ids of the last /api/v1/charts, to rebuild only when the set changes. */
let chartSet = "";

/** Reads the node's chart list; called at load and every 15 s (new interfaces, a child's charts). */
async function loadCharts() {
  try {
    const j = await getJson(pageDir, "api/v1/charts");
    document.title = `${j.hostname} - dashboard`;
    $("host-title").textContent = j.hostname;
    $("host-sub").textContent = `${j.version ?? ""} · ${
      j.charts_count ?? Object.keys(j.charts).length
    } charts · ${j.dimensions_count ?? "?"} dimensions`;
    const set = Object.keys(j.charts).sort().join("\n");
    if (set !== chartSet) buildCharts(j.charts);
    chartSet = set;
  } catch (e) {
    $("charts").replaceChildren(h("p", { class: "muted" }, `Cannot read charts: ${e.message}`));
    state.errors.push(String(e));
  }
}

function wireUi() {
  $("window").addEventListener("change", (e) => {
    state.windowSec = Number(e.target.value);
    if (state.live) goLive();
    else {
      const mid = (state.after + state.before) / 2;
      setRange(Math.round(mid - state.windowSec / 2), Math.round(mid + state.windowSec / 2));
    }
  });
  $("live").addEventListener("click", goLive);
  const pan = (dir) => {
    const [a, b] = currentWindow();
    const d = Math.round((b - a) / 2) * dir;
    setRange(a + d, b + d);
  };
  $("pan-left").addEventListener("click", () => pan(-1));
  $("pan-right").addEventListener("click", () => pan(1));
  $("zoom-out").addEventListener("click", () => {
    const [a, b] = currentWindow();
    const w = b - a;
    setRange(a - Math.round(w / 2), b + Math.round(w / 2));
  });
  $("menu-toggle").addEventListener("click", () => document.body.classList.toggle("side-open"));
  // menu links scroll; the URL's hash keeps the time range
  $("menu").addEventListener("click", (e) => {
    const a = e.target.closest("a");
    if (!a) return;
    e.preventDefault();
    document.getElementById(a.getAttribute("href").slice(1))?.scrollIntoView();
  });
  let resizeTimer = 0;
  addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => state.visible.forEach((v) => v.resize()), 150);
  });
  document.addEventListener("visibilitychange", tick);
}

wireUi();
readHash();
updateRangeUi();
await loadCharts();
refreshNodes();
refreshAlerts();
setInterval(tick, 1000);
setInterval(loadCharts, 15000);
setInterval(refreshNodes, 5000);
setInterval(refreshAlerts, 10000);
