import { Router, deploymentRouting, type CallOptions, type Deployment, type Operation, type RouterTarget } from "@dheera/core";
import type { CallLog } from "../logging/call-log.js";

/** Where one attempt of a call goes, and how it reports back. */
export interface AttemptTarget {
  readonly deployment: Deployment;
  /** Pass these to the provider operation: the caller's signal (and the router's deadline and per-deployment timeout). */
  readonly options: CallOptions;
  /** Routed calls with routable ids: the id of the deployment tried (it marks state the caller carries). */
  readonly deploymentId?: string | undefined;
  /** Routed calls: the routable id the caller sees for an upstream response id. Undefined: ids stay the upstream's. */
  readonly encodeId?: ((upstreamId: string) => string) | undefined;
  /**
   * Routed calls: the answer is handed to the caller; nothing after this is retried. A stream is
   * handed over once its first event is in, so a failure before that is retried. Undefined on the
   * plain path, where a stream is handed over as soon as the upstream answered.
   */
  readonly commit?: (() => void) | undefined;
  /** Routed calls: tokens the answer used, for usage-based routing. */
  readonly tokens?: ((count: number) => void) | undefined;
}

export interface RouteCall {
  operation: Operation;
  stream: boolean;
  /** The deployment that holds the state this call names (a previous response): only it may serve. */
  pinned?: RouterTarget | undefined;
}

/**
 * How an SDK call reaches its upstream. Every SDK function runs its operation through one: the
 * plain path tries one deployment once; a routed one goes through core's `Router` (attempts,
 * retries, fallbacks, cooldowns), recording each attempt on the call's log.
 */
export interface CallRoute {
  run<T>(log: CallLog, call: RouteCall, attempt: (target: AttemptTarget) => Promise<T>): Promise<T>;
}

/** One deployment, one attempt: the plain path, exactly as without a router (no extra objects per call). */
export function directRoute(deployment: Deployment, signal: AbortSignal | undefined): CallRoute {
  const target: AttemptTarget = { deployment, options: signal ? { signal } : {} };
  return { run: (_log, _call, attempt) => attempt(target) };
}

export interface RouterRouteOptions {
  /** Response ids are routable (the router's own); false: the upstream's ids pass as they are. */
  routableIds: boolean;
  /** Every call of this route stays on this deployment (a stored response's). */
  pinned?: RouterTarget | undefined;
}

/**
 * Through a core Router: the model_name `model`, attempts recorded on the log (the payload's
 * `attempts`), and where the call landed (`callMetadata`'s attempts, deploymentId, fallbackModel).
 */
export function routerRoute(router: Router, model: unknown, signal: AbortSignal | undefined, options: RouterRouteOptions): CallRoute {
  return {
    async run(log, call, attempt) {
      log.routing();
      const result = await router.run({
        model,
        operation: call.operation,
        stream: call.stream,
        pinned: call.pinned ?? options.pinned,
        signal,
        attempt: (a) => {
          log.resolved(a.target.deployment);
          return attempt({
            deployment: a.target.deployment,
            options: a.options,
            deploymentId: options.routableIds ? a.target.id : undefined,
            encodeId: options.routableIds ? (id) => router.encodeResponseId(a.target, id) : undefined,
            commit: () => a.commit(),
            tokens: (count) => a.tokens(count),
          });
        },
        onAttempt: (record) => log.attempted(record),
      });
      log.routed({ attempts: result.attempts, deploymentId: result.target.id, fallbackModel: result.fallbackModel });
      return result.value;
    },
  };
}

/**
 * `num_retries` on a plain call: a router over this one deployment (its model_name is the model
 * reference, so is its id), so retries follow the router's rules: which failures are retried, the
 * upstream's retry-after, a jittered backoff. A group of one never cools down, so a router per
 * call keeps no state worth sharing. `pin`: stored-response operations, where a 404 means the
 * response is gone, not that the deployment is wrong.
 */
export function retryingRoute(deployment: Deployment, model: string, numRetries: number, signal: AbortSignal | undefined, pin = false): CallRoute {
  const router = new Router([{ index: 0, modelName: model, reference: model, id: model, deployment, routing: deploymentRouting() }], { num_retries: numRetries });
  return routerRoute(router, model, signal, { routableIds: false, pinned: pin ? router.targets[0] : undefined });
}
