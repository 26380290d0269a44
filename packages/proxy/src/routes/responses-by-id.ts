import { InvalidRequestError, NotFoundError, rewriteResponseIds, type CallType, type QueryParams, type ResponsesOperations, type RouterTarget, type WireMeta } from "@dheera/core";
import { relayStream } from "../pipeline/relay-stream.js";
import { queryParams } from "../pipeline/query-params.js";
import { billBackgroundAnswer, billFinishedBackground } from "../pipeline/background-pricing.js";
import { ResponsesRelay } from "../pipeline/streaming/responses-relay.js";
import { StreamTap } from "../pipeline/streaming/stream-tap.js";
import { beginCall, withCostHeader, type CallRecord } from "../pipeline/call-record.js";
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
  const { target, upstreamId } = storedResponse(s, route, call);
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
    // Upstream headers plus the cost (0: these calls generate no tokens, but for the first sight
    // of a finished background response).
    send: (body) => sendJson(route.res, 200, body, withCostHeader(upstreamHeaders(result, route.ctx), call)),
  };
}

/** The deployment that holds the response the route's id names (its id says which), else 404. */
function storedResponse(s: ProxyServices, route: RouteCall, call: CallRecord): { target: RouterTarget; upstreamId: string } {
  const id = route.params.id!;
  const decoded = s.router.decodeResponseId(id);
  if (!decoded || !decoded.target.deployment.responses) {
    throw new NotFoundError(`Response with id '${id}' not found.`, { param: "response_id", code: "response_not_found" });
  }
  route.ctx.log.model_name = call.modelName = decoded.target.modelName;
  return decoded;
}

/**
 * `GET /v1/responses/{id}?stream=true&starting_after=N`: a stored (background) response's events
 * replayed from the deployment that holds it, ids rewritten as on a create's stream.
 */
async function replayStream(s: ProxyServices, route: RouteCall, query: QueryParams): Promise<unknown> {
  const { ctx, res } = route;
  const call = beginCall(s, ctx, route.req.headers, "responses.retrieve");
  call.stream = ctx.log.stream = true;
  const { target, upstreamId } = storedResponse(s, route, call);
  const ops = target.deployment.responses!;
  if (!ops.retrieveStream) {
    throw new InvalidRequestError(`The deployment behind '${target.modelName}' cannot replay a response as a stream.`, { param: "stream", code: "unsupported_parameter" });
  }
  return runModelCall(s, route, call, {
    operation: "responses",
    model: target.modelName,
    stream: true,
    pinned: target,
    attempt: async (attempt) => {
      const encode = (id: string) => s.router.encodeResponseId(target, id);
      const result = await ops.retrieveStream!(upstreamId, query, attempt.options);
      const tap = new StreamTap("responses");
      const relay = new ResponsesRelay(encode, { observer: tap, redact: s.redactText });
      return relayStream(s, res, ctx, call, attempt, result, relay, tap.accounting, { encodeId: encode, beforeSettle: (c) => billBackgroundAnswer(s.backgroundPricing, c) });
    },
  });
}

/** `GET /v1/responses/{id}` (`?stream=true`: its events replayed) */
export function responsesRetrieve(s: ProxyServices): RouteHandler {
  return async (route) => {
    const query = queryParams(route.ctx.query);
    if (query.stream !== undefined && query.stream !== "false") return replayStream(s, route, query);
    const { result, call, encode, send } = await onStoredResponse(s, route, "responses.retrieve", (ops, id, options) => ops.retrieve(id, query, options));
    const body = rewriteResponseIds(result.body, encode);
    call.responseId = body.id;
    await billFinishedBackground(s.backgroundPricing, call, body);
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
    await billFinishedBackground(s.backgroundPricing, call, body);
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
