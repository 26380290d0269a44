import { chatCompletionRequestSchema, parseWireRequest } from "@dheera/core";
import { readJsonBody, sendJson } from "../server/http-io.js";
import type { RouteHandler } from "../server/route-table.js";
import type { ProxyServices } from "../server/services.js";
import { ChatRelay } from "../streaming/chat-relay.js";
import { pipeSse } from "../streaming/pipe-sse.js";
import { deploymentLabel } from "./deployment-label.js";
import { SSE_HEADERS, upstreamHeaders } from "./upstream-headers.js";

/**
 * `POST /v1/chat/completions`, JSON or SSE. Whether the deployment speaks Chat natively (bytes
 * pass through) or through a transform (events are encoded here) is the provider's business:
 * both arrive as a WireStream whose `toSse()` gives the right bytes.
 */
export function chatCompletions(s: ProxyServices): RouteHandler {
  return async ({ ctx, req, res }) => {
    const body = await readJsonBody(req, res, s.bodyLimitBytes);
    const model = (body as { model?: unknown } | null)?.model;
    if (typeof model === "string") ctx.log.model_name = model;
    if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, request_body: s.redact(body) }, "request body");
    const request = parseWireRequest(chatCompletionRequestSchema, body);

    const target = s.router.pick(request.model, "chat");
    const ops = target.deployment.chat!;
    ctx.log.deployment = deploymentLabel(target);
    ctx.log.stream = request.stream === true;
    target.inFlight++;
    try {
      if (request.stream === true) {
        const result = await ops.stream(request, { signal: ctx.signal });
        const onAbort = () => result.stream.abort(ctx.signal.reason);
        ctx.signal.addEventListener("abort", onAbort, { once: true });
        res.writeHead(200, { ...upstreamHeaders(result, ctx), ...SSE_HEADERS });
        res.flushHeaders();
        const relay = new ChatRelay();
        const outcome = await pipeSse(res, result.stream.toSse({ onMessage: relay.onMessage }), relay, ctx);
        ctx.signal.removeEventListener("abort", onAbort);
        if (relay.usage) ctx.log.usage = relay.usage;
        if (outcome !== "completed") ctx.log.stream_end = outcome;
        return;
      }
      const result = await ops.create(request, { signal: ctx.signal });
      const usage = result.body.usage;
      if (usage) ctx.log.usage = { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
      if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, response_body: s.redact(result.body) }, "response body");
      sendJson(res, 200, result.body, upstreamHeaders(result, ctx));
    } finally {
      target.inFlight--;
    }
  };
}
