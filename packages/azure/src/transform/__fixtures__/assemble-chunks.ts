import type { ChatCompletionChunk } from "@dheera/core";

/** Reassembles chat chunks the way a Chat client does (openai-node's accumulator), for asserting. */
export interface AssembledChat {
  content: string;
  refusal: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReasons: string[];
  usage: ChatCompletionChunk["usage"] | undefined;
}

export function assembleChunks(chunks: readonly ChatCompletionChunk[]): AssembledChat {
  const out: AssembledChat = { content: "", refusal: "", reasoning: "", toolCalls: [], finishReasons: [], usage: undefined };
  for (const chunk of chunks) {
    if (chunk.usage) out.usage = chunk.usage;
    for (const choice of chunk.choices) {
      const delta = choice.delta as Record<string, unknown> & typeof choice.delta;
      if (typeof delta.content === "string") out.content += delta.content;
      if (typeof delta.refusal === "string") out.refusal += delta.refusal;
      if (typeof delta.reasoning_content === "string") out.reasoning += delta.reasoning_content;
      for (const call of delta.tool_calls ?? []) {
        const slot = (out.toolCalls[call.index] ??= { id: "", name: "", arguments: "" });
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.name += call.function.name;
        if (call.function?.arguments) slot.arguments += call.function.arguments;
      }
      if (choice.finish_reason) out.finishReasons.push(choice.finish_reason);
    }
  }
  return out;
}
