import type { Router } from "@dheera/core";
import type { CallReporting } from "./call-reporting.js";
import type { Authenticator } from "../auth/authenticator.js";
import type { KeyAdmin } from "../keys/key-admin.js";
import type { LimitStore } from "../limits/limit-store.js";
import type { Logger } from "../logging/logger.js";
import type { ProxyMetrics } from "../observability/proxy-metrics.js";
import type { Tracing } from "../observability/tracing.js";
import type { InFlight } from "../http/request-handler.js";
import type { BackgroundPricing } from "./background-pricing.js";

/** What route handlers share; built once at start-up. */
export interface ProxyServices {
  readonly router: Router;
  readonly auth: Authenticator;
  /** Virtual keys and teams (absent when spend logs are disabled: keys live in that database). */
  readonly keys: KeyAdmin | undefined;
  /** The counters of virtual keys' rate limits and budgets. */
  readonly limits: LimitStore | undefined;
  readonly logger: Logger;
  /** Logging payloads to the callbacks and spend rows to the store, for every model call. */
  readonly reporting: CallReporting;
  /** Prometheus metrics of every request and model call. */
  readonly metrics: ProxyMetrics | undefined;
  /** OpenTelemetry spans, when configured (otherwise nothing of it is loaded). */
  readonly tracing: Tracing | undefined;
  /** Removes secrets from a value before it is logged. */
  readonly redact: (value: unknown) => unknown;
  /** `redact` for a text: every known secret in it replaced. */
  readonly redactText: (text: string) => string;
  readonly detailedDebug: boolean;
  readonly bodyLimitBytes: number;
  readonly maxJsonDepth: number;
  /** dheera_ai_settings.drop_params: the default of a request's `drop_params`. */
  readonly dropParams: boolean;
  /** Unix seconds of start-up, the `created` of /v1/models entries. */
  readonly startedAt: number;
  /** Bills each background response once, on the first sight of its completion. */
  readonly backgroundPricing: BackgroundPricing;
  /** Requests (and WebSocket turns) in flight, which a drain waits for. */
  readonly inFlight: InFlight;
  /** general_settings.websocket_max_connection_minutes, in ms. */
  readonly websocketMaxConnectionMs: number;
  /** True once SIGTERM started the drain (readiness answers 503). */
  isDraining(): boolean;
}
