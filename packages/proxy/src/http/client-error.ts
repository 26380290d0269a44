import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { InvalidRequestError, toOpenAIError } from "@dheera/core";

/**
 * Bytes that are not HTTP never reach a route; Node reports them here. The answer is still an
 * OpenAI error body with an x-request-id, instead of Node's bare `400 Bad Request`.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const { status, body } = toOpenAIError(
    new InvalidRequestError(tooLarge ? "Request header fields too large." : "Malformed HTTP request.", {
      status: tooLarge ? 431 : 400,
      code: "bad_http_request",
    }),
  );
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
      `x-request-id: req_${randomUUID().replaceAll("-", "")}\r\nconnection: close\r\n\r\n${text}`,
  );
}
