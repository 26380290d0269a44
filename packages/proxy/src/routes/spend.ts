import { DheeraError } from "@dheera/core";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";
import { parseSpendQuery } from "../spend/spend-query.js";
import { requireMasterKey } from "./admin-access.js";

/*
 * `GET /spend/logs` and `GET /spend/summary`: the spend store, for the master key only. Without
 * a master key every client would see every key's spend, so the routes refuse (403) instead.
 */

/** The store failed to answer (PostgreSQL down): 503, the message without internals. */
async function read<T>(s: ProxyServices, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (s.reporting.store.backend === "disabled") throw err;
    s.logger.error({ spend: { backend: s.reporting.store.backend }, err: { message: String(s.redact(err instanceof Error ? err.message : String(err))) } }, "spend store read failed");
    throw new DheeraError(`The spend store (${s.reporting.store.backend}) could not be read; see the proxy's logs.`, { status: 503, code: "spend_store_unavailable" });
  }
}

/** `GET /spend/logs?model=&start_date=&end_date=&limit=`: rows, newest first. */
export function spendLogs(s: ProxyServices): RouteHandler {
  return async ({ ctx, res }) => {
    requireMasterKey(s, "spend");
    const { filter, limit } = parseSpendQuery(ctx.query);
    // One more than asked says whether there is more.
    const rows = await read(s, () => s.reporting.store.logs(filter, limit + 1));
    sendJson(res, 200, { object: "list", data: rows.slice(0, limit), has_more: rows.length > limit });
  };
}

/** `GET /spend/summary?model=&start_date=&end_date=`: totals, per model_name and per key hash. */
export function spendSummary(s: ProxyServices): RouteHandler {
  return async ({ ctx, res }) => {
    requireMasterKey(s, "spend");
    const { filter } = parseSpendQuery(ctx.query);
    const summary = await read(s, () => s.reporting.store.summary(filter));
    sendJson(res, 200, {
      object: "spend.summary",
      start_date: filter.from?.toISOString() ?? null,
      end_date: filter.to?.toISOString() ?? null,
      model: filter.model ?? null,
      ...summary,
    });
  };
}
