import type { ResponsesCreateRequest } from "@dheera/core";

/*
 * `POST /responses/input_tokens` when the deployment cannot count (Azure answers 404 on it today,
 * chat-only servers have no such route): an estimate with the tokenizer of the model's family
 * (gpt-tokenizer, OpenAI's BPE encodings in JavaScript), loaded on first use. The text counted is
 * what the model reads: instructions, every input message's text, tool calls and their outputs,
 * and the tool definitions, plus the few tokens each message's framing takes.
 */

export type Encoding = "o200k_base" | "cl100k_base";

const PER_MESSAGE = 3;
const PRIMING = 3;

/** gpt-4o, gpt-4.1, gpt-5, o-series, codex: o200k_base; gpt-4 and gpt-3.5: cl100k_base; anything else is estimated with o200k_base. */
export function encodingFor(model: string): Encoding {
  return /^gpt-3\.5|^gpt-4(-|$)/i.test(model) ? "cl100k_base" : "o200k_base";
}

const counters = new Map<Encoding, Promise<(text: string) => number>>();

function counter(encoding: Encoding): Promise<(text: string) => number> {
  let loaded = counters.get(encoding);
  if (!loaded) {
    loaded = (encoding === "o200k_base" ? import("gpt-tokenizer/encoding/o200k_base") : import("gpt-tokenizer/encoding/cl100k_base")).then((m) => (text: string) => m.countTokens(text));
    counters.set(encoding, loaded);
  }
  return loaded;
}

export async function countInputTokens(request: ResponsesCreateRequest, model: string): Promise<{ input_tokens: number; encoding: Encoding }> {
  const encoding = encodingFor(model);
  const count = await counter(encoding);
  const texts: string[] = [];
  let messages = 0;
  if (typeof request.instructions === "string" && request.instructions !== "") {
    texts.push(request.instructions);
    messages++;
  }
  const input = request.input;
  if (typeof input === "string") {
    texts.push(input);
    messages++;
  } else if (Array.isArray(input)) {
    for (const item of input as Record<string, unknown>[]) {
      messages++;
      collect(item, texts);
    }
  }
  if (Array.isArray(request.tools) && request.tools.length > 0) texts.push(JSON.stringify(request.tools));
  const tokens = texts.reduce((sum, text) => sum + count(text), 0);
  return { input_tokens: tokens + messages * PER_MESSAGE + PRIMING, encoding };
}

/** The text of an input item: message content (a string or text parts), call arguments, call outputs. */
function collect(item: Record<string, unknown>, texts: string[]): void {
  const content = item.content;
  if (typeof content === "string") texts.push(content);
  else if (Array.isArray(content)) {
    for (const part of content as Record<string, unknown>[]) if (typeof part?.text === "string") texts.push(part.text);
  }
  for (const key of ["arguments", "output", "name"]) if (typeof item[key] === "string") texts.push(item[key] as string);
}
