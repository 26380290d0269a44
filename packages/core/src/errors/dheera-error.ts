/**
 * The one error hierarchy of Dheera. Every error a provider, the SDK or the proxy raises is a
 * DheeraError (or is wrapped into one by `toOpenAIError`), so callers can rely on status, type,
 * code and param being present, exactly like the OpenAI error body.
 */

const MARKER = Symbol.for("dheera.error");

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error"
  | "api_error"
  | "timeout_error"
  | "api_connection_error"
  | (string & {});

export interface DheeraErrorOptions {
  status: number;
  type?: ErrorType;
  code?: string | null;
  param?: string | null;
  /** Provider id (`azure`) when the error came from or concerns a provider. */
  provider?: string;
  /** The upstream's request id (`apim-request-id`, `x-request-id`), for support tickets. */
  upstreamRequestId?: string;
  /** Headers worth forwarding to the client (`retry-after`, `retry-after-ms`). */
  headers?: Record<string, string>;
  /** The upstream's own error object, kept for callers who need its extra fields. */
  upstreamError?: unknown;
  cause?: unknown;
}

export class DheeraError extends Error {
  readonly [MARKER] = true;
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly provider: string | undefined;
  readonly upstreamRequestId: string | undefined;
  readonly headers: Record<string, string>;
  readonly upstreamError: unknown;

  constructor(message: string, options: DheeraErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.type = options.type ?? defaultTypeForStatus(options.status);
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.provider = options.provider;
    this.upstreamRequestId = options.upstreamRequestId;
    this.headers = options.headers ?? {};
    this.upstreamError = options.upstreamError;
  }

  /**
   * Whether the same request may succeed if sent again: the upstream was overloaded, failed,
   * timed out or could not be reached (408, 429, 5xx, connection and timeout errors). A request
   * the upstream refused as it is (other 4xx) is not. The router's `classifyFailure` retries
   * exactly these (by its `retry_policy`, per class), so the two never disagree.
   */
  get isRetryable(): boolean {
    return isRetryableError(this);
  }

  /** Works across duplicate copies of @dheera/core in one process (instanceof does not). */
  static isInstance(value: unknown): value is DheeraError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

// Not 409: a conflict is about state one deployment holds (a stored response still in use), so
// the router answers it as it is instead of counting it against the deployment's health.
const RETRYABLE_STATUSES = new Set([408, 429]);

/** `isRetryable` for any DheeraError, including one from another copy of @dheera/core. */
export function isRetryableError(err: Pick<DheeraError, "status" | "type">): boolean {
  if (err.type === "api_connection_error" || err.type === "timeout_error") return true;
  return RETRYABLE_STATUSES.has(err.status) || err.status >= 500;
}

export function defaultTypeForStatus(status: number): ErrorType {
  // OpenAI reports auth, permission and not-found failures as invalid_request_error with a
  // specific code (invalid_api_key, model_not_found); clients key off the status and code.
  if (status === 429) return "rate_limit_error";
  if (status === 504) return "timeout_error";
  if (status === 502) return "api_connection_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

type Opts = Omit<DheeraErrorOptions, "status"> & { status?: number };

/** 400: the caller sent something we cannot act on. */
export class InvalidRequestError extends DheeraError {
  constructor(message: string, options: Opts = {}) {
    super(message, { ...options, status: options.status ?? 400, type: options.type ?? "invalid_request_error" });
  }
}

/** 401 */
export class AuthenticationError extends DheeraError {
  constructor(message: string, options: Opts = {}) {
    super(message, { ...options, status: options.status ?? 401 });
  }
}

/** 404: unknown model, response id or route. */
export class NotFoundError extends DheeraError {
  constructor(message: string, options: Opts = {}) {
    super(message, { ...options, status: options.status ?? 404 });
  }
}

/** 429 */
export class RateLimitError extends DheeraError {
  constructor(message: string, options: Opts = {}) {
    super(message, { ...options, status: options.status ?? 429, type: options.type ?? "rate_limit_error" });
  }
}

/** Any non-2xx answer of an upstream, keeping its status. */
export class UpstreamError extends DheeraError {}

/** 502: the upstream could not be reached or broke the connection. */
export class UpstreamConnectionError extends DheeraError {
  constructor(message: string, options: Opts = {}) {
    super(message, { ...options, status: options.status ?? 502, type: "api_connection_error", code: options.code ?? "upstream_unreachable" });
  }
}

/** 504: the upstream did not answer within the configured timeout. */
export class UpstreamTimeoutError extends DheeraError {
  constructor(message: string, options: Opts = {}) {
    super(message, { ...options, status: options.status ?? 504, type: "timeout_error", code: options.code ?? "upstream_timeout" });
  }
}

/** A setting is missing or wrong (no api_base, no key): a user error, reported before any request. */
export class ConfigurationError extends DheeraError {
  constructor(message: string, options: Opts = {}) {
    super(message, { ...options, status: options.status ?? 400, type: options.type ?? "invalid_request_error", code: options.code ?? "configuration_error" });
  }
}

/** The model prefix names a provider whose package is not installed. */
export class ProviderNotInstalledError extends DheeraError {
  /** The first package name tried (the one to install). */
  readonly packageName: string;
  /** Every package name looked for, in order. */
  readonly packageNames: readonly string[];
  /**
   * `packageNames`: every name looked for, in order (default: just `packageName`). `configured`:
   * the name came from the host's config (config.yaml `providers:`, the SDK's `providerPackages`).
   */
  constructor(provider: string, packageName: string, options: Opts & { packageNames?: readonly string[]; configured?: boolean } = {}) {
    const { packageNames = [packageName], configured = false, ...rest } = options;
    super(notInstalledMessage(provider, packageNames, configured), {
      ...rest,
      status: rest.status ?? 400,
      code: "provider_not_installed",
      param: rest.param ?? "model",
      provider,
    });
    this.packageName = packageName;
    this.packageNames = packageNames;
  }
}

function notInstalledMessage(provider: string, names: readonly string[], configured: boolean): string {
  if (configured) return `Provider "${provider}" is not installed: its package ${names[0]} (named for it under providers) was not found. Run: npm install ${names[0]}`;
  if (names.length === 1) return `Provider "${provider}" is not installed. Run: npm install ${names[0]}`;
  return (
    `Provider "${provider}" is not installed: none of ${names.join(", ")} was found. Run: npm install ${names[0]}` +
    ` (or npm install ${names[names.length - 1]} for a community provider), or name the package that provides "${provider}" under providers in config.yaml (providerPackages in the SDK).`
  );
}

/** An operation the deployment does not serve (a chat-only provider asked for responses). */
export class UnsupportedOperationError extends DheeraError {
  constructor(message: string, options: Opts = {}) {
    super(message, { ...options, status: options.status ?? 400, code: options.code ?? "unsupported_operation" });
  }
}
