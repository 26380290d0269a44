import { chatCompletionRequestSchema, normalizeUsage, type SseMessage } from "@dheera/core";
import { costHeader } from "../accounting/call-record.js";
import { sendJson } from "../server/http-io.js";
import type { RouteHandler } from "../server/route-table.js";
import type { ProxyServices } from "../server/services.js";
import { ChatRelay } from "../streaming/chat-relay.js";
import { StreamTap } from "../streaming/stream-tap.js";
import { deploymentLabel } from "./deployment-label.js";
import { readCallRequest } from "./read-call-request.js";
import { relayStream } from "./relay-stream.js";
import { upstreamHeaders } from "./upstream-headers.js";

/**
 * `POST /v1/chat/completions`, JSON or SSE. Whether the deployment speaks Chat natively (bytes
 * pass through) or through a transform (events are encoded here) is the provider's business:
 * both arrive as a WireStream whose `toSse()` gives the right bytes. Usage and cost are read the
 * same way for both (JSON body; the usage chunk, else the provider's upstream usage).
 */
export function chatCompletions(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { ctx, res } = route;
    const { call, request } = await readCallRequest(s, route, "chat", chatCompletionRequestSchema);

    const target = s.router.pick(request.model, "chat");
    const ops = target.deployment.chat!;
    ctx.log.deployment = deploymentLabel(target);
    ctx.log.stream = request.stream === true;
    call.target = target;
    target.inFlight++;
    try {
      if (request.stream === true) {
        const result = await ops.stream(request, { signal: ctx.signal });
        const relay = new ChatRelay();
        const tap = new StreamTap("chat");
        const onMessage = (message: SseMessage) => {
          relay.onMessage(message);
          tap.onMessage(message);
        };
        await relayStream(res, ctx, call, result, relay, tap, { onMessage });
        return;
      }
      const result = await ops.create(request, { signal: ctx.signal });
      call.usage = normalizeUsage(result.body.usage);
      call.responseId = typeof result.body.id === "string" ? result.body.id : null;
      if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, response_body: s.redact(result.body) }, "response body");
      sendJson(res, 200, result.body, { ...upstreamHeaders(result, ctx), ...costHeader(call) });
    } finally {
      target.inFlight--;
    }
  };
}
