import {
  UpstreamConnectionError,
  toOpenAIError,
  DheeraError,
  type ChunkSink,
  type LoggedError,
  type OpenAIErrorBody,
  type ToSseOptions,
  type WireStream,
} from "@dheera/core";
import type { RequestContext } from "../../http/request-context.js";
import type { SseTarget } from "../../http/response-head.js";
import type { SseRelay } from "./sse-relay.js";

export type StreamOutcome = "completed" | "upstream_failed" | "client_closed" | "shutdown";

export interface PipeResult {
  outcome: StreamOutcome;
  /** The error event the proxy wrote to end the stream (upstream_failed, shutdown), with its status. */
  error?: LoggedError;
  /** What actually happened, for the log only (it may name internal hosts): the error's own message. */
  cause?: string;
}

export interface PipeOptions extends ToSseOptions {
  /** Writes the response head; called once, just before the first byte goes out. */
  head: () => void;
  /** Removes known secrets from a message the proxy writes into the stream. */
  redact?: (text: string) => string;
  /** How the closing error event is spelt, when not the relay's SSE event (a WebSocket's error frame carries the status). */
  errorEvent?: ((status: number, error: OpenAIErrorBody["error"]) => string) | undefined;
}

/**
 * Copies a stream's SSE bytes to the client as they arrive: pushed chunk by chunk into
 * `res.write` (`WireStream.pipeSse`, no promise per chunk for a native stream), the upstream
 * paused while the socket is full (a slow client slows the upstream read instead of growing
 * memory). A client that goes away aborts the upstream through `ctx.signal` (see request-context).
 *
 * One rule for how it ends: until the first byte is written (`head`), nothing has reached the
 * client, so a failure is thrown (the router may try another deployment, or the client gets an
 * HTTP error). After it, the stream always ends properly: if the upstream fails or stops before
 * its terminal event, the client gets an error event in the format's own shape, then the end.
 */
export async function pipeSse(
  res: SseTarget,
  stream: WireStream<unknown>,
  relay: SseRelay,
  ctx: RequestContext,
  options: PipeOptions,
): Promise<PipeResult> {
  // The headers leave with the first event, in one write; a stream whose first event is slow
  // (a model that thinks first) still shows its headers after HEADERS_WAIT_MS.
  // (`headersSent` cannot tell: it turns true at writeHead, before anything is on the wire.)
  let committed = false;
  const commit = () => {
    if (committed) return;
    committed = true;
    clearTimeout(headersTimer);
    options.head();
  };
  const headersTimer: NodeJS.Timeout = setTimeout(() => {
    commit();
    flushHeaders(res);
  }, HEADERS_WAIT_MS);
  const send = (data: Uint8Array | string) => {
    if (data.length > 0) commit();
    return write(res, data);
  };
  const sink: ChunkSink = {
    write(chunk, resume) {
      const out = relay.push(chunk);
      if (out.length === 0 || res.destroyed || res.writableEnded) return true;
      commit();
      if (writeCorked(res, out)) return true;
      whenWritable(res, resume);
      return false;
    },
  };
  let outcome: StreamOutcome = "completed";
  let error: LoggedError | undefined;
  let cause: string | undefined;
  const redact = options.redact ?? ((text: string) => text);
  const closeWith = async (status: number, body: OpenAIErrorBody["error"]) => {
    const message = redact(body.message);
    error = { status, type: body.type, code: body.code, message };
    await send(options.errorEvent ? options.errorEvent(status, { ...body, message }) : relay.errorEvent({ ...body, message }));
  };
  const { onMessage } = options;
  try {
    await stream.pipeSse(sink, onMessage ? { onMessage } : {});
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await send(relay.end());
    if (!relay.finished) {
      const err = new UpstreamConnectionError("The upstream closed the stream before it was complete.", { code: "upstream_stream_incomplete" });
      if (!committed) throw err;
      outcome = "upstream_failed";
      const mapped = toOpenAIError(err);
      await closeWith(mapped.status, mapped.body.error);
    }
    // In the same burst as the last event: the closing chunk shares its write.
    endResponse(res);
  } catch (err) {
    // Nothing reached the client: the caller decides (retry, or an HTTP error).
    if (!committed) {
      clearTimeout(headersTimer);
      throw err;
    }
    if (ctx.abortCause === "client_closed") {
      outcome = "client_closed";
    } else if (ctx.abortCause === "shutdown") {
      outcome = "shutdown";
      const mapped = toOpenAIError(new DheeraError("The proxy is shutting down; the stream was cut.", { status: 503, code: "proxy_shutting_down" }));
      await closeWith(mapped.status, mapped.body.error);
    } else {
      outcome = "upstream_failed";
      const { status, body } = toOpenAIError(err);
      cause = redact(body.error.message);
      // Core words network failures for a request that never got through, naming the upstream's
      // host: the client is told what happened instead, the log keeps the cause.
      const message = status === 502 ? LOST : status === 504 ? SILENT : body.error.message;
      await closeWith(status, { ...body.error, message });
    }
  } finally {
    clearTimeout(headersTimer);
    if (committed) endResponse(res);
  }
  return error ? { outcome, error, ...(cause !== undefined ? { cause } : {}) } : { outcome };
}

const LOST = "The connection to the upstream was lost after the stream had started.";
const SILENT = "The upstream sent nothing within the deployment's timeout after the stream had started.";

const HEADERS_WAIT_MS = 50;

function flushHeaders(res: SseTarget): void {
  if (!res.writableEnded && !res.destroyed) res.flushHeaders();
}

function endResponse(res: SseTarget): void {
  if (!res.writableEnded && !res.destroyed) res.end();
}

function uncork(res: SseTarget): void {
  if (res.writableCorked > 0) res.uncork();
}

/**
 * Writes made in one burst (the events of one upstream read, and the end of the response when
 * they were the last) leave in one `writev`: the socket is corked at the first write and
 * uncorked once this turn of the event loop is over. Without it a stream paid a syscall per
 * chunk, and one more for its end.
 */
function writeCorked(res: SseTarget, data: Uint8Array | string): boolean {
  if (res.writableCorked === 0) {
    res.cork();
    // After the microtasks too (not nextTick): the stream's end, a few promise hops after its
    // last event, then shares the write (end() flushes whatever is corked).
    setImmediate(uncork, res);
  }
  return res.write(data);
}

/** `writeCorked`, waiting for 'drain' (or the end of the connection) when the socket is full. */
async function write(res: SseTarget, data: Uint8Array | string): Promise<void> {
  if (data.length === 0 || res.destroyed || res.writableEnded) return;
  if (writeCorked(res, data)) return;
  await new Promise<void>((resolve) => whenWritable(res, resolve));
}

/**
 * Calls `then` once the socket drains, or once the connection is gone: a client that leaves
 * while the stream waits for it must not leave the stream waiting forever (its upstream is
 * aborted through `ctx.signal`, and the writes that follow are dropped).
 */
function whenWritable(res: SseTarget, then: () => void): void {
  const done = () => {
    res.off("drain", done);
    res.off("close", done);
    then();
  };
  res.on("drain", done);
  res.on("close", done);
}
