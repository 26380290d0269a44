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
  type CallOptions,
  type ResponsesCreateRequest,
  type ResponsesSocket as UpstreamResponsesSocket,
  type RouterTarget,
} from "@dheera/core";
import type { CallRecord } from "../pipeline/call-record.js";
import { billBackgroundAnswer } from "../pipeline/background-pricing.js";
import type { RequestContext } from "../http/request-context.js";
import type { SseTarget } from "../http/response-head.js";
import { settleLimits, withCostHeader } from "../pipeline/call-record.js";
import { runModelCall } from "../pipeline/model-call.js";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";
import { ResponsesRelay } from "../pipeline/streaming/responses-relay.js";
import type { PipeOptions } from "../pipeline/streaming/pipe-sse.js";
import { StreamTap } from "../pipeline/streaming/stream-tap.js";
import { readCallRequest } from "../pipeline/read-call-request.js";
import { relayStream } from "../pipeline/relay-stream.js";
import { RetryHold } from "../pipeline/retry-hold.js";
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

    const state = responsesState(s, request);
    if (request.stream === true) return streamResponse(s, route, call, request, state);

    const { value, target } = await runModelCall(s, route, call, {
      operation: "responses",
      model: request.model,
      stream: false,
      pinned: state.pinned,
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
    const mark = state.markContent ? encryptedContentMark(target.id) : undefined;
    let body: string | object;
    const conversation = state.conversation;
    if ("raw" in result) {
      const rewritten = rewriteRawResponseIds(result.raw, upstream, encode);
      const text = conversation ? rewritten.text.replaceAll(JSON.stringify(conversation.upstreamId), JSON.stringify(conversation.id)) : rewritten.text;
      body = mark === undefined ? text : markEncryptedContentText(text, mark);
      call.responseId = rewritten.id;
    } else {
      const response = rewriteResponseIds(result.body, encode);
      if (conversation) (response as { conversation?: unknown }).conversation = { id: conversation.id };
      body = mark === undefined ? response : markEncryptedContent(response, mark);
      call.responseId = response.id;
    }
    call.usage = usage;
    // A background create answers queued; should it come back finished, it is billed once.
    if (request.background === true && usage) await billBackgroundAnswer(s.backgroundPricing, call);
    // A Response can come back "failed" inside a 2xx answer: passed on as it is, logged as a failure.
    if (upstream.status === "failed") call.failure = inBandFailure({ code: upstream.error?.code ?? null, message: upstream.error?.message ?? "The response failed." });
    if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, response_body: s.redact(rewriteResponseIds(upstream, encode)) }, "response body");
    settleLimits(call);
    sendJson(res, 200, body, withCostHeader(upstreamHeaders(result, ctx), call));
  };
}

/** What an upstream's own response id looks like (`resp_` and letters, digits, `_` or `-`). */
const UPSTREAM_ID = /^resp_[A-Za-z0-9_-]{1,256}$/;

function previousNotFound(id: string): DheeraError {
  const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id;
  return new InvalidRequestError(`Previous response with id '${shown}' not found.`, { param: "previous_response_id", code: "previous_response_not_found" });
}

/** Where a create's state lives, and how its encrypted reasoning is marked. */
export interface ResponsesState {
  pinned: RouterTarget | undefined;
  /** The previous_response_id sent upstream (the snapshots echo it). */
  previous: string | undefined;
  /** Mark encrypted content with the deployment, so its replay finds its way back (groups of more than one). */
  markContent: boolean;
  /** The conversation the request names, when the proxy issued its id: its upstream id, echoed in the answer, becomes the caller's again. */
  conversation: { upstreamId: string; id: string } | undefined;
}

/**
 * A follow-up, or a replay of encrypted reasoning, goes where its state lives; the upstream sees
 * its own ids and content. A previous_response_id neither ours nor shaped like an upstream's is
 * nothing anyone stores: refused, never sent on.
 */
export function responsesState(s: ProxyServices, request: ResponsesCreateRequest): ResponsesState {
  const { pinned, foreignPrevious, conversation } = pinToState(s.router, request);
  if (foreignPrevious !== undefined && !UPSTREAM_ID.test(foreignPrevious)) throw previousNotFound(foreignPrevious);
  return {
    pinned,
    previous: typeof request.previous_response_id === "string" ? request.previous_response_id : undefined,
    markContent: wantsEncryptedReasoning(request.include) && typeof request.model === "string" && s.router.group(request.model).length > 1,
    conversation,
  };
}

/**
 * A streamed create, relayed event by event to `res`: an HTTP response (SSE), or a WebSocket
 * turn that sends each event as a frame (`relayOptions.errorEvent` spells its error frame).
 * Settles when the stream has ended (its value is of no use).
 */
export function streamResponse(
  s: ProxyServices,
  route: { ctx: RequestContext; res: SseTarget },
  call: CallRecord,
  request: ResponsesCreateRequest,
  state: ResponsesState,
  relayOptions: {
    errorEvent?: PipeOptions["errorEvent"];
    /** The upstream WebSocket a WebSocket turn uses on this deployment, when it has one open (else HTTP). */
    socketFor?: (target: RouterTarget, options: CallOptions) => Promise<UpstreamResponsesSocket | undefined>;
    /** The previous_response_id the caller sent, when the proxy replaced it with the whole conversation. */
    echoPrevious?: string | undefined;
    /**
     * A follow-up that the upstream WebSocket which produced the previous response can continue by
     * itself: over that socket, `request` (the new input and the upstream's previous_response_id)
     * is sent instead of the whole conversation; anywhere else, and if that socket no longer knows
     * the response, the whole conversation.
     */
    continueOn?: { socket: UpstreamResponsesSocket; request: ResponsesCreateRequest; previousUpstreamId: string } | undefined;
  } = {},
): Promise<unknown> {
  const { ctx, res } = route;
  const { socketFor, echoPrevious, continueOn, ...pipeOptions } = relayOptions;
  const background = request.background === true;
  // What a retry sends again, kept only until the stream starts: a stream of minutes need not
  // hold a long conversation (a Codex turn is hundreds of KB) once no retry can come.
  const retry = new RetryHold({ request, continueOn });
  return runModelCall(s, route, call, {
    operation: "responses",
    model: request.model,
    stream: true,
    pinned: state.pinned,
    attempt: async (attempt) => {
      const { request, continueOn } = retry.take();
      const encode = (id: string) => s.router.encodeResponseId(attempt.target, id);
      const socket = socketFor ? await socketFor(attempt.target, attempt.options) : undefined;
      const continued = continueOn && continueOn.socket === socket ? continueOn : undefined;
      const result = socket
        ? await (continued ? continueOrResend(socket, continued.request, request, attempt.options) : socket.create(request, attempt.options))
        : await attempt.target.deployment.responses!.stream(request, attempt.options);
      // The relay reads each event's type on the bytes and tells the tap, which reads only what
      // it accounts; a lifecycle event's members are read once, for both.
      const tap = new StreamTap("responses");
      const relay = new ResponsesRelay(encode, {
        previousUpstreamId: continued ? continued.previousUpstreamId : state.previous,
        observer: tap,
        encryptedMark: state.markContent ? encryptedContentMark(attempt.target.id) : undefined,
        redact: s.redactText,
        ids: state.conversation ? [state.conversation] : undefined,
        echoPrevious,
      });
      return relayStream(s, res, ctx, call, attempt, result, relay, tap.accounting, {
        encodeId: encode,
        ...pipeOptions,
        onCommit: retry.release,
        ...(background ? { beforeSettle: (c: CallRecord) => billBackgroundAnswer(s.backgroundPricing, c) } : {}),
      });
    },
  });
}

/** The short follow-up over the socket that holds its previous response; the whole conversation if it has forgotten it. */
async function continueOrResend(socket: UpstreamResponsesSocket, short: ResponsesCreateRequest, whole: ResponsesCreateRequest, options: CallOptions) {
  try {
    return await socket.create(short, options);
  } catch (err) {
    if (DheeraError.isInstance(err) && err.code === "previous_response_not_found" && !socket.closed) return socket.create(whole, options);
    throw err;
  }
}
