import {
  StreamAccounting,
  chatSseFraming,
  normalizeUsage,
  type CallOptions,
  type ResponseStreamEvent,
  type ChatOperations,
  type ResponsesOperations,
  type TransformContext,
} from "@dheera/core";
import { chatOverResponses } from "../transform/chat-over-responses.js";
import { accountedStep, bridgeContext, droppedOf } from "./bridge-context.js";
import { responsesToChatChunksStep } from "../transform/responses-stream-to-chat-chunks.js";

/**
 * Chat Completions served through the Responses API (model references `azure/responses/<dep>`):
 * the request is transformed down, the answer and the stream events transformed back up.
 */
export function chatViaResponses(responses: ResponsesOperations, warn?: (message: string) => void): ChatOperations {
  const context = (model: string, options: CallOptions | undefined, dropped: string[], includeUsage?: boolean): TransformContext => {
    const ctx = bridgeContext(model, options, dropped, warn);
    return includeUsage ? Object.assign(ctx, { includeUsage }) : ctx;
  };

  return {
    async create(request, options) {
      const dropped: string[] = [];
      const ctx = context(request.model, options, dropped);
      const result = await responses.create(chatOverResponses.request(request, ctx), options);
      return Object.assign({}, result, { body: chatOverResponses.response(result.body, ctx) }, droppedOf(dropped));
    },

    async stream(request, options) {
      const dropped: string[] = [];
      const ctx = context(request.model, options, dropped, request.stream_options?.include_usage === true);
      const upstream = await responses.stream({ ...chatOverResponses.request(request, ctx), stream: true }, options);
      // Accounted here, once, as the events are built: the chunks the client gets (id, first
      // token, finish) plus what only the upstream shows (usage without include_usage, a failure
      // the chunks cannot carry). The host reads `accounting` instead of parsing the chunks again.
      const accounting = new StreamAccounting("chat");
      const step = accountedStep(responsesToChatChunksStep(ctx), accounting, (event) => noteUpstream(accounting, event));
      // Object.assign: members added after a spread take a slow path on Node 20's V8 (~1.5 us).
      return Object.assign({}, upstream, { stream: upstream.stream.through(step, chatSseFraming), usage: () => accounting.usage, accounting }, droppedOf(dropped));
    },
  };
}

/** What the upstream Responses event tells the accounting that the chat chunks cannot: usage, failure. */
function noteUpstream(accounting: StreamAccounting, event: ResponseStreamEvent): void {
  const type = event.type;
  if (type !== "response.completed" && type !== "response.incomplete" && type !== "response.failed" && type !== "error") return;
  const e = event as { response?: { usage?: unknown; error?: { code?: unknown; message?: unknown } | null }; code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown } };
  if (type !== "error") accounting.recordUsage(normalizeUsage(e.response?.usage));
  const error = type === "error" ? (e.error ?? e) : type === "response.failed" ? e.response?.error : undefined;
  if (type === "error" || type === "response.failed") {
    accounting.recordFailure({
      code: typeof error?.code === "string" ? error.code : null,
      message: typeof error?.message === "string" ? error.message : type === "error" ? "The stream reported an error." : "The response failed.",
    });
  }
}
