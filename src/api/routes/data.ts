/**
 * `GET /api/v1/data`: parse the parameters, plan and run the query
 * (query/plan.ts), then print it in one of the output formats (format_data.ts).
 * @module
 */

import { storedTiers } from "../../store/mod.ts";
import { formatData } from "../format_data.ts";
import { parseDataRequest, planAndRun } from "../query/mod.ts";
import { LARGE_QUERY_VALUES } from "../gate.ts";
import { busyReply, type Reply, type RouteContext, textReply } from "../reply.ts";

/** Handles `/api/v1/data`. */
export function dataRoute(ctx: RouteContext): Reply {
  const req = parseDataRequest(ctx.params, storedTiers(ctx.host.store));
  const { scratch, gate } = ctx.state;
  // A large query takes a slot before it runs and keeps it until its answer is sent (app.ts).
  let large = false;
  const outcome = planAndRun(ctx.host, req, {
    nowSec: Math.floor(ctx.nowMs / 1000),
    scratch,
    maxValues: ctx.config.web.maxQueryValues,
    admit: (values) => values <= LARGE_QUERY_VALUES || (large = gate.tryAcquire()),
  });
  if (!outcome.ok) {
    if (large) gate.release();
    return outcome.busy ? busyReply(outcome.message) : textReply(outcome.status, outcome.message);
  }
  const q = outcome.query;
  let body;
  try {
    body = formatData(q, scratch, ctx.state.sink);
  } catch (e) {
    if (large) gate.release();
    throw e;
  }
  const reply: Reply = {
    status: 200,
    type: body.type,
    body: "",
    bytes: body.bytes,
    cacheable: !q.run.window.relative,
    large,
  };
  if (req.outFileName !== undefined && req.outFileName !== "") {
    reply.headers = [["Content-Disposition", `attachment; filename="${req.outFileName}"`]];
  }
  return reply;
}
