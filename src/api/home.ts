/**
 * The page served at `/` and `/host/<name>/` until the real dashboard lands: the hosts this agent
 * keeps, with links to their own pages and to the main API endpoints. Replace `renderHome()` to
 * serve something else.
 * @module
 */

import type { Host, Hosts } from "../host/mod.ts";

/** What the home page shows. */
export interface HomeInput {
  hosts: Hosts;
  /** The host the page is for (`/host/<name>/`), or this agent. */
  host: Host;
  version: string;
  /** URL prefix of API links: "" at `/`, `/host/<name>` under a host prefix. */
  base: string;
}

/** Escapes text for an HTML attribute or element (keeping `/` readable in links). */
function attr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Builds the HTML of the home page. */
export function renderHome(input: HomeInput): string {
  const rows = input.hosts.list().map((h) => {
    const name = attr(h.hostname);
    const href = h.isLocal ? "/" : `/host/${encodeURIComponent(h.hostname)}/`;
    const mark = h === input.host ? " (this page)" : "";
    return `<tr><td><a href="${attr(href)}">${name}</a>${mark}</td>` +
      `<td>${h.state.reachable ? "yes" : "no"}</td><td>${h.state.hops}</td>` +
      `<td>${h.charts.size}</td></tr>`;
  }).join("\n");
  const b = attr(input.base);
  const links = [
    ["api/v1/info", "info"],
    ["api/v1/charts", "charts"],
    ["api/v1/contexts", "contexts"],
    ["api/v1/allmetrics?format=prometheus", "allmetrics (prometheus)"],
    ["api/v1/allmetrics?format=json", "allmetrics (json)"],
    ["api/v1/alarms?all", "alarms"],
  ].map(([path, label]) => `<li><a href="${b}/${path}">${label}</a></li>`).join("\n");
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${attr(input.host.hostname)} - agent ${attr(input.version)}</title></head>
<body>
<h1>${attr(input.host.hostname)}</h1>
<p>agent ${attr(input.version)}, Netdata API v1 compatible.</p>
<h2>Hosts</h2>
<table border="1" cellpadding="4">
<tr><th>hostname</th><th>reachable</th><th>hops</th><th>charts</th></tr>
${rows}
</table>
<h2>API</h2>
<ul>
${links}
</ul>
</body>
</html>
`;
}
