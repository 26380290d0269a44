/**
 * `@dheera/azure/bridge`: the Responses <-> Chat Completions bridge, for any provider package.
 *
 * - `responsesViaChat(chat)`: serve the Responses API from a deployment that speaks only Chat
 *   Completions (vLLM, Ollama, most local servers): `responses: responsesViaChat(chatOps)`.
 * - `chatViaResponses(responses)`: serve Chat Completions from a Responses-only deployment.
 * - The pure transforms under both, each direction's stream also as a push-style step
 *   (`{ push(event): out[]; end(): out[]; done }`) that `WireStream.through` drives without a
 *   promise per event, and as an async-iterable transform built on the step.
 *
 * It lives in `@dheera/azure`, its first user, as the design says; it imports nothing Azure's.
 */
export { responsesViaChat } from "../operations/responses-via-chat.js";
export { chatViaResponses } from "../operations/chat-via-responses.js";
export { responsesOverChat } from "../transform/responses-over-chat.js";
export { chatOverResponses } from "../transform/chat-over-responses.js";
export { responsesToChatRequest } from "../transform/responses-to-chat-request.js";
export { chatCompletionToResponse } from "../transform/chat-completion-to-response.js";
export { chatChunksToResponsesStep, chatChunksToResponsesStream } from "../transform/chat-chunks-to-responses-stream.js";
export { chatToResponsesRequest } from "../transform/chat-to-responses-request.js";
export { responsesToChatCompletion } from "../transform/responses-to-chat-completion.js";
export { responsesStreamToChatChunks, responsesToChatChunksStep } from "../transform/responses-stream-to-chat-chunks.js";
export type { ResponsesEchoContext } from "../transform/response-object-builder.js";
export { responseUsageToChatUsage, chatUsageToResponseUsage } from "../transform/map-usage.js";
export { finishReasonFromResponse, responseStatusFromFinishReason } from "../transform/map-finish-reason.js";
