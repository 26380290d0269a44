import { InvalidRequestError, type CallType, type QueryParams } from "@dheera/core";
import { beginCall, costHeader, type CallRecord } from "../accounting/call-record.js";
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

function target(s: ProxyServices, route: RouteCall, type: CallType) {
  const call = route.ctx.call ?? beginCall(route.ctx, route.req, type);
  const { target, upstreamId } = s.router.byResponseId(route.params.id!);
  route.ctx.log.model_name = call.modelName = target.modelName;
  route.ctx.log.deployment = deploymentLabel(target);
  call.target = target;
  return { call, target, upstreamId, ops: target.deployment.responses!, encode: (id: string) => s.router.encode(target, id) };
}

/** Upstream headers plus the cost (0: these calls generate no tokens). */
function headersOf(call: CallRecord, result: Parameters<typeof upstreamHeaders>[0], route: RouteCall) {
  return { ...upstreamHeaders(result, route.ctx), ...costHeader(call) };
}

/** `GET /v1/responses/{id}` */
export function responsesRetrieve(s: ProxyServices): RouteHandler {
  return async (call) => {
    const query = queryParams(call.ctx.query);
    if (query.stream !== undefined && query.stream !== "false") {
      beginCall(call.ctx, call.req, "responses.retrieve");
      throw new InvalidRequestError("Replaying a response as a stream (stream=true) is not supported by this proxy.", { param: "stream", code: "unsupported_parameter" });
    }
    const t = target(s, call, "responses.retrieve");
    const result = await t.ops.retrieve(t.upstreamId, query, { signal: call.ctx.signal });
    const body = rewriteIds(result.body, t.encode);
    t.call.responseId = body.id;
    sendJson(call.res, 200, body, headersOf(t.call, result, call));
  };
}

/** `DELETE /v1/responses/{id}` */
export function responsesDelete(s: ProxyServices): RouteHandler {
  return async (call) => {
    const t = target(s, call, "responses.delete");
    const result = await t.ops.delete(t.upstreamId, { signal: call.ctx.signal });
    t.call.responseId = t.encode(result.body.id);
    sendJson(call.res, 200, { ...result.body, id: t.call.responseId }, headersOf(t.call, result, call));
  };
}

/** `POST /v1/responses/{id}/cancel` (background responses) */
export function responsesCancel(s: ProxyServices): RouteHandler {
  return async (call) => {
    const t = target(s, call, "responses.cancel");
    const result = await t.ops.cancel(t.upstreamId, { signal: call.ctx.signal });
    const body = rewriteIds(result.body, t.encode);
    t.call.responseId = body.id;
    sendJson(call.res, 200, body, headersOf(t.call, result, call));
  };
}

/** `GET /v1/responses/{id}/input_items` (items keep their own ids; only paging params pass) */
export function responsesInputItems(s: ProxyServices): RouteHandler {
  return async (call) => {
    const t = target(s, call, "responses.input_items");
    const result = await t.ops.listInputItems(t.upstreamId, queryParams(call.ctx.query), { signal: call.ctx.signal });
    t.call.responseId = call.params.id!;
    sendJson(call.res, 200, result.body, headersOf(t.call, result, call));
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
