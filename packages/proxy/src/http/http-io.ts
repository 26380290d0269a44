import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { InvalidRequestError, toOpenAIError } from "@dheera/core";
import { decodeBody } from "./body-encoding.js";
import type { HeaderList } from "./header-list.js";
import { jsonDepthExceeds } from "./json-depth.js";

/**
 * JSON out, with the content type the openai client needs to parse it. `headers` as a list is
 * the caller's to give away (the content headers are pushed onto it).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders | HeaderList = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  if (Array.isArray(headers)) {
    headers.push("content-type", "application/json", "content-length", Buffer.byteLength(text));
    res.writeHead(status, headers);
  } else {
    res.writeHead(status, {
      ...headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
  }
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
  if (Number.isFinite(declared) && declared > limit) return tooLarge(req, limit);
  // Events, not `for await`: leaving an async iterator early destroys the socket, and the
  // client would see a reset instead of our 413.
  const { chunks, size } = await new Promise<{ chunks: Buffer[]; size: number }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        tooLarge(req, limit).catch(reject);
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
  const received = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  const bytes = await decodeBody(received, header(req.headers["content-encoding"]), limit, () => new PayloadTooLargeError(limit));
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
 * The 413, once the client may read it. The rest of the body is read and discarded (up to a
 * bound; past it the socket is destroyed), so the client is not reset while still writing. On a
 * connection that closes after the answer (`Connection: close`, HTTP/1.0) the answer waits for
 * the body's end, at most LINGER_MS, like nginx's lingering close: closing while the client still
 * writes would reset the connection (EPIPE on its side) and lose the 413. A keep-alive connection
 * gets the answer at once and stays orderly while the rest is read.
 */
async function tooLarge(req: IncomingMessage, limit: number): Promise<never> {
  const drained = discard(req, limit);
  if (closesAfterAnswer(req)) await drained;
  throw new PayloadTooLargeError(limit);
}

const LINGER_MS = 5000;

/** Reads and drops the rest of the body; resolves at its end, when the client goes, or after LINGER_MS. */
function discard(req: IncomingMessage, limit: number): Promise<void> {
  let extra = 0;
  const cap = Math.max(limit * 4, 64 * 1024 * 1024);
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, LINGER_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.on("data", (chunk: Buffer) => {
      extra += chunk.length;
      if (extra > cap) {
        req.destroy();
        done();
      }
    });
    req.once("end", done);
    req.once("close", done);
    req.resume();
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

function closesAfterAnswer(req: IncomingMessage): boolean {
  const connection = (req.headers.connection ?? "").toLowerCase();
  if (req.httpVersionMajor === 1 && req.httpVersionMinor === 0) return !connection.includes("keep-alive");
  return connection.split(",").some((token) => token.trim() === "close");
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(2)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(2)} KB`;
  return `${n} bytes`;
}
