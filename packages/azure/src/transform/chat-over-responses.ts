import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ResponseObject,
  ResponsesCreateRequest,
  ResponseStreamEvent,
  Transform,
} from "@dheera/core";
import { chatToResponsesRequest } from "./chat-to-responses-request.js";
import { responsesStreamToChatChunks, responsesToChatChunksStep } from "./responses-stream-to-chat-chunks.js";
import { responsesToChatCompletion } from "./responses-to-chat-completion.js";

/**
 * Chat Completions served from a Responses upstream (model references `azure/responses/<dep>`).
 * The request keeps the client's `model`; the operation that sends it sets the deployment.
 */
export const chatOverResponses: Transform<
  ChatCompletionRequest,
  ResponsesCreateRequest,
  ResponseObject,
  ChatCompletion,
  ResponseStreamEvent,
  ChatCompletionChunk
> = {
  request: chatToResponsesRequest,
  response: responsesToChatCompletion,
  stream: responsesStreamToChatChunks,
  streamStep: responsesToChatChunksStep,
};
