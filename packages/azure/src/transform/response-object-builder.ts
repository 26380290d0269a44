import type { ChatToolCall, OutputItem, ResponseObject, ResponsesCreateRequest, ResponseUsage, TransformContext } from "@dheera/core";
import { functionCallItemId } from "./ids.js";
import { type Loose } from "./loose.js";

/**
 * Builds Response objects and their output items for the Responses-over-Chat direction. The
 * non-streamed answer and every snapshot of the stream come from here, so they agree field for
 * field. Fields Chat does not answer are echoed from the request with OpenAI's defaults, because
 * SDKs (openai-node, the AI SDK) read them from every Response.
 */

/** The transform context plus the client's request, which the Response echoes. */
export interface ResponsesEchoContext extends TransformContext {
  request?: ResponsesCreateRequest;
}

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export function reasoningItem(id: string, text: string): OutputItem {
  return { type: "reasoning", id, summary: text === "" ? [] : [{ type: "summary_text", text }] };
}

export function outputTextPart(text: string, annotations: unknown[] = [], logprobs?: unknown[]): Loose {
  return { type: "output_text", annotations, ...(logprobs ? { logprobs } : {}), text };
}

export function messageItem(id: string, content: Loose[], status: ItemStatus): OutputItem {
  return { id, type: "message", status, content, role: "assistant" } as OutputItem;
}

export function functionCallItem(call: Pick<ChatToolCall, "id" | "function">, status: ItemStatus): OutputItem {
  return {
    id: functionCallItemId(call.id),
    type: "function_call",
    status,
    arguments: call.function.arguments,
    call_id: call.id,
    name: call.function.name,
  };
}

export interface ResponseParts {
  id: string;
  createdAt: number;
  status: "in_progress" | "completed" | "incomplete";
  incompleteReason?: string | null;
  output: OutputItem[];
  usage: ResponseUsage | null;
  serviceTier?: string | undefined;
  /** Provider extras to carry on the object (Azure's content_filters). */
  extra?: Loose;
}

export function buildResponse(parts: ResponseParts, context: ResponsesEchoContext): ResponseObject {
  const req = (context.request ?? {}) as Loose;
  const reasoning = (req.reasoning ?? {}) as Loose;
  const text = (req.text ?? {}) as Loose;
  return {
    id: parts.id,
    object: "response",
    created_at: parts.createdAt,
    status: parts.status,
    background: false,
    // Chat does not say when it finished; its creation time is the best we have.
    completed_at: parts.status === "completed" ? parts.createdAt : null,
    error: null,
    incomplete_details: parts.incompleteReason ? { reason: parts.incompleteReason } : null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    max_tool_calls: null,
    model: context.model,
    output: parts.output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    // Not honoured by a chat upstream (a warning said so), so not claimed either.
    previous_response_id: null,
    prompt_cache_key: req.prompt_cache_key ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    safety_identifier: req.safety_identifier ?? null,
    // "auto" while in progress, the tier actually used when done (as OpenAI does).
    service_tier: parts.serviceTier ?? (parts.status === "in_progress" ? "auto" : (req.service_tier ?? "default")),
    // Chat's `store` defaults to false, and nothing is stored where GET /responses/{id} looks.
    store: req.store ?? false,
    temperature: req.temperature ?? 1,
    text: { format: text.format ?? { type: "text" }, verbosity: text.verbosity ?? "medium" },
    tool_choice: req.tool_choice ?? "auto",
    tools: req.tools ?? [],
    top_logprobs: req.top_logprobs ?? 0,
    top_p: req.top_p ?? 1,
    truncation: "disabled",
    usage: parts.usage,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
    ...parts.extra,
  };
}

const anyFiltered = (results: Loose): boolean =>
  Object.values(results).some((category) => typeof category === "object" && category !== null && (category as Loose).filtered === true);

/**
 * Azure chat filter results (per choice, and `prompt_filter_results`) -> Azure Responses'
 * `content_filters` list, the inverse of the chat-over-responses mapping.
 */
export function chatFiltersToContentFilters(promptResults: unknown, completionResults: unknown): Loose[] | undefined {
  const filters: Loose[] = [];
  if (Array.isArray(promptResults)) {
    for (const entry of promptResults as Loose[]) {
      const results = (entry?.content_filter_results ?? {}) as Loose;
      filters.push({ blocked: anyFiltered(results), source_type: "prompt", content_filter_results: results });
    }
  }
  if (typeof completionResults === "object" && completionResults !== null && Object.keys(completionResults).length > 0) {
    const results = completionResults as Loose;
    filters.push({ blocked: anyFiltered(results), source_type: "completion", content_filter_results: results });
  }
  return filters.length > 0 ? filters : undefined;
}
