import { DheeraError, type Attempt, type StreamAccounting, type ToSseOptions, type WireStreamResult } from "@dheera/core";
import { settleLimits, type CallRecord } from "./call-record.js";
import { recordStreamEnd } from "./stream-outcome.js";
import type { RequestContext } from "../http/request-context.js";
import type { SseTarget } from "../http/response-head.js";
import type { ProxyServices } from "./services.js";
import { pipeSse, type PipeOptions, type PipeResult } from "./streaming/pipe-sse.js";
import type { SseRelay } from "./streaming/sse-relay.js";
import { SSE_HEADERS, upstreamHeaders } from "../http/upstream-headers.js";

/**
 * What both create routes do with a stream the provider answered, inside one router attempt:
 * relay the events (a client that leaves cuts the upstream), answering 200 with SSE headers just
 * before the first byte (`attempt.commit()`: from then on nothing is retried), then record how it
 * ended. A failure before the first byte is thrown, for the router to retry.
 *
 * Not an async function: while the stream runs only `pipeSse` is suspended, and what follows its
 * end is a continuation (an open stream holds as little as it can: issue 18's memory target).
 */
export function relayStream(
  s: Pick<ProxyServices, "redactText">,
  res: SseTarget,
  ctx: RequestContext,
  call: CallRecord,
  attempt: Attempt,
  result: WireStreamResult<unknown>,
  relay: SseRelay,
  /** Who reads the stream on the side: the provider's own accounting, or the host's tap. */
  accounting: StreamAccounting,
  options: ToSseOptions & {
    encodeId?: (upstreamId: string) => string;
    errorEvent?: PipeOptions["errorEvent"];
    /** Decides, once the stream's usage is known and before it is counted, what the call bills (background responses). */
    beforeSettle?: (call: CallRecord) => Promise<void>;
    /** The stream has started (its head is out): no retry can come, so what only a retry would send again can go. */
    onCommit?: () => void;
  } = {},
): Promise<void> {
  const onAbort = () => result.stream.abort(ctx.signal.reason);
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const unlink = () => ctx.signal.removeEventListener("abort", onAbort);
  const head = () => {
    const headers = upstreamHeaders(result, ctx);
    for (let i = 0; i < SSE_HEADERS.length; i++) headers.push(SSE_HEADERS[i]!);
    res.writeHead(200, headers);
    attempt.commit();
    options.onCommit?.();
  };
  const piping = pipeSse(res, result.stream, relay, ctx, {
    head,
    redact: s.redactText,
    errorEvent: options.errorEvent,
    ...(options.onMessage ? { onMessage: options.onMessage } : {}),
  });
  return piping.then(
    (piped) => {
      try {
        recordStreamEnd(call, accounting, result, piped, options.encodeId);
        if (!options.beforeSettle) {
          settle(s, ctx, call, attempt, piped);
          return;
        }
        return options.beforeSettle(call).then(() => settle(s, ctx, call, attempt, piped));
      } finally {
        unlink();
      }
    },
    (err: unknown) => {
      unlink();
      throw err;
    },
  );
}

/** After the stream: the limits counted, and how it ended said in the log line and to the router. */
function settle(s: Pick<ProxyServices, "redactText">, ctx: RequestContext, call: CallRecord, attempt: Attempt, piped: PipeResult): void {
  settleLimits(call);
  // One rule for the log line: a stream the upstream failed (in-band, or by breaking off) says so, with its cause.
  if (call.failure) call.failure = { ...call.failure, message: s.redactText(call.failure.message) };
  const failure = call.failure;
  if (piped.outcome !== "completed") ctx.log.stream_end = piped.outcome;
  else if (failure) ctx.log.stream_end = "upstream_failed";
  if (failure && piped.outcome !== "client_closed") {
    ctx.log.error = { type: failure.type, code: failure.code, message: failure.message, ...(piped.cause !== undefined ? { cause: piped.cause } : {}) };
  }
  if (piped.outcome === "upstream_failed" && piped.error) attempt.fail(new DheeraError(piped.error.message, { status: piped.error.status, type: piped.error.type, code: piped.error.code }));
  if (call.usage) attempt.tokens(call.usage.total_tokens);
}
