import { normalizeUsage, responsesCreateRequestSchema, type ResponseObject } from "@dheera/core";
import { costHeader } from "../accounting/call-record.js";
import { inBandFailure } from "../accounting/stream-outcome.js";
import { sendJson } from "../server/http-io.js";
import type { RouteHandler } from "../server/route-table.js";
import type { ProxyServices } from "../server/services.js";
import { ResponsesRelay } from "../streaming/responses-relay.js";
import { StreamTap } from "../streaming/stream-tap.js";
import { deploymentLabel } from "./deployment-label.js";
import { readCallRequest } from "./read-call-request.js";
import { relayStream } from "./relay-stream.js";
import { upstreamHeaders } from "./upstream-headers.js";

/**
 * `POST /v1/responses`: native pass-through to the deployment, JSON or SSE. The usage is read
 * from the JSON body or, for streams, from the terminal event on the side; a JSON answer carries
 * its cost in `x-dheera-response-cost`.
 */
export function responsesCreate(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { ctx, res } = route;
    const { call, request } = await readCallRequest(s, route, "responses", responsesCreateRequestSchema);

    // A follow-up goes where its previous response lives; the upstream sees its own id.
    let pinned: string | undefined;
    if (typeof request.previous_response_id === "string") {
      const decoded = s.router.decodePrevious(request.previous_response_id);
      if (decoded) {
        pinned = decoded.key;
        request.previous_response_id = decoded.upstreamId;
      }
    }

    const target = s.router.pick(request.model, "responses", pinned);
    const ops = target.deployment.responses!;
    ctx.log.deployment = deploymentLabel(target);
    ctx.log.stream = request.stream === true;
    call.target = target;
    const encode = (id: string) => s.router.encode(target, id);
    target.inFlight++;
    try {
      if (request.stream === true) {
        const result = await ops.stream(request, { signal: ctx.signal });
        const previous = typeof request.previous_response_id === "string" ? request.previous_response_id : undefined;
        // The relay reads each event's type on the bytes and tells the tap, which reads only what
        // it accounts; a lifecycle event's members are read once, for both.
        const tap = new StreamTap("responses");
        await relayStream(res, ctx, call, result, new ResponsesRelay(encode, previous, tap), tap, { encodeId: encode });
        return;
      }
      if (ops.createRaw) {
        // Relay the upstream's text: only the ids change, and only the fields we account are read.
        const result = await ops.createRaw(request, { signal: ctx.signal });
        const upstream = result.body;
        const { text, id } = rewriteRawIds(result.raw, upstream, encode);
        call.usage = normalizeUsage(upstream.usage);
        call.responseId = id;
        if (upstream.status === "failed") call.failure = inBandFailure({ code: upstream.error?.code ?? null, message: upstream.error?.message ?? "The response failed." });
        if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, response_body: s.redact(rewriteIds(upstream, encode)) }, "response body");
        sendJson(res, 200, text, { ...upstreamHeaders(result, ctx), ...costHeader(call) });
        return;
      }
      const result = await ops.create(request, { signal: ctx.signal });
      const response = rewriteIds(result.body, encode);
      call.usage = normalizeUsage(response.usage);
      call.responseId = response.id;
      // A Response can come back "failed" inside a 2xx answer: passed on as it is, logged as a failure.
      if (response.status === "failed") call.failure = inBandFailure({ code: response.error?.code ?? null, message: response.error?.message ?? "The response failed." });
      if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, response_body: s.redact(response) }, "response body");
      sendJson(res, 200, response, { ...upstreamHeaders(result, ctx), ...costHeader(call) });
    } finally {
      target.inFlight--;
    }
  };
}

/**
 * The response as the client must see it: with routable ids. An echoed previous_response_id
 * names a response on the same upstream, so it is encoded with the same deployment key.
 */
export function rewriteIds<T extends Pick<ResponseObject, "id"> & { previous_response_id?: unknown }>(
  response: T,
  encode: (upstreamId: string) => string,
): T {
  const out = { ...response, id: encode(response.id) };
  if (typeof out.previous_response_id === "string" && out.previous_response_id !== "") out.previous_response_id = encode(out.previous_response_id);
  return out;
}

/**
 * `rewriteIds` on the upstream's JSON text: the quoted upstream id (and an echoed
 * previous_response_id) replaced by the routable one wherever it occurs, as `ResponsesRelay`
 * does for streams. When the text does not hold the id in the form JSON.stringify writes it
 * (an upstream that escapes differently), the parsed body is serialized instead.
 */
export function rewriteRawIds(
  raw: string,
  response: Pick<ResponseObject, "id"> & { previous_response_id?: unknown },
  encode: (upstreamId: string) => string,
): { text: string; id: string } {
  const id = encode(response.id);
  const prev = response.previous_response_id;
  const pairs: [string, string][] = [[JSON.stringify(response.id), JSON.stringify(id)]];
  if (typeof prev === "string" && prev !== "" && prev !== response.id) pairs.push([JSON.stringify(prev), JSON.stringify(encode(prev))]);
  let text = raw;
  for (const [from, to] of pairs) {
    // Rare: parse the whole text once and write it back.
    if (!text.includes(from)) return { text: JSON.stringify(rewriteIds(JSON.parse(raw) as typeof response, encode)), id };
    text = text.replaceAll(from, to);
  }
  return { text, id };
}
