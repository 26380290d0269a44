import { createDheera } from "./dheera-client.js";

export { createDheera, type Dheera, type DheeraOptions } from "./dheera-client.js";
export { callMetadata, type CallMetadata } from "./call-metadata.js";
export type { CallCallbacks, LogCallback } from "./call-options.js";
export { ResponseStream } from "./responses/response-stream.js";
export type { DheeraResponse, ResponsesParams, SdkCallOptions, StreamEvent } from "./responses/responses.js";
export type { StreamTap } from "./responses/response-stream.js";
export type { StoredResponseParams } from "./responses/stored-responses.js";
export type { CompletionParams, ChatCompletionStream } from "./completion/completion.js";
export type { CreateRouterOptions } from "./router/router-config.js";
export type { DheeraRouter, RouterCallOptions, RouterCompletionParams, RouterResponsesParams, RouterStoredResponseParams } from "./router/create-router.js";
export {
  DheeraError,
  InvalidRequestError,
  AuthenticationError,
  NotFoundError,
  RateLimitError,
  UpstreamError,
  UpstreamConnectionError,
  UpstreamTimeoutError,
  ConfigurationError,
  ProviderNotInstalledError,
  UnsupportedOperationError,
  fetchTransport,
  setDefaultTransport,
  undiciTransport,
  computeCost,
  normalizeUsage,
  loggingPayloadSchema,
  type LoggingPayload,
  type LoggedError,
  type CallType,
  type TokenUsage,
  type PriceEntry,
  type ModelInfo,
  type ModelListEntry,
  type RouterSettings,
  type AttemptRecord,
} from "@dheera/core";

const shared = createDheera();

/** Creates a model response (Responses API). `stream: true` returns an async iterable of events. */
export const responses = shared.responses;
/** Creates a chat completion (Chat Completions API). `stream: true` returns an async iterable of chunks. */
export const completion = shared.completion;
/** Retrieves a stored response: pass `response_id` and the `model` + settings that created it. */
export const retrieveResponse = shared.retrieveResponse;
export const deleteResponse = shared.deleteResponse;
export const cancelResponse = shared.cancelResponse;
export const listInputItems = shared.listInputItems;
/**
 * A router over a LiteLLM-style `model_list` (async: resolves once the config is validated and
 * every deployment resolved). Its `responses`, `completion` and stored-response functions take a
 * model_name and retry, cool down and fall back like the proxy.
 */
export const createRouter = shared.createRouter;
/** Registers a provider plugin on the shared instance. */
export const registerProvider = shared.registerProvider;
/**
 * Success/failure callbacks for every call of the top-level functions (an instance from
 * `createDheera` has its own). Each returns the function that removes the callback.
 */
export const addCallback = shared.addCallback;
export const onSuccess = shared.onSuccess;
export const onFailure = shared.onFailure;
