/**
 * `@dheera/openai/testing`: an OpenAI API emulator as strict as the service (or, `chatOnly`, a
 * vLLM-like chat-only server), for tests without credentials, in process or on loopback.
 */
export {
  createOpenAIEmulator,
  DEFAULT_OPENAI_API_KEYS,
  DEFAULT_OPENAI_MODELS,
  type OpenAIEmulator,
  type OpenAIEmulatorOptions,
  type OpenAIRecordedRequest,
} from "./openai-emulator.js";
export { maskKey } from "./openai-errors.js";
export { REASONING_TEXT } from "./openai-wire-rewrite.js";
