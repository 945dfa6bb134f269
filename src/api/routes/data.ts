/**
 * `GET /api/v1/data`: parse the parameters, plan and run the query
 * (query/plan.ts), then print it in one of the output formats (format_data.ts).
 * @module
 */

import { storedTiers } from "../../store/mod.ts";
import { formatData } from "../format_data.ts";
import { parseDataRequest, planAndRun } from "../query/mod.ts";
import { type Reply, type RouteContext, textReply } from "../reply.ts";

/** Handles `/api/v1/data`. */
export function dataRoute(ctx: RouteContext): Reply {
  const req = parseDataRequest(ctx.params, storedTiers(ctx.host.store));
  const scratch = ctx.state.scratch;
  const outcome = planAndRun(ctx.host, req, { nowSec: Math.floor(ctx.nowMs / 1000), scratch });
  if (!outcome.ok) return textReply(outcome.status, outcome.message);
  const q = outcome.query;
  const body = formatData(q, scratch);
  const reply: Reply = { status: 200, type: body.type, body: body.text, cacheable: !q.run.window.relative };
  if (req.outFileName !== undefined && req.outFileName !== "") {
    reply.headers = [["Content-Disposition", `attachment; filename="${req.outFileName}"`]];
  }
  return reply;
}
