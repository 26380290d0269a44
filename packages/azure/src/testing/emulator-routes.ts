import type { EmulatorSurface } from "./emulator-types.js";

/**
 * The exact routes Azure serves, and nothing else: an unknown path, a trailing slash, an empty
 * segment or a wrong method is Azure's 404 `Resource not found`.
 */

export type RouteName =
  | "responses.create"
  | "responses.retrieve"
  | "responses.delete"
  | "responses.cancel"
  | "responses.input_items"
  | "chat.create"
  | "models.list"
  | "conversations.create"
  | "conversations.retrieve"
  | "conversations.update"
  | "conversations.delete"
  | "conversations.items.list"
  | "conversations.items.create"
  | "conversations.item.retrieve"
  | "conversations.item.delete";

export interface MatchedRoute {
  name: RouteName;
  surface: EmulatorSurface;
  /** Deployment from the path (`/openai/deployments/{dep}/…`). */
  deployment?: string;
  responseId?: string;
  conversationId?: string;
  itemId?: string;
}

export function matchRoute(method: string, pathname: string): MatchedRoute | undefined {
  const raw = pathname.split("/");
  if (raw[0] !== "" || raw.length < 3) return undefined;
  let segments: string[];
  try {
    segments = raw.slice(1).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (segments.some((s) => s === "") || segments[0] !== "openai") return undefined;
  const rest = segments.slice(1);
  if (rest[0] === "v1") return matchSurface(method, rest.slice(1), "v1");
  return matchSurface(method, rest, "classic");
}

function matchSurface(method: string, s: string[], surface: EmulatorSurface): MatchedRoute | undefined {
  const [a, b, c, d] = s;
  if (a === "responses") {
    if (s.length === 1) return method === "POST" ? { name: "responses.create", surface } : undefined;
    if (s.length === 2 && b !== undefined) {
      if (method === "GET") return { name: "responses.retrieve", surface, responseId: b };
      if (method === "DELETE") return { name: "responses.delete", surface, responseId: b };
      return undefined;
    }
    if (s.length === 3 && b !== undefined) {
      if (c === "cancel" && method === "POST") return { name: "responses.cancel", surface, responseId: b };
      if (c === "input_items" && method === "GET") return { name: "responses.input_items", surface, responseId: b };
    }
    return undefined;
  }
  if (surface === "v1" && a === "conversations") return matchConversations(method, s, surface);
  if (surface === "v1") {
    if (s.length === 2 && a === "chat" && b === "completions" && method === "POST") return { name: "chat.create", surface };
    if (s.length === 1 && a === "models" && method === "GET") return { name: "models.list", surface };
    return undefined;
  }
  if (a === "deployments" && b !== undefined && method === "POST") {
    if (s.length === 4 && c === "chat" && d === "completions") return { name: "chat.create", surface, deployment: b };
    if (s.length === 3 && c === "responses") return { name: "responses.create", surface, deployment: b };
  }
  return undefined;
}

/** `/conversations`, `/conversations/{id}`, `/conversations/{id}/items`, `/conversations/{id}/items/{item_id}`. */
function matchConversations(method: string, s: string[], surface: EmulatorSurface): MatchedRoute | undefined {
  const [, conversationId, items, itemId] = s;
  if (s.length === 1) return method === "POST" ? { name: "conversations.create", surface } : undefined;
  if (s.length === 2) {
    if (method === "GET") return { name: "conversations.retrieve", surface, conversationId };
    if (method === "POST") return { name: "conversations.update", surface, conversationId };
    if (method === "DELETE") return { name: "conversations.delete", surface, conversationId };
    return undefined;
  }
  if (items !== "items") return undefined;
  if (s.length === 3) {
    if (method === "GET") return { name: "conversations.items.list", surface, conversationId };
    if (method === "POST") return { name: "conversations.items.create", surface, conversationId };
    return undefined;
  }
  if (s.length === 4) {
    if (method === "GET") return { name: "conversations.item.retrieve", surface, conversationId, itemId };
    if (method === "DELETE") return { name: "conversations.item.delete", surface, conversationId, itemId };
  }
  return undefined;
}
