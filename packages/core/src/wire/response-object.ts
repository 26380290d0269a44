import { z } from "zod";
import { inputContentPartSchema, outputTextPartSchema, refusalPartSchema } from "./responses-request.js";

/*
 * The Response object and its parts, parsed leniently: upstreams add fields (Azure's
 * content_filters, newer usage details) and we keep them all.
 */

export const responseUsageSchema = z.looseObject({
  input_tokens: z.number(),
  input_tokens_details: z.looseObject({ cached_tokens: z.number().optional() }).nullish(),
  output_tokens: z.number(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.number().optional() }).nullish(),
  total_tokens: z.number(),
});
export type ResponseUsage = z.infer<typeof responseUsageSchema>;

export const outputMessageSchema = z.looseObject({
  type: z.literal("message"),
  id: z.string(),
  role: z.literal("assistant"),
  status: z.string().optional(),
  content: z.array(z.union([outputTextPartSchema, refusalPartSchema, z.looseObject({ type: z.string() })])),
});
export type OutputMessage = z.infer<typeof outputMessageSchema>;

export const outputFunctionCallSchema = z.looseObject({
  type: z.literal("function_call"),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  status: z.string().optional(),
});
export type OutputFunctionCall = z.infer<typeof outputFunctionCallSchema>;

export const outputReasoningSchema = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string(),
  summary: z.array(z.looseObject({ type: z.string(), text: z.string() })),
  content: z.array(z.looseObject({ type: z.string(), text: z.string() })).optional(),
  encrypted_content: z.string().nullish(),
});
export type OutputReasoning = z.infer<typeof outputReasoningSchema>;

export const outputItemSchema = z.union([
  outputMessageSchema,
  outputFunctionCallSchema,
  outputReasoningSchema,
  z.looseObject({ type: z.string() }),
]);
export type OutputItem = z.infer<typeof outputItemSchema>;

export const responseStatusSchema = z.string();

export const responseObjectSchema = z.looseObject({
  id: z.string(),
  object: z.literal("response"),
  created_at: z.number(),
  status: responseStatusSchema.optional(),
  error: z.looseObject({ code: z.string().nullish(), message: z.string() }).nullish(),
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
  instructions: z.unknown().optional(),
  model: z.string(),
  output: z.array(outputItemSchema),
  usage: responseUsageSchema.nullish(),
});
export type ResponseObject = z.infer<typeof responseObjectSchema>;

export const deletedResponseSchema = z.looseObject({
  id: z.string(),
  object: z.string(),
  deleted: z.boolean(),
});
export type DeletedResponse = z.infer<typeof deletedResponseSchema>;

export const inputItemListSchema = z.looseObject({
  object: z.literal("list"),
  data: z.array(z.looseObject({ id: z.string(), type: z.string().optional(), content: z.array(inputContentPartSchema).optional() })),
  first_id: z.string().nullish(),
  last_id: z.string().nullish(),
  has_more: z.boolean(),
});
export type InputItemList = z.infer<typeof inputItemListSchema>;

/** `POST /responses/input_tokens`: how many input tokens a create request would use. */
export const inputTokenCountSchema = z.looseObject({
  object: z.literal("response.input_tokens"),
  input_tokens: z.number().int().nonnegative(),
});
export type InputTokenCount = z.infer<typeof inputTokenCountSchema>;

/** `POST /responses/compact`: a compacted conversation (`response.compaction`), passed through as it is. */
export const compactedResponseSchema = z.looseObject({ id: z.string(), object: z.string() });
export type CompactedResponse = z.infer<typeof compactedResponseSchema>;
