import { InvalidRequestError, NotFoundError, rewriteResponseIds, type CallType, type QueryParams, type ResponsesOperations, type WireMeta } from "@dheera/core";
import { beginCall, costHeader, type CallRecord } from "../pipeline/call-record.js";
import { runModelCall } from "../pipeline/model-call.js";
import { sendJson } from "../http/http-io.js";
import type { RouteCall, RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";
import { upstreamHeaders } from "../http/upstream-headers.js";

/*
 * The routes that address a stored response by id: retrieve, delete, cancel, input items.
 * The id says which deployment holds the response (see core's router/response-id.ts), so these
 * work on any proxy process with the same config, without shared state. The router retries them
 * there (never elsewhere: no other deployment has the response).
 */

async function onStoredResponse<T extends WireMeta>(
  s: ProxyServices,
  route: RouteCall,
  type: CallType,
  operation: (ops: ResponsesOperations, upstreamId: string, options: { signal?: AbortSignal; timeoutMs?: number }) => Promise<T>,
): Promise<{ result: T; call: CallRecord; encode: (upstreamId: string) => string; send: (body: unknown) => void }> {
  const call = beginCall(s, route.ctx, route.req.headers, type);
  const id = route.params.id!;
  const decoded = s.router.decodeResponseId(id);
  if (!decoded || !decoded.target.deployment.responses) {
    throw new NotFoundError(`Response with id '${id}' not found.`, { param: "response_id", code: "response_not_found" });
  }
  const { target, upstreamId } = decoded;
  route.ctx.log.model_name = call.modelName = target.modelName;
  const { value: result } = await runModelCall(s, route, call, {
    operation: "responses",
    model: target.modelName,
    stream: false,
    pinned: target,
    attempt: (attempt) => operation(target.deployment.responses!, upstreamId, attempt.options),
  });
  return {
    result,
    call,
    encode: (upstream) => s.router.encodeResponseId(target, upstream),
    // Upstream headers plus the cost (0: these calls generate no tokens).
    send: (body) => sendJson(route.res, 200, body, { ...upstreamHeaders(result, route.ctx), ...costHeader(call) }),
  };
}

/** `GET /v1/responses/{id}` */
export function responsesRetrieve(s: ProxyServices): RouteHandler {
  return async (route) => {
    const query = queryParams(route.ctx.query);
    if (query.stream !== undefined && query.stream !== "false") {
      beginCall(s, route.ctx, route.req.headers, "responses.retrieve");
      throw new InvalidRequestError("Replaying a response as a stream (stream=true) is not supported by this proxy.", { param: "stream", code: "unsupported_parameter" });
    }
    const { result, call, encode, send } = await onStoredResponse(s, route, "responses.retrieve", (ops, id, options) => ops.retrieve(id, query, options));
    const body = rewriteResponseIds(result.body, encode);
    call.responseId = body.id;
    send(body);
  };
}

/** `DELETE /v1/responses/{id}` */
export function responsesDelete(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { result, call, encode, send } = await onStoredResponse(s, route, "responses.delete", (ops, id, options) => ops.delete(id, options));
    const body = { ...result.body, id: encode(result.body.id) };
    call.responseId = body.id;
    send(body);
  };
}

/** `POST /v1/responses/{id}/cancel` (background responses) */
export function responsesCancel(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { result, call, encode, send } = await onStoredResponse(s, route, "responses.cancel", (ops, id, options) => ops.cancel(id, options));
    const body = rewriteResponseIds(result.body, encode);
    call.responseId = body.id;
    send(body);
  };
}

/** `GET /v1/responses/{id}/input_items` (items keep their own ids; only paging params pass) */
export function responsesInputItems(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { result, call, send } = await onStoredResponse(s, route, "responses.input_items", (ops, id, options) => ops.listInputItems(id, queryParams(route.ctx.query), options));
    call.responseId = route.params.id!;
    send(result.body);
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
