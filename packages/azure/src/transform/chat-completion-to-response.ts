import type { ChatCompletion, ChatToolCall, OutputItem, ResponseObject } from "@dheera/core";
import { outputItemId, responseIdFromChatCompletionId, syntheticCallId } from "./ids.js";
import { chatAnnotationToResponse } from "./map-annotations.js";
import { responseStatusFromFinishReason } from "./map-finish-reason.js";
import { chatUsageToResponseUsage } from "./map-usage.js";
import {
  buildResponse,
  chatFiltersToContentFilters,
  functionCallItem,
  messageItem,
  outputTextPart,
  reasoningItem,
  type ItemStatus,
  type ResponsesEchoContext,
} from "./response-object-builder.js";
import { type Loose } from "./loose.js";

/**
 * chat.completion -> Response object. Output order is the order a model produces: reasoning,
 * then the message (text, refusal), then one function_call item per tool call. Only the first
 * choice is kept (Responses has no `n`; a warning says so). Pass the client's request as
 * `context.request` so the Response echoes it.
 */
export function chatCompletionToResponse(completion: ChatCompletion, context: ResponsesEchoContext): ResponseObject {
  if (completion.choices.length > 1) context.warn?.(`Only the first of ${completion.choices.length} choices was returned; Responses has no "n"`);
  const choice = completion.choices[0];
  const message = (choice?.message ?? {}) as Loose;
  const id = responseIdFromChatCompletionId(completion.id);
  const { status, incompleteReason } = responseStatusFromFinishReason(choice?.finish_reason);

  const output: OutputItem[] = [];
  if (typeof message.reasoning_content === "string" && message.reasoning_content !== "") {
    output.push(reasoningItem(outputItemId("rs", id), message.reasoning_content));
  }

  const toolCalls = [...((message.tool_calls ?? []) as ChatToolCall[])];
  const legacy = message.function_call as Loose | undefined;
  if (legacy && typeof legacy.name === "string") {
    toolCalls.push({ id: syntheticCallId(completion.id, 0), type: "function", function: { name: legacy.name, arguments: String(legacy.arguments ?? "") } });
  }

  const content = typeof message.content === "string" ? message.content : null;
  const refusal = typeof message.refusal === "string" && message.refusal !== "" ? message.refusal : null;
  const parts: Loose[] = [];
  // An empty text beside tool calls is no answer; alone it is (an empty) one.
  if (content !== null && (content !== "" || toolCalls.length === 0)) {
    const annotations = Array.isArray(message.annotations) ? message.annotations.map(chatAnnotationToResponse) : [];
    const logprobs = (choice?.logprobs as Loose | null | undefined)?.content;
    parts.push(outputTextPart(content, annotations, Array.isArray(logprobs) ? logprobs : undefined));
  }
  if (refusal !== null) parts.push({ type: "refusal", refusal });

  // When the answer was cut short, the last item is the one that was cut.
  const itemCount = (parts.length > 0 ? 1 : 0) + toolCalls.length;
  const itemStatus = (position: number): ItemStatus => (status === "incomplete" && position === itemCount - 1 ? "incomplete" : "completed");
  if (parts.length > 0) output.push(messageItem(outputItemId("msg", id), parts, itemStatus(0)));
  const firstCall = parts.length > 0 ? 1 : 0;
  toolCalls.forEach((call, i) => output.push(functionCallItem(call, itemStatus(firstCall + i))));

  const c = completion as Loose;
  const filters = chatFiltersToContentFilters(c.prompt_filter_results, (choice as Loose | undefined)?.content_filter_results);
  return buildResponse(
    {
      id,
      createdAt: completion.created,
      status,
      incompleteReason,
      output,
      usage: completion.usage ? chatUsageToResponseUsage(completion.usage) : null,
      serviceTier: typeof c.service_tier === "string" ? c.service_tier : undefined,
      ...(filters ? { extra: { content_filters: filters } } : {}),
    },
    context,
  );
}
