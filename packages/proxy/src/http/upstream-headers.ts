import type { HeaderList } from "./header-list.js";
import type { WireMeta } from "@dheera/core";
import type { RequestContext } from "./request-context.js";

/**
 * Headers from the upstream worth passing on (rate limits, region, processing time). The
 * upstream's own `x-request-id` becomes `x-upstream-request-id`: `x-request-id` is ours. A
 * virtual key is paced by its own limits (call-admission.ts sets their headers), never by the
 * deployment's quota, which all keys share.
 */
export function upstreamHeaders(meta: WireMeta, ctx: RequestContext): HeaderList {
  const out: HeaderList = [];
  const ownLimits = ctx.identity?.kind === "virtual";
  const headers = meta.headers;
  let upstreamId = false;
  // for-in, not Object.entries: no array of pairs per answer.
  for (const name in headers) {
    const value = headers[name]!;
    if (ownLimits && name.startsWith("x-ratelimit-")) continue;
    if (name === "x-request-id" || name === "x-upstream-request-id") {
      if (upstreamId) continue;
      upstreamId = true;
      out.push("x-upstream-request-id", value);
    } else {
      out.push(name, value);
    }
  }
  if (meta.upstreamRequestId) {
    ctx.log.upstream_request_id = meta.upstreamRequestId;
    if (!upstreamId) out.push("x-upstream-request-id", meta.upstreamRequestId);
  }
  return out;
}

/** What an SSE answer adds to the upstream's headers (a list, to be pushed onto theirs). */
export const SSE_HEADERS: HeaderList = [
  "content-type",
  "text/event-stream; charset=utf-8",
  "cache-control",
  "no-cache",
  // Tells nginx-style proxies in front of us not to buffer the stream.
  "x-accel-buffering",
  "no",
];
