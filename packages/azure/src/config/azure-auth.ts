import { ConfigurationError, DheeraError } from "@dheera/core";
import type { ResolvedAzureSettings } from "./azure-settings.js";

/**
 * Request headers that authenticate against Azure OpenAI. Azure accepts an `api-key` header
 * (classic and v1 surfaces) or an Entra ID token as `Authorization: Bearer`. The key goes in
 * `api-key`, never as Bearer: only the v1 surface accepts a key as Bearer, `api-key` works on
 * both.
 */

export type AzureAuthInput = Pick<ResolvedAzureSettings, "apiKey" | "adToken" | "adTokenProvider"> &
  Partial<Pick<ResolvedAzureSettings, "extraHeaders">>;

/**
 * Precedence: api key, else static token, else token provider (called per request so the
 * provider owns caching and refresh). extra_headers are merged last and win, compared without
 * regard to case, so a user's `Api-Key` or `Authorization` replaces ours instead of being sent
 * next to it. Those user headers may carry secrets of their own: never log them (see
 * `redactHeadersForLog`).
 */
export async function azureAuthHeaders(input: AzureAuthInput): Promise<Record<string, string>> {
  const headers = await credentialHeaders(input);
  for (const [name, value] of Object.entries(input.extraHeaders ?? {})) {
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    }
    headers[name] = value;
  }
  return headers;
}

async function credentialHeaders(input: AzureAuthInput): Promise<Record<string, string>> {
  if (input.apiKey) return { "api-key": input.apiKey };
  if (input.adToken) return { authorization: `Bearer ${input.adToken}` };
  if (input.adTokenProvider) return { authorization: `Bearer ${await callProvider(input.adTokenProvider)}` };
  throw new ConfigurationError(
    "Azure credentials are not set. Pass api_key or set AZURE_API_KEY (or AZURE_OPENAI_API_KEY), " +
      "or pass azure_ad_token / set AZURE_AD_TOKEN.",
    { param: "api_key", provider: "azure" },
  );
}

async function callProvider(provider: NonNullable<AzureAuthInput["adTokenProvider"]>): Promise<string> {
  let token: unknown;
  try {
    token = await provider();
  } catch (cause) {
    // A 500, not a 401: the gateway's own credential failed, the caller's request is fine.
    // The provider's message stays in `cause` only: it may describe the credential it used.
    throw new DheeraError("Azure azure_ad_token_provider failed to return a token.", {
      status: 500,
      type: "server_error",
      code: "token_provider_failed",
      provider: "azure",
      cause,
    });
  }
  if (typeof token !== "string" || token.trim() === "") {
    throw new ConfigurationError("Azure azure_ad_token_provider must return a non-empty token string.", {
      param: "azure_ad_token_provider",
      provider: "azure",
    });
  }
  return token.trim();
}

// Header values that are safe to show; everything else is masked because user extra_headers
// routinely carry gateway keys under names we cannot predict.
const LOGGABLE_HEADERS = new Set([
  "accept",
  "content-type",
  "user-agent",
  "x-ms-client-request-id",
  "x-request-id",
  "openai-beta",
]);

/** A copy of outgoing headers fit for logs: names kept, values masked unless known harmless. */
export function redactHeadersForLog(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = LOGGABLE_HEADERS.has(name.toLowerCase()) ? value : "[REDACTED]";
  }
  return out;
}
