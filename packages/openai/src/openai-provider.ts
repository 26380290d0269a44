import { defineProvider, type Deployment } from "@dheera/core";
import { conversationsUrls, createOpenAIStyleClient, openAIStyleChatOperations, openAIStyleConversationsOperations, openAIStyleResponsesOperations, resolveProviderPrice } from "@dheera/core/kit";
import { responsesViaChat } from "@dheera/azure/bridge";
import { OPENAI_ENV_KEYS, openaiSettingKeys, openaiSettingsSchema, resolveOpenAISettings, type ResolvedOpenAISettings } from "./config/openai-settings.js";
import { createOpenAIUrls } from "./config/openai-urls.js";
import { autoResponses } from "./operations/auto-responses.js";

/**
 * OpenAI (`openai/gpt-5`) and any OpenAI-compatible server (`api_base`: vLLM, Ollama, LM Studio,
 * a company's own gateway). Responses and Chat go to the server natively; for a server with only
 * Chat, `/responses` is served through its chat route (`responses_via_chat`, detected by itself
 * for a server that is not OpenAI's). Everything after `openai/` is the model name, slashes
 * included (`openai/meta-llama/Llama-3.1-8B-Instruct`).
 */
export const openaiProvider = defineProvider({
  specificationVersion: "v1",
  id: "openai",
  settingsSchema: openaiSettingsSchema,
  settingKeys: openaiSettingKeys,
  envKeys: OPENAI_ENV_KEYS,
  resolve(reference, settings, context): Deployment {
    const model = reference.model;
    const resolved = resolveOpenAISettings(settings, context.env);
    const urls = createOpenAIUrls(resolved.apiBase);
    const client = createOpenAIStyleClient({
      provider: "openai",
      displayName: resolved.official ? "OpenAI" : "The OpenAI-compatible server",
      transport: context.transport,
      authHeaders: () => authHeaders(resolved),
      staticAuth: true,
      secrets: [resolved.apiKey],
      timeoutMs: resolved.timeoutMs,
    });
    const chat = openAIStyleChatOperations(client, { url: urls.chat, model });
    const native = openAIStyleResponsesOperations(client, { urls, model });
    const mode = resolved.responsesViaChat;
    const responses =
      mode === true
        ? responsesViaChat(chat, context.warn)
        : mode === "auto"
          ? autoResponses(native, responsesViaChat(chat, context.warn), () =>
              context.warn?.(`${resolved.apiBase} has no Responses API (POST /responses is not a route there): "${model}" serves /responses through its chat route from now on. Set responses_via_chat: true to skip the probe.`),
            )
          : native;
    return {
      provider: "openai",
      // OpenTelemetry's GenAI name: OpenAI itself, or the generic name for a compatible server.
      genAiSystem: resolved.official ? "openai" : "openai_compatible",
      name: model,
      apiBase: resolved.apiBase,
      native: { responses: mode !== true, chat: true },
      responses,
      chat,
      // A chat-only server (responses_via_chat: true) stores nothing.
      ...(mode !== true ? { conversations: openAIStyleConversationsOperations(client, conversationsUrls(`${resolved.apiBase}/conversations`)) } : {}),
      ...resolveProviderPrice({
        displayName: resolved.official ? "OpenAI" : "OpenAI-compatible",
        catalogProvider: "openai",
        deployment: model,
        apiBase: resolved.apiBase,
        modelInfo: context.modelInfo,
        warn: context.warn,
      }),
    };
  },
});

function authHeaders(settings: ResolvedOpenAISettings): Record<string, string> {
  const headers: Record<string, string> = {};
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  if (settings.organization) headers["openai-organization"] = settings.organization;
  if (settings.project) headers["openai-project"] = settings.project;
  // extra_headers win, compared without regard to case.
  for (const [name, value] of Object.entries(settings.extraHeaders)) {
    for (const existing of Object.keys(headers)) if (existing === name.toLowerCase()) delete headers[existing];
    headers[name] = value;
  }
  return headers;
}
