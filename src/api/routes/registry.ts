/**
 * `/api/v1/registry` and `/api/v1/aclk`. The registry announced is this agent
 * itself, so browsers never call the public Netdata registry; every action but `hello` answers
 * `disabled`.
 * @module
 */

import { jsonString } from "../format.ts";
import { jsonReply, type Reply, type RouteContext, textReply } from "../reply.ts";

const ACTIONS = new Set(["hello", "access", "delete", "search", "switch"]);

/** Handles `/api/v1/registry`. */
export function registryRoute(ctx: RouteContext): Reply {
  let action: string | undefined;
  for (const [name, value] of ctx.params.pairs) {
    if (name === "action" && ACTIONS.has(value)) action = value;
  }
  if (action === undefined) {
    return textReply(
      400,
      "Invalid registry request - you need to set an action: hello, access, delete, search",
    );
  }
  const host = ctx.host;
  const head =
    `{\n\t"action": ${jsonString(action)},\n\t"status": ${
      jsonString(action === "hello" ? "ok" : "disabled")
    }` +
    `,\n\t"hostname": ${jsonString(host.hostname)},\n\t"machine_guid": ${jsonString(host.machineGuid)}`;
  if (action === "hello") {
    return jsonReply(
      head + `,\n\t"registry": ${jsonString(ctx.origin)},\n\t"cloud_base_url": "https://app.netdata.cloud"` +
        `,\n\t"anonymous_statistics": false\n}\n`,
    );
  }
  return jsonReply(head + `,\n\t"registry": ${jsonString(ctx.origin)}\n}\n`);
}

/** Handles `/api/v1/aclk`. */
export function aclkRoute(_ctx: RouteContext): Reply {
  return jsonReply('{"aclk-available":false}');
}
