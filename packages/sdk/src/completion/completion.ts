import {
  UnsupportedOperationError,
  chatCompletionRequestSchema,
  normalizeUsage,
  parseWireRequest,
  type CallOptions,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatOperations,
  type Deployment,
  type WireStreamResult,
} from "@dheera/core";
import type { SdkCallOptions } from "../call-options.js";
import type { CallLog } from "../logging/call-log.js";
import { finishCall, startCall, tapStream, type CallContext } from "../logging/run-call.js";
import { directRoute, retryingRoute, type CallRoute } from "../pipeline/call-route.js";
import { withFirstEvent } from "../pipeline/first-event.js";
import type { EventSource, ResponseStream } from "../responses/response-stream.js";

/** Parameters of `completion()`: every Chat Completions parameter, plus the provider's settings. */
export type CompletionParams = { model: string; messages: unknown[]; stream?: boolean | null } & SdkCallOptions & Record<string, unknown>;

export type ChatCompletionStream = ResponseStream<ChatCompletionChunk>;

export function createCompletion(context: CallContext) {
  function completion(params: CompletionParams & { stream: true }): Promise<ChatCompletionStream>;
  function completion(params: CompletionParams & { stream?: false | null }): Promise<ChatCompletion>;
  function completion(params: CompletionParams): Promise<ChatCompletion | ChatCompletionStream>;
  async function completion(params: CompletionParams): Promise<ChatCompletion | ChatCompletionStream> {
    const stream = params.stream === true;
    const { log, options } = startCall(context, params, "chat", stream);
    try {
      const { deployment, body } = await context.resolve(params, options);
      log.resolved(deployment);
      const request = parseWireRequest(chatCompletionRequestSchema, body);
      const route = options.numRetries > 0 ? retryingRoute(deployment, params.model, options.numRetries, params.signal) : directRoute(deployment, params.signal);
      return await runCompletion(log, route, request, { stream, signal: params.signal, dropParams: options.dropParams });
    } catch (error) {
      log.finish({ usage: null, responseId: null, error });
      throw error;
    }
  }
  return completion;
}

/** A chat completion on a route, JSON or stream: what `completion()` and a router's `completion()` share. */
export async function runCompletion(
  log: CallLog,
  route: CallRoute,
  request: ChatCompletionRequest,
  call: { stream: boolean; signal: AbortSignal | undefined; dropParams?: boolean },
): Promise<ChatCompletion | ChatCompletionStream> {
  const { signal } = call;
  // drop_params: what a bridged deployment cannot carry is dropped instead of refused.
  const optionsOf = (target: { options: CallOptions }) => (call.dropParams ? { ...target.options, dropParams: true } : target.options);
  if (call.stream) {
    const { result, events, tokens } = await route.run(log, { operation: "chat", stream: true }, async (target) => {
      // Without stream_options.include_usage a native chat stream carries no usage: cost null.
      const result: WireStreamResult<ChatCompletionChunk> = await chatOps(target.deployment).stream(request, optionsOf(target));
      if (!target.commit) return { result, events: result.stream as EventSource<ChatCompletionChunk>, tokens: undefined };
      const events = await withFirstEvent(result.stream, { signal });
      target.commit();
      return { result, events, tokens: target.tokens };
    });
    return tapStream(log, "chat", { ...result, stream: events }, signal, tokens);
  }
  const { result, usage } = await route.run(log, { operation: "chat", stream: false }, async (target) => {
    const result = await chatOps(target.deployment).create(request, optionsOf(target));
    const usage = normalizeUsage(result.body.usage);
    if (usage && target.tokens) target.tokens(usage.total_tokens);
    return { result, usage };
  });
  return finishCall(log, result, result.body, { usage, responseId: result.body.id });
}

function chatOps(deployment: Deployment): ChatOperations {
  if (!deployment.chat) {
    throw new UnsupportedOperationError(`The ${deployment.provider} deployment "${deployment.name}" does not serve Chat Completions.`, {
      param: "model",
      provider: deployment.provider,
    });
  }
  return deployment.chat;
}
