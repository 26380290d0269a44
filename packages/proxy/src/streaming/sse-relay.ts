import type { OpenAIErrorBody } from "@dheera/core";

/** Token usage as logged, whatever the wire format called it. */
export interface LoggedUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
}

/**
 * What sits between an upstream SSE byte stream and the client socket for one wire format:
 * passes bytes on (rewriting only what routing needs), notices the proper end of the stream,
 * reads usage on the side, and knows how this format spells a closing error event.
 */
export interface SseRelay {
  /** Upstream bytes in; what to write to the client now (may be empty while an event is incomplete). */
  push(chunk: Uint8Array): Uint8Array | string;
  /** The upstream ended: whatever is still held back. */
  end(): string;
  /** True once the stream reached its proper end: terminal event, `[DONE]`, or an error event. */
  readonly finished: boolean;
  readonly usage: LoggedUsage | undefined;
  /** An SSE event that ends the stream with this error, in this format's shape. */
  errorEvent(error: OpenAIErrorBody["error"]): string;
}
