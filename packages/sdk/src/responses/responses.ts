import {
  UnsupportedOperationError,
  parseWireRequest,
  responsesCreateRequestSchema,
  type Deployment,
  type ResponseObject,
  type WireStream,
  type KnownResponseStreamEvent,
  type ResponsesOperations,
} from "@dheera/core";
import { attachMetadata, type CallMetadata } from "../call-metadata.js";
import type { DeploymentResolver } from "../deployment-resolver.js";
import { ResponseStream } from "./response-stream.js";

/** Options the SDK itself consumes; they never reach the upstream. */
export interface SdkCallOptions {
  /** Cancels the request (and an open stream). */
  signal?: AbortSignal;
}
export const SDK_ONLY_KEYS = ["signal"] as const;

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

export function metadataOf(deployment: Deployment, meta: { status: number; headers: Record<string, string>; upstreamRequestId?: string }, started: number): CallMetadata {
  return {
    provider: deployment.provider,
    deployment: deployment.name,
    apiBase: deployment.apiBase,
    status: meta.status,
    headers: meta.headers,
    upstreamRequestId: meta.upstreamRequestId,
    latencyMs: performance.now() - started,
  };
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

/**
 * Stream events typed as the known union so `event.type === "response.output_text.delta"`
 * narrows to its fields. Event types newer than this package still arrive at run time (they are
 * carried, not dropped); handle them in a `default:` branch.
 */
export type StreamEvent = KnownResponseStreamEvent;

export function createResponses(resolve: DeploymentResolver) {
  function responses(params: ResponsesParams & { stream: true }): Promise<ResponseStream<StreamEvent>>;
  function responses(params: ResponsesParams & { stream?: false | null }): Promise<DheeraResponse>;
  function responses(params: ResponsesParams): Promise<DheeraResponse | ResponseStream<StreamEvent>>;
  async function responses(params: ResponsesParams): Promise<DheeraResponse | ResponseStream<StreamEvent>> {
    const started = performance.now();
    const { deployment, body } = await resolve(params, SDK_ONLY_KEYS);
    const request = parseWireRequest(responsesCreateRequestSchema, body);
    const ops = responsesOps(deployment);
    const options = params.signal ? { signal: params.signal } : {};
    if (params.stream) {
      const result = await ops.stream(request, options);
      const stream = new ResponseStream<StreamEvent>(result.stream as WireStream<StreamEvent>, () => {
        attachMetadata(stream, metadataOf(deployment, result, started));
      }, params.signal);
      return attachMetadata(stream, metadataOf(deployment, result, started));
    }
    const result = await ops.create(request, options);
    const response = result.body as DheeraResponse;
    response.output_text = outputText(response);
    return attachMetadata(response, metadataOf(deployment, result, started));
  }
  return responses;
}
