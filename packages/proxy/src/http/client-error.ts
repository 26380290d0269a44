import { randomUUID } from "node:crypto";
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { DheeraError, InvalidRequestError, toOpenAIError } from "@dheera/core";
import { sendError } from "./http-io.js";

/**
 * What Node answers itself, before a request reaches a route, answered in the OpenAI shape with
 * an x-request-id instead of Node's bare status line: bytes that are not HTTP (400), headers too
 * large (431), a client too slow to send its request (408).
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, body } = toOpenAIError(errorFor(err.code));
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
      `x-request-id: req_${randomUUID().replaceAll("-", "")}\r\nconnection: close\r\n\r\n${text}`,
  );
}

function errorFor(code: string | undefined): DheeraError {
  if (code === "HPE_HEADER_OVERFLOW") return new InvalidRequestError("Request header fields too large.", { status: 431, code: "bad_http_request" });
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return new DheeraError("The request was not received in time: send the headers and the body without long pauses.", {
      status: 408,
      type: "invalid_request_error",
      code: "request_timeout",
    });
  }
  return new InvalidRequestError("Malformed HTTP request.", { code: "bad_http_request" });
}

/** `Expect:` with anything but `100-continue`: 417, in the OpenAI shape. */
export function answerExpectationFailed(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("connection", "close");
  sendError(res, new DheeraError(`Expectation not supported: ${String(req.headers.expect).slice(0, 64)}. Only 100-continue is.`, { status: 417, type: "invalid_request_error", code: "expectation_failed" }), {
    "x-request-id": `req_${randomUUID().replaceAll("-", "")}`,
  });
}
