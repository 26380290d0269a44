/**
 * What turns the Azure engine's answers into OpenAI's: Azure adds content filter results to
 * chat answers and chunks (and chunks that carry nothing else); OpenAI never does. For a
 * chat-only reasoning model, vLLM's reasoning parser puts the thinking in `reasoning_content`.
 */

const AZURE_ONLY = new Set(["content_filter_results", "prompt_filter_results", "content_filters"]);

export function stripAzureOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAzureOnly);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (!AZURE_ONLY.has(key)) out[key] = stripAzureOnly(item);
  return out;
}

export const REASONING_TEXT = "The user asked a question; I will answer it plainly.";

/** A chat.completion with the reasoning a vLLM reasoning parser reports beside the answer. */
export function withReasoning(value: unknown): unknown {
  const completion = value as { choices?: { message?: Record<string, unknown> }[] };
  for (const choice of completion.choices ?? []) if (choice.message) choice.message.reasoning_content = REASONING_TEXT;
  return value;
}

/** Rewrites an SSE body frame by frame: Azure-only fields and filter-only chat chunks go; reasoning deltas come first. */
export function rewriteSse(options: { reasoning: boolean }): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = "";
  let reasoned = !options.reasoning;
  const frame = (text: string): string[] => {
    const data = /^data: (.*)$/m.exec(text)?.[1];
    if (data === undefined || data === "[DONE]") return [text];
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return [text];
    }
    // Azure opens a chat stream with a chunk that only carries prompt filter results (empty id).
    if (json.id === "" && Array.isArray(json.choices)) return [];
    const clean = stripAzureOnly(json) as Record<string, unknown>;
    const out = [text.replace(data, JSON.stringify(clean))];
    if (!reasoned && json.object === "chat.completion.chunk" && Array.isArray(json.choices) && json.choices.length > 0) {
      reasoned = true;
      const thinking = { ...clean, choices: [{ index: 0, delta: { reasoning_content: REASONING_TEXT }, logprobs: null, finish_reason: null }] };
      out.push(`data: ${JSON.stringify(thinking)}`);
    }
    return out;
  };
  return new TransformStream({
    transform(chunk, controller) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const f of frame(text)) controller.enqueue(encoder.encode(`${f}\n\n`));
      }
    },
    flush(controller) {
      if (buffer !== "") for (const f of frame(buffer)) controller.enqueue(encoder.encode(`${f}\n\n`));
    },
  });
}
