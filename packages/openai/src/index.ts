import { openaiProvider } from "./openai-provider.js";

export { openaiProvider } from "./openai-provider.js";
export { openaiSettingsSchema, openaiSettingKeys, resolveOpenAISettings, OPENAI_API_BASE, type OpenAISettings, type ResolvedOpenAISettings } from "./config/openai-settings.js";
export { createOpenAIUrls, type OpenAIUrls } from "./config/openai-urls.js";

/** Found by @dheera/core's provider resolution for model references `openai/...`. */
export default openaiProvider;
