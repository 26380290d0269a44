import { z } from "zod";
import { ConfigurationError } from "@dheera/core";

/**
 * The OpenAI provider's settings, as config files and flat SDK calls write them. Strict: a typo
 * is an error naming the key. The same names as the OpenAI SDKs' options and LiteLLM's params.
 */
export const openaiSettingsSchema = z.strictObject({
  api_key: z.string().optional(),
  /** OpenAI's `https://api.openai.com/v1` by default; any OpenAI-compatible server's `/v1` base. */
  api_base: z.string().optional(),
  /** Sent as `OpenAI-Organization`. */
  organization: z.string().optional(),
  /** Sent as `OpenAI-Project`. */
  project: z.string().optional(),
  extra_headers: z.record(z.string(), z.string()).optional(),
  /** Seconds. */
  timeout: z.number().positive().optional(),
  /**
   * How `/responses` is served: `false` natively, `true` through the server's Chat Completions
   * route (vLLM, Ollama and most local servers have no Responses API), `"auto"` natively until
   * the server shows it has no such route, then through chat. Default: `false` for OpenAI's own
   * api_base, `"auto"` for any other.
   */
  responses_via_chat: z.union([z.boolean(), z.literal("auto")]).optional(),
});

export type OpenAISettings = z.output<typeof openaiSettingsSchema>;
export const openaiSettingKeys: readonly string[] = Object.freeze(Object.keys(openaiSettingsSchema.shape));

export const OPENAI_ENV_KEYS = Object.freeze(["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"] as const);
export type OpenAIEnv = Readonly<Partial<Record<(typeof OPENAI_ENV_KEYS)[number], string | undefined>>>;

export const OPENAI_API_BASE = "https://api.openai.com/v1";

export interface ResolvedOpenAISettings {
  apiKey: string | undefined;
  /** Without a trailing slash. */
  apiBase: string;
  organization: string | undefined;
  project: string | undefined;
  extraHeaders: Record<string, string>;
  timeoutMs: number | undefined;
  responsesViaChat: boolean | "auto";
  /** The api_base is OpenAI's own. */
  official: boolean;
}

/** Applies the environment fallbacks the OpenAI SDKs use; blank counts as unset. */
export function resolveOpenAISettings(settings: OpenAISettings, env: OpenAIEnv): ResolvedOpenAISettings {
  const rawBase = first(settings.api_base, env.OPENAI_BASE_URL, env.OPENAI_API_BASE) ?? OPENAI_API_BASE;
  let url: URL;
  try {
    url = new URL(rawBase);
  } catch {
    throw new ConfigurationError("OpenAI api_base is not a URL. Pass api_base like https://api.openai.com/v1 or http://localhost:8000/v1.", { param: "api_base", provider: "openai" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigurationError("OpenAI api_base must be an http(s) URL.", { param: "api_base", provider: "openai" });
  }
  const apiBase = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  const official = url.hostname === "api.openai.com";
  const apiKey = first(settings.api_key, env.OPENAI_API_KEY);
  // A local server (vLLM without --api-key, Ollama) needs no key; OpenAI always does.
  if (official && apiKey === undefined) {
    throw new ConfigurationError("OpenAI api_key is not set. Pass api_key (config: dheera_ai_params.api_key) or set OPENAI_API_KEY.", { param: "api_key", provider: "openai" });
  }
  return {
    apiKey,
    apiBase,
    organization: first(settings.organization, env.OPENAI_ORG_ID),
    project: first(settings.project, env.OPENAI_PROJECT_ID),
    extraHeaders: { ...settings.extra_headers },
    timeoutMs: settings.timeout === undefined ? undefined : Math.round(settings.timeout * 1000),
    responsesViaChat: settings.responses_via_chat ?? (official ? false : "auto"),
    official,
  };
}

function first(...values: (string | undefined)[]): string | undefined {
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed) return trimmed;
  }
  return undefined;
}
