import { ConfigurationError, modelInfoSchema, type LoggingPayload, type ModelInfo } from "@dheera/core";

/** A success or failure callback: receives the standard logging payload; what it returns is ignored. */
export type LogCallback = (payload: LoggingPayload) => unknown;

/** Success and failure callbacks, for one call (`callbacks`) or for every call (`addCallback`). */
export interface CallCallbacks {
  onSuccess?: LogCallback;
  onFailure?: LogCallback;
}

/** Options the SDK itself consumes; they never reach the upstream. */
export interface SdkCallOptions {
  /** Cancels the request (and an open stream). */
  signal?: AbortSignal;
  /** Callbacks for this call only, run after the instance's own. */
  callbacks?: CallCallbacks;
  /** Your data for this request, copied into the logging payload's `metadata` (the wire `metadata` parameter goes upstream). */
  dheera_metadata?: Record<string, unknown>;
  /** Pricing for this deployment: `base_model` for a custom deployment name, or prices that override the provider's. */
  model_info?: ModelInfo;
  /**
   * Further attempts after a failed one (0 to 20), with the router's rules: which failures are
   * worth another attempt, the upstream's retry-after, a jittered backoff otherwise.
   */
  num_retries?: number;
  /**
   * LiteLLM's `drop_params`: a parameter the deployment cannot carry (on a bridged
   * `azure/responses/...` model: `stop`, `seed`, `n`, ...) is dropped instead of refused with a 400.
   */
  drop_params?: boolean;
}

export const SDK_ONLY_KEYS = ["signal", "callbacks", "dheera_metadata", "model_info", "num_retries", "drop_params"] as const;

export interface ParsedSdkOptions {
  callbacks: CallCallbacks | undefined;
  metadata: Record<string, unknown>;
  modelInfo: ModelInfo | undefined;
  /** Absent or 0: the call is made once, on the plain path. */
  numRetries: number;
  dropParams: boolean;
}

/** The same bounds as `router_settings.num_retries`. */
const MAX_RETRIES = 20;

const CALLBACK_KEYS: ReadonlySet<string> = new Set(["onSuccess", "onFailure"]);

/**
 * Checks the SDK-only options the way strict schemas do: a misspelt callback name or a
 * malformed model_info is an error naming the key, not an option silently ignored. (No zod here:
 * the SDK's only runtime dependency is @dheera/core, whose model_info schema it reuses.)
 */
export function parseSdkOptions(params: Record<string, unknown>): ParsedSdkOptions {
  const callbacks = params.callbacks === undefined ? undefined : checkCallbacks(params.callbacks, "callbacks");
  const metadata = params.dheera_metadata;
  if (metadata !== undefined && !isPlainObject(metadata)) invalid("dheera_metadata", "expected an object");
  let modelInfo: ModelInfo | undefined;
  if (params.model_info !== undefined) {
    const result = modelInfoSchema.safeParse(params.model_info);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const path = ["model_info", ...issue.path, ...(issue.code === "unrecognized_keys" ? [issue.keys[0]] : [])].join(".");
      invalid(path, issue.message);
    }
    modelInfo = result.data;
  }
  const numRetries = params.num_retries;
  if (numRetries !== undefined && !(Number.isInteger(numRetries) && (numRetries as number) >= 0 && (numRetries as number) <= MAX_RETRIES)) {
    invalid("num_retries", `expected an integer from 0 to ${MAX_RETRIES}`);
  }
  if (params.drop_params !== undefined && typeof params.drop_params !== "boolean") invalid("drop_params", "expected a boolean");
  return {
    callbacks,
    metadata: { ...(metadata as Record<string, unknown> | undefined) },
    modelInfo,
    numRetries: (numRetries as number | undefined) ?? 0,
    dropParams: params.drop_params === true,
  };
}

/** Validates `{ onSuccess?, onFailure? }` (per call, or given to `addCallback`). */
export function checkCallbacks(value: unknown, name: string): CallCallbacks {
  if (!isPlainObject(value)) invalid(name, "expected an object with onSuccess and/or onFailure");
  for (const [key, fn] of Object.entries(value)) {
    if (!CALLBACK_KEYS.has(key)) invalid(`${name}.${key}`, "unknown callback (use onSuccess or onFailure)");
    if (fn !== undefined && typeof fn !== "function") invalid(`${name}.${key}`, "must be a function");
  }
  return value as CallCallbacks;
}

function invalid(key: string, message: string): never {
  throw new ConfigurationError(`Invalid SDK option '${key}': ${message}.`, { param: key });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
