import { z } from "zod";

/*
 * `router_settings` and the routing keys of a `model_list` entry, with LiteLLM's names so a
 * LiteLLM config moves over as it is. Durations are seconds, as in LiteLLM; `routerPolicy`
 * turns them into the milliseconds the router works with, once.
 */

export const routingStrategySchema = z.enum(["simple-shuffle", "least-busy", "round-robin", "latency-based-routing", "usage-based-routing"]);
export type RoutingStrategy = z.infer<typeof routingStrategySchema>;

const retries = z.number().int().min(0).max(20);
const seconds = z.number().nonnegative().finite();
const positiveSeconds = z.number().positive().finite();

/** Retries per error class; a class left out uses `num_retries`. */
export const retryPolicySchema = z.strictObject({
  BadRequestErrorRetries: retries.optional(),
  AuthenticationErrorRetries: retries.optional(),
  TimeoutErrorRetries: retries.optional(),
  RateLimitErrorRetries: retries.optional(),
  ContentPolicyViolationErrorRetries: retries.optional(),
  InternalServerErrorRetries: retries.optional(),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export type RetryClass = keyof RetryPolicy;

/** `[{ "o1-pro": ["o1-pro-eu", "gpt-5"] }]`: model_name -> the model_names to try, in order. */
const fallbackListSchema = z.array(z.record(z.string().min(1), z.array(z.string().min(1)).min(1)));

export const routerSettingsSchema = z.strictObject({
  /** How one model_name's deployments share its requests (default `least-busy`). */
  routing_strategy: routingStrategySchema.optional(),
  /** Further attempts after a failed one, across deployments (default 2). */
  num_retries: retries.optional(),
  /** Seconds to wait at least before any retry (default 0). */
  retry_after: seconds.optional(),
  /** Seconds one non-streamed request may take, all attempts together (default: no limit). */
  timeout: positiveSeconds.optional(),
  /** Seconds a stream may take to its first byte, all attempts together (default: no limit). */
  stream_timeout: positiveSeconds.optional(),
  retry_policy: retryPolicySchema.optional(),
  /** Failures in a row a deployment may have before it cools down (default 3). */
  allowed_fails: z.number().int().min(0).max(1000).optional(),
  /** Seconds a failing deployment is left out (default 5). */
  cooldown_time: seconds.optional(),
  fallbacks: fallbackListSchema.optional(),
  /** Tried when a deployment answers that the input is longer than its context window. */
  context_window_fallbacks: fallbackListSchema.optional(),
  /** Tried when a deployment's content filter refuses the request. */
  content_policy_fallbacks: fallbackListSchema.optional(),
  /** Tried for any model_name without its own `fallbacks` entry once its group is exhausted. */
  default_fallbacks: z.array(z.string().min(1)).min(1).optional(),
});
export type RouterSettings = z.infer<typeof routerSettingsSchema>;

/** The routing keys of a `dheera_ai_params` block; everything else there is the provider's. */
export const deploymentRoutingSchema = z.strictObject({
  /** Requests per minute this deployment may take (weights `simple-shuffle`, caps `usage-based-routing`). */
  rpm: z.number().int().positive().optional(),
  /** Tokens per minute this deployment may take. */
  tpm: z.number().int().positive().optional(),
  /** Relative share of traffic under `simple-shuffle`. */
  weight: z.number().positive().finite().optional(),
  /** Priority: 1 first (the default); a higher order is used only when every lower one is out. */
  order: z.number().int().min(1).optional(),
  /** Seconds one attempt on this deployment may wait for its answer (and between stream chunks). */
  timeout: positiveSeconds.optional(),
  /** `timeout`, for streamed requests. */
  stream_timeout: positiveSeconds.optional(),
  /** Seconds this deployment is left out after failures, instead of the router's `cooldown_time`. */
  cooldown_time: seconds.optional(),
});
export type DeploymentRoutingParams = z.infer<typeof deploymentRoutingSchema>;
export const DEPLOYMENT_ROUTING_KEYS: readonly string[] = Object.freeze(Object.keys(deploymentRoutingSchema.shape));

export interface DeploymentRouting {
  rpm: number | undefined;
  tpm: number | undefined;
  weight: number | undefined;
  order: number;
  timeoutMs: number | undefined;
  streamTimeoutMs: number | undefined;
  cooldownMs: number | undefined;
}

export function deploymentRouting(params: DeploymentRoutingParams = {}): DeploymentRouting {
  return {
    rpm: params.rpm,
    tpm: params.tpm,
    weight: params.weight,
    order: params.order ?? 1,
    timeoutMs: ms(params.timeout),
    streamTimeoutMs: ms(params.stream_timeout ?? params.timeout),
    cooldownMs: ms(params.cooldown_time),
  };
}

export const ROUTER_DEFAULTS = Object.freeze({
  routing_strategy: "least-busy" as RoutingStrategy,
  num_retries: 2,
  allowed_fails: 3,
  cooldown_time: 5,
  /** Longest upstream `retry-after` the router waits out; a longer one moves on (or is answered). */
  max_retry_wait: 10,
});

/** What the router reads per request, resolved once. */
export interface RouterPolicy {
  strategy: RoutingStrategy;
  numRetries: number;
  retryPolicy: RetryPolicy;
  minRetryWaitMs: number;
  maxRetryWaitMs: number;
  timeoutMs: number | undefined;
  streamTimeoutMs: number | undefined;
  allowedFails: number;
  cooldownMs: number;
  fallbacks: ReadonlyMap<string, readonly string[]>;
  contextWindowFallbacks: ReadonlyMap<string, readonly string[]>;
  contentPolicyFallbacks: ReadonlyMap<string, readonly string[]>;
  defaultFallbacks: readonly string[];
}

export function routerPolicy(settings: RouterSettings = {}): RouterPolicy {
  return {
    strategy: settings.routing_strategy ?? ROUTER_DEFAULTS.routing_strategy,
    numRetries: settings.num_retries ?? ROUTER_DEFAULTS.num_retries,
    retryPolicy: settings.retry_policy ?? {},
    minRetryWaitMs: ms(settings.retry_after) ?? 0,
    maxRetryWaitMs: ROUTER_DEFAULTS.max_retry_wait * 1000,
    timeoutMs: ms(settings.timeout),
    streamTimeoutMs: ms(settings.stream_timeout ?? settings.timeout),
    allowedFails: settings.allowed_fails ?? ROUTER_DEFAULTS.allowed_fails,
    cooldownMs: (settings.cooldown_time ?? ROUTER_DEFAULTS.cooldown_time) * 1000,
    fallbacks: fallbackMap(settings.fallbacks),
    contextWindowFallbacks: fallbackMap(settings.context_window_fallbacks),
    contentPolicyFallbacks: fallbackMap(settings.content_policy_fallbacks),
    defaultFallbacks: settings.default_fallbacks ?? [],
  };
}

/** Every model_name a fallback list names, with where it is named: hosts check them against model_list. */
export function fallbackReferences(settings: RouterSettings = {}): { path: (string | number)[]; model: string }[] {
  const out: { path: (string | number)[]; model: string }[] = [];
  for (const key of ["fallbacks", "context_window_fallbacks", "content_policy_fallbacks"] as const) {
    settings[key]?.forEach((entry, i) => {
      for (const [from, to] of Object.entries(entry)) {
        out.push({ path: [key, i, from], model: from });
        to.forEach((model, j) => out.push({ path: [key, i, from, j], model }));
      }
    });
  }
  settings.default_fallbacks?.forEach((model, i) => out.push({ path: ["default_fallbacks", i], model }));
  return out;
}

function fallbackMap(list: RouterSettings["fallbacks"]): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, string[]>();
  for (const entry of list ?? []) for (const [from, to] of Object.entries(entry)) map.set(from, [...(map.get(from) ?? []), ...to]);
  return map;
}

function ms(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}
