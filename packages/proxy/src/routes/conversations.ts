import {
  InvalidRequestError,
  NotFoundError,
  UnsupportedOperationError,
  conversationRequestSchema,
  type ConversationsOperations,
  type QueryParams,
  type RouterTarget,
  type WireMeta,
} from "@dheera/core";
import { readJsonBody, sendJson } from "../http/http-io.js";
import type { RouteCall, RouteHandler } from "../http/route-table.js";
import { upstreamHeaders } from "../http/upstream-headers.js";
import { beginCall } from "../pipeline/call-record.js";
import { acceptCallBody } from "../pipeline/read-call-request.js";
import { runModelCall } from "../pipeline/model-call.js";
import { queryParams } from "../pipeline/query-params.js";
import type { ProxyServices } from "../pipeline/services.js";

/*
 * The Conversations API. A conversation lives on the deployment that created it (on its
 * resource); the proxy's conversation ids say which (`conv_` + the routable encoding response ids
 * use), so every route and a Responses create with `conversation` find it on any replica
 * without shared state. Item ids are the upstream's and pass through.
 */

/** `POST /v1/conversations`: on a deployment of the `model` the body names (a Dheera extension), else of the first model that can hold conversations. */
export function conversationsCreate(s: ProxyServices): RouteHandler {
  return async (route) => {
    const call = beginCall(s, route.ctx, route.req.headers, "conversations");
    const body = await readJsonBody(route.req, route.res, s.bodyLimitBytes, s.maxJsonDepth);
    const { request } = acceptCallBody(s, route.ctx, call, body, conversationRequestSchema);
    const named = request.model;
    delete request.model;
    if (named !== undefined && typeof named !== "string") throw new InvalidRequestError("Invalid type for 'model': expected a string.", { param: "model", code: "invalid_type" });
    const model = named ?? s.router.modelNames.find((name) => s.router.group(name).some((t) => t.deployment.conversations));
    if (model === undefined) {
      throw new UnsupportedOperationError("No model of this proxy can hold conversations: their providers (or Azure API versions: conversations need the v1 API) have none.", {
        status: 404,
        code: "conversations_not_available",
      });
    }
    route.ctx.log.model_name = call.modelName = model;
    const { value, target } = await runModelCall(s, route, call, {
      operation: "responses",
      model,
      stream: false,
      attempt: (attempt) => opsOf(attempt.target, model).create(request, attempt.options),
    });
    sendConversation(s, route, target, value);
  };
}

/** `GET|POST|DELETE /v1/conversations/{id}` and the items routes: on the deployment that holds the conversation. */
export function onConversation<T extends WireMeta & { body: unknown }>(
  s: ProxyServices,
  operation: (ops: ConversationsOperations, upstreamId: string, route: RouteCall, body: Record<string, unknown>, options: { signal?: AbortSignal }) => Promise<T>,
  options: { body?: boolean; answersConversation?: boolean } = {},
): RouteHandler {
  return async (route) => {
    const call = beginCall(s, route.ctx, route.req.headers, "conversations");
    const body = options.body ? ((await readJsonBody(route.req, route.res, s.bodyLimitBytes, s.maxJsonDepth)) as unknown) : {};
    const request = options.body ? acceptCallBody(s, route.ctx, call, body, conversationRequestSchema).request : {};
    const id = route.params.id!;
    const decoded = s.router.decodeConversationId(id);
    if (!decoded || !decoded.target.deployment.conversations) {
      throw new NotFoundError(`Conversation with id '${id}' not found.`, { param: "conversation_id", code: "conversation_not_found" });
    }
    const { target, upstreamId } = decoded;
    route.ctx.log.model_name = call.modelName = target.modelName;
    const { value } = await runModelCall(s, route, call, {
      operation: "responses",
      model: target.modelName,
      stream: false,
      pinned: target,
      attempt: (attempt) => operation(target.deployment.conversations!, upstreamId, route, request, attempt.options),
    });
    if (options.answersConversation) return sendConversation(s, route, target, value as WireMeta & { body: { id: string } });
    sendJson(route.res, 200, value.body, upstreamHeaders(value, route.ctx));
  };
}

function opsOf(target: RouterTarget, model: string): ConversationsOperations {
  const ops = target.deployment.conversations;
  if (!ops) throw new UnsupportedOperationError(`Model "${model}" cannot hold conversations: its deployment's provider (or Azure API version) has none.`, { param: "model" });
  return ops;
}

/** A conversation object (or its deletion) with the proxy's id. */
function sendConversation(s: ProxyServices, route: RouteCall, target: RouterTarget, value: WireMeta & { body: { id: string } }): void {
  const body = { ...value.body, id: s.router.encodeConversationId(target, value.body.id) };
  route.ctx.log.conversation_id = body.id;
  sendJson(route.res, 200, body, upstreamHeaders(value, route.ctx));
}

export const conversationRoutes = (s: ProxyServices) => {
  const query = (route: RouteCall): QueryParams => queryParams(route.ctx.query);
  return [
    { method: "POST" as const, pattern: "/conversations", handler: conversationsCreate(s), models: true },
    { method: "GET" as const, pattern: "/conversations/:id", handler: onConversation(s, (ops, id, _r, _b, o) => ops.retrieve(id, o), { answersConversation: true }), models: true },
    { method: "POST" as const, pattern: "/conversations/:id", handler: onConversation(s, (ops, id, _r, b, o) => ops.update(id, b, o), { body: true, answersConversation: true }), models: true },
    { method: "DELETE" as const, pattern: "/conversations/:id", handler: onConversation(s, (ops, id, _r, _b, o) => ops.delete(id, o), { answersConversation: true }), models: true },
    { method: "GET" as const, pattern: "/conversations/:id/items", handler: onConversation(s, (ops, id, r, _b, o) => ops.listItems(id, query(r), o)), models: true },
    { method: "POST" as const, pattern: "/conversations/:id/items", handler: onConversation(s, (ops, id, r, b, o) => ops.createItems(id, b, query(r), o), { body: true }), models: true },
    { method: "GET" as const, pattern: "/conversations/:id/items/:item", handler: onConversation(s, (ops, id, r, _b, o) => ops.retrieveItem(id, r.params.item!, query(r), o)), models: true },
    {
      method: "DELETE" as const,
      pattern: "/conversations/:id/items/:item",
      handler: onConversation(s, (ops, id, r, _b, o) => ops.deleteItem(id, r.params.item!, o), { answersConversation: true }),
      models: true,
    },
  ];
};
