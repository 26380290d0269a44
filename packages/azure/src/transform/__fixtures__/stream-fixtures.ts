import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chatCompletionChunkSchema, responseStreamEventSchema, type ChatCompletionChunk, type ResponseStreamEvent } from "@dheera/core";

/**
 * Test helpers for the recorded stream fixtures: one JSON event per line, parsed with core's
 * wire schemas exactly as the SSE layer would hand them to a transform.
 */

function lines(name: string): unknown[] {
  const path = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

export function responsesFixture(name: string): ResponseStreamEvent[] {
  return lines(`responses-${name}.chunks.txt`).map((event) => responseStreamEventSchema.parse(event) as ResponseStreamEvent);
}

export function chatFixture(name: string): ChatCompletionChunk[] {
  return lines(`chat-${name}.chunks.txt`).map((chunk) => chatCompletionChunkSchema.parse(chunk));
}

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
