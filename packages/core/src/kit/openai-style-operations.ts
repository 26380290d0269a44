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
  /** Optional: the Responses WebSocket (`wss://.../responses`), where the upstream serves WebSocket mode. */
  socket?: string;
}

/** After a WebSocket that could not be opened, how long the deployment streams over HTTP before trying again. */
const SOCKET_RETRY_AFTER_MS = 60_000;

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
      // Object.assign, not a spread with a member after it (slow on Node 20's V8; see openai-style-client.ts).
      const { response, abort, ...meta } = await client.stream(urls.responses, { ...request, model, stream: true }, options);
      return Object.assign(meta, { stream: WireStream.fromSse<ResponseStreamEvent>(response.body, abort) });
    },

    retrieve: (id, query, options) => client.jsonChecked("GET", urls.responseById(id, query), undefined, isResponseObject, options),

    async retrieveStream(id, query, options) {
      const { response, abort, ...meta } = await client.stream(urls.responseById(id, { ...query, stream: "true" }), undefined, options, "GET");
      return Object.assign(meta, { stream: WireStream.fromSse<ResponseStreamEvent>(response.body, abort) });
    },

    delete: (id, options) => client.json("DELETE", urls.responseById(id), undefined, deletedResponseSchema, options),

    cancel: (id, options) => client.jsonChecked("POST", urls.cancel(id), undefined, isResponseObject, options),

    listInputItems: (id, query, options) => client.json("GET", urls.inputItems(id, query), undefined, inputItemListSchema, options),

    ...(urls.inputTokens ? { inputTokens: (request, options) => client.json("POST", urls.inputTokens!, { ...request, model }, inputTokenCountSchema, options) } : {}),

    ...(urls.compact ? { compact: (request, options) => client.json("POST", urls.compact!, { ...request, model }, compactedResponseSchema, options) } : {}),

    ...(urls.socket ? { socket: socketOpener(client, urls.socket, model) } : {}),
  };
}

/** Opens the upstream's WebSocket; after one that failed, refuses at once for a while (every client connection would try again). */
function socketOpener(client: OpenAIStyleClient, url: string, model: string): NonNullable<ResponsesOperations["socket"]> {
  let refusedUntil = 0;
  return async (options) => {
    if (Date.now() < refusedUntil) throw new Error("The upstream's WebSocket failed to open recently.");
    try {
      return await client.responsesSocket(url, model, options);
    } catch (err) {
      refusedUntil = Date.now() + SOCKET_RETRY_AFTER_MS;
      throw err;
    }
  };
}

/** Chat Completions on an upstream that speaks it natively; `model` becomes the upstream's model name. */
export function openAIStyleChatOperations(client: OpenAIStyleClient, { url, model }: { url: string; model: string }): ChatOperations {
  return {
    create: (request, options) => client.json("POST", url, { ...request, model, stream: false }, chatCompletionSchema, options),

    async stream(request, options) {
      const { response, abort, ...meta } = await client.stream(url, { ...request, model, stream: true }, options);
      return Object.assign(meta, { stream: WireStream.fromSse<ChatCompletionChunk>(response.body, abort) });
    },
  };
}
