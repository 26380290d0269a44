import type { WireStream } from "../sse/wire-stream.js";
import type { ResponsesCreateRequest } from "../wire/responses-request.js";
import type { CompactedResponse, ResponseObject, DeletedResponse, InputItemList, InputTokenCount } from "../wire/response-object.js";
import type { ResponseStreamEvent } from "../wire/responses-stream-events.js";
import type { ConversationItem, ConversationItemList, ConversationObject, ConversationRequest, DeletedConversation } from "../wire/conversation.js";
import type { ChatCompletionRequest } from "../wire/chat-request.js";
import type { ChatCompletion, ChatCompletionChunk } from "../wire/chat-completion.js";
import type { PriceEntry } from "../cost/price-entry.js";
import type { StreamAccounting } from "../cost/stream-accounting.js";
import type { TokenUsage } from "../cost/token-usage.js";

/** Per-call options every operation accepts. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Extra headers for the upstream (never logged). */
  headers?: Record<string, string>;
  /** Overrides the deployment's timeout for this call, ms. */
  timeoutMs?: number;
  /**
   * LiteLLM's `drop_params`: request parameters the upstream cannot carry (through a transform)
   * are dropped and listed in the answer's `droppedParams`, instead of refused with a 400.
   */
  dropParams?: boolean;
}

/** What every operation answers besides its body. */
export interface WireMeta {
  status: number;
  /** Upstream headers worth showing a caller (request ids, rate limits); lower-cased. */
  headers: Record<string, string>;
  /** The upstream's request id, when it sent one. */
  upstreamRequestId?: string;
  /** Request parameters dropped under `CallOptions.dropParams`, when there were any. */
  droppedParams?: string[];
}

export interface WireResult<T> extends WireMeta {
  body: T;
}

/**
 * A result whose body is also available as the upstream's own text, for hosts that only relay it
 * (the proxy). `body` is the parsed answer, checked to have the same shape the validated path
 * insists on, but not copied or normalized by a schema; `raw` is the exact upstream JSON text.
 */
export interface RawWireResult<T> extends WireResult<T> {
  raw: string;
}

/** The members of a Response that a host relaying it as text acts on (ids, outcome, usage). */
export type ResponseSummary = Pick<ResponseObject, "id" | "status" | "error" | "usage"> & { previous_response_id?: unknown };

export interface WireStreamResult<E> extends WireMeta {
  stream: WireStream<E>;
  /**
   * Optional: the usage the upstream reported, readable once the stream has ended. A provider
   * sets it when its stream's own events may not carry the usage, e.g. chat chunks transformed
   * from a Responses stream whose client did not ask for `include_usage`: the upstream's
   * terminal event still has it, so the host can price the request. Null until known.
   */
  usage?: () => TokenUsage | null;
  /**
   * Optional: the provider already reads this stream's events on the side (a transformed stream
   * does: it builds each event). Usage, first token, id and in-band failure, complete once the
   * stream has ended. A host uses it instead of reading the stream a second time.
   */
  accounting?: StreamAccounting;
}

export type QueryParams = Record<string, string | string[] | undefined>;

/** The Responses API, in its wire format. */
export interface ResponsesOperations {
  create(request: ResponsesCreateRequest, options?: CallOptions): Promise<WireResult<ResponseObject>>;
  /**
   * Optional: `create`, with the upstream body kept as text for a host that relays it (no schema
   * copy, no re-serialization): `raw` is the upstream's text, `body` only the members a host acts
   * on. Same request, same errors as `create`. Hosts fall back to `create` when a provider does
   * not offer it.
   */
  createRaw?(request: ResponsesCreateRequest, options?: CallOptions): Promise<RawWireResult<ResponseSummary>>;
  stream(request: ResponsesCreateRequest, options?: CallOptions): Promise<WireStreamResult<ResponseStreamEvent>>;
  retrieve(id: string, query?: QueryParams, options?: CallOptions): Promise<WireResult<ResponseObject>>;
  /**
   * Optional: a stored (background) response's events replayed as a stream
   * (`GET /responses/{id}?stream=true`, `starting_after` in `query`); hosts answer 400 without it.
   */
  retrieveStream?(id: string, query?: QueryParams, options?: CallOptions): Promise<WireStreamResult<ResponseStreamEvent>>;
  delete(id: string, options?: CallOptions): Promise<WireResult<DeletedResponse>>;
  cancel(id: string, options?: CallOptions): Promise<WireResult<ResponseObject>>;
  listInputItems(id: string, query?: QueryParams, options?: CallOptions): Promise<WireResult<InputItemList>>;
  /** Optional: the upstream counts a create request's input tokens (`POST /responses/input_tokens`); hosts count locally without it. */
  inputTokens?(request: ResponsesCreateRequest, options?: CallOptions): Promise<WireResult<InputTokenCount>>;
  /** Optional: `POST /responses/compact`, a long conversation compacted by the upstream. */
  compact?(request: ResponsesCreateRequest, options?: CallOptions): Promise<WireResult<CompactedResponse>>;
  /**
   * Optional: opens the upstream's Responses WebSocket (WebSocket mode), for a host that keeps
   * one per client connection. Rejects when it cannot be opened; the host then streams over HTTP.
   */
  socket?(options?: CallOptions): Promise<ResponsesSocket>;
}

/** One open Responses WebSocket to an upstream: one turn at a time. */
export interface ResponsesSocket {
  /**
   * Sends a `response.create` (the request without `stream`); resolves at the first event with
   * the turn's events as a stream, as `ResponsesOperations.stream` does, or rejects with the
   * upstream's error when its first frame is one.
   */
  create(request: ResponsesCreateRequest, options?: CallOptions): Promise<WireStreamResult<ResponseStreamEvent>>;
  close(): void;
  readonly closed: boolean;
}

/**
 * The Conversations API, in its wire format: conversations stored by the upstream, whose items
 * a Responses create with `conversation` reads and extends. Ids are the upstream's.
 */
export interface ConversationsOperations {
  create(body: ConversationRequest, options?: CallOptions): Promise<WireResult<ConversationObject>>;
  retrieve(id: string, options?: CallOptions): Promise<WireResult<ConversationObject>>;
  update(id: string, body: ConversationRequest, options?: CallOptions): Promise<WireResult<ConversationObject>>;
  delete(id: string, options?: CallOptions): Promise<WireResult<DeletedConversation>>;
  listItems(id: string, query?: QueryParams, options?: CallOptions): Promise<WireResult<ConversationItemList>>;
  createItems(id: string, body: ConversationRequest, query?: QueryParams, options?: CallOptions): Promise<WireResult<ConversationItemList>>;
  retrieveItem(id: string, itemId: string, query?: QueryParams, options?: CallOptions): Promise<WireResult<ConversationItem>>;
  /** Answers the conversation. */
  deleteItem(id: string, itemId: string, options?: CallOptions): Promise<WireResult<ConversationObject>>;
}

/** Chat Completions, in its wire format. */
export interface ChatOperations {
  create(request: ChatCompletionRequest, options?: CallOptions): Promise<WireResult<ChatCompletion>>;
  stream(request: ChatCompletionRequest, options?: CallOptions): Promise<WireStreamResult<ChatCompletionChunk>>;
}

/**
 * A model reference resolved with its settings: the thing that actually serves requests.
 * A deployment serves `responses`, `chat` or both; which one is native and which goes through a
 * transform is the provider's business, visible only in `native`.
 */
export interface Deployment {
  /** Provider id, e.g. `azure`. */
  readonly provider: string;
  /** The upstream deployment/model name, e.g. `o1-pro`. */
  readonly name: string;
  /** Where requests go, without credentials or query: safe to log. */
  readonly apiBase: string;
  /**
   * Optional: the upstream as OpenTelemetry's GenAI conventions name it (`gen_ai.provider.name`,
   * e.g. `azure.ai.openai`); hosts use `provider` when absent.
   */
  readonly genAiSystem?: string;
  /** Which operations reach the upstream in their own format (no transform). */
  readonly native: { responses: boolean; chat: boolean };
  readonly responses?: ResponsesOperations;
  readonly chat?: ChatOperations;
  /** Optional: the upstream stores conversations (`/conversations`). */
  readonly conversations?: ConversationsOperations;
  /**
   * Optional: USD per token for this deployment, resolved once by `resolve` (from the provider's
   * price table and `ProviderContext.modelInfo`). `null`: the provider has no price for it (it
   * warns once, naming the deployment) and hosts report cost `null`. Absent: the provider does
   * not report prices at all; hosts report cost `null` too, never 0.
   */
  readonly price?: PriceEntry | null;
  /**
   * Optional: which source gave `price` (`genai-prices:azure`, `model_info`,
   * `genai-prices:openai+model_info`, ...), for hosts to record beside the cost.
   */
  readonly priceSource?: string;
}
