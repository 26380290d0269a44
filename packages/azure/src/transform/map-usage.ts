import type { ChatUsage, ResponseUsage } from "@dheera/core";

/**
 * Token usage between the formats. Counts are copied, never recomputed: they drive cost, so the
 * upstream's numbers are the truth. Detail fields we do not know (cache_write_tokens,
 * audio_tokens, a provider's `cost`) ride along instead of being dropped.
 */

const RESPONSE_USAGE_KEYS = new Set(["input_tokens", "input_tokens_details", "output_tokens", "output_tokens_details", "total_tokens"]);
const CHAT_USAGE_KEYS = new Set(["prompt_tokens", "prompt_tokens_details", "completion_tokens", "completion_tokens_details", "total_tokens"]);

function extras(usage: Record<string, unknown>, known: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(usage).filter(([key]) => !known.has(key)));
}

/** Responses usage -> Chat usage (input -> prompt, output -> completion, details keep their names). */
export function responseUsageToChatUsage(usage: ResponseUsage): ChatUsage {
  return {
    ...extras(usage, RESPONSE_USAGE_KEYS),
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens,
    prompt_tokens_details: { ...usage.input_tokens_details, cached_tokens: usage.input_tokens_details?.cached_tokens ?? 0 },
    completion_tokens_details: {
      ...usage.output_tokens_details,
      reasoning_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    },
  };
}

/** Chat usage -> Responses usage; the inverse of `responseUsageToChatUsage`. */
export function chatUsageToResponseUsage(usage: ChatUsage): ResponseUsage {
  return {
    ...extras(usage, CHAT_USAGE_KEYS),
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { ...usage.prompt_tokens_details, cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: {
      ...usage.completion_tokens_details,
      reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    },
    total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
  };
}
