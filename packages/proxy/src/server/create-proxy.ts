import cluster from "node:cluster";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ProxyResponse } from "../http/proxy-response.js";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ProviderRegistry, Router, defaultTransport, type Transport } from "@dheera/core";
import { createCallReporting } from "../pipeline/call-reporting.js";
import { createBackgroundPricing } from "../pipeline/background-pricing.js";
import { openVirtualKeys } from "../keys/open-virtual-keys.js";
import { openLimitStore } from "../limits/open-limit-store.js";
import { shareCooldowns, type SharedCooldowns } from "../replicas/shared-cooldowns.js";
import { createAuthenticator } from "../auth/authenticator.js";
import { validateConfig, type Env, type LoadedConfig } from "../config/load-config.js";
import { createLogger, type Logger } from "../logging/logger.js";
import { collectSecrets, createRedactor } from "../logging/redact.js";
import { resolveDeployments } from "../config/resolve-deployments.js";
import { proxyRoutes } from "../routes/route-list.js";
import { VERSION } from "../version.js";
import { answerClientError, answerExpectationFailed } from "../http/client-error.js";
import { DEFAULT_MAX_JSON_DEPTH } from "../http/http-io.js";
import { createInFlight, createRequestHandler } from "../http/request-handler.js";
import { createRouteTable } from "../http/route-table.js";
import { serveWebSockets } from "../websocket/websocket-server.js";
import type { ProxyServices } from "../pipeline/services.js";
import { ProxyMetrics } from "../observability/proxy-metrics.js";
import { GROUP_METRICS_ENV, workerScrape } from "../observability/cluster-metrics.js";
import { budgetsLeft } from "../keys/budgets-left.js";
import { openTracing, tracingWanted, type Tracing } from "../observability/tracing.js";

export interface CreateProxyOptions {
  /** Environment for `os.environ/` references, provider fallbacks and DHEERA_AI_MASTER_KEY. Default process.env. */
  env?: Env;
  /** Provider lookup; a registry with explicitly registered plugins skips package discovery. */
  registry?: ProviderRegistry;
  transport?: Transport;
  logger?: Logger;
  /** Adds request/response bodies (secrets redacted) to the logs. */
  detailedDebug?: boolean;
}

export interface ListenAddress {
  host: string;
  port: number;
  url: string;
}

export interface DheeraProxy {
  readonly server: Server;
  /** The request listener, for mounting in another node:http server. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly modelNames: readonly string[];
  readonly logger: Logger;
  /** Port 0 picks a free port; the address says which. */
  listen(port?: number, host?: string): Promise<ListenAddress>;
  /**
   * Stops accepting connections, lets in-flight requests and streams finish (at most
   * `graceMs`, default general_settings.graceful_shutdown_timeout_seconds or 10 s), then cuts
   * what is left with an error event and closes every connection. Last, writes the spend rows
   * and logging payloads still queued (at most 5 s more) and closes the spend store.
   */
  shutdown(graceMs?: number): Promise<void>;
}

const MB = 1024 * 1024;
/** How long a shutdown waits for queued spend rows and webhook batches to be written. */
const FLUSH_ON_SHUTDOWN_MS = 5000;

/**
 * Builds the proxy from a config: validates it, finds each provider by model prefix, resolves
 * every deployment once, precomputes routes, auth and model list. Throws ConfigError (naming
 * file, line and key) when the config cannot serve.
 */
export async function createProxy(config: LoadedConfig | unknown, options: CreateProxyOptions = {}): Promise<DheeraProxy> {
  const env = options.env ?? process.env;
  const loaded = isLoaded(config) ? config : validateConfig(config, undefined, env);
  const { general_settings: general = {}, router_settings: routerSettings = {}, dheera_ai_settings: settings = {} } = loaded.config;
  const detailedDebug = options.detailedDebug ?? settings.detailed_debug ?? false;
  const logger = options.logger ?? createLogger({ detailedDebug });

  const registry = options.registry ?? new ProviderRegistry(searchRoots(loaded.file));
  if (loaded.config.providers) registry.usePackages(loaded.config.providers);
  const deployments = await resolveDeployments(loaded, {
    registry,
    transport: options.transport ?? defaultTransport(),
    env,
    warn: (message) => logger.warn({ warning: message }, "provider warning"),
  });
  // Cooldowns are shared with the other replicas once Redis is set up (below).
  let shared: SharedCooldowns | undefined;
  let metrics: ProxyMetrics | undefined;
  const router = new Router(deployments, routerSettings, {
    onCooldown: (target, until, reason) => {
      metrics?.cooldown(target, reason);
      shared?.publish(target.id, until, reason);
    },
  });

  const masterKey = general.master_key ?? (env.DHEERA_AI_MASTER_KEY || undefined);
  const redact = createRedactor([
    ...(masterKey ? [masterKey] : []),
    ...collectSecrets(loaded.config),
    ...urlSecrets(general.database_url),
    ...urlSecrets(general.redis_url ?? (env.REDIS_URL || undefined)),
  ]);
  const reporting = await createCallReporting(loaded, logger, redact);
  const keys = await openVirtualKeys(reporting.store, router.modelNames, logger, redact);
  const redisUrl = general.redis_url ?? (env.REDIS_URL || undefined);
  const limits = keys
    ? await openLimitStore({
        redisUrl,
        prefix: general.redis_key_prefix,
        failureMode: general.redis_failure_mode,
        warn: (message, fields) => logger.warn({ limits: { backend: "redis" }, ...(redact(fields ?? {}) as object) }, message),
        info: (message) => logger.info({ limits: { backend: "redis" } }, message),
      })
    : undefined;
  if (redisUrl !== undefined) {
    shared = await shareCooldowns(redisUrl, general.redis_key_prefix ?? "dheera:", () => router, (err) =>
      logger.debug({ err: { message: String(redact(err.message)) } }, "could not share a cooldown through Redis"),
    );
  }
  // Workers of --num_workers are separate processes: without Redis each counts limits alone.
  if (keys && redisUrl === undefined && cluster.isWorker && cluster.worker?.id === 1) {
    logger.warn({ limits: { backend: "memory" } }, "several workers without redis_url: each worker admits a virtual key's whole rate limit by itself; set redis_url for exact limits");
  }
  let draining = false;
  const inFlight = createInFlight();
  const budgetSources = keys && limits ? { cache: keys.admin.cache, store: keys.admin.store, limits } : undefined;
  metrics = new ProxyMetrics(
    {
      inFlight: () => inFlight.size,
      deployments: () => router.targets,
      ...(budgetSources ? { budgets: () => budgetsLeft(budgetSources.cache, budgetSources.store, budgetSources.limits) } : {}),
    },
    // A worker of `dheera_ai --num_workers N` answers a scrape for the whole group.
    cluster.isWorker && process.env[GROUP_METRICS_ENV] === "1" ? workerScrape : undefined,
  );
  const otel = settings.callbacks?.find((c) => c.type === "otel");
  const tracing: Tracing | undefined = tracingWanted(env, otel !== undefined)
    ? await openTracing({ endpoint: otel?.endpoint, headers: otel?.headers, serviceName: env.OTEL_SERVICE_NAME || "dheera-proxy", serviceVersion: VERSION }, env)
    : undefined;
  const services: ProxyServices = {
    router,
    auth: createAuthenticator(masterKey, () => keys?.identities),
    keys: keys?.admin,
    limits,
    logger,
    reporting,
    metrics,
    tracing,
    redact,
    redactText: (text) => redact(text) as string,
    detailedDebug,
    bodyLimitBytes: Math.round((general.max_request_body_size_mb ?? 10) * MB),
    maxJsonDepth: general.max_request_json_depth ?? DEFAULT_MAX_JSON_DEPTH,
    dropParams: settings.drop_params ?? false,
    startedAt: Math.floor(Date.now() / 1000),
    inFlight,
    backgroundPricing: createBackgroundPricing(reporting.store.sql),
    websocketMaxConnectionMs: (general.websocket_max_connection_minutes ?? 60) * 60_000,
    isDraining: () => draining,
  };

  const routeTable = createRouteTable(proxyRoutes(services, VERSION, { publicMetrics: settings.require_auth_for_metrics_endpoint === false }));
  const handler = createRequestHandler(services, routeTable, inFlight);
  const server = createServer(
    {
      // Timeouts are checked this often (Node's default, 30 s, would let a slow client hold a
      // connection up to 30 s past its limit).
      connectionsCheckingInterval: 1000,
      headersTimeout: (general.request_header_timeout_seconds ?? 30) * 1000,
      requestTimeout: (general.request_body_timeout_seconds ?? 60) * 1000,
      keepAliveTimeout: (general.keep_alive_timeout_seconds ?? 5) * 1000,
      // A request without Host is answered by the handler, in the OpenAI shape, not by Node's bare 400.
      requireHostHeader: false,
      // Headers set early leave with the head in one call (http/proxy-response.ts).
      ServerResponse: ProxyResponse,
    },
    handler,
  );
  server.maxConnections = general.max_connections ?? 16_384;
  const webSockets = serveWebSockets(server, services, routeTable);
  server.on("clientError", answerClientError);
  server.on("checkExpectation", answerExpectationFailed);
  const defaultGraceMs = (general.graceful_shutdown_timeout_seconds ?? 10) * 1000;
  let closing: Promise<void> | undefined;

  logger.info(
    {
      models: router.modelNames,
      deployments: deployments.map((d) => ({ model_name: d.modelName, model: d.reference, api_base: d.deployment.apiBase, id: d.id })),
      auth: services.auth.enabled ? (keys ? "master_key+virtual_keys" : "master_key") : "none",
      spend_store: { backend: reporting.store.backend, location: reporting.store.location },
      ...(limits ? { limits: limits.backend } : {}),
      callbacks: reporting.sinks.names,
      ...(tracing ? { tracing: redact(otel?.endpoint ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT) } : {}),
    },
    "config loaded",
  );
  if (!services.auth.enabled) {
    logger.warn(
      "no master key: this proxy is open, anyone who can reach it can call every model. Set general_settings.master_key or DHEERA_AI_MASTER_KEY.",
    );
  }

  return {
    server,
    handler,
    modelNames: router.modelNames,
    logger,
    listen(port = 4000, host = "0.0.0.0") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          resolve({ host, port: address.port, url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}` });
        });
      });
    },
    shutdown(graceMs = defaultGraceMs) {
      closing ??= (async () => {
        draining = true;
        webSockets.drain();
        const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<"expired">((resolve) => (timer = setTimeout(resolve, graceMs, "expired")));
        if ((await Promise.race([inFlight.idle(), expired])) === "expired") {
          logger.warn({ in_flight: inFlight.size, grace_ms: graceMs }, "grace period over; cutting in-flight requests");
          inFlight.abortAll();
          await Promise.race([inFlight.idle(), new Promise((r) => setTimeout(r, 1000).unref())]);
        }
        clearTimeout(timer);
        // Everything left is an idle keep-alive connection (or a WebSocket that did not close).
        webSockets.closeAll();
        server.closeAllConnections();
        await closed;
        keys?.admin.cache.stop();
        await Promise.all([reporting.close(FLUSH_ON_SHUTDOWN_MS), limits?.close(), shared?.close(), tracing?.shutdown().catch(() => undefined)]);
      })();
      return closing;
    },
  };
}

/** A database or Redis URL and its password, for the redactor: a connection error may echo either. */
function urlSecrets(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [url, password] : [url];
  } catch {
    return [url];
  }
}

function isLoaded(value: unknown): value is LoadedConfig {
  return typeof value === "object" && value !== null && "config" in value && "locator" in value;
}

/**
 * Providers are looked up from the config's folder, the working directory, the entry script's
 * folder and, last, this package's own folder (a global install keeps provider packages beside it).
 */
function searchRoots(file: string | undefined): string[] {
  const roots = [process.cwd()];
  if (file) roots.unshift(path.dirname(path.resolve(file)));
  if (process.argv[1]) roots.push(path.dirname(process.argv[1]));
  roots.push(path.dirname(fileURLToPath(import.meta.url)));
  return roots;
}
