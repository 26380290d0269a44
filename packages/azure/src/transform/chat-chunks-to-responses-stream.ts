import { DheeraError, stepEvents, type ChatCompletionChunk, type StreamStep, type ChatUsage, type FinishReason, type OutputItem, type ResponseStreamEvent } from "@dheera/core";
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
 * chat.completion.chunk stream -> Responses stream events, in the exact order OpenAI emits them:
 * created, in_progress, then per output item added / part added / deltas / done events, then the
 * terminal response.completed or response.incomplete with the full output and usage. Items are
 * sequential, never interleaved (openai-node's accumulator indexes into them), and
 * sequence_number counts every event from 0. Chat's reasoning_content becomes a reasoning item.
 */

interface CallState {
  kind: "call";
  chatIndex: number;
  id: string | undefined;
  name: string | undefined;
  args: string;
  outputIndex: number;
  itemId: string;
  state: "pending" | "open" | "closed";
}

interface ReasoningState {
  kind: "reasoning";
  outputIndex: number;
  itemId: string;
  text: string;
}

type Part = { type: "output_text"; text: string; annotations: unknown[]; logprobs: unknown[] } | { type: "refusal"; refusal: string };

interface MessageState {
  kind: "message";
  outputIndex: number;
  itemId: string;
  parts: Part[];
  partOpen: boolean;
}

type OpenItem = CallState | ReasoningState | MessageState;

/**
 * chat.completion.chunk -> Responses events as a push-style step (`StreamStep`): `push(chunk)`
 * returns the events that chunk completes, `end()` the closing events and the terminal
 * response.completed / response.incomplete, and `done` says the terminal event was returned.
 * `WireStream.through` drives it without a promise per event. Pass the client's request as
 * `context.request` so every snapshot echoes it. An upstream error chunk, or an `end()` before
 * any finish_reason (502 `upstream_stream_truncated`), throws a `DheeraError`: a failed answer
 * never ends in response.completed.
 */
export function chatChunksToResponsesStep(context: ResponsesEchoContext): StreamStep<ChatCompletionChunk, ResponseStreamEvent> {
  let out: ResponseStreamEvent[] = [];
  const warn = context.warn ?? (() => {});
  let sequence = 0;
  let responseId: string | undefined;
  let createdAt = 0;
  const output: OutputItem[] = [];
  let open: OpenItem | undefined;
  const calls = new Map<number, CallState>();
  const counts = { msg: 0, rs: 0 };
  let finishReason: FinishReason | undefined;
  let usage: ChatUsage | undefined;
  let serviceTier: string | undefined;
  let promptFilters: unknown;
  const completionFilters: Loose = {};
  const warned = new Set<string>();
  const warnOnce = (message: string) => {
    if (!warned.has(message)) warn(message);
    warned.add(message);
  };

  // Fields come as `Object.assign({}, ref, { ... })`: members added after a spread take a slow
  // path on Node 20's V8 (about 1.5 us for two), and a delta event is made per chunk.
  const event = (type: string, fields: Loose): ResponseStreamEvent => ({ type, sequence_number: sequence++, ...fields }) as ResponseStreamEvent;
  const status = (): ItemStatus => (responseStatusFromFinishReason(finishReason).status === "incomplete" ? "incomplete" : "completed");

  function start(chunk: ChatCompletionChunk): void {
    responseId = responseIdFromChatCompletionId(chunk.id);
    createdAt = chunk.created;
    const snapshot = buildResponse({ id: responseId, createdAt, status: "in_progress", output: [], usage: null }, context);
    out.push(event("response.created", { response: snapshot }));
    out.push(event("response.in_progress", { response: snapshot }));
  }

  function addItem(state: OpenItem, item: OutputItem): void {
    closeOpen();
    open = state;
    output[state.outputIndex] = item;
    out.push(event("response.output_item.added", { output_index: state.outputIndex, item }));
  }

  function closePart(message: MessageState): void {
    if (!message.partOpen) return;
    message.partOpen = false;
    const contentIndex = message.parts.length - 1;
    const part = message.parts[contentIndex]!;
    const ref = { item_id: message.itemId, output_index: message.outputIndex, content_index: contentIndex };
    if (part.type === "output_text") {
      out.push(event("response.output_text.done", Object.assign({}, ref, { text: part.text, logprobs: part.logprobs })));
      out.push(event("response.content_part.done", Object.assign({}, ref, { part: outputTextPart(part.text, part.annotations) })));
    } else {
      out.push(event("response.refusal.done", Object.assign({}, ref, { refusal: part.refusal })));
      out.push(event("response.content_part.done", Object.assign({}, ref, { part })));
    }
  }

  /** Ends the open item; the last item of a cut-short answer is the incomplete one. */
  function closeOpen(itemStatus: ItemStatus = "completed"): void {
    const item = open;
    if (!item) return;
    open = undefined;
    const ref = { item_id: item.itemId, output_index: item.outputIndex };
    if (item.kind === "reasoning") {
      const part = { type: "summary_text", text: item.text };
      out.push(event("response.reasoning_summary_text.done", Object.assign({}, ref, { summary_index: 0, text: item.text })));
      out.push(event("response.reasoning_summary_part.done", Object.assign({}, ref, { summary_index: 0, part })));
      output[item.outputIndex] = reasoningItem(item.itemId, item.text);
    } else if (item.kind === "message") {
      closePart(item);
      const parts = item.parts.map((p) => (p.type === "output_text" ? outputTextPart(p.text, p.annotations, p.logprobs.length > 0 ? p.logprobs : undefined) : p));
      output[item.outputIndex] = messageItem(item.itemId, parts, itemStatus);
    } else {
      item.state = "closed";
      out.push(event("response.function_call_arguments.done", Object.assign({}, ref, { arguments: item.args, name: item.name })));
      output[item.outputIndex] = functionCallItem({ id: item.id!, function: { name: item.name!, arguments: item.args } }, itemStatus);
    }
    out.push(event("response.output_item.done", { output_index: item.outputIndex, item: output[item.outputIndex] }));
  }

  function reasoning(delta: string): void {
    if (open?.kind !== "reasoning") {
      const state: ReasoningState = { kind: "reasoning", outputIndex: output.length, itemId: outputItemId("rs", responseId!, counts.rs++), text: "" };
      addItem(state, { type: "reasoning", id: state.itemId, summary: [] });
      out.push(event("response.reasoning_summary_part.added", { item_id: state.itemId, output_index: state.outputIndex, summary_index: 0, part: { type: "summary_text", text: "" } }));
    }
    const state = open as ReasoningState;
    state.text += delta;
    out.push(event("response.reasoning_summary_text.delta", { item_id: state.itemId, output_index: state.outputIndex, summary_index: 0, delta }));
  }

  /** The open message with an open part of the given type, opening either as needed. */
  function messagePart(type: Part["type"]): MessageState {
    if (open?.kind !== "message") {
      const state: MessageState = { kind: "message", outputIndex: output.length, itemId: outputItemId("msg", responseId!, counts.msg++), parts: [], partOpen: false };
      addItem(state, messageItem(state.itemId, [], "in_progress"));
    }
    const message = open as MessageState;
    if (!message.partOpen || message.parts[message.parts.length - 1]!.type !== type) {
      closePart(message);
      const part: Part = type === "output_text" ? { type, text: "", annotations: [], logprobs: [] } : { type, refusal: "" };
      message.parts.push(part);
      message.partOpen = true;
      const shown = part.type === "output_text" ? outputTextPart("", []) : { ...part };
      out.push(event("response.content_part.added", { item_id: message.itemId, output_index: message.outputIndex, content_index: message.parts.length - 1, part: shown }));
    }
    return message;
  }

  function text(delta: string, logprobs: unknown[]): void {
    const message = messagePart("output_text");
    const part = message.parts[message.parts.length - 1] as Extract<Part, { type: "output_text" }>;
    part.text += delta;
    part.logprobs.push(...logprobs);
    const ref = { item_id: message.itemId, output_index: message.outputIndex, content_index: message.parts.length - 1 };
    out.push(event("response.output_text.delta", Object.assign({}, ref, { delta, logprobs })));
  }

  function annotations(list: unknown[]): void {
    const message = messagePart("output_text");
    const part = message.parts[message.parts.length - 1] as Extract<Part, { type: "output_text" }>;
    for (const raw of list) {
      const annotation = chatAnnotationToResponse(raw);
      part.annotations.push(annotation);
      const ref = { item_id: message.itemId, output_index: message.outputIndex, content_index: message.parts.length - 1 };
      out.push(event("response.output_text.annotation.added", Object.assign({}, ref, { annotation_index: part.annotations.length - 1, annotation })));
    }
  }

  function refusal(delta: string): void {
    const message = messagePart("refusal");
    const part = message.parts[message.parts.length - 1] as Extract<Part, { type: "refusal" }>;
    part.refusal += delta;
    out.push(event("response.refusal.delta", { item_id: message.itemId, output_index: message.outputIndex, content_index: message.parts.length - 1, delta }));
  }

  /** A call opens once its id and name are known (some servers split them); arguments wait until then. */
  function openCall(call: CallState): void {
    call.state = "open";
    call.id ??= syntheticCallId(responseId!, Math.max(call.chatIndex, 0));
    call.name ??= "";
    call.outputIndex = output.length;
    const item = functionCallItem({ id: call.id, function: { name: call.name, arguments: "" } }, "in_progress");
    call.itemId = String((item as Loose).id);
    addItem(call, item);
    if (call.args !== "") out.push(event("response.function_call_arguments.delta", { item_id: call.itemId, output_index: call.outputIndex, delta: call.args }));
  }

  function toolCall(delta: Loose): void {
    const index = typeof delta.index === "number" ? delta.index : 0;
    const fn = (delta.function ?? {}) as Loose;
    const args = typeof fn.arguments === "string" ? fn.arguments : "";
    let call = calls.get(index);
    if (!call) {
      call = { kind: "call", chatIndex: index, id: undefined, name: undefined, args: "", outputIndex: -1, itemId: "", state: "pending" };
      calls.set(index, call);
    }
    if (typeof delta.id === "string" && delta.id !== "") call.id ??= delta.id;
    if (typeof fn.name === "string" && fn.name !== "") call.name ??= fn.name;
    if (call.state === "closed") {
      // Interleaved calls: Responses streams items one after another, so this call's events are
      // over; its arguments still reach the terminal response.
      warnOnce("The upstream interleaved parallel tool calls; late argument deltas appear only in the final response");
      call.args += args;
      const item = output[call.outputIndex] as Loose;
      output[call.outputIndex] = { ...item, arguments: call.args } as OutputItem;
      return;
    }
    if (call.state === "pending") {
      call.args += args;
      if (call.id !== undefined && call.name !== undefined) openCall(call);
      return;
    }
    call.args += args;
    if (args !== "") out.push(event("response.function_call_arguments.delta", { item_id: call.itemId, output_index: call.outputIndex, delta: args }));
  }

  const drain = (): ResponseStreamEvent[] => {
    const events = out;
    out = [];
    return events;
  };

  function push(chunk: ChatCompletionChunk): void {
    const c = chunk as Loose;
    if (c.error) {
      const error = (typeof c.error === "object" ? c.error : { message: String(c.error) }) as Loose;
      throw new DheeraError(typeof error.message === "string" ? error.message : "The upstream stream reported an error", {
        status: 500,
        code: typeof error.code === "string" ? error.code : null,
        upstreamError: error,
      });
    }
    if (Array.isArray(c.prompt_filter_results)) promptFilters = c.prompt_filter_results;
    if (chunk.usage) usage = chunk.usage;
    if (typeof c.service_tier === "string") serviceTier = c.service_tier;
    // Azure's filter-annotation chunks have an empty id and no delta; they only carry results.
    if (responseId === undefined && chunk.id !== "") start(chunk);

    for (const choice of chunk.choices) {
      const ch = choice as Loose;
      if (ch.content_filter_results && typeof ch.content_filter_results === "object") Object.assign(completionFilters, ch.content_filter_results);
      if (choice.index !== 0) {
        warnOnce("Only the first choice is streamed; Responses has no \"n\"");
        continue;
      }
      if (responseId === undefined) continue;
      const delta = (choice.delta ?? {}) as Loose;
      const reasoningDelta = typeof delta.reasoning_content === "string" ? delta.reasoning_content : typeof delta.reasoning === "string" ? delta.reasoning : "";
      if (reasoningDelta !== "") reasoning(reasoningDelta);
      if (typeof delta.content === "string" && delta.content !== "") {
        const logprobs = ((ch.logprobs as Loose | null | undefined)?.content ?? []) as unknown[];
        text(delta.content, Array.isArray(logprobs) ? logprobs : []);
      }
      if (Array.isArray(delta.annotations) && delta.annotations.length > 0) annotations(delta.annotations);
      if (typeof delta.refusal === "string" && delta.refusal !== "") refusal(delta.refusal);
      for (const call of (delta.tool_calls ?? []) as Loose[]) toolCall(call);
      if (delta.function_call && typeof delta.function_call === "object") {
        // Legacy streamed function_call: one call, no id.
        toolCall({ index: -1, function: delta.function_call });
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  }

  /** After the last chunk: the calls still pending, the open item, then the terminal event. */
  function finish(): void {
    if (responseId === undefined || finishReason === undefined) {
      throw new DheeraError("The upstream chat stream ended before a finish_reason", { status: 502, code: "upstream_stream_truncated" });
    }

    for (const call of [...calls.values()].sort((a, b) => a.chatIndex - b.chatIndex)) {
      if (call.state === "pending") openCall(call);
    }
    closeOpen(status());

    const { status: finalStatus, incompleteReason } = responseStatusFromFinishReason(finishReason);
    const filters = chatFiltersToContentFilters(promptFilters, completionFilters);
    const response = buildResponse(
      {
        id: responseId,
        createdAt,
        status: finalStatus,
        incompleteReason,
        output,
        usage: usage ? chatUsageToResponseUsage(usage) : null,
        serviceTier,
        ...(filters ? { extra: { content_filters: filters } } : {}),
      },
      context,
    );
    out.push(event(finalStatus === "incomplete" ? "response.incomplete" : "response.completed", { response }));
  }

  // `done` is a data property, not a getter (see responses-stream-to-chat-chunks.ts: a getter per
  // step kept every step alive until a full GC).
  const step = {
    push(chunk: ChatCompletionChunk): readonly ResponseStreamEvent[] {
      push(chunk);
      return drain();
    },
    end(): readonly ResponseStreamEvent[] {
      finish();
      step.done = true;
      return drain();
    },
    done: false,
  };
  return step;
}

/**
 * The same transform over an async iterable of chunks (what `Transform.stream` is), built on
 * `chatChunksToResponsesStep`; failures are thrown from the iteration.
 */
export function chatChunksToResponsesStream(chunks: AsyncIterable<ChatCompletionChunk>, context: ResponsesEchoContext): AsyncGenerator<ResponseStreamEvent> {
  return stepEvents(chunks, chatChunksToResponsesStep(context));
}
