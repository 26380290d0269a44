import type { QueryParams } from "@dheera/core";
import type { ResponsesUrls } from "@dheera/core/kit";

/** Every URL a deployment calls, built once from its api_base (`.../v1`). */
export interface OpenAIUrls extends ResponsesUrls {
  chat: string;
}

export function createOpenAIUrls(apiBase: string): OpenAIUrls {
  const byId = (id: string) => `${apiBase}/responses/${encodeURIComponent(id)}`;
  return {
    responses: `${apiBase}/responses`,
    inputTokens: `${apiBase}/responses/input_tokens`,
    compact: `${apiBase}/responses/compact`,
    socket: `${apiBase}/responses`.replace(/^http/, "ws"),
    chat: `${apiBase}/chat/completions`,
    responseById: (id, query) => `${byId(id)}${queryString(query, RETRIEVE_KEYS)}`,
    cancel: (id) => `${byId(id)}/cancel`,
    inputItems: (id, query) => `${byId(id)}/input_items${queryString(query, INPUT_ITEMS_KEYS)}`,
  };
}

// Only these keys are forwarded: a client cannot smuggle anything else into the upstream query.
const RETRIEVE_KEYS = ["include", "stream", "starting_after", "include_obfuscation"];
const INPUT_ITEMS_KEYS = ["after", "before", "limit", "order", "include"];

function queryString(query: QueryParams | undefined, allowed: readonly string[]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || !allowed.includes(key)) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}
