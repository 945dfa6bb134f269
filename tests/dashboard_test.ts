/**
 * The dashboard in a real browser (Debian's chromium via playwright-core) against real agent
 * processes and a real Netdata 1.37.1: charts drawn with data (canvas pixels, not only DOM), node
 * switching, direct /host/NAME/ URLs, dimension toggling, zoom, polling only on screen, a reverse
 * proxy sub-path, and no page with `[web] mode = none`. Screenshots go to test-artifacts/dashboard/.
 */
import { assert } from "./_helpers/assert.ts";
import {
  type AgentProcess,
  confDir,
  getJson,
  startInto as start,
  waitFor,
  withAgents,
} from "./_helpers/agent.ts";
import { chartPixels, screenshot, subPathProxy, waitPixels, withPage } from "./_helpers/browser.ts";
import { freePort, type NetdataProcess, startNetdata } from "./_helpers/netdata.ts";

const KEY = "11111111-2222-3333-4444-555555555555";

/** A parent `p-NAME` with our key enabled and a child `c-NAME` streaming into it. */
async function parentAndChild(s: AgentProcess[], name: string) {
  const parent = await start(s, {
    args: [
      "--config",
      await confDir({ "stream.conf": `[${KEY}]\n    enabled = yes\n` }),
      "--hostname",
      `p-${name}`,
    ],
  });
  const child = await start(s, {
    args: [
      "--role",
      "child",
      "--stream-to",
      new URL(parent.url).host,
      "--api-key",
      KEY,
      "--hostname",
      `c-${name}`,
    ],
  });
  await waitFor(
    async () => {
      const info = await getJson(`${parent.url}/api/v1/info`);
      return info.mirrored_hosts_status.some((h: { hostname: string; reachable: boolean }) =>
        h.hostname === `c-${name}` && h.reachable
      );
    },
    20000,
    `c-${name} connected to p-${name}`,
  );
  return { parent, child };
}

/** `/api/v1/data` requests of a chart, in order. */
function dataRequests(requests: string[], chart: string): URL[] {
  return requests.map((r) => new URL(r)).filter((u) =>
    u.pathname.endsWith("/api/v1/data") && u.searchParams.get("chart") === chart
  );
}

Deno.test({
  name:
    "dashboard: the parent's page draws its charts, switches to a child from the node list, and /host/CHILD/ works",
  async fn() {
    await withAgents(async (s) => {
      const { parent, child } = await parentAndChild(s, "d1");
      const childGuid = (await getJson(`${child.url}/api/v1/info`)).uid;
      await withPage(async ({ page, requests }) => {
        await page.goto(`${parent.url}/#after=-60`);
        await page.waitForFunction(`document.getElementById("host-title").textContent === "p-d1"`);
        const px = await waitPixels(page, "system.cpu");
        assert.ok(px >= 200, `system.cpu drew ${px} coloured pixels`);
        await page.waitForSelector(`#nodes li[data-host="c-d1"] .dot.up`);
        assert.match(await page.textContent(`#nodes li[data-host="p-d1"]`) ?? "", /this node/);
        assert.match(await page.textContent(`#nodes li[data-host="c-d1"]`) ?? "", /connected since .*hops 1/);
        assert.match(await page.textContent("#children") ?? "", /c-d1.*11111111…/);
        await screenshot(page, "parent");

        await page.click(`#nodes li[data-host="c-d1"] a`);
        await page.waitForURL(`${parent.url}/host/c-d1/#after=-60`);
        await page.waitForFunction(`document.getElementById("host-title").textContent === "c-d1"`);
        await waitPixels(page, "system.cpu");
        // the node list and #streaming come from /api/v1/info, fetched beside the charts: wait for them
        await page.waitForSelector(`#nodes li.current[data-host="c-d1"]`);
        await page.waitForFunction(
          `/c-d1 is received from/.test(document.getElementById("streaming").textContent)`,
        );
        const stream = await page.textContent("#streaming") ?? "";
        assert.match(stream, /c-d1 is received from/);
        assert.match(stream, /11111111…/, "the key, shortened");
        assert.ok(!(await page.content()).includes(KEY), "the whole API key is never shown");
        await screenshot(page, "child-from-node-list");
        const childData = requests.filter((r) => r.startsWith(`${parent.url}/host/c-d1/api/v1/data`));
        assert.ok(childData.length > 0, "the child's data comes from /host/c-d1/api/v1/data");
      });
      // the URL tells the node: by hostname and by machine GUID, loaded directly
      for (const id of ["c-d1", childGuid]) {
        await withPage(async ({ page, requests }) => {
          await page.goto(`${parent.url}/host/${id}/#after=-60`);
          await page.waitForFunction(`document.getElementById("host-title").textContent === "c-d1"`);
          await waitPixels(page, "system.ram");
          await page.waitForSelector(`#nodes li.current[data-host="c-d1"]`);
          const data = requests.filter((r) => r.includes("/api/v1/data"));
          assert.ok(
            data.length > 0 && data.every((r) => r.startsWith(`${parent.url}/host/${id}/api/v1/data`)),
          );
          await screenshot(page, id === "c-d1" ? "child-direct" : "child-by-guid");
        });
      }
      // the child's own page: where it streams to
      await withPage(async ({ page }) => {
        await page.goto(`${child.url}/`);
        await page.waitForFunction(
          `/connected\\s*yes/.test(document.getElementById("streaming").textContent)`,
        );
        const text = await page.textContent("#streaming") ?? "";
        assert.match(text, new RegExp(`destination\\s*${new URL(parent.url).host.replace(/\./g, "\\.")}`));
        assert.match(text, /buffer\s*[\d.]+% of/);
        assert.match(text, /bytes sent\s*[\d.]+ (B|KiB|MiB)/);
        await screenshot(page, "child-streaming");
      });
      // the child goes away: the parent's node list says since when and why
      await child.stop();
      await withPage(async ({ page }) => {
        await page.goto(`${parent.url}/`);
        await page.waitForSelector(`#nodes li[data-host="c-d1"] .dot.down`);
        await page.waitForFunction(
          `/disconnected since .*\\(.+\\)/.test(document.querySelector('#nodes li[data-host="c-d1"]').textContent)`,
        );
        await screenshot(page, "child-disconnected");
      });
    });
  },
});

Deno.test({
  name:
    "dashboard: behind a reverse proxy at /netdata/, toggling a dimension, zoom and live; off-screen charts do not poll",
  async fn() {
    await withAgents(async (s) => {
      const agent = await start(s, { args: ["--hostname", "solo-d2"] });
      const proxy = subPathProxy(agent.url);
      try {
        await withPage(async ({ page, requests }) => {
          await page.goto(`${proxy.url}#after=-30`);
          const blue = await waitPixels(page, "system.ram", 300, "blue");
          assert.ok(blue >= 300, `system.ram "free" drew ${blue} blue pixels`);
          assert.ok(
            requests.every((r) => new URL(r).pathname.startsWith("/netdata/") || r.startsWith("data:")),
            "every request stays under the sub-path",
          );

          // toggle "free" (the first, blue dimension) off and on from the legend
          const free = page.locator(`[data-chart="system.ram"] .u-legend .u-series`, { hasText: "free" });
          await free.click();
          const off = await waitFor(
            async () => {
              const n = await chartPixels(page, "system.ram", "blue");
              return n < 30 ? String(n) : false;
            },
            5000,
            "free hidden",
          );
          assert.ok(Number(off) < 30, `blue pixels with free hidden: ${off}`);
          assert.ok(
            (await chartPixels(page, "system.ram")) > 200,
            "the other dimensions are still drawn",
          );
          await screenshot(page, "dimension-toggled");
          await free.click();
          await waitPixels(page, "system.ram", 300, "blue");

          // charts far below the fold were never asked for; scrolled into view, they are
          const last = await page.evaluate(
            `[...document.querySelectorAll(".chart")].at(-1).dataset.chart`,
          ) as string;
          // On screen it polls every second (give a busy machine some slack); off screen never.
          await page.locator(`[data-chart="system.cpu"]`).scrollIntoViewIfNeeded();
          await waitFor(
            () => dataRequests(requests, "system.cpu").length >= 2,
            10000,
            "system.cpu polled twice",
          );
          await page.waitForTimeout(2500);
          assert.equal(dataRequests(requests, last).length, 0, `${last} (off screen) was polled`);
          await page.locator(`[data-chart="${last}"]`).scrollIntoViewIfNeeded();
          await waitFor(() => dataRequests(requests, last).length > 0, 5000, `${last} polled once visible`);
          await page.evaluate("window.scrollTo(0, 0)");

          // drag-select the newest 40% of system.cpu's 30 s (once the agent has that much data):
          // every visible chart follows the same absolute window
          const firstEntry = (await getJson(`${agent.url}/api/v1/chart?chart=system.cpu`)).first_entry;
          await waitFor(() => Date.now() / 1000 - firstEntry > 15, 20000, "15 s of data");
          const over = page.locator(`[data-chart="system.cpu"] .u-over`);
          const box = (await over.boundingBox())!;
          await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
          await page.mouse.down();
          await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
          await page.mouse.up();
          await page.waitForFunction(`window.__dash.live === false`);
          const range = await page.evaluate(`[window.__dash.after, window.__dash.before]`) as number[];
          assert.ok(range[0] > 1e9 && range[1] > range[0], `absolute range ${range}`);
          const q = `after=${range[0]}&before=${range[1]}`;
          for (const chart of ["system.cpu", "system.ram"]) {
            await waitFor(
              () => dataRequests(requests, chart).some((u) => u.search.includes(q)),
              5000,
              `${chart} asked for ${q}`,
            );
          }
          await waitPixels(page, "system.cpu", 100);
          await waitPixels(page, "system.ram", 100);
          assert.match(await page.textContent("#range") ?? "", /→/);
          await screenshot(page, "zoomed");
          const before = requests.length;
          await page.waitForTimeout(2500);
          assert.equal(
            dataRequests(requests.slice(before), "system.cpu").length,
            0,
            "a fixed window is not polled",
          );

          await page.click("#live");
          await page.waitForFunction(`window.__dash.live === true`);
          // Back to system.cpu (the steps above may have scrolled to system.ram).
          await page.locator(`[data-chart="system.cpu"]`).scrollIntoViewIfNeeded();
          await waitFor(
            () =>
              dataRequests(requests.slice(before), "system.cpu").some((u) => u.search.includes("after=-30&")),
            15000,
            "live again",
          );
        }, { height: 3000 }); // tall enough for system.cpu and system.ram on one screen
      } finally {
        await proxy.close();
      }
    });
  },
});

Deno.test({
  name: "dashboard: our page against a real Netdata 1.37.1 parent (behind a reverse proxy at /netdata/)",
  async fn() {
    let nd: NetdataProcess | undefined;
    await withAgents(async (s) => {
      const key = crypto.randomUUID();
      nd = await startNetdata({ hostname: "nd-d3", streamConf: `[${key}]\n    enabled = yes\n` });
      await start(s, {
        args: [
          "--role",
          "child",
          "--hostname",
          "ours-d3",
          "--stream-to",
          new URL(nd.url).host,
          "--api-key",
          key,
        ],
      });
      const ndUrl = nd.url;
      await waitFor(
        async () => {
          const info = await getJson(`${ndUrl}/api/v1/info`);
          return info.mirrored_hosts_status.some((h: { hostname: string; reachable: boolean }) =>
            h.hostname === "ours-d3" && h.reachable
          );
        },
        20000,
        "ours-d3 connected to netdata",
      );
      // netdata's proc plugin needs a moment for its first charts
      await waitFor(
        async () => (await getJson(`${ndUrl}/api/v1/charts`)).charts["system.cpu"] !== undefined,
        20000,
        "system.cpu on netdata",
      );
      const proxy = subPathProxy(nd.url, { serveDashboard: true });
      try {
        await withPage(async ({ page, requests, errors }) => {
          await page.goto(`${proxy.url}#after=-60`);
          await page.waitForFunction(`document.getElementById("host-title").textContent === "nd-d3"`);
          await waitPixels(page, "system.cpu");
          await page.waitForSelector(`#nodes li[data-host="ours-d3"] .dot.up`);
          assert.match(await page.textContent("#streaming") ?? "", /does not report streaming details/);
          await screenshot(page, "netdata-parent");
          const api = requests.filter((r) => r.includes("/api/"));
          assert.ok(api.every((r) => new URL(r).pathname.startsWith("/netdata/api/v1/")), api.join("\n"));
          await page.click(`#nodes li[data-host="ours-d3"] a`);
          await page.waitForURL(`${proxy.url}host/ours-d3/#after=-60`);
          await page.waitForFunction(`document.getElementById("host-title").textContent === "ours-d3"`);
          await waitPixels(page, "system.cpu");
          await screenshot(page, "netdata-parent-child");
          assert.deepEqual(errors, []);
        });
      } finally {
        await proxy.close();
        await nd.stop();
      }
    }).catch((e) => {
      if (nd) console.error(`--- netdata error.log ---\n${nd.log().slice(-3000)}`);
      throw e;
    });
  },
});

Deno.test({
  name: "dashboard: a grandchild behind a proxy is listed with hops 2, via the proxy",
  async fn() {
    await withAgents(async (s) => {
      const parent = await start(s, {
        args: [
          "--config",
          await confDir({ "stream.conf": `[${KEY}]\n    enabled = yes\n` }),
          "--hostname",
          "p-d5",
        ],
      });
      const proxyConf = await confDir({
        "stream.conf": `[stream]\n    enabled = yes\n    destination = ${new URL(parent.url).host}\n` +
          `    api key = ${KEY}\n[${KEY}]\n    enabled = yes\n`,
      });
      const proxy = await start(s, {
        args: ["--role", "proxy", "--config", proxyConf, "--hostname", "x-d5"],
      });
      await start(s, {
        args: [
          "--role",
          "child",
          "--stream-to",
          new URL(proxy.url).host,
          "--api-key",
          KEY,
          "--hostname",
          "c-d5",
        ],
      });
      await withPage(async ({ page }) => {
        await page.goto(`${parent.url}/`);
        const li = (name: string) =>
          `document.querySelector('#nodes li[data-host="${name}"]')?.textContent ?? ""`;
        await page.waitForFunction(`/connected since .*hops 2, via x-d5/.test(${li("c-d5")})`);
        assert.match(await page.evaluate(li("x-d5")) as string, /connected since .*hops 1$/);
        await screenshot(page, "proxy-nodes");
      });
    });
  },
});

Deno.test("dashboard: with [web] mode = none there is no page at all", async () => {
  const port = freePort();
  const conf = await confDir({ "agent.conf": "[web]\n    mode = none\n" });
  await withAgents(async (s) => {
    await start(s, { args: ["--config", conf, "--port", String(port)], noWeb: true });
    const err = await fetch(`http://127.0.0.1:${port}/`).then(
      async (r) => {
        await r.body?.cancel();
        return `answered ${r.status}`;
      },
      (e) => e as Error,
    );
    assert.ok(err instanceof TypeError, `GET / on the agent's port: ${err}`);
  });
  await Deno.remove(conf, { recursive: true });
});
