/**
 * `@dheera/openai/testing`: an OpenAI API emulator as strict as the service (or, `chatOnly`, a
 * vLLM-like chat-only server), for tests without credentials, in process or on loopback, where
 * `startOpenAIEmulatorServer` can also inject faults (error statuses, resets, broken streams).
 */
export {
  createOpenAIEmulator,
  DEFAULT_OPENAI_API_KEYS,
  DEFAULT_OPENAI_MODELS,
  type OpenAIEmulator,
  type OpenAIEmulatorOptions,
} from "./openai-emulator.js";
export { startOpenAIEmulatorServer, type OpenAIEmulatorServer } from "./openai-emulator-server.js";
export { maskKey } from "./openai-errors.js";
export { REASONING_TEXT } from "./openai-wire-rewrite.js";
export type { OpenAIRoute } from "./openai-routes.js";
/** Words in the last user message that make the engine misbehave (`[[rate_limit]]`, `[[server_error]]`, `[[slow]]`, …). */
export { EMULATOR_MAGIC_PHRASES } from "@dheera/azure/testing";
// The engine's types, so a test needs no import from the Azure package.
export type {
  EmulatorExchange,
  EmulatorFault,
  EmulatorFaultContext,
  EmulatorReply,
  EmulatorReplyContext,
  EmulatorServerOptions,
  RecordedRequest,
} from "@dheera/azure/testing";
