import { z } from "zod";
import { metadataSchema } from "./common.js";

/*
 * The Responses API request (POST /v1/responses). We validate the fields we act on and let
 * every other field through untouched (loose objects), so parameters newer than this file
 * still reach the upstream.
 */

export const inputTextPartSchema = z.looseObject({ type: z.literal("input_text"), text: z.string() });
export const inputImagePartSchema = z.looseObject({
  type: z.literal("input_image"),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(["low", "high", "auto", "original"]).nullish(),
});
export const inputFilePartSchema = z.looseObject({
  type: z.literal("input_file"),
  file_id: z.string().nullish(),
  file_data: z.string().nullish(),
  file_url: z.string().nullish(),
  filename: z.string().nullish(),
});
export const outputTextPartSchema = z.looseObject({
  type: z.literal("output_text"),
  text: z.string(),
  annotations: z.array(z.unknown()).optional(),
});
export const refusalPartSchema = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });

/** Any content part; unknown part types pass through. */
export const inputContentPartSchema = z.union([
  inputTextPartSchema,
  inputImagePartSchema,
  inputFilePartSchema,
  outputTextPartSchema,
  refusalPartSchema,
  z.looseObject({ type: z.string() }),
]);
export type InputContentPart = z.infer<typeof inputContentPartSchema>;

export const inputMessageSchema = z.looseObject({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(inputContentPartSchema)]),
});
export type InputMessage = z.infer<typeof inputMessageSchema>;

export const functionCallItemSchema = z.looseObject({
  type: z.literal("function_call"),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  id: z.string().optional(),
});
export type FunctionCallItem = z.infer<typeof functionCallItemSchema>;

export const functionCallOutputItemSchema = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string(),
  output: z.union([z.string(), z.array(inputContentPartSchema)]),
});
export type FunctionCallOutputItem = z.infer<typeof functionCallOutputItemSchema>;

export const reasoningItemSchema = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string().optional(),
  summary: z.array(z.looseObject({ type: z.string(), text: z.string() })).optional(),
  encrypted_content: z.string().nullish(),
});

/** One input item; built-in tool items and newer types pass through as loose objects. */
export const inputItemSchema = z.union([
  inputMessageSchema,
  functionCallItemSchema,
  functionCallOutputItemSchema,
  reasoningItemSchema,
  z.looseObject({ type: z.string() }),
  z.looseObject({ id: z.string() }),
]);
export type InputItem = z.infer<typeof inputItemSchema>;

export const functionToolSchema = z.looseObject({
  type: z.literal("function"),
  name: z.string(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
export type ResponsesFunctionTool = z.infer<typeof functionToolSchema>;
export const responsesToolSchema = z.union([functionToolSchema, z.looseObject({ type: z.string() })]);
export type ResponsesTool = z.infer<typeof responsesToolSchema>;

export const responsesToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.string(), name: z.string().optional() }),
]);
export type ResponsesToolChoice = z.infer<typeof responsesToolChoiceSchema>;

export const textFormatSchema = z.union([
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
    description: z.string().nullish(),
  }),
]);
export type TextFormat = z.infer<typeof textFormatSchema>;

export const reasoningEffortSchema = z.string();
export const reasoningConfigSchema = z.looseObject({
  effort: reasoningEffortSchema.nullish(),
  summary: z.string().nullish(),
});

export const responsesCreateRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItemSchema)]).optional(),
  instructions: z.string().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  tools: z.array(responsesToolSchema).optional(),
  tool_choice: responsesToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: textFormatSchema.optional(), verbosity: z.string().nullish() }).nullish(),
  reasoning: reasoningConfigSchema.nullish(),
  previous_response_id: z.string().nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  metadata: metadataSchema.nullish(),
  user: z.string().optional(),
  include: z.array(z.string()).nullish(),
});
export type ResponsesCreateRequest = z.infer<typeof responsesCreateRequestSchema>;
