import { z } from "zod";

/*
 * The Conversations API (`/conversations`): the fields a host acts on, checked; the rest passes
 * through untouched (loose objects), as for Responses.
 */

export const conversationSchema = z.looseObject({
  id: z.string(),
  object: z.literal("conversation"),
});
export type ConversationObject = z.infer<typeof conversationSchema>;

export const deletedConversationSchema = z.looseObject({
  id: z.string(),
  object: z.string(),
  deleted: z.boolean(),
});
export type DeletedConversation = z.infer<typeof deletedConversationSchema>;

/** An item of a conversation: a message, a function call, its output, reasoning, ... */
export const conversationItemSchema = z.looseObject({ type: z.string() });
export type ConversationItem = z.infer<typeof conversationItemSchema>;

export const conversationItemListSchema = z.looseObject({
  object: z.literal("list"),
  data: z.array(conversationItemSchema),
  first_id: z.string().nullish(),
  last_id: z.string().nullish(),
  has_more: z.boolean(),
});
export type ConversationItemList = z.infer<typeof conversationItemListSchema>;

/** The body of a create or an update (`items`, `metadata`): an object; its members are the upstream's to check. */
export const conversationRequestSchema = z.looseObject({});
export type ConversationRequest = z.infer<typeof conversationRequestSchema>;
