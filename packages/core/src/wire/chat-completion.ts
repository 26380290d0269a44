import { z } from "zod";
import { chatToolCallSchema } from "./chat-request.js";

/* chat.completion and chat.completion.chunk, parsed leniently (Azure adds filter results). */

export const chatUsageSchema = z.looseObject({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().optional() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().optional() }).nullish(),
});
export type ChatUsage = z.infer<typeof chatUsageSchema>;

export const finishReasonSchema = z.enum(["stop", "length", "tool_calls", "content_filter", "function_call"]);
export type FinishReason = z.infer<typeof finishReasonSchema>;

export const chatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      message: z.looseObject({
        role: z.literal("assistant"),
        content: z.string().nullable(),
        refusal: z.string().nullish(),
        tool_calls: z.array(chatToolCallSchema).optional(),
      }),
      finish_reason: finishReasonSchema.nullable(),
      logprobs: z.unknown().optional(),
    }),
  ),
  usage: chatUsageSchema.nullish(),
});
export type ChatCompletion = z.infer<typeof chatCompletionSchema>;

export const chatToolCallDeltaSchema = z.looseObject({
  index: z.number().int(),
  id: z.string().optional(),
  type: z.literal("function").optional(),
  function: z.looseObject({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});
export type ChatToolCallDelta = z.infer<typeof chatToolCallDeltaSchema>;

export const chatCompletionChunkSchema = z.looseObject({
  id: z.string(),
  object: z.string(),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      // Azure's asynchronous-filter annotation chunks carry content_filter_* and no delta.
      delta: z
        .looseObject({
          role: z.string().optional(),
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(chatToolCallDeltaSchema).optional(),
        })
        .default({}),
      finish_reason: finishReasonSchema.nullable(),
      logprobs: z.unknown().optional(),
    }),
  ),
  usage: chatUsageSchema.nullish(),
});
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;
