import type { ChatCompletionChunk } from "../wire/chat-completion.js";
import type { ResponseStreamEvent } from "../wire/responses-stream-events.js";
import type { SseFraming } from "./wire-stream.js";

/** Responses SSE: `event: <type>` + `data: <json>`, no [DONE] sentinel. */
export const responsesSseFraming: SseFraming<ResponseStreamEvent> = {
  encode: (event) => ({ event: event.type, data: JSON.stringify(event) }),
};

/** Chat Completions SSE: data-only chunks, ended by `data: [DONE]`. */
export const chatSseFraming: SseFraming<ChatCompletionChunk> = {
  encode: (chunk) => ({ data: JSON.stringify(chunk) }),
  trailer: { data: "[DONE]" },
};
