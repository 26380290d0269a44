import {
  UnsupportedOperationError,
  chatCompletionRequestSchema,
  normalizeUsage,
  parseWireRequest,
  type ChatCompletion,
  type ChatCompletionChunk,
} from "@dheera/core";
import type { SdkCallOptions } from "../call-options.js";
import { finishCall, startCall, tapStream, type CallContext } from "../logging/run-call.js";
import type { ResponseStream } from "../responses/response-stream.js";

/** Parameters of `completion()`: every Chat Completions parameter, plus the provider's settings. */
export type CompletionParams = { model: string; messages: unknown[]; stream?: boolean | null } & SdkCallOptions & Record<string, unknown>;

export type ChatCompletionStream = ResponseStream<ChatCompletionChunk>;

export function createCompletion(context: CallContext) {
  function completion(params: CompletionParams & { stream: true }): Promise<ChatCompletionStream>;
  function completion(params: CompletionParams & { stream?: false | null }): Promise<ChatCompletion>;
  function completion(params: CompletionParams): Promise<ChatCompletion | ChatCompletionStream>;
  async function completion(params: CompletionParams): Promise<ChatCompletion | ChatCompletionStream> {
    const { log, options } = startCall(context, params, "chat", params.stream === true);
    try {
      const { deployment, body } = await context.resolve(params, options);
      log.resolved(deployment);
      const request = parseWireRequest(chatCompletionRequestSchema, body);
      if (!deployment.chat) {
        throw new UnsupportedOperationError(`The ${deployment.provider} deployment "${deployment.name}" does not serve Chat Completions.`, {
          param: "model",
          provider: deployment.provider,
        });
      }
      const callOptions = params.signal ? { signal: params.signal } : {};
      if (params.stream) {
        // Without stream_options.include_usage a native chat stream carries no usage: cost null.
        return tapStream(log, "chat", await deployment.chat.stream(request, callOptions), params.signal);
      }
      const result = await deployment.chat.create(request, callOptions);
      return finishCall(log, result, result.body, { usage: normalizeUsage(result.body.usage), responseId: result.body.id });
    } catch (error) {
      log.finish({ usage: null, responseId: null, error });
      throw error;
    }
  }
  return completion;
}
