import { DheeraError, defaultTypeForStatus } from "./dheera-error.js";

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface OpenAIErrorResult {
  status: number;
  body: OpenAIErrorBody;
  /** Headers to send with the error (retry-after and friends). */
  headers: Record<string, string>;
}

/**
 * The single place any thrown value becomes the OpenAI error body and its HTTP status.
 * Unknown errors become a 500 whose message does not echo internals (they may hold secrets).
 */
export function toOpenAIError(err: unknown): OpenAIErrorResult {
  if (DheeraError.isInstance(err)) {
    // Read defensively: the error may come from another copy of @dheera/core, or be a
    // structural copy (`{ ...err }` loses the non-enumerable `message`).
    const status = Number.isInteger(err.status) && err.status >= 400 && err.status <= 599 ? err.status : 500;
    return {
      status,
      headers: { ...err.headers },
      body: {
        error: {
          message: typeof err.message === "string" && err.message !== "" ? err.message : "The request failed.",
          type: typeof err.type === "string" ? err.type : defaultTypeForStatus(status),
          param: err.param ?? null,
          code: err.code ?? null,
        },
      },
    };
  }
  if (isAbortError(err)) {
    return {
      status: 499,
      headers: {},
      body: { error: { message: "The request was aborted by the client.", type: "invalid_request_error", param: null, code: "request_aborted" } },
    };
  }
  if (isTimeoutError(err)) {
    // `AbortSignal.timeout()` given as a call's signal: the caller's own deadline ran out.
    return {
      status: 504,
      headers: {},
      body: { error: { message: "The request timed out.", type: "timeout_error", param: null, code: "request_timeout" } },
    };
  }
  return {
    status: 500,
    headers: {},
    body: { error: { message: "Internal server error", type: "server_error", param: null, code: "internal_error" } },
  };
}

export function isAbortError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { name?: string }).name === "AbortError";
}

/** The DOMException `AbortSignal.timeout()` aborts with. */
export function isTimeoutError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { name?: string }).name === "TimeoutError";
}
