import {
  StreamAccounting,
  WireStream,
  chatSseFraming,
  type ChatOperations,
  type ResponseStreamEvent,
  type ResponsesOperations,
  type TransformContext,
} from "@dheera/core";
import { chatOverResponses } from "../transform/chat-over-responses.js";

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
      const chunks = chatOverResponses.stream(observed(upstream.stream, accounting), ctx);
      return {
        ...upstream,
        stream: WireStream.fromEvents(chunks, chatSseFraming, (r) => upstream.stream.abort(r)),
        usage: () => accounting.usage,
      };
    },
  };
}

/** The events as they pass, told to `accounting`: a plain iterator, one layer lighter than a generator. */
function observed(events: AsyncIterable<ResponseStreamEvent>, accounting: StreamAccounting): AsyncIterable<ResponseStreamEvent> {
  return {
    [Symbol.asyncIterator]() {
      const it = events[Symbol.asyncIterator]();
      return {
        next: () =>
          it.next().then((r) => {
            if (!r.done) accounting.observe(r.value);
            return r;
          }),
        return: (value?: unknown) => (it.return ? it.return(value) : Promise.resolve({ done: true as const, value: undefined })),
      };
    },
  };
}
