import { responsesContentFilters } from "./content-filter-results.js";
import type { EmulatedTurn } from "./emulated-turn.js";
import { alphanumeric, newFunctionCallItemId, newMessageId, newReasoningId } from "./emulator-ids.js";
import { isJsonObject, type JsonObject } from "./request-checks.js";

/**
 * Builds the full Response object (reference section 2) from the request body and the
 * emulated turn: every field the API returns, the request's settings echoed with their
 * defaults filled in, and Azure's `content_filters`.
 */

export interface ResponseSeed {
  id: string;
  createdAt: number;
  body: JsonObject;
  /** Echoed as `model`. */
  deployment: string;
  reasoningModel: boolean;
  includeEncryptedReasoning: boolean;
  /** The resource's mark inside its encrypted reasoning (see EmulatorRuntime.encryptionMark). */
  encryptionMark: string;
  /** Characters of prompt text, for the filter offsets. */
  promptChars: number;
}

export function buildOutputItems(turn: EmulatedTurn, seed: ResponseSeed): JsonObject[] {
  if (turn.status === "failed") return [];
  const output: JsonObject[] = [];
  if (turn.reasoning) {
    const item: JsonObject = {
      id: newReasoningId(),
      type: "reasoning",
      summary: turn.reasoning.summary.map((text) => ({ type: "summary_text", text })),
    };
    if (seed.includeEncryptedReasoning) item.encrypted_content = `gAAAAA${seed.encryptionMark}${alphanumeric(108)}==`;
    output.push(item);
  }
  if (turn.text !== undefined) {
    output.push({
      id: newMessageId(),
      type: "message",
      status: turn.status === "incomplete" ? "incomplete" : "completed",
      content: [{ type: "output_text", annotations: [], logprobs: [], text: turn.text }],
      role: "assistant",
    });
  }
  for (const call of turn.toolCalls) {
    output.push({
      id: newFunctionCallItemId(),
      type: "function_call",
      status: "completed",
      arguments: call.arguments,
      call_id: call.callId,
      name: call.name,
    });
  }
  return output;
}

export function buildResponseObject(seed: ResponseSeed, turn: EmulatedTurn, output: JsonObject[]): JsonObject {
  const b = seed.body;
  const completionChars = output.reduce((n, item) => n + itemText(item).length, 0);
  const failed = turn.status === "failed";
  return {
    id: seed.id,
    object: "response",
    created_at: seed.createdAt,
    status: turn.status,
    background: b.background === true,
    completed_at: turn.status === "completed" ? Math.floor(Date.now() / 1000) : null,
    content_filters: failed ? null : responsesContentFilters(seed.promptChars, completionChars, turn.incompleteReason === "content_filter"),
    error: failed ? { code: turn.failure?.code ?? "server_error", message: turn.failure?.message ?? "" } : null,
    incomplete_details: turn.status === "incomplete" ? { reason: turn.incompleteReason ?? "max_output_tokens" } : null,
    instructions: b.instructions ?? null,
    max_output_tokens: b.max_output_tokens ?? null,
    max_tool_calls: b.max_tool_calls ?? null,
    model: seed.deployment,
    output,
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: b.previous_response_id ?? null,
    prompt_cache_key: b.prompt_cache_key ?? null,
    reasoning: echoReasoning(b, seed.reasoningModel),
    safety_identifier: b.safety_identifier ?? null,
    service_tier: "default",
    store: b.store ?? true,
    temperature: b.temperature ?? 1,
    text: echoText(b),
    tool_choice: b.tool_choice ?? "auto",
    tools: echoTools(b),
    top_logprobs: b.top_logprobs ?? 0,
    top_p: b.top_p ?? 1,
    truncation: b.truncation ?? "disabled",
    usage: failed
      ? null
      : {
          input_tokens: turn.usage.inputTokens,
          input_tokens_details: { cached_tokens: turn.usage.cachedTokens },
          output_tokens: turn.usage.outputTokens,
          output_tokens_details: { reasoning_tokens: turn.usage.reasoningTokens },
          total_tokens: turn.usage.inputTokens + turn.usage.outputTokens,
        },
    user: b.user ?? null,
    metadata: b.metadata ?? {},
  };
}

/** The snapshot carried by `response.created` / `response.in_progress` / a queued background response. */
export function inProgressSnapshot(final: JsonObject, status: "queued" | "in_progress"): JsonObject {
  return {
    ...final,
    status,
    completed_at: null,
    content_filters: null,
    error: null,
    incomplete_details: null,
    output: [],
    service_tier: "auto",
    usage: null,
  };
}

export function cancelledSnapshot(final: JsonObject): JsonObject {
  return { ...inProgressSnapshot(final, "in_progress"), status: "cancelled", service_tier: "default" };
}

function echoReasoning(b: JsonObject, reasoningModel: boolean): JsonObject {
  const r = isJsonObject(b.reasoning) ? b.reasoning : {};
  if (!reasoningModel) return { effort: null, summary: null };
  return { effort: r.effort ?? "medium", summary: r.summary ?? r.generate_summary ?? null };
}

function echoText(b: JsonObject): JsonObject {
  const t = isJsonObject(b.text) ? b.text : {};
  return { format: t.format ?? { type: "text" }, verbosity: t.verbosity ?? "medium" };
}

function echoTools(b: JsonObject): unknown[] {
  if (!Array.isArray(b.tools)) return [];
  return b.tools.map((tool) => {
    if (!isJsonObject(tool) || tool.type !== "function") return tool;
    return {
      type: "function",
      description: tool.description ?? null,
      name: tool.name,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? true,
    };
  });
}

/** Visible text of an output item (message text, call arguments, reasoning summary). */
export function itemText(item: JsonObject): string {
  if (item.type === "function_call") return typeof item.arguments === "string" ? item.arguments : "";
  const parts = Array.isArray(item.content) ? item.content : Array.isArray(item.summary) ? item.summary : [];
  return parts
    .map((p) => (isJsonObject(p) && typeof p.text === "string" ? p.text : ""))
    .filter((t) => t !== "")
    .join(" ");
}
