import { inBandFailure, type LoggedError, type StreamAccounting, type WireStreamResult } from "@dheera/core";
import type { PipeResult } from "./streaming/pipe-sse.js";
import type { CallRecord } from "./call-record.js";

/**
 * Records how a relayed stream ended. Usage: the terminal event's (Responses) or the usage
 * chunk's (Chat), else what the provider read upstream (`result.usage()`: a bridged chat stream
 * whose client did not ask for include_usage), else unknown. A stream is a failure when the
 * upstream reported one in-band, when the proxy had to end it with an error event, or when the
 * client left before the answer was complete (499, like the SDK's aborted streams).
 */
export function recordStreamEnd(
  call: CallRecord,
  accounting: StreamAccounting,
  result: Pick<WireStreamResult<unknown>, "usage">,
  piped: PipeResult,
  encodeId: (upstreamId: string) => string = (id) => id,
): void {
  call.usage = accounting.usage ?? result.usage?.() ?? null;
  call.responseId = accounting.responseId === null ? null : encodeId(accounting.responseId);
  call.firstTokenAt = accounting.firstTokenAt;
  call.failure = failureOf(piped, accounting);
}

function failureOf(piped: PipeResult, accounting: StreamAccounting): LoggedError | null {
  if (piped.error) return piped.error;
  if (piped.outcome === "client_closed") {
    return accounting.finished ? null : { status: 499, type: "invalid_request_error", code: "request_aborted", message: "The client closed the connection before the stream was complete." };
  }
  if (accounting.failure) return inBandFailure(accounting.failure);
  return null;
}
