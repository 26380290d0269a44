import type { OpenAIErrorBody } from "@dheera/core";

/**
 * An error on a Responses WebSocket, as OpenAI sends it: the HTTP status the same failure would
 * have had, the error object of an HTTP error body, and the headers that answer would have
 * carried (retry-after, rate limits), which clients such as Codex read.
 */
export function errorFrame(status: number, error: OpenAIErrorBody["error"], headers?: Record<string, string>): string {
  return JSON.stringify({ type: "error", status, error, ...(headers && Object.keys(headers).length > 0 ? { headers } : {}) });
}

/** The same, as the SSE event a relay writes into a stream that an answer turns into frames. */
export function errorFrameEvent(status: number, error: OpenAIErrorBody["error"]): string {
  return `data: ${errorFrame(status, error)}\n\n`;
}
