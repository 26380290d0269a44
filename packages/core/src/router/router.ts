import type { z } from "zod";
import type { attemptRecordSchema } from "../cost/logging-payload.js";
import { DheeraError, InvalidRequestError, UnsupportedOperationError, UpstreamTimeoutError } from "../errors/dheera-error.js";
import { isAbortError } from "../errors/to-openai-error.js";
import type { CallOptions } from "../provider/deployment.js";
import { DeploymentHealth, type CooldownReason } from "./deployment-health.js";
import { classifyFailure, type FailureClass } from "./failure-class.js";
import type { RoutedDeployment } from "./model-list.js";
import { decodeConversationId, decodeResponseId, encodeConversationId, encodeResponseId } from "./response-id.js";
import { routerPolicy, type RouterPolicy, type RouterSettings } from "./router-settings.js";
import { createPicker, withinLimits, type Picker } from "./routing-strategies.js";

export type Operation = "responses" | "chat";

/** A deployment as the router holds it: its configuration and its live health on this process. */
export interface RouterTarget extends RoutedDeployment {
  readonly health: DeploymentHealth;
}

/** One attempt as the logs and the logging payload record it (`attemptRecordSchema`). */
export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

/** What the caller's `attempt` function gets: where to send this try, and how to report on it. */
export interface Attempt {
  readonly target: RouterTarget;
  /** The model_name being tried: the requested one, or a fallback. */
  readonly modelName: string;
  /** 1 for the first attempt. */
  readonly number: number;
  /** Pass these to the provider operation: the request's signal (and deadline) and this deployment's timeout. */
  readonly options: CallOptions;
  /**
   * The first byte of the answer reached the caller (for streams, the first event): nothing after
   * this is retried, and the time to it is this deployment's time to first token.
   */
  commit(): void;
  /** The attempt failed after `commit` (a stream that broke): counted against the deployment, not retried. */
  fail(err: unknown): void;
  /** Tokens the answer used, for usage-based routing. */
  tokens(count: number): void;
}

export interface RouteRequest<T> {
  /** The model_name the caller asked for. */
  model: unknown;
  operation: Operation;
  stream: boolean;
  /** The deployment that holds this request's state (a previous response): only it may serve. */
  pinned?: RouterTarget | undefined;
  /** The caller's signal: aborting it stops the attempt in flight and any wait. */
  signal?: AbortSignal | undefined;
  attempt(attempt: Attempt): Promise<T>;
  /** Called as each attempt ends, the last one included. */
  onAttempt?(record: AttemptRecord): void;
  /** Whether a fallback model_name may answer this caller (a virtual key limited to some models); default all. */
  allowFallback?(modelName: string): boolean;
}

export interface RouteResult<T> {
  value: T;
  target: RouterTarget;
  /** Attempts made, the one that answered included. */
  attempts: number;
  /** The model_name that answered when it is not the one asked for. */
  fallbackModel: string | null;
}

export interface RouterOptions {
  /** Clock for cooldowns and usage windows, ms. */
  now?: () => number;
  random?: () => number;
  /** Waits between attempts; rejects with the signal's reason when it aborts. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** A deployment started cooling down on this router (e.g. to tell other replicas: see `coolDown`). */
  onCooldown?: (target: RouterTarget, until: number, reason: CooldownReason) => void;
}

interface Group {
  all: RouterTarget[];
  responses: RouterTarget[];
  chat: RouterTarget[];
  pick: Picker<RouterTarget>;
}

/** How one attempt ended, for `run` to decide what comes next. */
type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown; failure: FailureClass; committed: boolean };

/**
 * Routes model calls over a model_list: picks a deployment by the routing strategy, runs the
 * caller's attempt, classifies a failure, retries (at once on another healthy deployment, else
 * after the upstream's retry-after or a jittered backoff), falls back to other model_names, and
 * keeps each deployment's health (cooldowns). Knows no provider and no transport: the SDK and the
 * proxy both run their calls through it.
 */
export class Router {
  readonly modelNames: readonly string[];
  readonly targets: readonly RouterTarget[];
  readonly policy: RouterPolicy;
  readonly #groups = new Map<string, Group>();
  readonly #byId = new Map<string, RouterTarget>();
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;

  constructor(deployments: readonly RoutedDeployment[], settings: RouterSettings = {}, options: RouterOptions = {}) {
    this.policy = routerPolicy(settings);
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? sleep;
    const sizes = new Map<string, number>();
    for (const d of deployments) sizes.set(d.modelName, (sizes.get(d.modelName) ?? 0) + 1);
    const targets: RouterTarget[] = [];
    for (const d of deployments) {
      const onCooldown = options.onCooldown;
      const health = new DeploymentHealth(
        {
          allowedFails: this.policy.allowedFails,
          cooldownMs: d.routing.cooldownMs ?? this.policy.cooldownMs,
          maxRetryWaitMs: this.policy.maxRetryWaitMs,
          canCoolDown: sizes.get(d.modelName)! > 1,
        },
        onCooldown && ((until, reason) => onCooldown(target, until, reason)),
      );
      const target: RouterTarget = { ...d, health };
      targets.push(target);
      let group = this.#groups.get(d.modelName);
      if (!group) this.#groups.set(d.modelName, (group = { all: [], responses: [], chat: [], pick: createPicker(this.policy.strategy, this.#random) }));
      group.all.push(target);
      if (d.deployment.responses) group.responses.push(target);
      if (d.deployment.chat) group.chat.push(target);
      // Two entries with the same id are the same upstream (same name, model and api_base): either serves the other's ids.
      if (!this.#byId.has(d.id)) this.#byId.set(d.id, target);
    }
    this.targets = targets;
    this.modelNames = [...this.#groups.keys()];
  }

  has(modelName: string): boolean {
    return this.#groups.has(modelName);
  }

  /** Leaves the deployment with this id out until `until`: a cooldown another process started. False for an unknown id. */
  coolDown(deploymentId: string, until: number, reason: CooldownReason): boolean {
    const target = this.#byId.get(deploymentId);
    if (!target) return false;
    for (const t of this.targets) if (t.id === deploymentId) t.health.coolDownFrom(until, reason, this.#now());
    return true;
  }

  /** The deployments of a model_name, in model_list order. */
  group(modelName: string): readonly RouterTarget[] {
    return this.#groups.get(modelName)?.all ?? [];
  }

  byId(id: string): RouterTarget | undefined {
    return this.#byId.get(id);
  }

  /** The routable id the caller sees for an upstream response id. */
  encodeResponseId(target: RoutedDeployment, upstreamId: string): string {
    return encodeResponseId(target.id, upstreamId);
  }

  /** The deployment that issued a response id, and the upstream's own id; undefined for ids that are not ours. */
  decodeResponseId(id: string): { target: RouterTarget; upstreamId: string } | undefined {
    return this.#holder(decodeResponseId(id));
  }

  /** The routable id the caller sees for an upstream conversation id (`conv_...`). */
  encodeConversationId(target: RoutedDeployment, upstreamId: string): string {
    return encodeConversationId(target.id, upstreamId);
  }

  /** The deployment that holds a conversation, and the upstream's own id; undefined for ids that are not ours. */
  decodeConversationId(id: string): { target: RouterTarget; upstreamId: string } | undefined {
    return this.#holder(decodeConversationId(id));
  }

  /** The deployment a decoded routable id names, with the upstream's own id; undefined when none here has that key. */
  #holder(decoded: { deploymentKey: string; upstreamId: string } | undefined): { target: RouterTarget; upstreamId: string } | undefined {
    const target = decoded && this.#byId.get(decoded.deploymentKey);
    return target ? { target, upstreamId: decoded.upstreamId } : undefined;
  }

  /** Runs one model call to its end: attempts, retries and fallbacks. Rejects with the error the caller should see. */
  async run<T>(request: RouteRequest<T>): Promise<RouteResult<T>> {
    const requested = checkModelName(request.model);
    const group = this.#groups.get(requested);
    if (!group) throw modelNotFound(requested);
    if (request.pinned === undefined && group[request.operation].length === 0) throw unsupported(requested, request.operation);

    const policy = this.policy;
    const started = this.#now();
    const budget = request.stream ? policy.streamTimeoutMs : policy.timeoutMs;
    const deadline = budget === undefined ? undefined : started + budget;
    const chain = [requested];
    let genericFallbacks = false;
    let number = 0;
    let lastError: unknown;

    for (let m = 0; m < chain.length; m++) {
      const modelName = chain[m]!;
      const g = this.#groups.get(modelName)!;
      const candidates = request.pinned ? [request.pinned] : g[request.operation];
      if (candidates.length === 0) continue;
      const tried = new Set<RouterTarget>();
      // Retries are counted per error class (retry_policy), waits for the backoff.
      const used = new Map<string, number>();
      let waits = 0;
      for (;;) {
        const target = request.pinned ?? this.#choose(g, candidates, tried, request.stream);
        if (target === undefined) {
          lastError = this.#unavailable(modelName, candidates);
          break;
        }
        number++;
        const outcome = await this.#attempt(request, target, modelName, number, deadline);
        if (outcome.ok) {
          return { value: outcome.value, target, attempts: number, fallbackModel: modelName === requested ? null : modelName };
        }
        const { error, failure } = outcome;
        lastError = error;
        if (outcome.committed || failure.kind === "aborted" || failure.kind === "unknown") throw error;
        const retryClass = failure.retryClass ?? failure.kind;
        const retries = used.get(retryClass) ?? 0;
        if (failure.kind === "context_window" || failure.kind === "content_policy") {
          if (request.pinned) throw error;
          const allowed = failure.kind === "content_policy" ? (policy.retryPolicy.ContentPolicyViolationErrorRetries ?? 0) : 0;
          if (retries < allowed) {
            used.set(retryClass, retries + 1);
            continue;
          }
          // Only the model's own list for this refusal: a generic fallback may be a smaller model.
          const list = (failure.kind === "context_window" ? policy.contextWindowFallbacks : policy.contentPolicyFallbacks).get(modelName) ?? [];
          if (list.length === 0) throw error;
          for (const next of list) if (!chain.includes(next) && this.#groups.has(next) && (request.allowFallback?.(next) ?? true)) chain.push(next);
          genericFallbacks = true;
          break;
        }
        const allowed = failure.retryClass === null ? 0 : (policy.retryPolicy[failure.retryClass] ?? (failure.kind === "client" ? 0 : policy.numRetries));
        if (!failure.deploymentFault) {
          if (retries >= allowed) throw error;
          used.set(retryClass, retries + 1);
          continue;
        }
        tried.add(target);
        if (retries >= allowed) break;
        const fresh = request.pinned === undefined && this.#choose(g, candidates, tried, request.stream, true) !== undefined;
        let wait = policy.minRetryWaitMs;
        if (!fresh) {
          // Nowhere else to go: a misconfigured deployment stays wrong, a long retry-after is answered.
          if (failure.kind === "misconfigured" && request.pinned === undefined) break;
          if (failure.retryAfterMs !== undefined) {
            if (failure.retryAfterMs > policy.maxRetryWaitMs) break;
            wait = Math.max(wait, failure.retryAfterMs);
          } else {
            wait = Math.max(wait, this.#backoff(++waits));
          }
          tried.clear();
        }
        if (deadline !== undefined && this.#now() + wait >= deadline) throw error;
        used.set(retryClass, retries + 1);
        if (wait > 0) await this.#sleep(wait, request.signal);
      }
      // This model_name is exhausted: the requested model's fallbacks (else the defaults), once.
      if (!genericFallbacks && request.pinned === undefined) {
        genericFallbacks = true;
        const list = policy.fallbacks.get(requested) ?? policy.defaultFallbacks;
        for (const next of list) if (!chain.includes(next) && this.#groups.has(next) && (request.allowFallback?.(next) ?? true)) chain.push(next);
      }
    }
    throw lastError;
  }

  /**
   * The next deployment for a request: not cooling down, not already failed in this request when
   * another will do, from the lowest `order` that has one, then by the strategy. `probe`: only
   * say whether an untried one exists.
   */
  #choose(group: Group, candidates: readonly RouterTarget[], tried: ReadonlySet<RouterTarget>, stream: boolean, probe = false): RouterTarget | undefined {
    const now = this.#now();
    const usage = this.policy.strategy === "usage-based-routing";
    if (candidates.length === 1 && tried.size === 0) {
      const only = candidates[0]!;
      return only.health.admission(now) !== "no" && (!usage || withinLimits(only, now)) ? only : undefined;
    }
    // The lowest order wins; within it, "yes" beats "reluctantly".
    let pool: RouterTarget[] = [];
    let poolRank = -1;
    let poolOrder = Infinity;
    for (const c of candidates) {
      if (tried.has(c)) continue;
      const admission = c.health.admission(now);
      if (admission === "no" || (usage && !withinLimits(c, now))) continue;
      const rank = admission === "yes" ? 1 : 0;
      const order = c.routing.order;
      if (order < poolOrder || (order === poolOrder && rank > poolRank)) {
        pool = [c];
        poolRank = rank;
        poolOrder = order;
      } else if (order === poolOrder && rank === poolRank) {
        pool.push(c);
      }
    }
    if (pool.length === 0) return undefined;
    if (probe) return pool[0];
    return group.pick(pool, { stream, now });
  }

  /**
   * One try on `target`, to its end. Not an async function: while a stream runs, only the
   * caller's own work is suspended, not a router frame as well (an open stream holds as little
   * as it can).
   */
  #attempt<T>(
    request: RouteRequest<T>,
    target: RouterTarget,
    modelName: string,
    number: number,
    deadline: number | undefined,
  ): Promise<AttemptOutcome<T>> {
    const health = target.health;
    const startedAt = this.#now();
    let committed = false;
    let ttftMs: number | undefined;
    let lateFailure: unknown;
    let timedOut = false;
    // A deadline needs its own signal; without one the caller's is passed as it is (no
    // AbortController per request on the plain path).
    let signal = request.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unlink: (() => void) | undefined;
    if (deadline !== undefined) {
      const controller = new AbortController();
      const outer = request.signal;
      const onAbort = () => controller.abort(outer?.reason);
      if (outer?.aborted) onAbort();
      else outer?.addEventListener("abort", onAbort, { once: true });
      unlink = () => outer?.removeEventListener("abort", onAbort);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new DOMException("The router's deadline passed.", "AbortError"));
      }, Math.max(0, deadline - startedAt));
      signal = controller.signal;
    }
    const perAttempt = request.stream ? target.routing.streamTimeoutMs : target.routing.timeoutMs;
    const options: CallOptions = {};
    if (signal) options.signal = signal;
    if (perAttempt !== undefined) options.timeoutMs = perAttempt;
    const attempt: Attempt = {
      target,
      modelName,
      number,
      options,
      commit: () => {
        if (committed) return;
        committed = true;
        ttftMs = this.#now() - startedAt;
        // The deadline bounds the wait for the first byte; a stream that has started runs on.
        if (timer !== undefined) clearTimeout(timer);
      },
      fail: (err) => {
        lateFailure ??= err;
      },
      tokens: (count) => health.addTokens(this.#now(), count),
    };
    health.started(startedAt);
    const cleanUp = () => {
      if (timer !== undefined) clearTimeout(timer);
      unlink?.();
    };
    const succeeded = (value: T): AttemptOutcome<T> => {
      try {
        const endedAt = this.#now();
        if (lateFailure !== undefined) {
          const failure = classifyFailure(lateFailure, request.pinned !== undefined);
          health.ended(endedAt, failure.deploymentFault ? { failure } : {});
        } else {
          health.ended(endedAt, request.stream ? (ttftMs === undefined ? {} : { ttftMs }) : { latencyMs: endedAt - startedAt });
        }
        request.onAttempt?.(record(target, modelName, lateFailure, endedAt - startedAt));
        return { ok: true, value };
      } finally {
        cleanUp();
      }
    };
    const failed = (caught: unknown): AttemptOutcome<T> => {
      try {
        const endedAt = this.#now();
        const error = timedOut && !committed ? deadlineError(modelName, number) : caught;
        const failure = classifyFailure(error, request.pinned !== undefined);
        if (failure.kind === "aborted" || failure.kind === "unknown") health.abandoned();
        else health.ended(endedAt, failure.deploymentFault ? { failure } : {});
        request.onAttempt?.(record(target, modelName, error, endedAt - startedAt));
        // A deadline is final: nothing is left for another attempt.
        if (timedOut && !committed) return { ok: false, error, failure: { ...failure, kind: "unknown" }, committed };
        return { ok: false, error, failure, committed };
      } finally {
        cleanUp();
      }
    };
    let pending: Promise<T>;
    try {
      pending = request.attempt(attempt);
    } catch (err) {
      return Promise.resolve(failed(err));
    }
    return pending.then(succeeded, failed);
  }

  /** Why nothing can serve `modelName` now: every deployment cooling down (or at its limit). */
  #unavailable(modelName: string, candidates: readonly RouterTarget[]): DheeraError {
    const now = this.#now();
    const cooling = candidates.filter((c) => c.health.coolingDown(now));
    if (cooling.length === 0) {
      // At their rpm/tpm (usage-based routing: until the first one's minute is over) or busy with a trial request after a cooldown.
      const freeAt = this.policy.strategy === "usage-based-routing" ? Math.min(...candidates.map((c) => c.health.windowEndsAt(now))) : now + 1000;
      const seconds = Math.max(1, Math.ceil((freeAt - now) / 1000));
      return new DheeraError(`No deployment of model '${modelName}' can take a request now: every one is at its rate limit or recovering from failures. Try again in ${seconds} s.`, {
        status: 429,
        type: "rate_limit_error",
        code: "no_deployment_available",
        param: "model",
        headers: { "retry-after": String(seconds) },
      });
    }
    const freeAt = Math.min(...cooling.map((c) => c.health.cooldownUntil));
    const seconds = Math.max(1, Math.ceil((freeAt - now) / 1000));
    const rateLimited = cooling.every((c) => c.health.cooldownReason === "rate_limited");
    const count = candidates.length === 1 ? "Its deployment is" : `All ${candidates.length} of its deployments are`;
    return new DheeraError(`Model '${modelName}' is unavailable: ${count} cooling down after ${rateLimited ? "rate limits" : "failures"}. The first is available again in ${seconds} s.`, {
      status: rateLimited ? 429 : 503,
      type: rateLimited ? "rate_limit_error" : "server_error",
      code: "deployments_cooling_down",
      param: "model",
      headers: { "retry-after": String(seconds) },
    });
  }

  /** Full jitter between half and all of 0.5 s, 1 s, 2 s, ... capped at 8 s. */
  #backoff(retry: number): number {
    const base = Math.min(8000, 500 * 2 ** (retry - 1));
    return Math.round(base / 2 + (this.#random() * base) / 2);
  }
}

function record(target: RouterTarget, modelName: string, error: unknown, latencyMs: number): AttemptRecord {
  const status = error === undefined ? 200 : DheeraError.isInstance(error) ? error.status : isAbortError(error) ? 499 : 500;
  const code = error === undefined ? null : DheeraError.isInstance(error) ? error.code : isAbortError(error) ? "request_aborted" : null;
  return { deployment: target.id, model_name: modelName, status, error_code: code, latency_ms: Math.round(latencyMs * 100) / 100 };
}

function deadlineError(modelName: string, attempts: number): DheeraError {
  return new UpstreamTimeoutError(
    `Model '${modelName}' did not answer within the router's timeout (${attempts} attempt${attempts === 1 ? "" : "s"}).`,
    { code: "router_timeout" },
  );
}

/** The `model` of a request, checked: a missing or non-string model is the caller's mistake. */
export function checkModelName(model: unknown): string {
  if (model === undefined || model === null || model === "") {
    throw new InvalidRequestError("Missing required parameter: 'model'.", { param: "model", code: "missing_required_parameter" });
  }
  if (typeof model !== "string") throw new InvalidRequestError("Invalid type for 'model': expected a string.", { param: "model", code: "invalid_type" });
  return model;
}

export function modelNotFound(model: string): DheeraError {
  // A client's model may be huge: the answer quotes no more than a name's worth.
  const shown = model.length > 200 ? `${model.slice(0, 200)}… (${model.length} characters)` : model;
  return new InvalidRequestError(`Invalid model name passed in model=${shown}. Call /v1/models to view available models.`, {
    param: "model",
    code: "model_not_found",
  });
}

function unsupported(model: string, operation: Operation): DheeraError {
  const api = operation === "responses" ? "the Responses API" : "Chat Completions";
  return new UnsupportedOperationError(`Model ${model} does not serve ${api}.`, { param: "model" });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
