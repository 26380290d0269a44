import { z } from "zod";
import { ConfigurationError } from "@dheera/core";
import { classifyApiVersion } from "./azure-api-version.js";
import { normalizeAzureBase } from "./azure-url.js";
import { ENTRA_ENV_KEYS, entraCredentialSettingsSchema } from "./entra-credential-settings.js";
import { isTokenCredential, tokenProviderFromCredential, tokenProviderFromSettings, type TokenCredentialLike } from "./entra-token-provider.js";

/**
 * The Azure provider's settings, as users write them in config files and flat SDK calls
 * (snake_case, like the OpenAI wire format). The schema is strict so a typo such as
 * `api_bsae` is an error instead of a silently ignored key.
 */

/** Returns an Entra ID access token; called before each request so the SDK user owns caching and refresh. */
export type AzureAdTokenProvider = () => string | Promise<string>;

export const azureSettingsSchema = z.strictObject({
  api_key: z.string().optional(),
  api_base: z.string().optional(),
  api_version: z.string().optional(),
  /** A static Entra ID token, sent as `Authorization: Bearer`. */
  azure_ad_token: z.string().optional(),
  /**
   * Entra ID tokens that renew themselves: a function returning a token (called per request: the
   * caller caches), an `@azure/identity` credential (`new DefaultAzureCredential()`: cached
   * here and renewed before expiry), or, in a config file, the credential to build
   * (`{ type: client_secret | managed_identity | workload_identity | default, ... }`).
   */
  azure_ad_token_provider: z
    .union([
      z.custom<AzureAdTokenProvider | TokenCredentialLike>((value) => typeof value === "function" || isTokenCredential(value), {
        message: "azure_ad_token_provider must be a function returning a token string, a TokenCredential, or { type: ... }",
      }),
      entraCredentialSettingsSchema,
    ])
    .optional(),
  extra_headers: z.record(z.string(), z.string()).optional(),
  /**
   * Serve the Responses API through the deployment's Chat Completions route, for models Azure
   * serves only through chat (many Azure AI Foundry models): see `responsesViaChat`.
   */
  responses_via_chat: z.boolean().optional(),
  /** Seconds, like the Python original and the OpenAI SDKs' config files. */
  timeout: z.number().positive().optional(),
});

export type AzureSettings = z.output<typeof azureSettingsSchema>;
export type AzureSettingKey = keyof typeof azureSettingsSchema.shape;

/** Derived from the schema so adding a setting cannot forget the key list. */
export const azureSettingKeys: readonly AzureSettingKey[] = Object.freeze(
  Object.keys(azureSettingsSchema.shape) as AzureSettingKey[],
);

export interface ResolvedAzureSettings {
  apiKey?: string;
  adToken?: string;
  adTokenProvider?: AzureAdTokenProvider;
  /** As configured (trimmed); URL building normalises it. */
  apiBase: string;
  /** Canonical spelling, already validated. */
  apiVersion: string;
  extraHeaders: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Every environment variable the provider reads. Hosts use it to notice that a cached
 * deployment went stale; the `AzureEnv` type below only allows these names, so a new fallback
 * cannot be read without being listed here.
 */
export const AZURE_ENV_KEYS = Object.freeze([
  "AZURE_API_KEY",
  "AZURE_OPENAI_API_KEY",
  "AZURE_API_BASE",
  "AZURE_OPENAI_ENDPOINT",
  "AZURE_API_VERSION",
  "OPENAI_API_VERSION",
  "AZURE_AD_TOKEN",
  ...ENTRA_ENV_KEYS,
] as const);
export type AzureEnvKey = (typeof AZURE_ENV_KEYS)[number];
export type AzureEnv = Readonly<Partial<Record<AzureEnvKey, string | undefined>>>;

/** Azure's own GA default on the v1 surface, which also needs no dated version bookkeeping. */
export const DEFAULT_AZURE_API_VERSION = "v1";

/**
 * Applies environment fallbacks and checks that a request could be made. Pure: `env` is passed
 * in (the host hands over process.env). Blank strings count as unset, because `AZURE_API_KEY=`
 * in a .env file or an empty config reference means "not given", not "send an empty key".
 *
 * Unlike the Python original, one api_version applies to both routes: AZURE_API_VERSION is
 * honoured for the Responses route as well as for chat, so one setting cannot send the two
 * routes of the same deployment to different API surfaces.
 */
export function resolveAzureSettings(settings: AzureSettings, env: AzureEnv): ResolvedAzureSettings {
  const apiBase = firstSet(settings.api_base, env.AZURE_API_BASE, env.AZURE_OPENAI_ENDPOINT);
  if (apiBase === undefined) {
    throw new ConfigurationError(
      "Azure api_base is not set. Pass api_base (config: dheera_ai_params.api_base) or set AZURE_API_BASE.",
      { param: "api_base", provider: "azure" },
    );
  }
  // Parsing the base here also reports a malformed URL at configuration time.
  const fromBase = normalizeAzureBase(apiBase).apiVersion;
  const rawVersion =
    firstSet(settings.api_version, fromBase, env.AZURE_API_VERSION, env.OPENAI_API_VERSION) ?? DEFAULT_AZURE_API_VERSION;
  const apiVersion = classifyApiVersion(rawVersion).version;

  const resolved: ResolvedAzureSettings = {
    apiBase,
    apiVersion,
    extraHeaders: { ...settings.extra_headers },
    ...credentials(settings, env),
  };
  if (settings.timeout !== undefined) resolved.timeoutMs = Math.round(settings.timeout * 1000);
  return resolved;
}

type Credentials = Pick<ResolvedAzureSettings, "apiKey" | "adToken" | "adTokenProvider">;

/**
 * Explicit credentials beat the environment as a whole: a user who passes azure_ad_token must
 * not be overridden by an AZURE_API_KEY that merely happens to be exported in the shell.
 * Within one source the key wins (see azure-auth.ts).
 */
function credentials(settings: AzureSettings, env: AzureEnv): Credentials {
  const explicit: Credentials = {};
  const apiKey = firstSet(settings.api_key);
  const adToken = firstSet(settings.azure_ad_token);
  if (apiKey !== undefined) explicit.apiKey = apiKey;
  if (adToken !== undefined) explicit.adToken = adToken;
  if (settings.azure_ad_token_provider !== undefined) explicit.adTokenProvider = tokenProviderOf(settings.azure_ad_token_provider, env);
  if (Object.keys(explicit).length > 0) return explicit;

  const fromEnv: Credentials = {};
  const envKey = firstSet(env.AZURE_API_KEY, env.AZURE_OPENAI_API_KEY);
  const envToken = firstSet(env.AZURE_AD_TOKEN);
  if (envKey !== undefined) fromEnv.apiKey = envKey;
  if (envToken !== undefined) fromEnv.adToken = envToken;
  if (Object.keys(fromEnv).length > 0) return fromEnv;

  // Names only; no value of any kind is echoed.
  throw new ConfigurationError(
    "Azure credentials are not set. Pass api_key or set AZURE_API_KEY (or AZURE_OPENAI_API_KEY), " +
      "or pass azure_ad_token / set AZURE_AD_TOKEN.",
    { param: "api_key", provider: "azure" },
  );
}

function tokenProviderOf(value: NonNullable<AzureSettings["azure_ad_token_provider"]>, env: AzureEnv): AzureAdTokenProvider {
  if (typeof value === "function") return value;
  if (isTokenCredential(value)) return tokenProviderFromCredential(value);
  return tokenProviderFromSettings(value, env);
}

function firstSet(...values: (string | undefined)[]): string | undefined {
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed) return trimmed;
  }
  return undefined;
}
