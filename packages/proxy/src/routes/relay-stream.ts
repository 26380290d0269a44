import type { ServerResponse } from "node:http";
import type { ToSseOptions, WireStreamResult } from "@dheera/core";
import type { CallRecord } from "../accounting/call-record.js";
import { recordStreamEnd } from "../accounting/stream-outcome.js";
import type { RequestContext } from "../server/request-context.js";
import { pipeSse } from "../streaming/pipe-sse.js";
import type { SseRelay } from "../streaming/sse-relay.js";
import type { StreamTap } from "../streaming/stream-tap.js";
import { SSE_HEADERS, upstreamHeaders } from "./upstream-headers.js";

/**
 * What both create routes do with a stream the provider answered: answer 200 with SSE headers,
 * relay the events (a client that leaves cuts the upstream), then record how it ended.
 */
export async function relayStream(
  res: ServerResponse,
  ctx: RequestContext,
  call: CallRecord,
  result: WireStreamResult<unknown>,
  relay: SseRelay,
  tap: StreamTap,
  options: ToSseOptions & { encodeId?: (upstreamId: string) => string } = {},
): Promise<void> {
  const onAbort = () => result.stream.abort(ctx.signal.reason);
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  res.writeHead(200, { ...upstreamHeaders(result, ctx), ...SSE_HEADERS });
  const piped = await pipeSse(res, result.stream, relay, ctx, options.onMessage ? { onMessage: options.onMessage } : {});
  ctx.signal.removeEventListener("abort", onAbort);
  recordStreamEnd(call, tap, result, piped, options.encodeId);
  if (piped.outcome !== "completed") ctx.log.stream_end = piped.outcome;
}
