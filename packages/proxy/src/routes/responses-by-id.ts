import { InvalidRequestError, type QueryParams } from "@dheera/core";
import { sendJson } from "../server/http-io.js";
import type { RouteCall, RouteHandler } from "../server/route-table.js";
import type { ProxyServices } from "../server/services.js";
import { deploymentLabel } from "./deployment-label.js";
import { rewriteIds } from "./responses-create.js";
import { upstreamHeaders } from "./upstream-headers.js";

/*
 * The routes that address a stored response by id: retrieve, delete, cancel, input items.
 * The id says which deployment holds the response (see routing/response-id.ts), so these work
 * on any proxy process with the same config, without shared state.
 */

function target(s: ProxyServices, call: RouteCall) {
  const { target, upstreamId } = s.router.byResponseId(call.params.id!);
  call.ctx.log.model_name = target.modelName;
  call.ctx.log.deployment = deploymentLabel(target);
  return { target, upstreamId, ops: target.deployment.responses!, encode: (id: string) => s.router.encode(target, id) };
}

/** `GET /v1/responses/{id}` */
export function responsesRetrieve(s: ProxyServices): RouteHandler {
  return async (call) => {
    const query = queryParams(call.ctx.query);
    if (query.stream !== undefined && query.stream !== "false") {
      throw new InvalidRequestError("Replaying a response as a stream (stream=true) is not supported by this proxy.", { param: "stream", code: "unsupported_parameter" });
    }
    const { upstreamId, ops, encode } = target(s, call);
    const result = await ops.retrieve(upstreamId, query, { signal: call.ctx.signal });
    sendJson(call.res, 200, rewriteIds(result.body, encode), upstreamHeaders(result, call.ctx));
  };
}

/** `DELETE /v1/responses/{id}` */
export function responsesDelete(s: ProxyServices): RouteHandler {
  return async (call) => {
    const { upstreamId, ops, encode } = target(s, call);
    const result = await ops.delete(upstreamId, { signal: call.ctx.signal });
    sendJson(call.res, 200, { ...result.body, id: encode(result.body.id) }, upstreamHeaders(result, call.ctx));
  };
}

/** `POST /v1/responses/{id}/cancel` (background responses) */
export function responsesCancel(s: ProxyServices): RouteHandler {
  return async (call) => {
    const { upstreamId, ops, encode } = target(s, call);
    const result = await ops.cancel(upstreamId, { signal: call.ctx.signal });
    sendJson(call.res, 200, rewriteIds(result.body, encode), upstreamHeaders(result, call.ctx));
  };
}

/** `GET /v1/responses/{id}/input_items` (items keep their own ids; only paging params pass) */
export function responsesInputItems(s: ProxyServices): RouteHandler {
  return async (call) => {
    const { upstreamId, ops } = target(s, call);
    const result = await ops.listInputItems(upstreamId, queryParams(call.ctx.query), { signal: call.ctx.signal });
    sendJson(call.res, 200, result.body, upstreamHeaders(result, call.ctx));
  };
}

/** `include[]=a&include[]=b` and `include=a&include=b` both become `include: [a, b]`. */
function queryParams(query: URLSearchParams): QueryParams {
  const out: Record<string, string | string[]> = {};
  for (const [rawKey, value] of query) {
    const key = rawKey.endsWith("[]") ? rawKey.slice(0, -2) : rawKey;
    const prev = out[key];
    out[key] = prev === undefined ? (rawKey.endsWith("[]") ? [value] : value) : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
