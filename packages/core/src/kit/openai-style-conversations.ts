import type { ConversationsOperations, QueryParams } from "../provider/deployment.js";
import { conversationItemListSchema, conversationItemSchema, conversationSchema, deletedConversationSchema } from "../wire/conversation.js";
import type { OpenAIStyleClient } from "./openai-style-client.js";

/** Where an OpenAI-style upstream serves the Conversations API. */
export interface ConversationsUrls {
  conversations: string;
  conversation(id: string): string;
  items(id: string, query?: QueryParams): string;
  item(id: string, itemId: string, query?: QueryParams): string;
}

// Only these keys are forwarded: a client cannot smuggle anything else into the upstream query.
const ITEMS_KEYS = ["after", "limit", "order", "include"];
const ITEM_KEYS = ["include"];

/**
 * The Conversations API's URLs under `base` (`https://api.openai.com/v1/conversations`),
 * with `fixed` query parameters on every one (a gateway's token, an api-version).
 */
export function conversationsUrls(base: string, fixed: URLSearchParams = new URLSearchParams()): ConversationsUrls {
  const withQuery = (path: string, query: QueryParams | undefined, allowed: readonly string[]) => {
    const params = new URLSearchParams(fixed);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || !allowed.includes(key)) continue;
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    const text = params.toString();
    return text === "" ? path : `${path}?${text}`;
  };
  const byId = (id: string) => `${base}/${encodeURIComponent(id)}`;
  return {
    conversations: withQuery(base, undefined, []),
    conversation: (id) => withQuery(byId(id), undefined, []),
    items: (id, query) => withQuery(`${byId(id)}/items`, query, ITEMS_KEYS),
    item: (id, itemId, query) => withQuery(`${byId(id)}/items/${encodeURIComponent(itemId)}`, query, ITEM_KEYS),
  };
}

/** The Conversations API on an upstream that speaks it natively: bodies flow through untouched, answers are checked. */
export function openAIStyleConversationsOperations(client: OpenAIStyleClient, urls: ConversationsUrls): ConversationsOperations {
  return {
    create: (body, options) => client.json("POST", urls.conversations, body, conversationSchema, options),
    retrieve: (id, options) => client.json("GET", urls.conversation(id), undefined, conversationSchema, options),
    update: (id, body, options) => client.json("POST", urls.conversation(id), body, conversationSchema, options),
    delete: (id, options) => client.json("DELETE", urls.conversation(id), undefined, deletedConversationSchema, options),
    listItems: (id, query, options) => client.json("GET", urls.items(id, query), undefined, conversationItemListSchema, options),
    createItems: (id, body, query, options) => client.json("POST", urls.items(id, query), body, conversationItemListSchema, options),
    retrieveItem: (id, itemId, query, options) => client.json("GET", urls.item(id, itemId, query), undefined, conversationItemSchema, options),
    deleteItem: (id, itemId, options) => client.json("DELETE", urls.item(id, itemId), undefined, conversationSchema, options),
  };
}
