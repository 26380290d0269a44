import { ConfigurationError, defineProvider, type Deployment } from "@dheera/core";
import { openAIStyleConversationsOperations, resolveProviderPrice } from "@dheera/core/kit";
import { AZURE_ENV_KEYS, azureSettingKeys, azureSettingsSchema, resolveAzureSettings } from "./config/azure-settings.js";
import { createAzureUrls, normalizeAzureBase } from "./config/azure-url.js";
import { parseAzureModel } from "./azure-model-reference.js";
import { createAzureClient } from "./operations/azure-client.js";
import { azureChatOperations } from "./operations/azure-chat-operations.js";
import { azureResponsesOperations } from "./operations/azure-responses-operations.js";
import { chatViaResponses } from "./operations/chat-via-responses.js";
import { responsesViaChat } from "./operations/responses-via-chat.js";
import { warnOldResponsesVersion } from "./config/old-responses-version-warning.js";

/**
 * The Azure OpenAI provider plugin. `azure/<deployment>` serves Responses and Chat natively;
 * `azure/responses/<deployment>` serves Chat through the Responses API. The deployment's price
 * comes from the price database (genai-prices' Azure prices) and the host's `model_info`, once, here.
 */
export const azureProvider = defineProvider({
  specificationVersion: "v1",
  id: "azure",
  settingsSchema: azureSettingsSchema,
  settingKeys: azureSettingKeys,
  envKeys: AZURE_ENV_KEYS,
  resolve(reference, settings, context): Deployment {
    const { deployment, chatViaResponses: bridged } = parseAzureModel(reference.model);
    const resolved = resolveAzureSettings(settings, context.env);
    const urls = createAzureUrls({ apiBase: resolved.apiBase, apiVersion: resolved.apiVersion, deployment });
    const viaChat = settings.responses_via_chat === true;
    if (viaChat && bridged) {
      throw new ConfigurationError(`azure/responses/${deployment} serves chat through the Responses API; responses_via_chat asks the opposite. Use one of them.`, {
        param: "responses_via_chat",
        provider: "azure",
      });
    }
    const client = createAzureClient(resolved, context.transport);
    const chat = bridged ? undefined : azureChatOperations(client, urls, deployment);
    const responses = chat && viaChat ? responsesViaChat(chat, context.warn) : azureResponsesOperations(client, urls, deployment);
    const apiBase = normalizeAzureBase(resolved.apiBase).base;
    if (!viaChat) warnOldResponsesVersion({ deployment, apiBase, urls, bridged, warn: context.warn });
    return {
      provider: "azure",
      // OpenTelemetry's GenAI name for Azure OpenAI.
      genAiSystem: "azure.ai.openai",
      name: deployment,
      apiBase,
      native: { responses: !viaChat, chat: !bridged },
      responses,
      chat: chat ?? chatViaResponses(responses, context.warn),
      // Conversations live on the resource (v1 surface); a chat-only deployment has none.
      ...(urls.conversations && !viaChat ? { conversations: openAIStyleConversationsOperations(client, urls.conversations) } : {}),
      ...resolveProviderPrice({ displayName: "Azure", catalogProvider: "azure", deployment, apiBase, modelInfo: context.modelInfo, warn: context.warn }),
    };
  },
});
