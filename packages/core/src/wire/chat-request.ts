import { z } from "zod";
import { metadataSchema } from "./common.js";

/* Chat Completions request (POST /v1/chat/completions): checked where we act, loose elsewhere. */

export const chatTextPartSchema = z.looseObject({ type: z.literal("text"), text: z.string() });
export const chatImagePartSchema = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }),
});
export const chatFilePartSchema = z.looseObject({
  type: z.literal("file"),
  file: z.looseObject({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
});
export const chatRefusalPartSchema = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });
export const chatContentPartSchema = z.union([
  chatTextPartSchema,
  chatImagePartSchema,
  chatFilePartSchema,
  chatRefusalPartSchema,
  z.looseObject({ type: z.string() }),
]);
export type ChatContentPart = z.infer<typeof chatContentPartSchema>;

export const chatToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});
export type ChatToolCall = z.infer<typeof chatToolCallSchema>;

const content = z.union([z.string(), z.array(chatContentPartSchema)]);

export const chatSystemMessageSchema = z.looseObject({ role: z.literal("system"), content, name: z.string().optional() });
export const chatDeveloperMessageSchema = z.looseObject({ role: z.literal("developer"), content, name: z.string().optional() });
export const chatUserMessageSchema = z.looseObject({ role: z.literal("user"), content, name: z.string().optional() });
export const chatAssistantMessageSchema = z.looseObject({
  role: z.literal("assistant"),
  content: content.nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(chatToolCallSchema).optional(),
  name: z.string().optional(),
});
export const chatToolMessageSchema = z.looseObject({ role: z.literal("tool"), tool_call_id: z.string(), content });
export const chatFunctionMessageSchema = z.looseObject({ role: z.literal("function"), name: z.string(), content: z.string().nullable() });

export const chatMessageSchema = z.discriminatedUnion("role", [
  chatSystemMessageSchema,
  chatDeveloperMessageSchema,
  chatUserMessageSchema,
  chatAssistantMessageSchema,
  chatToolMessageSchema,
  chatFunctionMessageSchema,
]);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const chatFunctionToolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
export const chatToolSchema = z.union([chatFunctionToolSchema, z.looseObject({ type: z.string() })]);
export type ChatTool = z.infer<typeof chatToolSchema>;

export const chatToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
  z.looseObject({ type: z.string() }),
]);
export type ChatToolChoice = z.infer<typeof chatToolChoiceSchema>;

export const chatResponseFormatSchema = z.union([
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
      description: z.string().optional(),
    }),
  }),
]);
export type ChatResponseFormat = z.infer<typeof chatResponseFormatSchema>;

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  n: z.number().int().positive().nullish(),
  tools: z.array(chatToolSchema).optional(),
  tool_choice: chatToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: chatResponseFormatSchema.optional(),
  reasoning_effort: z.string().nullish(),
  metadata: metadataSchema.nullish(),
  user: z.string().optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
