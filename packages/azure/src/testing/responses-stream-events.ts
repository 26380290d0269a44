import { obfuscationFor } from "./emulator-ids.js";
import { inProgressSnapshot } from "./response-object.js";
import { isJsonObject, type JsonObject } from "./request-checks.js";
import { splitChunks, splitWordDeltas } from "./word-tokens.js";

/**
 * The Responses SSE event sequence for a final Response object, in the exact order of
 * reference section 3.3: lifecycle events, one added, deltas, done block per output item
 * (reasoning summary parts, message text, function-call arguments), then the terminal event.
 * `sequence_number` starts at 0 and counts every event.
 */

export interface StreamEventOptions {
  includeObfuscation: boolean;
}

export function responseStreamEvents(final: JsonObject, options: StreamEventOptions): JsonObject[] {
  const events: Array<Omit<JsonObject, "sequence_number">> = [];
  const delta = (fields: JsonObject, text: string): JsonObject =>
    options.includeObfuscation ? { ...fields, delta: text, obfuscation: obfuscationFor(text) } : { ...fields, delta: text };

  const background = final.background === true;
  events.push({ type: "response.created", response: inProgressSnapshot(final, background ? "queued" : "in_progress") });
  if (background) events.push({ type: "response.queued", response: inProgressSnapshot(final, "queued") });
  events.push({ type: "response.in_progress", response: inProgressSnapshot(final, "in_progress") });

  if (final.status === "failed") {
    const error = isJsonObject(final.error) ? final.error : {};
    // The nested form real upstreams send (openai-node throws on it), then the failed response.
    events.push({
      type: "error",
      error: { type: "server_error", code: error.code ?? "server_error", message: error.message ?? "", param: null },
    });
    events.push({ type: "response.failed", response: final });
    return number(events);
  }

  const output = Array.isArray(final.output) ? final.output : [];
  output.forEach((raw, outputIndex) => {
    if (!isJsonObject(raw)) return;
    const item = raw;
    const itemId = item.id;
    if (item.type === "reasoning") {
      const summary = Array.isArray(item.summary) ? item.summary : [];
      events.push({ type: "response.output_item.added", output_index: outputIndex, item: { ...item, summary: [] } });
      summary.forEach((part, summaryIndex) => {
        const text = isJsonObject(part) && typeof part.text === "string" ? part.text : "";
        const ref = { item_id: itemId, output_index: outputIndex, summary_index: summaryIndex };
        events.push({ type: "response.reasoning_summary_part.added", ...ref, part: { type: "summary_text", text: "" } });
        for (const piece of splitWordDeltas(text)) events.push(delta({ type: "response.reasoning_summary_text.delta", ...ref }, piece));
        events.push({ type: "response.reasoning_summary_text.done", ...ref, text });
        events.push({ type: "response.reasoning_summary_part.done", ...ref, part: { type: "summary_text", text } });
      });
      events.push({ type: "response.output_item.done", output_index: outputIndex, item });
      return;
    }
    if (item.type === "message") {
      const parts = Array.isArray(item.content) ? item.content : [];
      events.push({ type: "response.output_item.added", output_index: outputIndex, item: { ...item, status: "in_progress", content: [] } });
      parts.forEach((part, contentIndex) => {
        const text = isJsonObject(part) && typeof part.text === "string" ? part.text : "";
        const ref = { item_id: itemId, output_index: outputIndex, content_index: contentIndex };
        events.push({ type: "response.content_part.added", ...ref, part: { type: "output_text", annotations: [], logprobs: [], text: "" } });
        for (const piece of splitWordDeltas(text)) events.push(delta({ type: "response.output_text.delta", ...ref, logprobs: [] }, piece));
        events.push({ type: "response.output_text.done", ...ref, text, logprobs: [] });
        events.push({ type: "response.content_part.done", ...ref, part });
      });
      events.push({ type: "response.output_item.done", output_index: outputIndex, item });
      return;
    }
    if (item.type === "function_call") {
      const args = typeof item.arguments === "string" ? item.arguments : "";
      const ref = { item_id: itemId, output_index: outputIndex };
      events.push({ type: "response.output_item.added", output_index: outputIndex, item: { ...item, status: "in_progress", arguments: "" } });
      for (const piece of splitChunks(args)) events.push(delta({ type: "response.function_call_arguments.delta", ...ref }, piece));
      events.push({ type: "response.function_call_arguments.done", ...ref, name: item.name, arguments: args });
      events.push({ type: "response.output_item.done", output_index: outputIndex, item });
      return;
    }
    events.push({ type: "response.output_item.added", output_index: outputIndex, item });
    events.push({ type: "response.output_item.done", output_index: outputIndex, item });
  });

  const terminal = final.status === "incomplete" ? "response.incomplete" : "response.completed";
  events.push({ type: terminal, response: final });
  return number(events);
}

/** Puts `type` and `sequence_number` first, as the API does. */
function number(events: JsonObject[]): JsonObject[] {
  return events.map(({ type, ...rest }, i) => ({ type, sequence_number: i, ...rest }));
}

/** `event: <type>\ndata: <json>\n\n` frames. */
export function toResponsesSseFrames(events: JsonObject[]): string[] {
  return events.map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
}
