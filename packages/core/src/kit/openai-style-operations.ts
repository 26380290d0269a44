import type { ChatOperations, QueryParams, ResponsesOperations } from "../provider/deployment.js";
import { WireStream } from "../sse/wire-stream.js";
import { chatCompletionSchema, type ChatCompletionChunk } from "../wire/chat-completion.js";
import { compactedResponseSchema, deletedResponseSchema, inputItemListSchema, inputTokenCountSchema } from "../wire/response-object.js";
import type { ResponseStreamEvent } from "../wire/responses-stream-events.js";
import type { OpenAIStyleClient } from "./openai-style-client.js";
import { isResponseObject, readResponseSummary } from "./response-shape.js";

/** Where an OpenAI-style upstream serves the Responses API. */
export interface ResponsesUrls {
  responses: string;
  responseById(id: string, query?: QueryParams): string;
  cancel(id: string): string;
  inputItems(id: string, query?: QueryParams): string;
  /** Optional: `POST /responses/input_tokens`, where the upstream counts tokens. */
  inputTokens?: string;
  /** Optional: `POST /responses/compact`. */
  compact?: string;
}

/**
 * The Responses API on an upstream that speaks it natively: the request flows through untouched
 * (unknown parameters included) but for `model`, which becomes the upstream's model name, and
 * `stream`. JSON answers are checked, not copied (`createRaw` keeps the upstream's text for a
 * host that only relays it); streams are the upstream's SSE events, parsed lazily.
 */
export function openAIStyleResponsesOperations(client: OpenAIStyleClient, { urls, model }: { urls: ResponsesUrls; model: string }): ResponsesOperations {
  return {
    create: (request, options) => client.jsonChecked("POST", urls.responses, { ...request, model, stream: false }, isResponseObject, options),

    createRaw: (request, options) => client.jsonRaw("POST", urls.responses, { ...request, model, stream: false }, readResponseSummary, options),

    async stream(request, options) {
      const { response, abort, ...meta } = await client.stream(urls.responses, { ...request, model, stream: true }, options);
      return { ...meta, stream: WireStream.fromSse<ResponseStreamEvent>(response.body, abort) };
    },

    retrieve: (id, query, options) => client.jsonChecked("GET", urls.responseById(id, query), undefined, isResponseObject, options),

    async retrieveStream(id, query, options) {
      const { response, abort, ...meta } = await client.stream(urls.responseById(id, { ...query, stream: "true" }), undefined, options, "GET");
      return { ...meta, stream: WireStream.fromSse<ResponseStreamEvent>(response.body, abort) };
    },

    delete: (id, options) => client.json("DELETE", urls.responseById(id), undefined, deletedResponseSchema, options),

    cancel: (id, options) => client.jsonChecked("POST", urls.cancel(id), undefined, isResponseObject, options),

    listInputItems: (id, query, options) => client.json("GET", urls.inputItems(id, query), undefined, inputItemListSchema, options),

    ...(urls.inputTokens ? { inputTokens: (request, options) => client.json("POST", urls.inputTokens!, { ...request, model }, inputTokenCountSchema, options) } : {}),

    ...(urls.compact ? { compact: (request, options) => client.json("POST", urls.compact!, { ...request, model }, compactedResponseSchema, options) } : {}),
  };
}

/** Chat Completions on an upstream that speaks it natively; `model` becomes the upstream's model name. */
export function openAIStyleChatOperations(client: OpenAIStyleClient, { url, model }: { url: string; model: string }): ChatOperations {
  return {
    create: (request, options) => client.json("POST", url, { ...request, model, stream: false }, chatCompletionSchema, options),

    async stream(request, options) {
      const { response, abort, ...meta } = await client.stream(url, { ...request, model, stream: true }, options);
      return { ...meta, stream: WireStream.fromSse<ChatCompletionChunk>(response.body, abort) };
    },
  };
}
