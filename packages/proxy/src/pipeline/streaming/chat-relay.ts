import type { OpenAIErrorBody, SseMessage } from "@dheera/core";
import type { SseRelay } from "./sse-relay.js";

const ERROR = /^\s*\{\s*"error"\s*:/;

/**
 * Relays a Chat Completions stream byte for byte. Nothing in it needs rewriting, so the relay
 * only listens: `onMessage` (fed by WireStream.toSse) sees each event as it passes, to catch
 * `[DONE]` and an upstream error chunk.
 */
export class ChatRelay implements SseRelay {
  #finished = false;

  get finished(): boolean {
    return this.#finished;
  }

  readonly onMessage = ({ data }: SseMessage): void => {
    if (data.startsWith("[DONE]") || ERROR.test(data)) this.#finished = true;
  };

  push(chunk: Uint8Array): Uint8Array {
    return chunk;
  }

  end(): string {
    return "";
  }

  errorEvent(error: OpenAIErrorBody["error"]): string {
    this.#finished = true;
    return `data: ${JSON.stringify({ error })}\n\n`;
  }
}
