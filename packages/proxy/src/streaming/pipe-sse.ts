import type { ServerResponse } from "node:http";
import { UpstreamConnectionError, toOpenAIError, DheeraError, type LoggedError, type OpenAIErrorBody } from "@dheera/core";
import type { RequestContext } from "../server/request-context.js";
import type { SseRelay } from "./sse-relay.js";

export type StreamOutcome = "completed" | "upstream_failed" | "client_closed" | "shutdown";

export interface PipeResult {
  outcome: StreamOutcome;
  /** The error event the proxy wrote to end the stream (upstream_failed, shutdown), with its status. */
  error?: LoggedError;
}

/**
 * Copies an SSE byte stream to the client as it arrives: one `res.write` per upstream chunk,
 * waiting for 'drain' when the socket is full (a slow client slows the upstream read instead of
 * growing memory). The stream always ends properly: if the upstream fails or stops before its
 * terminal event, the client gets an error event in the format's own shape, then the end.
 * A client that goes away aborts the upstream through `ctx.signal` (see request-context).
 */
export async function pipeSse(
  res: ServerResponse,
  source: AsyncIterable<Uint8Array>,
  relay: SseRelay,
  ctx: RequestContext,
): Promise<PipeResult> {
  const iterator = source[Symbol.asyncIterator]();
  let outcome: StreamOutcome = "completed";
  let error: LoggedError | undefined;
  const closeWith = async (status: number, body: OpenAIErrorBody["error"]) => {
    error = { status, type: body.type, code: body.code, message: body.message };
    await write(res, relay.errorEvent(body));
  };
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      await write(res, relay.push(next.value));
      if (ctx.signal.aborted) break;
    }
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await write(res, relay.end());
    if (!relay.finished) {
      outcome = "upstream_failed";
      const err = new UpstreamConnectionError("The upstream closed the stream before it was complete.", { code: "upstream_stream_incomplete" });
      const mapped = toOpenAIError(err);
      await closeWith(mapped.status, mapped.body.error);
    }
  } catch (err) {
    if (ctx.abortCause === "client_closed") {
      outcome = "client_closed";
    } else if (ctx.abortCause === "shutdown") {
      outcome = "shutdown";
      const mapped = toOpenAIError(new DheeraError("The proxy is shutting down; the stream was cut.", { status: 503, code: "proxy_shutting_down" }));
      await closeWith(mapped.status, mapped.body.error);
    } else {
      outcome = "upstream_failed";
      const { status, body } = toOpenAIError(err);
      // Core words network failures for a request that never got through; say it broke mid-way.
      const broken = status === 502 || status === 504;
      const message = broken ? `The upstream stream failed after it started: ${body.error.message}` : body.error.message;
      await closeWith(status, { ...body.error, message });
    }
  } finally {
    // Idempotent; makes sure an early exit reaches the upstream (WireStream aborts on return()).
    await iterator.return?.().catch(() => {});
    if (!res.writableEnded && !res.destroyed) res.end();
  }
  return error ? { outcome, error } : { outcome };
}

async function write(res: ServerResponse, data: Uint8Array | string): Promise<void> {
  if (data.length === 0 || res.destroyed || res.writableEnded) return;
  if (res.write(data)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
