import { azureProvider } from "./azure-provider.js";

export { azureProvider } from "./azure-provider.js";
export { parseAzureModel, type AzureModel } from "./azure-model-reference.js";
export {
  azureSettingsSchema,
  azureSettingKeys,
  resolveAzureSettings,
  DEFAULT_AZURE_API_VERSION,
  type AzureSettings,
  type AzureAdTokenProvider,
  type ResolvedAzureSettings,
} from "./config/azure-settings.js";
export { createAzureUrls, normalizeAzureBase, type AzureUrls, type AzureApiRoute } from "./config/azure-url.js";
export { isV1ApiVersion, classifyApiVersion } from "./config/azure-api-version.js";
export { mapAzureError } from "./errors/azure-error.js";
export { chatOverResponses } from "./transform/chat-over-responses.js";
export { responsesOverChat } from "./transform/responses-over-chat.js";

/** Found by @dheera/core's provider resolution for model references `azure/...`. */
export default azureProvider;
