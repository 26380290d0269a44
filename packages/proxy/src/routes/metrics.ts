import type { RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";

/**
 * `GET /metrics`: the Prometheus exposition (with --num_workers, of every worker together). The
 * master key is required unless `require_auth_for_metrics_endpoint: false`.
 */
export function metricsRoute(s: ProxyServices): RouteHandler {
  return async ({ res }) => {
    const metrics = s.metrics!;
    const text = await metrics.scrape();
    res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
    res.end(text);
  };
}
