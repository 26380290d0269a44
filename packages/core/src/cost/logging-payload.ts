import { z } from "zod";
import { toOpenAIError } from "../errors/to-openai-error.js";
import { tokenUsageSchema } from "./token-usage.js";

/*
 * The standard logging payload: one per request, given to the SDK's success/failure callbacks
 * and (with the same fields) to the proxy's sinks and spend store. Strict, so nothing that is not
 * listed here (a key, a header) can ride along by accident.
 */

export const callTypeSchema = z.enum([
  "responses",
  "chat",
  "responses.retrieve",
  "responses.delete",
  "responses.cancel",
  "responses.input_items",
  "responses.input_tokens",
  "responses.compact",
  "conversations",
]);
export type CallType = z.infer<typeof callTypeSchema>;

/** Call types that generate tokens and are priced; the others (stored-response operations) cost 0. */
export const PRICED_CALL_TYPES: ReadonlySet<CallType> = new Set(["responses", "chat"]);

/** The error as the client saw it (OpenAI error body fields plus the HTTP status). */
export const loggedErrorSchema = z.strictObject({
  status: z.number().int(),
  type: z.string(),
  code: z.string().nullable(),
  message: z.string(),
});
export type LoggedError = z.infer<typeof loggedErrorSchema>;

/** One upstream attempt of a routed call (see the router's AttemptRecord). */
export const attemptRecordSchema = z.strictObject({
  deployment: z.string(),
  model_name: z.string(),
  status: z.number().int(),
  error_code: z.string().nullable(),
  latency_ms: z.number().nonnegative(),
});

export const loggingPayloadSchema = z.strictObject({
  /** Dheera's id for this request (not the upstream's). */
  id: z.string().min(1),
  call_type: callTypeSchema,
  /** The model as the caller wrote it (`azure/gpt-4o`; the proxy: the model_name). */
  model: z.string(),
  /** Null when the request failed before a provider was resolved. */
  provider: z.string().nullable(),
  deployment: z.string().nullable(),
  /** Where the request went; never a key or a query string. */
  api_base: z.string().nullable(),
  /** The Response / chat completion id, when one came back. */
  response_id: z.string().nullable(),
  upstream_request_id: z.string().nullable(),
  /** ISO 8601, UTC. */
  start_time: z.iso.datetime(),
  end_time: z.iso.datetime(),
  latency_ms: z.number().nonnegative(),
  /** Streams: time until the first output token; null without streaming or without output. */
  time_to_first_token_ms: z.number().nonnegative().nullable(),
  stream: z.boolean(),
  usage: tokenUsageSchema.nullable(),
  /** USD. Null when the usage or the deployment's price is unknown: null is "unknown", never "free". */
  cost: z.number().nonnegative().nullable(),
  /**
   * Which source priced the call (`genai-prices:azure`, `model_info`, `genai-prices:openai+model_info`):
   * the deployment's `priceSource`. Null when the cost is.
   */
  price_source: z.string().nullable().optional(),
  status: z.enum(["success", "failure"]),
  error: loggedErrorSchema.nullable(),
  /**
   * Routed calls (the proxy, the SDK's router): every upstream attempt in order, the one that
   * answered last. Absent for calls that were not routed.
   */
  attempts: z.array(attemptRecordSchema).optional(),
  /** What the caller attached to the request (SDK: `dheera_metadata`). */
  metadata: z.record(z.string(), z.unknown()),
});
export type LoggingPayload = z.infer<typeof loggingPayloadSchema>;

/** Any thrown value as a logged error, through `toOpenAIError`: internals of unknown errors are not echoed. */
export function loggedErrorOf(err: unknown): LoggedError {
  const { status, body } = toOpenAIError(err);
  return { status, type: body.error.type, code: body.error.code, message: body.error.message };
}

/**
 * A failure the upstream reported inside a 2xx answer (a Response with status "failed", a
 * `response.failed` or `error` stream event): the answer is passed on as it is, and logged as a
 * failure. The SDK and the proxy log it the same way.
 */
export function inBandFailure(failure: { code: string | null; message: string }): LoggedError {
  return { status: 500, type: "server_error", code: failure.code, message: failure.message };
}
