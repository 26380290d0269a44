import {
  DheeraError,
  InvalidRequestError,
  encryptedContentMark,
  inBandFailure,
  markEncryptedContent,
  markEncryptedContentText,
  normalizeUsage,
  responsesCreateRequestSchema,
  rewriteRawResponseIds,
  rewriteResponseIds,
  pinToState,
  wantsEncryptedReasoning,
} from "@dheera/core";
import { costHeader, settleLimits } from "../pipeline/call-record.js";
import { runModelCall } from "../pipeline/model-call.js";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";
import { ResponsesRelay } from "../pipeline/streaming/responses-relay.js";
import { StreamTap } from "../pipeline/streaming/stream-tap.js";
import { readCallRequest } from "../pipeline/read-call-request.js";
import { relayStream } from "../pipeline/relay-stream.js";
import { upstreamHeaders } from "../http/upstream-headers.js";

/**
 * `POST /v1/responses`: native pass-through to a deployment the router picks, JSON or SSE. The
 * usage is read from the JSON body or, for streams, from the terminal event on the side; a JSON
 * answer carries its cost in `x-dheera-response-cost`.
 */
export function responsesCreate(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { ctx, res } = route;
    // drop_params is taken out of the body: Azure's Responses API needs no transform, so nothing is dropped.
    const { call, request } = await readCallRequest(s, route, "responses", responsesCreateRequestSchema);
    ctx.log.stream = request.stream === true;

    // A follow-up, or a replay of encrypted reasoning, goes where its state lives; the upstream
    // sees its own ids and content.
    const { pinned, foreignPrevious } = pinToState(s.router, request);
    // Not ours, and not shaped like an upstream's: nothing anyone stores; never sent on.
    if (foreignPrevious !== undefined && !UPSTREAM_ID.test(foreignPrevious)) throw previousNotFound(foreignPrevious);
    const previous = typeof request.previous_response_id === "string" ? request.previous_response_id : undefined;
    const markContent = wantsEncryptedReasoning(request.include) && typeof request.model === "string" && s.router.group(request.model).length > 1;

    if (request.stream === true) {
      await runModelCall(s, route, call, {
        operation: "responses",
        model: request.model,
        stream: true,
        pinned,
        attempt: async (attempt) => {
          const encode = (id: string) => s.router.encodeResponseId(attempt.target, id);
          const result = await attempt.target.deployment.responses!.stream(request, attempt.options);
          // The relay reads each event's type on the bytes and tells the tap, which reads only what
          // it accounts; a lifecycle event's members are read once, for both.
          const tap = new StreamTap("responses");
          const relay = new ResponsesRelay(encode, {
            previousUpstreamId: previous,
            observer: tap,
            encryptedMark: markContent ? encryptedContentMark(attempt.target.id) : undefined,
            redact: s.redactText,
          });
          await relayStream(s, res, ctx, call, attempt, result, relay, tap.accounting, { encodeId: encode });
        },
      });
      return;
    }

    const { value, target } = await runModelCall(s, route, call, {
      operation: "responses",
      model: request.model,
      stream: false,
      pinned,
      attempt: async (attempt) => {
        const ops = attempt.target.deployment.responses!;
        // Relay the upstream's text where the provider offers it: only the ids change.
        const result = await (ops.createRaw ? ops.createRaw(request, attempt.options) : ops.create(request, attempt.options));
        const usage = normalizeUsage(result.body.usage);
        if (usage) attempt.tokens(usage.total_tokens);
        return { result, usage };
      },
    });
    const { result, usage } = value;
    const encode = (id: string) => s.router.encodeResponseId(target, id);
    const upstream = result.body;
    const mark = markContent ? encryptedContentMark(target.id) : undefined;
    let body: string | object;
    if ("raw" in result) {
      const rewritten = rewriteRawResponseIds(result.raw, upstream, encode);
      body = mark === undefined ? rewritten.text : markEncryptedContentText(rewritten.text, mark);
      call.responseId = rewritten.id;
    } else {
      const response = rewriteResponseIds(result.body, encode);
      body = mark === undefined ? response : markEncryptedContent(response, mark);
      call.responseId = response.id;
    }
    call.usage = usage;
    // A Response can come back "failed" inside a 2xx answer: passed on as it is, logged as a failure.
    if (upstream.status === "failed") call.failure = inBandFailure({ code: upstream.error?.code ?? null, message: upstream.error?.message ?? "The response failed." });
    if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, response_body: s.redact(rewriteResponseIds(upstream, encode)) }, "response body");
    settleLimits(call);
    sendJson(res, 200, body, { ...upstreamHeaders(result, ctx), ...costHeader(call) });
  };
}

/** What an upstream's own response id looks like (`resp_` and letters, digits, `_` or `-`). */
const UPSTREAM_ID = /^resp_[A-Za-z0-9_-]{1,256}$/;

function previousNotFound(id: string): DheeraError {
  const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id;
  return new InvalidRequestError(`Previous response with id '${shown}' not found.`, { param: "previous_response_id", code: "previous_response_not_found" });
}
