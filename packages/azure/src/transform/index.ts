/** The Responses <-> Chat Completions bridge, both directions. */
export { chatOverResponses } from "./chat-over-responses.js";
export { responsesOverChat } from "./responses-over-chat.js";
export { chatToResponsesRequest } from "./chat-to-responses-request.js";
export { responsesToChatCompletion } from "./responses-to-chat-completion.js";
export { responsesStreamToChatChunks, responsesToChatChunksStep } from "./responses-stream-to-chat-chunks.js";
export { responsesToChatRequest } from "./responses-to-chat-request.js";
export { chatCompletionToResponse } from "./chat-completion-to-response.js";
export { chatChunksToResponsesStream } from "./chat-chunks-to-responses-stream.js";
export type { ResponsesEchoContext } from "./response-object-builder.js";
export { responseUsageToChatUsage, chatUsageToResponseUsage } from "./map-usage.js";
export { finishReasonFromResponse, responseStatusFromFinishReason } from "./map-finish-reason.js";
