import type { OutgoingHttpHeaders } from "node:http";
import type { WireMeta } from "@dheera/core";
import type { RequestContext } from "./request-context.js";

/**
 * Headers from the upstream worth passing on (rate limits, region, processing time). The
 * upstream's own `x-request-id` becomes `x-upstream-request-id`: `x-request-id` is ours. A
 * virtual key is paced by its own limits (call-admission.ts sets their headers), never by the
 * deployment's quota, which all keys share.
 */
export function upstreamHeaders(meta: WireMeta, ctx: RequestContext): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const ownLimits = ctx.identity?.kind === "virtual";
  const headers = meta.headers;
  // for-in, not Object.entries: no array of pairs per answer.
  for (const name in headers) {
    const value = headers[name]!;
    if (ownLimits && name.startsWith("x-ratelimit-")) continue;
    if (name === "x-request-id") out["x-upstream-request-id"] = value;
    else out[name] = value;
  }
  if (meta.upstreamRequestId) {
    ctx.log.upstream_request_id = meta.upstreamRequestId;
    out["x-upstream-request-id"] ??= meta.upstreamRequestId;
  }
  return out;
}

export const SSE_HEADERS: OutgoingHttpHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  // Tells nginx-style proxies in front of us not to buffer the stream.
  "x-accel-buffering": "no",
};
