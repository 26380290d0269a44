import {
  PRICED_CALL_TYPES,
  costOf,
  loggedErrorOf,
  type AttemptRecord,
  type CallType,
  type Deployment,
  type LoggedError,
  type LoggingPayload,
  type TokenUsage,
  type WireMeta,
} from "@dheera/core";
import type { CallMetadata, RoutedMetadata } from "../call-metadata.js";
import type { CallCallbacks } from "../call-options.js";
import type { CallbackRegistry } from "./callback-registry.js";

/** How a call ended. `error` (thrown) or `failure` (reported in the answer, e.g. response.failed) make it a failure. */
export interface CallOutcome {
  /** The upstream's answer; absent when the call failed before one came. */
  meta?: WireMeta | undefined;
  usage: TokenUsage | null;
  responseId: string | null;
  /** performance.now() at the first output token (streams). */
  firstTokenAt?: number | null;
  error?: unknown;
  failure?: LoggedError | null;
}

export interface CallLogInit {
  callType: CallType;
  model: string;
  stream: boolean;
  metadata: Record<string, unknown>;
  callbacks: CallCallbacks | undefined;
  registry: CallbackRegistry;
}

/**
 * One request, from its start to its one logging payload: knows the deployment once resolved,
 * builds the CallMetadata snapshots the caller reads, and on `finish` (idempotent) builds the
 * payload and hands it to the callbacks, which run later, off the request path.
 */
export class CallLog {
  readonly id: string = globalThis.crypto.randomUUID();
  readonly #started = performance.now();
  readonly #startedAt = Date.now();
  #deployment: Deployment | undefined;
  #finished = false;
  /** Routed calls: every attempt so far (the payload's `attempts`); undefined on the plain path. */
  #attempts: AttemptRecord[] | undefined;
  #routed: RoutedMetadata | undefined;

  constructor(private readonly init: CallLogInit) {}

  /** The deployment the call went to (a routed call: the one of its latest attempt). */
  resolved(deployment: Deployment): void {
    this.#deployment = deployment;
  }

  /** The call goes through a router: its payload lists the attempts, even none. */
  routing(): void {
    this.#attempts ??= [];
  }

  /** One attempt ended, as the router records it. */
  attempted(record: AttemptRecord): void {
    (this.#attempts ??= []).push(record);
  }

  /** The router's answer: where the call landed, after how many attempts. */
  routed(info: RoutedMetadata): void {
    this.#routed = info;
  }

  /** Metadata as known now (a stream's, before it ends). */
  snapshot(meta: WireMeta): CallMetadata {
    return this.#metadata(meta, performance.now() - this.#started, { usage: null, cost: null, priceSource: null, timeToFirstTokenMs: null });
  }

  /** Ends the call once: schedules the callbacks and returns the final metadata (undefined without an answer or when already finished). */
  finish(outcome: CallOutcome): CallMetadata | undefined {
    if (this.#finished) return undefined;
    this.#finished = true;
    const latencyMs = performance.now() - this.#started;
    const deployment = this.#deployment;
    const cost = PRICED_CALL_TYPES.has(this.init.callType) ? costOf(outcome.usage, deployment?.price) : 0;
    // Stored-response operations cost 0 by rule, not by a price: they name no source.
    const priceSource = cost !== null && PRICED_CALL_TYPES.has(this.init.callType) ? (deployment?.priceSource ?? null) : null;
    const timeToFirstTokenMs = outcome.firstTokenAt == null ? null : Math.max(0, outcome.firstTokenAt - this.#started);
    const error = outcome.error !== undefined ? loggedErrorOf(outcome.error) : (outcome.failure ?? null);
    const payload: LoggingPayload = {
      id: this.id,
      call_type: this.init.callType,
      model: this.init.model,
      provider: deployment?.provider ?? null,
      deployment: deployment?.name ?? null,
      api_base: deployment?.apiBase ?? null,
      response_id: outcome.responseId,
      upstream_request_id: outcome.meta?.upstreamRequestId ?? null,
      start_time: new Date(this.#startedAt).toISOString(),
      end_time: new Date(this.#startedAt + latencyMs).toISOString(),
      latency_ms: latencyMs,
      time_to_first_token_ms: timeToFirstTokenMs,
      stream: this.init.stream,
      usage: outcome.usage,
      cost,
      price_source: priceSource,
      status: error ? "failure" : "success",
      error,
      ...(this.#attempts ? { attempts: [...this.#attempts] } : {}),
      metadata: this.init.metadata,
    };
    this.init.registry.dispatch(payload, this.init.callbacks);
    return outcome.meta ? this.#metadata(outcome.meta, latencyMs, { usage: outcome.usage, cost, priceSource, timeToFirstTokenMs }) : undefined;
  }

  #metadata(meta: WireMeta, latencyMs: number, known: Pick<CallMetadata, "usage" | "cost" | "timeToFirstTokenMs"> & { priceSource?: string | null }): CallMetadata {
    const deployment = this.#deployment!;
    return {
      id: this.id,
      provider: deployment.provider,
      deployment: deployment.name,
      apiBase: deployment.apiBase,
      status: meta.status,
      headers: meta.headers,
      upstreamRequestId: meta.upstreamRequestId,
      latencyMs,
      ...known,
      ...this.#routed,
    };
  }
}
