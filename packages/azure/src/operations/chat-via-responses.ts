import {
  StreamAccounting,
  chatSseFraming,
  type ChatOperations,
  type ResponsesOperations,
  type TransformContext,
} from "@dheera/core";
import { chatOverResponses } from "../transform/chat-over-responses.js";
import { responsesToChatChunksStep } from "../transform/responses-stream-to-chat-chunks.js";

/**
 * Chat Completions served through the Responses API (model references `azure/responses/<dep>`):
 * the request is transformed down, the answer and the stream events transformed back up.
 */
export function chatViaResponses(responses: ResponsesOperations, warn?: (message: string) => void): ChatOperations {
  const context = (model: string, includeUsage?: boolean): TransformContext => ({
    model,
    ...(includeUsage ? { includeUsage } : {}),
    ...(warn ? { warn } : {}),
  });

  return {
    async create(request, options) {
      const ctx = context(request.model);
      const result = await responses.create(chatOverResponses.request(request, ctx), options);
      return { ...result, body: chatOverResponses.response(result.body, ctx) };
    },

    async stream(request, options) {
      const ctx = context(request.model, request.stream_options?.include_usage === true);
      const upstream = await responses.stream({ ...chatOverResponses.request(request, ctx), stream: true }, options);
      // The terminal event's usage is read on the side: without include_usage the chunks do not
      // carry it, yet the host still has to price the request.
      const accounting = new StreamAccounting("responses");
      const transform = responsesToChatChunksStep(ctx);
      const step: typeof transform = {
        push(event) {
          accounting.observe(event);
          return transform.push(event);
        },
        end: () => transform.end(),
        get done() {
          return transform.done;
        },
      };
      return { ...upstream, stream: upstream.stream.through(step, chatSseFraming), usage: () => accounting.usage };
    },
  };
}
