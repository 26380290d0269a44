import {
  UnsupportedOperationError,
  encryptedContentMark,
  inBandFailure,
  markEncryptedContent,
  normalizeUsage,
  parseWireRequest,
  responsesCreateRequestSchema,
  rewriteResponseIds,
  type Deployment,
  type KnownResponseStreamEvent,
  type ResponseObject,
  type ResponsesCreateRequest,
  type ResponsesOperations,
  type RouterTarget,
  type WireStream,
} from "@dheera/core";
import type { SdkCallOptions } from "../call-options.js";
import type { CallLog } from "../logging/call-log.js";
import { finishCall, startCall, tapStream, type CallContext } from "../logging/run-call.js";
import { directRoute, retryingRoute, type AttemptTarget, type CallRoute } from "../pipeline/call-route.js";
import { withFirstEvent } from "../pipeline/first-event.js";
import type { EventSource, ResponseStream } from "./response-stream.js";

export { SDK_ONLY_KEYS, type SdkCallOptions } from "../call-options.js";

/** A Response as the REST API returns it, plus `output_text` like the openai client adds. */
export type DheeraResponse = ResponseObject & { output_text: string };

/** Parameters of `responses()`: every Responses API parameter, plus the provider's settings. */
export type ResponsesParams = { model: string; stream?: boolean | null } & SdkCallOptions & Record<string, unknown>;

export function responsesOps(deployment: Deployment): ResponsesOperations {
  if (!deployment.responses) {
    throw new UnsupportedOperationError(`The ${deployment.provider} deployment "${deployment.name}" does not serve the Responses API.`, {
      param: "model",
      provider: deployment.provider,
    });
  }
  return deployment.responses;
}

/** Concatenates every output_text part of every message, as the openai client's `output_text`. */
export function outputText(response: ResponseObject): string {
  let text = "";
  for (const item of response.output) {
    if (item.type !== "message" || !Array.isArray((item as { content?: unknown }).content)) continue;
    for (const part of (item as { content: { type: string; text?: string }[] }).content) {
      if (part.type === "output_text" && typeof part.text === "string") text += part.text;
    }
  }
  return text;
}

/** A Response that came back with status "failed" in a 2xx answer: a failure for the logs, returned as it is. */
export function responseFailure(response: ResponseObject) {
  if (response.status !== "failed") return null;
  return inBandFailure({ code: response.error?.code ?? null, message: response.error?.message ?? "The response failed." });
}

/**
 * Stream events typed as the known union so `event.type === "response.output_text.delta"`
 * narrows to its fields. Event types newer than this package still arrive at run time (they are
 * carried, not dropped); handle them in a `default:` branch.
 */
export type StreamEvent = KnownResponseStreamEvent;

export function createResponses(context: CallContext) {
  function responses(params: ResponsesParams & { stream: true }): Promise<ResponseStream<StreamEvent>>;
  function responses(params: ResponsesParams & { stream?: false | null }): Promise<DheeraResponse>;
  function responses(params: ResponsesParams): Promise<DheeraResponse | ResponseStream<StreamEvent>>;
  async function responses(params: ResponsesParams): Promise<DheeraResponse | ResponseStream<StreamEvent>> {
    const stream = params.stream === true;
    const { log, options } = startCall(context, params, "responses", stream);
    try {
      const { deployment, body } = await context.resolve(params, options);
      log.resolved(deployment);
      const request = parseWireRequest(responsesCreateRequestSchema, body);
      const route = options.numRetries > 0 ? retryingRoute(deployment, params.model, options.numRetries, params.signal) : directRoute(deployment, params.signal);
      return await runResponses(log, route, request, { stream, signal: params.signal });
    } catch (error) {
      log.finish({ usage: null, responseId: null, error });
      throw error;
    }
  }
  return responses;
}

/**
 * A Responses create on a route, JSON or stream: what `responses()` and a router's `responses()`
 * share. On a routed call with routable ids, the Response (and each stream event's Response)
 * carries them, and with `markEncryptedContent` its encrypted reasoning names the deployment that
 * can read it. Throws as the route does; the caller logs the failure.
 */
export async function runResponses(
  log: CallLog,
  route: CallRoute,
  request: ResponsesCreateRequest,
  call: { stream: boolean; signal: AbortSignal | undefined; pinned?: RouterTarget | undefined; markEncryptedContent?: boolean },
): Promise<DheeraResponse | ResponseStream<StreamEvent>> {
  const { signal, pinned } = call;
  const markOf = (target: AttemptTarget) => (call.markEncryptedContent && target.deploymentId !== undefined ? encryptedContentMark(target.deploymentId) : undefined);
  if (call.stream) {
    const { result, events, tokens } = await route.run(log, { operation: "responses", stream: true, pinned }, async (target) => {
      const result = await responsesOps(target.deployment).stream(request, target.options);
      const wire = result.stream as WireStream<StreamEvent>;
      if (!target.commit) return { result, events: wire as EventSource<StreamEvent>, tokens: undefined };
      const map = target.encodeId ? routableEvents(target.encodeId, markOf(target)) : undefined;
      const events = await withFirstEvent(wire, { map, signal });
      target.commit();
      return { result, events, tokens: target.tokens };
    });
    return tapStream(log, "responses", { ...result, stream: events }, signal, tokens);
  }
  const { result, usage, encodeId, mark } = await route.run(log, { operation: "responses", stream: false, pinned }, async (target) => {
    const result = await responsesOps(target.deployment).create(request, target.options);
    const usage = normalizeUsage(result.body.usage);
    if (usage && target.tokens) target.tokens(usage.total_tokens);
    return { result, usage, encodeId: target.encodeId, mark: markOf(target) };
  });
  let body = encodeId ? rewriteResponseIds(result.body, encodeId) : result.body;
  if (mark !== undefined) body = markEncryptedContent(body, mark);
  const response = body as DheeraResponse;
  response.output_text = outputText(response);
  return finishCall(log, result, response, { usage, responseId: response.id, failure: responseFailure(response) });
}

/**
 * Stream events as a routed call hands them on: the lifecycle events' Response (`response.created`,
 * ..., `response.completed`) with the routable ids, and with `mark`, encrypted reasoning (in those
 * Responses and in the output items of `response.output_item.*`) marked with its deployment.
 */
function routableEvents(encode: (upstreamId: string) => string, mark: string | undefined): (event: StreamEvent) => StreamEvent {
  return (event) => {
    const { response, item } = event as { response?: unknown; item?: unknown };
    if (typeof response === "object" && response !== null && typeof (response as { id?: unknown }).id === "string") {
      const routable = rewriteResponseIds(response as ResponseObject, encode);
      return { ...event, response: mark === undefined ? routable : markEncryptedContent(routable, mark) } as StreamEvent;
    }
    if (mark !== undefined && typeof (item as { encrypted_content?: unknown } | null | undefined)?.encrypted_content === "string") {
      const content = (item as { encrypted_content: string }).encrypted_content;
      return { ...event, item: { ...(item as object), encrypted_content: mark + content } } as StreamEvent;
    }
    return event;
  };
}
