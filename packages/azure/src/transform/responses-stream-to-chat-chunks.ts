import {
  DheeraError,
  type ChatCompletionChunk,
  type ChatToolCallDelta,
  type FinishReason,
  type KnownResponseStreamEvent,
  type ResponseObject,
  type ResponseStreamEvent,
  type StreamStep,
  type TransformContext,
  stepEvents,
} from "@dheera/core";
import { chatCompletionIdFromResponseId } from "./ids.js";
import { responseAnnotationToChat } from "./map-annotations.js";
import { finishReasonFromResponse } from "./map-finish-reason.js";
import { responseUsageToChatUsage } from "./map-usage.js";
import { collectOutput, contentFiltersToChat, throwIfFailed } from "./responses-to-chat-completion.js";
import { isObject, type Loose } from "./loose.js";

/**
 * Responses stream events -> chat.completion.chunk stream. Fixes what the Python original got
 * wrong: each function call gets its own tool index (counted over calls, not output items),
 * the stream finishes only at the terminal event (not at the first output_item.done), an
 * incomplete response finishes with "length"/"content_filter", usage comes from the upstream's
 * numbers, and a stream that stops without a terminal event is an error, not a quiet success.
 */

type Delta = ChatCompletionChunk["choices"][number]["delta"];

/** Status for an upstream `error` event: the client's SDK maps it to an error class. */
function statusForStreamError(code: string | null | undefined, type: string | null | undefined): number {
  if (code === "rate_limit_exceeded" || code === "insufficient_quota" || type === "rate_limit_error") return 429;
  if (type === "invalid_request_error") return 400;
  return 500;
}

/** `error` event, nested (what OpenAI and Azure really send) or flat (what the docs show). */
function errorFromEvent(event: Loose): DheeraError {
  const inner = isObject(event.error) ? event.error : event;
  const code = typeof inner.code === "string" ? inner.code : null;
  const type = typeof inner.type === "string" && inner.type !== "error" ? inner.type : null;
  const message = typeof inner.message === "string" ? inner.message : "The upstream stream reported an error";
  return new DheeraError(message, {
    status: statusForStreamError(code, type),
    ...(type ? { type } : {}),
    code,
    param: typeof inner.param === "string" ? inner.param : null,
    upstreamError: inner,
  });
}

interface ToolSlot {
  index: number;
  sent: string;
  kind: "function" | "custom";
}

/**
 * Responses stream events -> chat.completion.chunk stream, over an async iterable: built on
 * `responsesToChatChunksStep` (one implementation). A `response.failed` or `error` event, or a
 * stream that stops before its terminal event, is thrown as a `DheeraError`.
 */
export function responsesStreamToChatChunks(events: AsyncIterable<ResponseStreamEvent>, context: TransformContext): AsyncGenerator<ChatCompletionChunk> {
  return stepEvents(events, responsesToChatChunksStep(context));
}

/** The same transform fed one event at a time (see `StreamStep`): no generator per chunk. */
export function responsesToChatChunksStep(context: TransformContext): StreamStep<ResponseStreamEvent, ChatCompletionChunk> {
  const warn = context.warn ?? (() => {});
  let id: string | undefined;
  let created = 0;
  // Text sent so far, per content part (item:index) and in total; used to fill gaps when an
  // upstream sends a `.done` (or only the final response) without every delta.
  const sentParts = new Map<string, string>();
  let sentContent = "";
  // Where each text part starts in the joined content: annotation indexes are part-relative.
  const partStart = new Map<string, number>();
  let sentRefusal = "";
  let lastReasoningKey: string | undefined;
  const tools = new Map<string, ToolSlot>();
  // The chunks the current event completes.
  let out: ChatCompletionChunk[] = [];

  const chunk = (delta: Delta, finishReason: FinishReason | null = null, extra?: Loose): ChatCompletionChunk => {
    const choice = { index: 0, delta, logprobs: null, finish_reason: finishReason };
    // Assigned, not spread: most chunks have no extra members and no usage.
    if (extra !== undefined) Object.assign(choice, extra);
    const made: ChatCompletionChunk = { id: id!, object: "chat.completion.chunk", created, model: context.model, choices: [choice] };
    if (context.includeUsage) made.usage = null;
    return made;
  };

  // The key of the last text part a delta went to, kept while deltas go on to the same part:
  // one string, hashed once, instead of a new one (and its hash) for every delta's map lookups.
  let lastPart: { item: unknown; index: unknown; key: string } | undefined;
  const partKey = (item: unknown, index: unknown): string => {
    if (lastPart === undefined || item !== lastPart.item || index !== lastPart.index) lastPart = { item, index, key: `${String(item)}:${String(index)}` };
    return lastPart.key;
  };

  /** The role chunk, once; normally on response.created, else on whatever comes first. */
  function start(response?: ResponseObject, fallbackId = "stream"): void {
    if (id !== undefined) return;
    id = chatCompletionIdFromResponseId(response?.id ?? fallbackId);
    created = response ? Math.floor(response.created_at) : 0;
    out.push(chunk({ role: "assistant", content: "" }));
  }

  function text(key: string, delta: string, logprobs?: unknown): void {
    if (delta === "") return;
    if (!partStart.has(key)) partStart.set(key, sentContent.length);
    sentParts.set(key, (sentParts.get(key) ?? "") + delta);
    sentContent += delta;
    out.push(chunk({ content: delta }, null, Array.isArray(logprobs) && logprobs.length > 0 ? { logprobs: { content: logprobs, refusal: null } } : undefined));
  }

  function refusal(key: string, delta: string): void {
    if (delta === "") return;
    sentParts.set(key, (sentParts.get(key) ?? "") + delta);
    sentRefusal += delta;
    out.push(chunk({ refusal: delta }));
  }

  /** What a `.done` event holds beyond the deltas already sent ("" if nothing, or if it disagrees). */
  const rest = (sent: string, full: string): string => (full.startsWith(sent) ? full.slice(sent.length) : "");

  function reasoning(key: string, delta: string): void {
    if (delta === "") return;
    // Separate summary parts the way the non-streamed path joins them.
    const separator = lastReasoningKey !== undefined && lastReasoningKey !== key ? "\n\n" : "";
    lastReasoningKey = key;
    out.push(chunk({ reasoning_content: separator + delta }));
  }

  function openTool(itemKey: string, item: Loose): void {
    const kind = item.type === "custom_tool_call" ? "custom" : "function";
    const initial = String((kind === "custom" ? item.input : item.arguments) ?? "");
    const slot: ToolSlot = { index: tools.size, sent: initial, kind };
    tools.set(itemKey, slot);
    const call: Loose = { index: slot.index, id: String(item.call_id), type: kind };
    call[kind] = kind === "custom" ? { name: String(item.name), input: initial } : { name: String(item.name), arguments: initial };
    out.push(chunk({ tool_calls: [call as ChatToolCallDelta] }));
  }

  function toolArguments(slot: ToolSlot, delta: string): void {
    if (delta === "") return;
    slot.sent += delta;
    const call: Loose = { index: slot.index };
    call[slot.kind] = slot.kind === "custom" ? { input: delta } : { arguments: delta };
    out.push(chunk({ tool_calls: [call as ChatToolCallDelta] }));
  }

  function finish(response: ResponseObject): void {
    start(response);
    // Fill what the deltas did not carry, from the final response (all of it for an upstream
    // that streams only lifecycle events).
    const final = collectOutput(response.output);
    text("final", rest(sentContent, final.content ?? ""));
    refusal("final", rest(sentRefusal, final.refusal ?? ""));
    for (const item of response.output as Loose[]) {
      if (item.type !== "function_call" && item.type !== "custom_tool_call") continue;
      const key = String(item.id ?? item.call_id);
      const slot = tools.get(key);
      if (slot) toolArguments(slot, rest(slot.sent, String((slot.kind === "custom" ? item.input : item.arguments) ?? "")));
      else openTool(key, item);
    }

    const filters = contentFiltersToChat((response as Loose).content_filters);
    const finishReason = finishReasonFromResponse({
      status: response.status,
      incompleteReason: response.incomplete_details?.reason,
      hasToolCalls: tools.size > 0,
    });
    out.push(chunk({}, finishReason, filters.completion ? { content_filter_results: filters.completion } : undefined));

    if (!context.includeUsage) return;
    if (!response.usage) {
      warn("The upstream's final response carried no usage; the usage chunk was not sent");
      return;
    }
    out.push({ id: id!, object: "chat.completion.chunk", created, model: context.model, choices: [], usage: responseUsageToChatUsage(response.usage) });
  }

  function take(event: ResponseStreamEvent): void {
    const ev = event as KnownResponseStreamEvent;
    switch (ev.type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        start(ev.response);
        break;

      case "response.output_text.delta":
        start(undefined, ev.item_id);
        text(partKey(ev.item_id, ev.content_index), ev.delta, (ev as Loose).logprobs);
        break;
      case "response.output_text.done": {
        start(undefined, ev.item_id);
        const key = partKey(ev.item_id, ev.content_index);
        text(key, rest(sentParts.get(key) ?? "", ev.text));
        break;
      }
      case "response.output_text.annotation.added": {
        // Chat has no annotation event; the annotation rides on a delta, in Chat's nested form.
        start(undefined, ev.item_id);
        const offset = partStart.get(partKey(ev.item_id, ev.content_index)) ?? sentContent.length;
        out.push(chunk({ annotations: [responseAnnotationToChat(ev.annotation, offset)] }));
        break;
      }
      case "response.refusal.delta":
        start(undefined, ev.item_id);
        refusal(partKey(ev.item_id, ev.content_index), ev.delta);
        break;
      case "response.refusal.done": {
        start(undefined, ev.item_id);
        const key = partKey(ev.item_id, ev.content_index);
        refusal(key, rest(sentParts.get(key) ?? "", ev.refusal));
        break;
      }

      case "response.reasoning_summary_text.delta":
        start(undefined, ev.item_id);
        reasoning(`${ev.item_id}:s${ev.summary_index}`, ev.delta);
        break;
      case "response.reasoning_text.delta":
        start(undefined, ev.item_id);
        reasoning(`${ev.item_id}:c${ev.content_index}`, ev.delta);
        break;

      case "response.output_item.added":
      case "response.output_item.done": {
        const item = ev.item as Loose;
        if (item.type !== "function_call" && item.type !== "custom_tool_call") break;
        start(undefined, String(item.id ?? item.call_id));
        const key = String(item.id ?? item.call_id);
        const slot = tools.get(key);
        if (!slot) openTool(key, item);
        else if (ev.type === "response.output_item.done") {
          toolArguments(slot, rest(slot.sent, String((slot.kind === "custom" ? item.input : item.arguments) ?? "")));
        }
        break;
      }
      case "response.function_call_arguments.delta":
      case "response.function_call_arguments.done": {
        const slot = tools.get(ev.item_id);
        if (!slot) {
          // Without the item's call id and name a client could not use these arguments.
          warn(`Function call arguments for unknown item ${ev.item_id} were ignored`);
          break;
        }
        toolArguments(slot, ev.type === "response.function_call_arguments.delta" ? ev.delta : rest(slot.sent, ev.arguments));
        break;
      }
      case "response.completed":
      case "response.incomplete":
        step.done = true;
        finish(ev.response);
        return;
      case "response.failed":
        step.done = true;
        throwIfFailed({ ...ev.response, status: "failed" });
        return;
      case "error":
        step.done = true;
        throw errorFromEvent(ev as Loose);
      default: {
        const other = event as Loose;
        if (other.type === "response.custom_tool_call_input.delta") {
          const slot = tools.get(String(other.item_id));
          if (slot) toolArguments(slot, String(other.delta ?? ""));
          break;
        }
        // Unknown and newer event types (keepalive, built-in tool progress, ...) carry nothing
        // a Chat client can use; no empty chunk is sent for them.
        break;
      }
    }
  }

  // `done` is a data property, not a getter: an object literal with a getter gets a hidden class
  // of its own (the accessor is this step's closure), and V8's scavenger keeps such classes, and
  // through them the whole step, alive until the next full GC: every stream's step, its maps and
  // its last chunks were promoted to the old generation (3-4 KB a stream).
  const step = {
    push(event: ResponseStreamEvent): readonly ChatCompletionChunk[] {
      if (step.done) return NONE;
      out = [];
      take(event);
      return out;
    },
    ignores(eventName: string): boolean {
      // A snapshot after the start (`start` returns at once), and the part markers (`take`'s default).
      return IGNORED_EVENTS.has(eventName) || (id !== undefined && SNAPSHOT_EVENTS.has(eventName));
    },
    end(): readonly ChatCompletionChunk[] {
      if (step.done) return NONE;
      step.done = true;
      throw new DheeraError("The upstream stream ended before a terminal event (response.completed, response.incomplete or response.failed)", {
        status: 502,
        code: "upstream_stream_truncated",
      });
    },
    done: false,
  };
  return step;
}

const NONE: readonly ChatCompletionChunk[] = [];

/** Events `take` passes over whatever they hold (its default branch): nothing in Chat carries them. */
const IGNORED_EVENTS: ReadonlySet<string> = new Set([
  "response.content_part.added",
  "response.content_part.done",
  "response.reasoning_summary_part.added",
  "response.reasoning_summary_part.done",
  "response.reasoning_summary_text.done",
  "response.reasoning_text.done",
]);
/** Lifecycle snapshots that only start the stream: once it has started they complete nothing. */
const SNAPSHOT_EVENTS: ReadonlySet<string> = new Set(["response.created", "response.in_progress", "response.queued"]);
