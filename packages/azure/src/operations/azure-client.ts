import { type Transport } from "@dheera/core";
import { createOpenAIStyleClient, type OpenAIStyleClient } from "@dheera/core/kit";
import { azureAuthHeaders } from "../config/azure-auth.js";
import type { ResolvedAzureSettings } from "../config/azure-settings.js";
import { mapAzureError } from "../errors/azure-error.js";

/** The kit's OpenAI-style client, with Azure's credentials, error dialect and headers. */
export type AzureClient = OpenAIStyleClient;

// Headers a caller may want to see (ids for support, rate limits); everything else stays here.
const EXPOSED_HEADERS = /^(apim-request-id|x-request-id|x-ms-request-id|x-ms-region|x-ms-deployment-name|openai-processing-ms|x-ratelimit-.*|retry-after|retry-after-ms)$/;

export function createAzureClient(settings: ResolvedAzureSettings, transport: Transport): AzureClient {
  return createOpenAIStyleClient({
    provider: "azure",
    displayName: "Azure",
    transport,
    authHeaders: () => azureAuthHeaders(settings),
    // With a key or a static token the headers never change; a token provider is asked per request.
    staticAuth: !settings.adTokenProvider,
    secrets: [settings.apiKey, settings.adToken],
    timeoutMs: settings.timeoutMs,
    mapError: mapAzureError,
    exposedHeaders: EXPOSED_HEADERS,
    requestIdHeaders: ["apim-request-id", "x-request-id"],
  });
}
