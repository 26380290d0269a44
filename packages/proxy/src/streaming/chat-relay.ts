import type { OpenAIErrorBody, SseMessage } from "@dheera/core";
import type { LoggedUsage, SseRelay } from "./sse-relay.js";

const USAGE = /"usage"\s*:\s*\{/;
const ERROR = /^\s*\{\s*"error"\s*:/;

/**
 * Relays a Chat Completions stream byte for byte. Nothing in it needs rewriting, so the relay
 * only listens: `onMessage` (fed by WireStream.toSse) sees each event as it passes, to catch
 * `[DONE]`, an upstream error chunk, and the usage chunk.
 */
export class ChatRelay implements SseRelay {
  #finished = false;
  #usage: LoggedUsage | undefined;

  get finished(): boolean {
    return this.#finished;
  }

  get usage(): LoggedUsage | undefined {
    return this.#usage;
  }

  readonly onMessage = (message: SseMessage): void => {
    const { data } = message;
    if (data.startsWith("[DONE]") || ERROR.test(data)) {
      this.#finished = true;
      return;
    }
    // Only the (rare) chunk that carries usage is parsed.
    if (!USAGE.test(data)) return;
    try {
      const usage = (JSON.parse(data) as { usage?: Record<string, unknown> | null }).usage;
      if (usage && typeof usage === "object") {
        const out: LoggedUsage = {};
        if (typeof usage.prompt_tokens === "number") out.input_tokens = usage.prompt_tokens;
        if (typeof usage.completion_tokens === "number") out.output_tokens = usage.completion_tokens;
        if (typeof usage.total_tokens === "number") out.total_tokens = usage.total_tokens;
        this.#usage = out;
      }
    } catch {
      // not JSON: the client will say so; nothing to log
    }
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
