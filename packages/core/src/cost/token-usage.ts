import { z } from "zod";

/*
 * Token usage in one shape, whichever wire format reported it. Responses usage
 * (input_tokens, input_tokens_details.cached_tokens, output_tokens,
 * output_tokens_details.reasoning_tokens) and Chat usage (prompt_tokens,
 * prompt_tokens_details.cached_tokens, completion_tokens,
 * completion_tokens_details.reasoning_tokens) both normalise to it.
 */

const count = z.number().int().nonnegative();

export const tokenUsageSchema = z.strictObject({
  input_tokens: count,
  /** Part of input_tokens read from the prompt cache. */
  cached_input_tokens: count,
  /** Part of input_tokens written to the prompt cache (0 when the upstream does not report it). */
  cache_write_tokens: count,
  output_tokens: count,
  /** Part of output_tokens spent reasoning: already inside output_tokens, billed as output. */
  reasoning_tokens: count,
  total_tokens: count,
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

/**
 * Reads Responses or Chat usage (the upstream's numbers are the truth: nothing is recomputed
 * except a missing total). Anything that is not usage, or whose main counts are missing or
 * invalid, is `null`: unknown usage must never look like zero usage.
 */
export function normalizeUsage(raw: unknown): TokenUsage | null {
  if (typeof raw !== "object" || raw === null) return null;
  const u = raw as Record<string, unknown>;
  const responses = isCount(u.input_tokens) && isCount(u.output_tokens);
  const chat = !responses && isCount(u.prompt_tokens) && isCount(u.completion_tokens);
  if (!responses && !chat) return null;
  const input = (responses ? u.input_tokens : u.prompt_tokens) as number;
  const output = (responses ? u.output_tokens : u.completion_tokens) as number;
  const inputDetails = details(responses ? u.input_tokens_details : u.prompt_tokens_details);
  const outputDetails = details(responses ? u.output_tokens_details : u.completion_tokens_details);
  return {
    input_tokens: input,
    cached_input_tokens: countOr0(inputDetails.cached_tokens),
    cache_write_tokens: countOr0(inputDetails.cache_write_tokens),
    output_tokens: output,
    reasoning_tokens: countOr0(outputDetails.reasoning_tokens),
    total_tokens: isCount(u.total_tokens) ? u.total_tokens : input + output,
  };
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function countOr0(value: unknown): number {
  return isCount(value) ? value : 0;
}

function details(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
