import { z } from "zod";
import { outputItemSchema, responseObjectSchema } from "./response-object.js";

/*
 * Every Responses stream event. Known types are checked for the fields a consumer acts on;
 * an unknown type (a newer API) is carried as a loose object instead of being dropped.
 */

const base = { sequence_number: z.number().int().nonnegative() };
const itemRef = { item_id: z.string(), output_index: z.number().int() };
const contentRef = { ...itemRef, content_index: z.number().int() };
const summaryRef = { ...itemRef, summary_index: z.number().int() };

const lifecycle = <T extends string>(type: T) => z.looseObject({ type: z.literal(type), ...base, response: responseObjectSchema });

export const responseCreatedEventSchema = lifecycle("response.created");
export const responseInProgressEventSchema = lifecycle("response.in_progress");
export const responseQueuedEventSchema = lifecycle("response.queued");
export const responseCompletedEventSchema = lifecycle("response.completed");
export const responseIncompleteEventSchema = lifecycle("response.incomplete");
export const responseFailedEventSchema = lifecycle("response.failed");

export const outputItemAddedEventSchema = z.looseObject({ type: z.literal("response.output_item.added"), ...base, output_index: z.number().int(), item: outputItemSchema });
export const outputItemDoneEventSchema = z.looseObject({ type: z.literal("response.output_item.done"), ...base, output_index: z.number().int(), item: outputItemSchema });
export const contentPartAddedEventSchema = z.looseObject({ type: z.literal("response.content_part.added"), ...base, ...contentRef, part: z.looseObject({ type: z.string() }) });
export const contentPartDoneEventSchema = z.looseObject({ type: z.literal("response.content_part.done"), ...base, ...contentRef, part: z.looseObject({ type: z.string() }) });
export const outputTextDeltaEventSchema = z.looseObject({ type: z.literal("response.output_text.delta"), ...base, ...contentRef, delta: z.string() });
export const outputTextDoneEventSchema = z.looseObject({ type: z.literal("response.output_text.done"), ...base, ...contentRef, text: z.string() });
export const outputTextAnnotationAddedEventSchema = z.looseObject({ type: z.literal("response.output_text.annotation.added"), ...base, ...contentRef, annotation_index: z.number().int(), annotation: z.unknown() });
export const refusalDeltaEventSchema = z.looseObject({ type: z.literal("response.refusal.delta"), ...base, ...contentRef, delta: z.string() });
export const refusalDoneEventSchema = z.looseObject({ type: z.literal("response.refusal.done"), ...base, ...contentRef, refusal: z.string() });
export const functionCallArgumentsDeltaEventSchema = z.looseObject({ type: z.literal("response.function_call_arguments.delta"), ...base, ...itemRef, delta: z.string() });
export const functionCallArgumentsDoneEventSchema = z.looseObject({ type: z.literal("response.function_call_arguments.done"), ...base, ...itemRef, arguments: z.string(), name: z.string().optional() });
export const reasoningSummaryPartAddedEventSchema = z.looseObject({ type: z.literal("response.reasoning_summary_part.added"), ...base, ...summaryRef, part: z.looseObject({ type: z.string(), text: z.string() }) });
export const reasoningSummaryPartDoneEventSchema = z.looseObject({ type: z.literal("response.reasoning_summary_part.done"), ...base, ...summaryRef, part: z.looseObject({ type: z.string(), text: z.string() }) });
export const reasoningSummaryTextDeltaEventSchema = z.looseObject({ type: z.literal("response.reasoning_summary_text.delta"), ...base, ...summaryRef, delta: z.string() });
export const reasoningSummaryTextDoneEventSchema = z.looseObject({ type: z.literal("response.reasoning_summary_text.done"), ...base, ...summaryRef, text: z.string() });
export const reasoningTextDeltaEventSchema = z.looseObject({ type: z.literal("response.reasoning_text.delta"), ...base, ...contentRef, delta: z.string() });
export const reasoningTextDoneEventSchema = z.looseObject({ type: z.literal("response.reasoning_text.done"), ...base, ...contentRef, text: z.string() });

/** Real upstreams nest the error (`{type:"error", error:{...}}`); the documented form is flat. Both are accepted. */
export const errorEventSchema = z.looseObject({
  type: z.literal("error"),
  ...base,
  message: z.string().optional(),
  code: z.string().nullish(),
  param: z.string().nullish(),
  error: z.looseObject({ message: z.string(), type: z.string().nullish(), code: z.string().nullish(), param: z.string().nullish() }).optional(),
});

export const knownResponseStreamEventSchema = z.discriminatedUnion("type", [
  responseCreatedEventSchema,
  responseInProgressEventSchema,
  responseQueuedEventSchema,
  responseCompletedEventSchema,
  responseIncompleteEventSchema,
  responseFailedEventSchema,
  outputItemAddedEventSchema,
  outputItemDoneEventSchema,
  contentPartAddedEventSchema,
  contentPartDoneEventSchema,
  outputTextDeltaEventSchema,
  outputTextDoneEventSchema,
  outputTextAnnotationAddedEventSchema,
  refusalDeltaEventSchema,
  refusalDoneEventSchema,
  functionCallArgumentsDeltaEventSchema,
  functionCallArgumentsDoneEventSchema,
  reasoningSummaryPartAddedEventSchema,
  reasoningSummaryPartDoneEventSchema,
  reasoningSummaryTextDeltaEventSchema,
  reasoningSummaryTextDoneEventSchema,
  reasoningTextDeltaEventSchema,
  reasoningTextDoneEventSchema,
  errorEventSchema,
]);
export type KnownResponseStreamEvent = z.infer<typeof knownResponseStreamEventSchema>;

/** Any event, including types this file does not know yet. */
export const unknownResponseStreamEventSchema = z.looseObject({ type: z.string(), sequence_number: z.number().int().optional() });
export const responseStreamEventSchema = z.union([knownResponseStreamEventSchema, unknownResponseStreamEventSchema]);
export type ResponseStreamEvent = KnownResponseStreamEvent | (z.infer<typeof unknownResponseStreamEventSchema> & { type: string & {} });

export const TERMINAL_RESPONSE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "response.completed",
  "response.incomplete",
  "response.failed",
]);
