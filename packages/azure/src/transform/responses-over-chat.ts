import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ResponseObject,
  ResponsesCreateRequest,
  ResponseStreamEvent,
  Transform,
} from "@dheera/core";
import { chatChunksToResponsesStep, chatChunksToResponsesStream } from "./chat-chunks-to-responses-stream.js";
import { chatCompletionToResponse } from "./chat-completion-to-response.js";
import { responsesToChatRequest } from "./responses-to-chat-request.js";

/**
 * The Responses API served from a chat-only upstream. Pass the client's request as
 * `context.request` (a `ResponsesEchoContext`) to `response` and `stream`: the Response object
 * echoes instructions, tools, text format and the like, which a chat answer does not carry.
 */
export const responsesOverChat: Transform<
  ResponsesCreateRequest,
  ChatCompletionRequest,
  ChatCompletion,
  ResponseObject,
  ChatCompletionChunk,
  ResponseStreamEvent
> = {
  request: responsesToChatRequest,
  response: chatCompletionToResponse,
  stream: chatChunksToResponsesStream,
  streamStep: chatChunksToResponsesStep,
};
