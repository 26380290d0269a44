import { modelListEntrySchema, routerSettingsSchema } from "@dheera/core";
import { z } from "zod";

/*
 * The proxy's config.yaml. Strict objects everywhere a user types keys, so a typo such as
 * `api_bse` or `master_kye` is an error naming the key instead of a silently ignored line.
 * `model_list` entries and `router_settings` are core's schemas (the SDK's `createRouter` takes
 * the same shape). Provider settings inside `dheera_ai_params` are checked by the provider's own
 * schema later (the proxy does not know them); here they are only required to have a `model`.
 */

export const generalSettingsSchema = z.strictObject({
  /** Clients must send it as `Authorization: Bearer <key>` (or `api-key` / `x-api-key`). */
  master_key: z.string().min(1).optional(),
  /** Largest accepted request body, in MB (default 10). */
  max_request_body_size_mb: z.number().positive().max(1024).optional(),
  /** Arrays and objects in a request body nested deeper than this are refused with 400 (default 128). */
  max_request_json_depth: z.number().int().min(8).max(10_000).optional(),
  /** Seconds a client has to send a request's headers (default 30); then 408. */
  request_header_timeout_seconds: z.number().positive().max(3600).optional(),
  /** Seconds a client has to send a whole request, headers and body (default 60); then 408. */
  request_body_timeout_seconds: z.number().positive().max(3600).optional(),
  /** Seconds an idle keep-alive connection is kept open (default 5). */
  keep_alive_timeout_seconds: z.number().positive().max(3600).optional(),
  /** Connections open at once; more are refused (default 16384). */
  max_connections: z.number().int().min(1).max(1_000_000).optional(),
  /**
   * How long one Responses WebSocket connection may be used, in minutes (default 60, as OpenAI's).
   * A `response.create` after it is answered `websocket_connection_limit_reached` and the
   * connection is closed; clients open a new one.
   */
  websocket_max_connection_minutes: z.number().positive().max(24 * 60).optional(),
  /** How long SIGTERM waits for in-flight requests and streams, in seconds (default 10). */
  graceful_shutdown_timeout_seconds: z.number().nonnegative().max(3600).optional(),
  /**
   * The spend store's SQLite file (default `./dheera-spend.sqlite`, relative to the working
   * directory; `:memory:` keeps it in the process). Setting it together with database_url is
   * an error, so it is always clear which store is used.
   */
  spend_db_path: z.string().min(1).optional(),
  /** `postgresql://user:pass@host:5432/db`: the spend store in PostgreSQL, shared by several proxies. */
  database_url: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgresql:// URL")
    .optional(),
  /** How long spend rows wait in memory before they are written, ms (default 200). */
  spend_flush_interval_ms: z.number().int().min(10).max(60_000).optional(),
  /**
   * No spend store at all (LiteLLM's name): no rows are written, no database or worker thread is
   * started, and the /spend routes answer 404. Costs still go to the log line, the
   * `x-dheera-response-cost` header and the callbacks.
   */
  disable_spend_logs: z.boolean().optional(),
  /**
   * `redis://[:password@]host:6379[/db]` (or `rediss://`): virtual keys' rate limits, parallel
   * requests and budgets are counted in Redis, so every replica admits exactly the limit between
   * them. Without it (and without REDIS_URL) each process counts for itself.
   */
  redis_url: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, "must be a redis:// or rediss:// URL")
    .optional(),
  /** Prefix of every Redis key the proxy writes (default `dheera:`), so proxies can share a Redis. */
  redis_key_prefix: z.string().min(1).max(64).optional(),
  /**
   * When Redis cannot be reached: `fail_open` (default) admits with this process's own counters
   * until Redis is back; `fail_closed` refuses virtual keys' calls with 503 meanwhile.
   */
  redis_failure_mode: z.enum(["fail_open", "fail_closed"]).optional(),
}).check((ctx) => {
  const headers = ctx.value.request_header_timeout_seconds ?? 30;
  const whole = ctx.value.request_body_timeout_seconds ?? 60;
  if (headers > whole) {
    ctx.issues.push({
      code: "custom",
      path: [ctx.value.request_header_timeout_seconds !== undefined ? "request_header_timeout_seconds" : "request_body_timeout_seconds"],
      message: `request_header_timeout_seconds (${headers}) cannot be longer than request_body_timeout_seconds (${whole}), which counts the headers too`,
      input: ctx.value,
    });
  }
  if (ctx.value.spend_db_path !== undefined && ctx.value.database_url !== undefined) {
    ctx.issues.push({
      code: "custom",
      path: ["spend_db_path"],
      message: "set either spend_db_path (SQLite) or database_url (PostgreSQL), not both",
      input: ctx.value,
    });
  }
  if (ctx.value.disable_spend_logs === true) {
    for (const key of ["spend_db_path", "database_url", "spend_flush_interval_ms"] as const) {
      if (ctx.value[key] === undefined) continue;
      ctx.issues.push({
        code: "custom",
        path: [key],
        message: `disable_spend_logs is true, so ${key} would not be used: remove one of the two`,
        input: ctx.value,
      });
    }
  }
});

const stdoutCallbackSchema = z.strictObject({
  /** One JSON line per request on stdout: the standard logging payload. */
  type: z.literal("stdout"),
});

const webhookCallbackSchema = z.strictObject({
  /** POSTs JSON arrays of logging payloads to `url`, off the request path, with retries. */
  type: z.literal("webhook"),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  /** Sent with every POST (e.g. `Authorization: os.environ/HOOK_TOKEN`). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Payloads per POST (default 100). */
  batch_size: z.number().int().min(1).max(10_000).optional(),
  /** A partial batch is sent after this long, ms (default 1000). */
  flush_interval_ms: z.number().int().min(10).max(600_000).optional(),
  /** Payloads held while the receiver is slow or down; when full the oldest are dropped (default 10000). */
  max_queue: z.number().int().min(1).max(1_000_000).optional(),
  /** Further attempts for a batch after a 5xx, 429 or network error (default 3). */
  max_retries: z.number().int().min(0).max(20).optional(),
});

const otelCallbackSchema = z.strictObject({
  /**
   * OpenTelemetry traces over OTLP/HTTP (LiteLLM's `otel` callback). Without `endpoint`, the
   * standard OTEL_EXPORTER_OTLP_* variables say where (setting them alone also turns tracing on).
   */
  type: z.literal("otel"),
  /** The collector's OTLP/HTTP base URL, e.g. `http://otel-collector:4318` (`/v1/traces` is appended). */
  endpoint: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  /** Sent with every export (e.g. `Authorization: os.environ/OTEL_TOKEN`). */
  headers: z.record(z.string(), z.string()).optional(),
});

export const callbackSchema = z.discriminatedUnion("type", [stdoutCallbackSchema, webhookCallbackSchema, otelCallbackSchema], {
  error: (issue) => (issue.code === "invalid_union" ? 'type must be "stdout", "webhook" or "otel"' : undefined),
});

export const dheeraAiSettingsSchema = z.strictObject({
  /** Same as the `--detailed_debug` flag. */
  detailed_debug: z.boolean().optional(),
  /**
   * LiteLLM's `drop_params`: a parameter a deployment cannot carry (a chat parameter with no
   * Responses equivalent, on a bridged model) is dropped and named in `x-dheera-dropped-params`
   * instead of refused with a 400. A request's own `drop_params` wins.
   */
  drop_params: z.boolean().optional(),
  /**
   * LiteLLM's name. `GET /metrics` needs the master key unless this is false (then anyone who can
   * reach the port may scrape: keep the port private). Default true.
   */
  require_auth_for_metrics_endpoint: z.boolean().optional(),
  /** Where every request's logging payload goes besides the spend store. */
  callbacks: z.array(callbackSchema).optional(),
});

/**
 * Model prefix -> the npm package that provides it, for provider packages outside the
 * conventions (`@dheera/<prefix>`, `dheera-provider-<prefix>`): `acme: "@acme/dheera-provider"`.
 */
export const providerPackagesSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "a provider prefix is lower-case letters, digits, '.', '_' and '-'"),
  z.string().regex(/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/, "must be an npm package name"),
);

export const proxyConfigSchema = z.strictObject({
  model_list: z.array(modelListEntrySchema).min(1, "needs at least one model"),
  providers: providerPackagesSchema.optional(),
  general_settings: generalSettingsSchema.optional(),
  router_settings: routerSettingsSchema.optional(),
  dheera_ai_settings: dheeraAiSettingsSchema.optional(),
});

export type ProxyConfig = z.infer<typeof proxyConfigSchema>;
export type ModelEntry = z.infer<typeof modelListEntrySchema>;
export type GeneralSettings = z.infer<typeof generalSettingsSchema>;
export type CallbackConfig = z.infer<typeof callbackSchema>;
export type WebhookCallbackConfig = z.infer<typeof webhookCallbackSchema>;
export type OtelCallbackConfig = z.infer<typeof otelCallbackSchema>;
