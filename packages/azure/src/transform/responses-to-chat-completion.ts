import { DheeraError, type ChatCompletion, type ChatToolCall, type ResponseObject, type TransformContext } from "@dheera/core";
import { chatCompletionIdFromResponseId } from "./ids.js";
import { responseAnnotationToChat } from "./map-annotations.js";
import { finishReasonFromResponse } from "./map-finish-reason.js";
import { responseUsageToChatUsage } from "./map-usage.js";
import { isObject, type Loose } from "./loose.js";

/**
 * Response object -> chat.completion. One choice carries the whole answer: all message text,
 * all function calls, the reasoning summary. (The Python original made one choice per content
 * part and per call, which Chat clients read as n>1 alternatives.)
 */

/** The parts of a Response's output a Chat message is made of. */
export interface CollectedOutput {
  /** Joined output_text, or null when the output has none. */
  content: string | null;
  refusal: string | null;
  toolCalls: ChatToolCall[];
  /** Reasoning summaries (or raw reasoning text), null when there is none. */
  reasoning: string | null;
  annotations: unknown[];
  /** Token logprobs of the output text, when the request included them. */
  logprobs: unknown[];
}

export function collectOutput(output: ResponseObject["output"]): CollectedOutput {
  const texts: string[] = [];
  const refusals: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  const reasoning: string[] = [];
  const annotations: unknown[] = [];
  const logprobs: unknown[] = [];
  let length = 0;

  for (const item of output as Loose[]) {
    if (item.type === "message" && Array.isArray(item.content)) {
      for (const part of item.content as Loose[]) {
        if (part.type === "output_text" && typeof part.text === "string") {
          for (const annotation of (part.annotations as unknown[] | undefined) ?? []) annotations.push(responseAnnotationToChat(annotation, length));
          if (Array.isArray(part.logprobs)) logprobs.push(...part.logprobs);
          texts.push(part.text);
          length += part.text.length;
        } else if (part.type === "refusal" && typeof part.refusal === "string") {
          refusals.push(part.refusal);
        }
      }
    } else if (item.type === "function_call") {
      toolCalls.push({ id: String(item.call_id), type: "function", function: { name: String(item.name), arguments: String(item.arguments ?? "") } });
    } else if (item.type === "custom_tool_call") {
      // Chat's custom tool call shape; core's ChatToolCall type only knows function calls.
      toolCalls.push({ id: String(item.call_id), type: "custom", custom: { name: String(item.name), input: String(item.input ?? "") } } as unknown as ChatToolCall);
    } else if (item.type === "reasoning") {
      // Summaries are what OpenAI models expose; open-weight models send raw reasoning_text instead.
      const summary = Array.isArray(item.summary) ? (item.summary as Loose[]) : [];
      const raw = Array.isArray(item.content) ? (item.content as Loose[]) : [];
      for (const part of summary.length > 0 ? summary : raw) if (typeof part.text === "string" && part.text !== "") reasoning.push(part.text);
    }
    // Other items (built-in tool calls such as web_search_call) have no Chat form; their effect
    // is already in the text the model wrote.
  }

  return {
    content: texts.length > 0 ? texts.join("") : null,
    refusal: refusals.length > 0 ? refusals.join("") : null,
    toolCalls,
    reasoning: reasoning.length > 0 ? reasoning.join("\n\n") : null,
    annotations,
    logprobs,
  };
}

/** Throws the upstream's failure (or cancellation) as a DheeraError; Chat has no "failed" completion. */
export function throwIfFailed(response: Pick<ResponseObject, "status" | "error">): void {
  if (response.status !== "failed" && response.status !== "cancelled") return;
  const error = response.error;
  const fallback = response.status === "cancelled" ? "The upstream response was cancelled" : "The upstream response failed without an error message";
  throw new DheeraError(error?.message ?? fallback, {
    status: 500,
    code: error?.code ?? (response.status === "cancelled" ? "response_cancelled" : null),
    upstreamError: error ?? undefined,
  });
}

/**
 * Azure's Responses `content_filters` list -> the Chat shapes Azure chat clients already read:
 * completion entries merge into the choice's `content_filter_results`, prompt entries become
 * `prompt_filter_results`.
 */
export function contentFiltersToChat(filters: unknown): { completion?: Loose; prompt?: Loose[] } {
  if (!Array.isArray(filters)) return {};
  const completion: Loose = {};
  const prompt: Loose[] = [];
  let sawCompletion = false;
  for (const entry of filters) {
    if (!isObject(entry)) continue;
    const results = isObject(entry.content_filter_results) ? entry.content_filter_results : {};
    if (entry.source_type === "prompt") {
      prompt.push({ prompt_index: prompt.length, content_filter_results: results });
    } else {
      sawCompletion = true;
      Object.assign(completion, results);
    }
  }
  return { ...(sawCompletion ? { completion } : {}), ...(prompt.length > 0 ? { prompt } : {}) };
}

/**
 * Response object -> chat.completion with one choice: the message text, every function call as
 * a tool call, `finish_reason` from the status (incomplete -> `length`/`content_filter`), usage
 * renamed. A failed or cancelled Response throws its error as a `DheeraError`.
 */
export function responsesToChatCompletion(response: ResponseObject, context: TransformContext): ChatCompletion {
  throwIfFailed(response);
  const out = collectOutput(response.output);
  const hasToolCalls = out.toolCalls.length > 0;

  const message: Loose = {
    role: "assistant",
    // "" rather than null for an answer with nothing at all, so clients that concatenate still work.
    content: out.content ?? (hasToolCalls || out.refusal !== null ? null : ""),
    refusal: out.refusal,
    annotations: out.annotations,
  };
  if (hasToolCalls) message.tool_calls = out.toolCalls;
  // Non-standard but what DeepSeek, vLLM, LiteLLM and most chat UIs read.
  if (out.reasoning !== null) message.reasoning_content = out.reasoning;

  const r = response as Loose;
  const filters = contentFiltersToChat(r.content_filters);
  const choice: Loose = {
    index: 0,
    message,
    logprobs: out.logprobs.length > 0 ? { content: out.logprobs, refusal: null } : null,
    finish_reason: finishReasonFromResponse({ status: response.status, incompleteReason: response.incomplete_details?.reason, hasToolCalls }),
  };
  if (filters.completion) choice.content_filter_results = filters.completion;

  const completion: Loose = {
    id: chatCompletionIdFromResponseId(response.id),
    object: "chat.completion",
    // Azure has been seen sending created_at as a float (1741369938.0); Chat's created is an int.
    created: Math.floor(response.created_at),
    model: context.model,
    choices: [choice],
  };
  if (response.usage) completion.usage = responseUsageToChatUsage(response.usage);
  if (typeof r.service_tier === "string") completion.service_tier = r.service_tier;
  if (filters.prompt) completion.prompt_filter_results = filters.prompt;
  return completion as ChatCompletion;
}
