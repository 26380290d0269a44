/**
 * `@dheera/core/kit`: what a provider package reuses beside the contract (`@dheera/core`), as
 * vercel/ai keeps `provider-utils` apart from `provider`: an HTTP client for OpenAI-style
 * upstreams with error mapping and secret redaction, ready-made Responses and Chat operations for
 * upstreams that speak them natively, and the hand-written Response checks behind the fast paths.
 */
export { createOpenAIStyleClient, type OpenAIStyleClient, type OpenAIStyleClientOptions } from "./openai-style-client.js";
export { mapOpenAIStyleError, type OpenAIStyleErrorOptions, type ParsedUpstreamError, type UpstreamErrorInput } from "./openai-style-error.js";
export { openAIStyleChatOperations, openAIStyleResponsesOperations, type ResponsesUrls } from "./openai-style-operations.js";
export { conversationsUrls, openAIStyleConversationsOperations, type ConversationsUrls } from "./openai-style-conversations.js";
export { isResponseObject, readResponseSummary } from "./response-shape.js";
export { REDACTED, normalizeSecrets, redactDeep, redactSecrets } from "./redact-secrets.js";
export { catalogPrice, type CatalogPrice } from "./catalog-price.js";
export { resolveProviderPrice } from "./deployment-price.js";
export { warnOnce } from "./warn-once.js";
