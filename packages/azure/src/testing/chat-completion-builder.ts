import { completionFilterCategories, promptFilterResults } from "./content-filter-results.js";
import type { EmulatedTurn } from "./emulated-turn.js";
import type { JsonObject } from "./request-checks.js";
import { splitChunks, splitWordDeltas } from "./word-tokens.js";

/**
 * `chat.completion` objects and `chat.completion.chunk` streams as Azure sends them: keys in
 * alphabetical order, `prompt_filter_results`, per-choice `content_filter_results`, and a stream
 * that opens with Azure's empty-envelope prompt-annotation chunk and ends with `data: [DONE]`.
 */

export interface ChatSeed {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
  n: number;
}

export function finishReason(turn: EmulatedTurn): string {
  if (turn.incompleteReason === "content_filter") return "content_filter";
  if (turn.status === "incomplete") return "length";
  if (turn.toolCalls.length > 0) return "tool_calls";
  return "stop";
}

export function chatUsage(turn: EmulatedTurn, n: number): JsonObject {
  const completion = turn.usage.outputTokens * n;
  return {
    completion_tokens: completion,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: 0,
      reasoning_tokens: turn.usage.reasoningTokens * n,
      rejected_prediction_tokens: 0,
    },
    prompt_tokens: turn.usage.inputTokens,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: turn.usage.cachedTokens },
    total_tokens: turn.usage.inputTokens + completion,
  };
}

const toolCallsOf = (turn: EmulatedTurn) =>
  turn.toolCalls.map((c) => ({ function: { arguments: c.arguments, name: c.name }, id: c.callId, type: "function" }));

export function buildChatCompletion(seed: ChatSeed, turn: EmulatedTurn): JsonObject {
  const filtered = turn.incompleteReason === "content_filter";
  const choices = Array.from({ length: seed.n }, (_, index) => {
    const message: JsonObject = { annotations: [], content: turn.text ?? null, refusal: null, role: "assistant" };
    if (turn.toolCalls.length > 0) message.tool_calls = toolCallsOf(turn);
    return {
      content_filter_results: completionFilterCategories(filtered),
      finish_reason: finishReason(turn),
      index,
      logprobs: null,
      message,
    };
  });
  return {
    choices,
    created: seed.created,
    id: seed.id,
    model: seed.model,
    object: "chat.completion",
    prompt_filter_results: promptFilterResults(),
    system_fingerprint: seed.systemFingerprint,
    usage: chatUsage(turn, seed.n),
  };
}

export interface ChatStreamOptions {
  includeUsage: boolean;
}

/** Every `data:` payload of the stream, in order, ending with `[DONE]` (or an error payload for a failed turn). */
export function chatStreamPayloads(seed: ChatSeed, turn: EmulatedTurn, options: ChatStreamOptions): string[] {
  const out: string[] = [];
  const push = (value: unknown) => out.push(JSON.stringify(value));
  const envelope = (choices: JsonObject[]): JsonObject => {
    const chunk: JsonObject = {
      choices,
      created: seed.created,
      id: seed.id,
      model: seed.model,
      object: "chat.completion.chunk",
      system_fingerprint: seed.systemFingerprint,
    };
    if (options.includeUsage) chunk.usage = null;
    return chunk;
  };
  const choice = (index: number, delta: JsonObject, filters: JsonObject, finish: string | null = null): JsonObject => ({
    content_filter_results: filters,
    delta,
    finish_reason: finish,
    index,
    logprobs: null,
  });

  push({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: promptFilterResults() });

  for (let index = 0; index < seed.n; index++) {
    const textual = turn.text !== undefined;
    push(envelope([choice(index, { content: textual ? "" : null, refusal: null, role: "assistant" }, {})]));
    if (turn.status === "failed") {
      out.push(
        JSON.stringify({
          error: { message: turn.failure?.message ?? "", type: "server_error", param: null, code: turn.failure?.code ?? "server_error" },
        }),
      );
      return out;
    }
    if (turn.text !== undefined) {
      for (const piece of splitWordDeltas(turn.text)) push(envelope([choice(index, { content: piece }, completionFilterCategories())]));
    }
    turn.toolCalls.forEach((call, k) => {
      push(envelope([choice(index, { tool_calls: [{ function: { arguments: "", name: call.name }, id: call.callId, index: k, type: "function" }] }, {})]));
      for (const piece of splitChunks(call.arguments)) {
        push(envelope([choice(index, { tool_calls: [{ function: { arguments: piece }, index: k }] }, {})]));
      }
    });
    const filters = turn.incompleteReason === "content_filter" ? completionFilterCategories(true) : {};
    push(envelope([choice(index, {}, filters, finishReason(turn))]));
  }
  if (options.includeUsage) {
    push({ ...envelope([]), usage: chatUsage(turn, seed.n) });
  }
  out.push("[DONE]");
  return out;
}

export function toChatSseFrames(payloads: string[]): string[] {
  return payloads.map((data) => `data: ${data}\n\n`);
}
