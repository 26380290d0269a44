import {
  UnsupportedOperationError,
  normalizeUsage,
  parseWireRequest,
  responsesCreateRequestSchema,
  type Deployment,
  type KnownResponseStreamEvent,
  type ResponseObject,
  type ResponsesOperations,
  type WireStream,
} from "@dheera/core";
import type { SdkCallOptions } from "../call-options.js";
import { finishCall, inBandFailure, startCall, tapStream, type CallContext } from "../logging/run-call.js";
import type { ResponseStream } from "./response-stream.js";

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
    const { log, options } = startCall(context, params, "responses", params.stream === true);
    try {
      const { deployment, body } = await context.resolve(params, options);
      log.resolved(deployment);
      const request = parseWireRequest(responsesCreateRequestSchema, body);
      const ops = responsesOps(deployment);
      const callOptions = params.signal ? { signal: params.signal } : {};
      if (params.stream) {
        const result = await ops.stream(request, callOptions);
        return tapStream(log, "responses", { ...result, stream: result.stream as WireStream<StreamEvent> }, params.signal);
      }
      const result = await ops.create(request, callOptions);
      const response = result.body as DheeraResponse;
      response.output_text = outputText(response);
      return finishCall(log, result, response, { usage: normalizeUsage(response.usage), responseId: response.id, failure: responseFailure(response) });
    } catch (error) {
      log.finish({ usage: null, responseId: null, error });
      throw error;
    }
  }
  return responses;
}
