import { UnsupportedOperationError, responsesCreateRequestSchema } from "@dheera/core";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import { upstreamHeaders } from "../http/upstream-headers.js";
import { withCostHeader } from "../pipeline/call-record.js";
import { runModelCall } from "../pipeline/model-call.js";
import { readCallRequest } from "../pipeline/read-call-request.js";
import type { ProxyServices } from "../pipeline/services.js";

/** `POST /v1/responses/compact`: passed to the deployment whose provider can compact; refused clearly otherwise. */
export function responsesCompact(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { call, request } = await readCallRequest(s, route, "responses.compact", responsesCreateRequestSchema);
    const { value } = await runModelCall(s, route, call, {
      operation: "responses",
      model: request.model,
      stream: false,
      attempt: (attempt) => {
        const compact = attempt.target.deployment.responses?.compact;
        if (!compact) throw new UnsupportedOperationError(`Model "${request.model}" cannot compact a conversation: its provider has no compact operation.`, { param: "model" });
        return compact(request, attempt.options);
      },
    });
    sendJson(route.res, 200, value.body, withCostHeader(upstreamHeaders(value, route.ctx), call));
  };
}
