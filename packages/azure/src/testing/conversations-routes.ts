import type { RouteContext } from "./emulator-context.js";
import { EmulatorHttpError, conversationNotFound, invalidRequest, invalidType, openAIErrorBody } from "./emulator-errors.js";
import { jsonResponse } from "./emulator-http.js";
import { newConversationId } from "./emulator-ids.js";
import { conversationObject, type StoredConversation } from "./conversations-store.js";
import { isJsonObject, parseJsonObjectBody, type JsonObject } from "./request-checks.js";
import { normalizeResponsesInput } from "./responses-input.js";
import { pageOfItems } from "./responses-routes.js";

/** The Conversations API (`/openai/v1/conversations`, v1 surface only, as Azure serves it). */

const MAX_ITEMS_PER_REQUEST = 20;

function itemNotFound(id: string): EmulatorHttpError {
  return new EmulatorHttpError(404, openAIErrorBody({ message: `Item with id '${id}' not found.`, param: "item_id" }));
}

function findConversation(ctx: RouteContext): StoredConversation {
  const id = ctx.route.conversationId as string;
  const found = ctx.runtime.conversations.get(id);
  if (!found) throw conversationNotFound(id);
  return found;
}

/** `metadata`: at most 16 string pairs, keys of at most 64 characters, values of at most 512. */
function checkMetadata(value: unknown): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw invalidType("metadata", "an object", value);
  const entries = Object.entries(value);
  if (entries.length > 16) throw invalidRequest("Invalid 'metadata': too many properties. Expected an object with at most 16 properties.", "metadata", "object_above_max_properties");
  for (const [key, v] of entries) {
    if (key.length > 64) throw invalidRequest(`Invalid 'metadata': key '${key.slice(0, 64)}...' is longer than 64 characters.`, "metadata", "string_above_max_length");
    if (typeof v !== "string") throw invalidType(`metadata.${key}`, "a string", v);
    if (v.length > 512) throw invalidRequest(`Invalid 'metadata.${key}': string too long. Expected a string with maximum length 512.`, `metadata.${key}`, "string_above_max_length");
  }
  return value;
}

/** Items a request adds (at most 20), stored with ids as a create's input items are. */
function newItems(ctx: RouteContext, value: unknown, param: string): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidType(param, "an array", value);
  if (value.length > MAX_ITEMS_PER_REQUEST) {
    throw invalidRequest(`Invalid '${param}': array too long. Expected an array with maximum length ${MAX_ITEMS_PER_REQUEST}, but got an array with length ${value.length} instead.`, param, "array_above_max_length");
  }
  return normalizeResponsesInput(value, {
    priorCallIds: new Set(),
    pendingCallIds: [],
    encryptionMark: ctx.runtime.encryptionMark,
    findItem: (id) => ctx.runtime.store.findItem(id),
  }).items;
}

export function createConversation(ctx: RouteContext): Response {
  const body = parseJsonObjectBody(ctx.bodyText);
  const conversation: StoredConversation = {
    id: newConversationId(),
    createdAt: Math.floor(Date.now() / 1000),
    metadata: checkMetadata(body.metadata),
    items: newItems(ctx, body.items, "items"),
  };
  ctx.runtime.conversations.put(conversation);
  return jsonResponse(200, conversationObject(conversation));
}

export function retrieveConversation(ctx: RouteContext): Response {
  return jsonResponse(200, conversationObject(findConversation(ctx)));
}

export function updateConversation(ctx: RouteContext): Response {
  const conversation = findConversation(ctx);
  const body = parseJsonObjectBody(ctx.bodyText);
  if (body.metadata === undefined) throw invalidRequest("Missing required parameter: 'metadata'.", "metadata", "missing_required_parameter");
  conversation.metadata = checkMetadata(body.metadata);
  return jsonResponse(200, conversationObject(conversation));
}

export function deleteConversation(ctx: RouteContext): Response {
  const conversation = findConversation(ctx);
  ctx.runtime.conversations.delete(conversation.id);
  return jsonResponse(200, { id: conversation.id, object: "conversation.deleted", deleted: true });
}

export function listConversationItems(ctx: RouteContext): Response {
  return jsonResponse(200, pageOfItems(findConversation(ctx).items, ctx.url.searchParams));
}

export function createConversationItems(ctx: RouteContext): Response {
  const conversation = findConversation(ctx);
  const body = parseJsonObjectBody(ctx.bodyText);
  if (body.items === undefined) throw invalidRequest("Missing required parameter: 'items'.", "items", "missing_required_parameter");
  const items = newItems(ctx, body.items, "items");
  conversation.items.push(...items);
  return jsonResponse(200, {
    object: "list",
    data: items,
    first_id: (items[0]?.id as string | undefined) ?? null,
    last_id: (items.at(-1)?.id as string | undefined) ?? null,
    has_more: false,
  });
}

export function retrieveConversationItem(ctx: RouteContext): Response {
  const conversation = findConversation(ctx);
  const itemId = ctx.route.itemId as string;
  const item = conversation.items.find((i) => i.id === itemId);
  if (!item) throw itemNotFound(itemId);
  return jsonResponse(200, item);
}

export function deleteConversationItem(ctx: RouteContext): Response {
  const conversation = findConversation(ctx);
  const itemId = ctx.route.itemId as string;
  const index = conversation.items.findIndex((i) => i.id === itemId);
  if (index === -1) throw itemNotFound(itemId);
  conversation.items.splice(index, 1);
  return jsonResponse(200, conversationObject(conversation));
}
