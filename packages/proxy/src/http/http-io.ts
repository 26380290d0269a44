import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { InvalidRequestError, toOpenAIError } from "@dheera/core";
import { jsonDepthExceeds } from "./json-depth.js";

/** JSON out, with the content type the openai client needs to parse it. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Any error as the OpenAI error body, via core's toOpenAIError (the one place that mapping lives). */
export function sendError(res: ServerResponse, err: unknown, extraHeaders: OutgoingHttpHeaders = {}): ReturnType<typeof toOpenAIError> {
  const mapped = toOpenAIError(err);
  if (!res.headersSent && !res.destroyed) sendJson(res, mapped.status, mapped.body, { ...mapped.headers, ...extraHeaders });
  return mapped;
}

export class PayloadTooLargeError extends InvalidRequestError {
  constructor(limitBytes: number) {
    super(`Request body too large: the limit is ${formatBytes(limitBytes)}.`, { status: 413, code: "request_too_large" });
  }
}

/** Arrays and objects nested deeper than this are refused (general_settings.max_request_json_depth). */
export const DEFAULT_MAX_JSON_DEPTH = 128;

/**
 * Reads at most `limit` bytes, else 413 (the rest is discarded so the client can read the
 * answer); JSON nested deeper than `maxDepth` is a 400 before anything parses it.
 */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, limit: number, maxDepth = DEFAULT_MAX_JSON_DEPTH): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    discard(req, res, limit);
    throw new PayloadTooLargeError(limit);
  }
  // Events, not `for await`: leaving an async iterator early destroys the socket, and the
  // client would see a reset instead of our 413.
  const { chunks, size } = await new Promise<{ chunks: Buffer[]; size: number }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        discard(req, res, limit);
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, size });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new DOMException("The client closed the connection while sending the body.", "AbortError"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  if (jsonDepthExceeds(bytes, maxDepth)) {
    throw new InvalidRequestError(`The request body nests arrays and objects more than ${maxDepth} levels deep.`, { code: "json_too_deep" });
  }
  const text = bytes.toString("utf8");
  if (text.trim() === "") {
    throw new InvalidRequestError("We could not parse the JSON body of your request: the body is empty.", { code: "invalid_json" });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
      { code: "invalid_json" },
    );
  }
}

/**
 * Lets the client finish sending so it reads our 413 instead of a reset connection, but only up
 * to a bound: past it the socket is destroyed.
 */
function discard(req: IncomingMessage, _res: ServerResponse, limit: number): void {
  // No `connection: close`: closing right after our answer would reset a client that is still
  // writing its body (EPIPE on its side); reading the rest keeps the connection orderly.
  let extra = 0;
  const cap = Math.max(limit * 4, 64 * 1024 * 1024);
  req.on("data", (chunk: Buffer) => {
    extra += chunk.length;
    if (extra > cap) req.destroy();
  });
  req.resume();
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(2)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(2)} KB`;
  return `${n} bytes`;
}
