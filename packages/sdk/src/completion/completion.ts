import {
  UnsupportedOperationError,
  chatCompletionRequestSchema,
  parseWireRequest,
  type ChatCompletion,
  type ChatCompletionChunk,
} from "@dheera/core";
import { attachMetadata } from "../call-metadata.js";
import type { DeploymentResolver } from "../deployment-resolver.js";
import { ResponseStream } from "../responses/response-stream.js";
import { SDK_ONLY_KEYS, metadataOf, type SdkCallOptions } from "../responses/responses.js";

/** Parameters of `completion()`: every Chat Completions parameter, plus the provider's settings. */
export type CompletionParams = { model: string; messages: unknown[]; stream?: boolean | null } & SdkCallOptions & Record<string, unknown>;

export type ChatCompletionStream = ResponseStream<ChatCompletionChunk>;

export function createCompletion(resolve: DeploymentResolver) {
  function completion(params: CompletionParams & { stream: true }): Promise<ChatCompletionStream>;
  function completion(params: CompletionParams & { stream?: false | null }): Promise<ChatCompletion>;
  function completion(params: CompletionParams): Promise<ChatCompletion | ChatCompletionStream>;
  async function completion(params: CompletionParams): Promise<ChatCompletion | ChatCompletionStream> {
    const started = performance.now();
    const { deployment, body } = await resolve(params, SDK_ONLY_KEYS);
    const request = parseWireRequest(chatCompletionRequestSchema, body);
    if (!deployment.chat) {
      throw new UnsupportedOperationError(`The ${deployment.provider} deployment "${deployment.name}" does not serve Chat Completions.`, {
        param: "model",
        provider: deployment.provider,
      });
    }
    const options = params.signal ? { signal: params.signal } : {};
    if (params.stream) {
      const result = await deployment.chat.stream(request, options);
      const stream: ChatCompletionStream = new ResponseStream(result.stream, () => {
        attachMetadata(stream, metadataOf(deployment, result, started));
      }, params.signal);
      return attachMetadata(stream, metadataOf(deployment, result, started));
    }
    const result = await deployment.chat.create(request, options);
    return attachMetadata(result.body, metadataOf(deployment, result, started));
  }
  return completion;
}
