/**
 * What the SDK knows about a call besides the OpenAI body: kept out of the body so that a
 * returned Response or ChatCompletion stays exactly the wire JSON. Read it with `callMetadata()`.
 */
export interface CallMetadata {
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
}

const store = new WeakMap<object, CallMetadata>();

export function attachMetadata<T extends object>(target: T, metadata: CallMetadata): T {
  store.set(target, metadata);
  return target;
}

/** The metadata of a result returned by `responses()`, `completion()` or their streams. */
export function callMetadata(result: object): CallMetadata | undefined {
  return store.get(result);
}
