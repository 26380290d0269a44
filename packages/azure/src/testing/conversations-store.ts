import type { JsonObject } from "./request-checks.js";

/** A stored conversation: its items in order, as a Responses create with `conversation` reads and extends them. */
export interface StoredConversation {
  id: string;
  createdAt: number;
  metadata: JsonObject;
  items: JsonObject[];
}

export class ConversationsStore {
  readonly #conversations = new Map<string, StoredConversation>();

  put(conversation: StoredConversation): void {
    this.#conversations.set(conversation.id, conversation);
  }

  get(id: string): StoredConversation | undefined {
    return this.#conversations.get(id);
  }

  delete(id: string): boolean {
    return this.#conversations.delete(id);
  }
}

/** The conversation object the API answers. */
export function conversationObject(c: StoredConversation): JsonObject {
  return { id: c.id, object: "conversation", created_at: c.createdAt, metadata: c.metadata };
}
