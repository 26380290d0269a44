import { chatCompletionRequestSchema, normalizeUsage, type Attempt, type ChatCompletionRequest, type SseMessage } from "@dheera/core";
import { settleLimits, withCostHeader, type CallRecord } from "../pipeline/call-record.js";
import { runModelCall } from "../pipeline/model-call.js";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";
import { ChatRelay } from "../pipeline/streaming/chat-relay.js";
import { StreamTap } from "../pipeline/streaming/stream-tap.js";
import { readCallRequest } from "../pipeline/read-call-request.js";
import { relayStream } from "../pipeline/relay-stream.js";
import { RetryHold } from "../pipeline/retry-hold.js";
import { upstreamHeaders } from "../http/upstream-headers.js";

/** Names the parameters `drop_params` dropped (LiteLLM sends them nowhere; a client should see them). */
const DROPPED_HEADER = "x-dheera-dropped-params";

/**
 * `POST /v1/chat/completions`, JSON or SSE. Whether the deployment speaks Chat natively (bytes
 * pass through) or through a transform (events are encoded here) is the provider's business:
 * both arrive as a WireStream whose `toSse()` gives the right bytes. Usage and cost are read the
 * same way for both (JSON body; the usage chunk, else the provider's upstream usage).
 */
export function chatCompletions(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { ctx, res } = route;
    const { call, request, dropParams } = await readCallRequest(s, route, "chat", chatCompletionRequestSchema);
    const options = attemptOptions(dropParams);
    ctx.log.stream = request.stream === true;

    if (request.stream === true) return streamChat(s, route, call, new RetryHold(request), options);

    const { value } = await runModelCall(s, route, call, {
      operation: "chat",
      model: request.model,
      stream: false,
      attempt: async (attempt) => {
        const result = await attempt.target.deployment.chat!.create(request, options(attempt));
        const usage = normalizeUsage(result.body.usage);
        if (usage) attempt.tokens(usage.total_tokens);
        return { result, usage };
      },
    });
    const { result, usage } = value;
    call.usage = usage;
    call.responseId = typeof result.body.id === "string" ? result.body.id : null;
    if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, response_body: s.redact(result.body) }, "response body");
    const headers = withCostHeader(upstreamHeaders(result, ctx), call);
    if (result.droppedParams) headers.push(DROPPED_HEADER, result.droppedParams.join(", "));
    settleLimits(call);
    sendJson(res, 200, result.body, headers);
  };
}

/** Made outside the route's scope, which holds the request: a closure made there would keep it. */
function attemptOptions(dropParams: boolean | undefined): (attempt: Attempt) => Attempt["options"] {
  return (attempt) => (dropParams ? { ...attempt.options, dropParams } : attempt.options);
}

/**
 * A streamed chat call. Its own function, given the request in a `RetryHold`: a closure made in
 * the route's scope would keep the request (a long conversation) for the whole stream.
 */
function streamChat(
  s: ProxyServices,
  route: Parameters<RouteHandler>[0],
  call: CallRecord,
  retry: RetryHold<ChatCompletionRequest>,
  options: (attempt: Attempt) => Attempt["options"],
): Promise<unknown> {
  const { ctx, res } = route;
  return runModelCall(s, route, call, {
    operation: "chat",
    model: retry.take().model,
    stream: true,
    attempt: async (attempt) => {
      const result = await attempt.target.deployment.chat!.stream(retry.take(), options(attempt));
      if (result.droppedParams) res.setHeader(DROPPED_HEADER, result.droppedParams.join(", "));
      const relay = new ChatRelay(s.redactText);
      // A transformed stream is accounted by the provider as it builds the chunks; only a
      // native one is read here, on the side.
      if (result.accounting) return relayStream(s, res, ctx, call, attempt, result, relay, result.accounting, { onMessage: relay.onMessage, onCommit: retry.release });
      const tap = new StreamTap("chat");
      const onMessage = (message: SseMessage) => {
        relay.onMessage(message);
        tap.onMessage(message);
      };
      return relayStream(s, res, ctx, call, attempt, result, relay, tap.accounting, { onMessage, onCommit: retry.release });
    },
  });
}
