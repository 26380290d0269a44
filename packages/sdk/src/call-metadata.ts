import type { TokenUsage } from "@dheera/core";

/**
 * What the SDK knows about a call besides the OpenAI body: kept out of the body so that a
 * returned Response or ChatCompletion stays exactly the wire JSON. Read it with `callMetadata()`.
 * For a stream, `usage`, `cost`, `timeToFirstTokenMs` and the final `latencyMs` are there once
 * the stream has ended (until then they are null, and latencyMs is the time to the headers).
 */
export interface CallMetadata {
  /** The logging payload's id for this call: the same id your callbacks receive. */
  id: string;
  provider: string;
  deployment: string;
  /** Where the request went (no credentials). */
  apiBase: string;
  /** Upstream HTTP status. */
  status: number;
  /** Selected upstream headers: request ids, rate limits. */
  headers: Record<string, string>;
  upstreamRequestId: string | undefined;
  /** Wall time of the call in ms; for streams, until the stream ended. */
  latencyMs: number;
  /** Streams: ms until the first output token; null otherwise. */
  timeToFirstTokenMs: number | null;
  /** The upstream's token usage, normalised; null when it reported none (a chat stream without include_usage). */
  usage: TokenUsage | null;
  /**
   * USD. Null when the usage or the deployment's price is unknown (the provider warned once
   * about the deployment); 0 for stored-response operations, which are not billed per token.
   */
  cost: number | null;
  /** Which source priced `cost` (`genai-prices:azure`, `model_info`, ...); null when the cost is unknown or not per token. */
  priceSource?: string | null;
  /**
   * Routed calls only (a router's, or one with `num_retries`): the attempts made, the one that
   * answered included.
   */
  attempts?: number;
  /** Routed calls only: the id of the deployment that answered (`model_info.id`, else a stable hash; with `num_retries`, the model reference). */
  deploymentId?: string;
  /** Routed calls only: the model_name that answered when it is a fallback of the one asked for, else null. */
  fallbackModel?: string | null;
}

/** What a routed call adds to its metadata. */
export type RoutedMetadata = Required<Pick<CallMetadata, "attempts" | "deploymentId" | "fallbackModel">>;

const store = new WeakMap<object, CallMetadata>();

export function attachMetadata<T extends object>(target: T, metadata: CallMetadata): T {
  store.set(target, metadata);
  return target;
}

/** The metadata of a result returned by `responses()`, `completion()`, their streams or the stored-response functions. */
export function callMetadata(result: object): CallMetadata | undefined {
  return store.get(result);
}
