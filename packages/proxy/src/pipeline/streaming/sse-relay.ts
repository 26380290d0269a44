import type { OpenAIErrorBody } from "@dheera/core";

/**
 * What sits between an upstream SSE byte stream and the client socket for one wire format:
 * passes bytes on (rewriting only what routing needs), notices the proper end of the stream,
 * and knows how this format spells a closing error event. (Usage and cost are read on the side
 * by a StreamTap.)
 */
export interface SseRelay {
  /** Upstream bytes in; what to write to the client now (may be empty while an event is incomplete). */
  push(chunk: Uint8Array): Uint8Array | string;
  /** The upstream ended: whatever is still held back. */
  end(): string;
  /** True once the stream reached its proper end: terminal event, `[DONE]`, or an error event. */
  readonly finished: boolean;
  /** An SSE event that ends the stream with this error, in this format's shape. */
  errorEvent(error: OpenAIErrorBody["error"]): string;
}
