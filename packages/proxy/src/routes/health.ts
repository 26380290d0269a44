import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";

/** `GET /health/liveliness` (and `/health/liveness`): the process answers. No auth. */
export const liveliness: RouteHandler = ({ res }) => sendJson(res, 200, JSON.stringify("I'm alive!"));

/** `GET /health/readiness`: ready to take traffic; 503 once draining so balancers move away. No auth. */
export function readiness(s: ProxyServices, version: string): RouteHandler {
  return ({ res }) => {
    if (s.isDraining()) {
      sendJson(res, 503, { status: "unhealthy", reason: "shutting down" });
      return;
    }
    sendJson(res, 200, { status: "healthy", dheera_ai_version: version, models: s.router.modelNames.length });
  };
}
