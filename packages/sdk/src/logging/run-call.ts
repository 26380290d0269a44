import {
  StreamAccounting,
  inBandFailure,
  isAbortError,
  type CallType,
  type LoggedError,
  type TokenUsage,
  type WireMeta,
  type WireStreamResult,
} from "@dheera/core";
import { attachMetadata } from "../call-metadata.js";
import { parseSdkOptions, type ParsedSdkOptions } from "../call-options.js";
import type { DeploymentResolver } from "../deployment-resolver.js";
import { ResponseStream, type EventSource } from "../responses/response-stream.js";
import { CallLog } from "./call-log.js";
import type { CallbackRegistry } from "./callback-registry.js";

/** What every SDK function needs: deployment resolution and the instance's callbacks. */
export interface CallContext {
  resolve: DeploymentResolver;
  registry: CallbackRegistry;
}

/**
 * Starts the log of one request. Invalid SDK options are themselves a failed request: logged
 * (to the instance's callbacks; the call's own could not be read) and thrown.
 */
export function startCall(
  context: CallContext,
  params: Record<string, unknown>,
  callType: CallType,
  stream: boolean,
  /** The model as the payload names it, when it is not `params.model` (a router's stored-response calls). */
  model: string = typeof params.model === "string" ? params.model : "",
): { log: CallLog; options: ParsedSdkOptions } {
  try {
    const options = parseSdkOptions(params);
    const log = new CallLog({ callType, model, stream, metadata: options.metadata, callbacks: options.callbacks, registry: context.registry });
    return { log, options };
  } catch (error) {
    new CallLog({ callType, model, stream, metadata: {}, callbacks: undefined, registry: context.registry }).finish({ usage: null, responseId: null, error });
    throw error;
  }
}

/** Ends a non-streamed call with its answer and attaches the final metadata to what the caller gets. */
export function finishCall<T extends object>(
  log: CallLog,
  meta: WireMeta,
  body: T,
  known: { usage: TokenUsage | null; responseId: string | null; failure?: LoggedError | null },
): T {
  const metadata = log.finish({ meta, ...known });
  return metadata ? attachMetadata(body, metadata) : body;
}

/**
 * Wraps a wire stream for the caller: its events are read on the side (usage, first token, in-band
 * failure) and when it ends, fails or is aborted the call is finished once and the stream's
 * metadata updated. Usage comes from the events (Responses: the terminal event; Chat: the usage
 * chunk), else from what the provider read upstream (`WireStreamResult.usage`, e.g. a bridged chat
 * stream without include_usage), else it is null and so is the cost.
 */
export function tapStream<E extends object>(
  log: CallLog,
  api: "responses" | "chat",
  result: WireMeta & Pick<WireStreamResult<E>, "usage" | "accounting"> & { stream: EventSource<E> },
  signal: AbortSignal | undefined,
  /** Told the stream's token count when it ends (a router's usage-based routing). */
  onTokens?: (count: number) => void,
): ResponseStream<E> {
  // A stream the provider already accounts (it built the events: a bridged one) is not read twice.
  const own = result.accounting === undefined;
  const accounting = result.accounting ?? new StreamAccounting(api);
  const stream: ResponseStream<E> = new ResponseStream<E>(
    result.stream,
    {
      event: own ? (event) => accounting.observe(event) : () => {},
      end: (error) => {
        // Stopping after the answer was complete (after response.completed, a finish_reason) is not a failure.
        const failed = error !== undefined && !(isAbortError(error) && accounting.finished);
        const usage = accounting.usage ?? result.usage?.() ?? null;
        if (usage && onTokens) onTokens(usage.total_tokens);
        const metadata = log.finish({
          meta: result,
          usage,
          responseId: accounting.responseId,
          firstTokenAt: accounting.firstTokenAt,
          ...(failed ? { error } : {}),
          failure: accounting.failure ? inBandFailure(accounting.failure) : null,
        });
        if (metadata) attachMetadata(stream, metadata);
      },
    },
    signal,
  );
  return attachMetadata(stream, log.snapshot(result));
}
